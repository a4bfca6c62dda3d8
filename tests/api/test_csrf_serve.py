"""Page sessions and CSRF on a real `buyergraph serve`: a cookie is an ambient credential, so another
origin (another port on the same host is same-site, so SameSite alone does not stop it) must not be
able to sign a browser in, nor write with the browser's cookie."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from tests.serving import BUYERGRAPH, ServeProcess, create_key

FOREIGN = "http://127.0.0.1:9999"
NEW_PERSON_CSV = "id,name,email,title\ncsrf-p1,Casey Forged,casey@forged.example,CFO\n"


@dataclass
class Served:
    base: str
    home: Path
    store_dir: Path
    keys: dict[str, str]
    env: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, world_dir: Path) -> Iterator[Served]:
    """One server for the module (the last test revokes a key)."""
    tmp_path = tmp_path_factory.mktemp("csrf-serve")
    store_dir = tmp_path / "store"
    with EmbeddedStore(store_dir) as store:
        ingest_paths([world_dir], store, progress=False)
    home = tmp_path / "home"
    env = {**os.environ, "BUYERGRAPH_HOME": str(home)}
    env.pop("NEO4J_URI", None)
    keys = {scope: create_key(env, f"csrf-{scope}", scope) for scope in ("read", "write", "admin")}
    with ServeProcess(env, before_serve=["--store", str(store_dir)]) as server:
        yield Served(server.base, home, store_dir, keys, env)
    for key in keys.values():
        assert key not in server.stop()


def _sign_in(client: httpx.Client, key: str, origin: str | None = None) -> httpx.Response:
    """Open the login form (its token and cookie), then post it from `origin` (default: the server's)."""
    form = client.get("/login")
    assert form.status_code == 200
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    data = {"api_key": key, "next": "/"}
    if token:
        data["login_token"] = token.group(1)
    return client.post("/login", data=data, headers={"Origin": origin or str(client.base_url).rstrip("/")})


def _people(served: Served) -> set[str]:
    ids: set[str] = set()
    with EmbeddedStore(served.store_dir) as store:
        while True:
            page = store.list_people(offset=len(ids), limit=500)
            ids |= {p.id for p in page.data}
            if len(ids) >= page.count or not page.data:
                return ids


def _is_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers


def test_the_cookie_holds_a_session_not_the_key(served: Served) -> None:
    with httpx.Client(base_url=served.base, timeout=30) as browser:
        signed = _sign_in(browser, served.keys["read"])
        assert signed.status_code == 303, signed.text
        set_cookie = signed.headers["set-cookie"]
        assert served.keys["read"] not in set_cookie
        session = browser.cookies.get("buyergraph_session")
        assert session and not session.startswith("bg_")
        assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie and "Path=/" in set_cookie
        assert all(served.keys["read"] not in value for value in browser.cookies.values())
        # The server keeps only a hash of the session.
        stored = (served.home / "sessions.json").read_text()
        assert session not in stored and "csrf-read" in stored
        page = browser.get("/")
        assert page.status_code == 200
        assert re.search(r'<meta name="csrf-token" content="[0-9a-f]{64}">', page.text)


def test_login_from_a_foreign_origin_is_refused(served: Served) -> None:
    with httpx.Client(base_url=served.base, timeout=30) as browser:
        refused = _sign_in(browser, served.keys["read"], origin=FOREIGN)
        assert refused.status_code == 403
        assert "buyergraph_session" not in browser.cookies
    with httpx.Client(base_url=served.base, timeout=30) as attacker:
        # A forged form without the login form's own token and cookie, even from the right origin.
        forged = attacker.post(
            "/login", data={"api_key": served.keys["read"], "next": "/"}, headers={"Origin": served.base}
        )
        assert forged.status_code == 403 and "buyergraph_session" not in attacker.cookies


def test_admin_keys_cannot_sign_in_to_the_pages(served: Served) -> None:
    with httpx.Client(base_url=served.base, timeout=30) as browser:
        refused = _sign_in(browser, served.keys["admin"])
        assert refused.status_code == 403
        assert "command line" in refused.text and "buyergraph_session" not in browser.cookies


def test_cookie_writes_from_a_foreign_origin_change_nothing(served: Served) -> None:
    before = _people(served)
    victim_id = sorted(before)[0]
    with httpx.Client(base_url=served.base, timeout=30) as browser:
        assert _sign_in(browser, served.keys["write"]).status_code == 303
        token = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/").text)
        assert token
        upload = {"files": ("people.csv", NEW_PERSON_CSV.encode(), "text/csv")}
        # Another port on the same host, with the cookie the browser attaches on its own.
        _is_problem(browser.post("/api/v1/ingest", files=upload, headers={"Origin": FOREIGN}), 403)
        _is_problem(browser.delete(f"/api/v1/people/{victim_id}", headers={"Origin": FOREIGN}), 403)
        # Even with a stolen token, a foreign origin is refused; a Referer from elsewhere too.
        stolen = {"Origin": FOREIGN, "X-CSRF-Token": token.group(1)}
        _is_problem(browser.post("/api/v1/ingest", files=upload, headers=stolen), 403)
        _is_problem(browser.post("/api/v1/ingest", files=upload, headers={"Referer": FOREIGN + "/evil"}), 403)
        # No Origin and no Referer: refused as well.
        _is_problem(browser.post("/api/v1/ingest", files=upload), 403)
        # Same origin without the token: refused.
        _is_problem(browser.post("/api/v1/ingest", files=upload, headers={"Origin": served.base}), 403)
        assert _people(served) == before
        # Same origin with the token: the page's own write goes through.
        ok = browser.post(
            "/api/v1/ingest",
            files=upload,
            headers={"Origin": served.base, "X-CSRF-Token": token.group(1)},
        )
        assert ok.status_code == 200, ok.text
        assert _people(served) == before | {"csrf-p1"}
    # API clients with the key in a header are not ambient credentials: no token, no Origin needed.
    with httpx.Client(base_url=served.base, timeout=30) as api:
        erased = api.delete(f"/api/v1/people/{victim_id}", headers={"X-API-Key": served.keys["admin"]})
        assert erased.status_code == 200, erased.text


def test_logout_ends_the_session_on_the_server(served: Served) -> None:
    with httpx.Client(base_url=served.base, timeout=30) as browser:
        assert _sign_in(browser, served.keys["read"]).status_code == 303
        session = browser.cookies["buyergraph_session"]
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text)
        assert token
        # A foreign page cannot sign the browser out.
        assert browser.post("/logout", headers={"Origin": FOREIGN}).status_code == 403
        assert browser.get("/api/v1/accounts").status_code == 200
        out = browser.post("/logout", data={"csrf_token": token.group(1)}, headers={"Origin": served.base})
        assert out.status_code == 303
    # The old cookie, replayed, no longer signs anybody in.
    with httpx.Client(base_url=served.base, timeout=30, cookies={"buyergraph_session": session}) as replay:
        _is_problem(replay.get("/api/v1/accounts"), 401)


def test_revoking_the_key_ends_its_sessions(served: Served) -> None:
    with httpx.Client(base_url=served.base, timeout=30) as browser:
        assert _sign_in(browser, served.keys["read"]).status_code == 303
        assert browser.get("/api/v1/accounts").status_code == 200
        subprocess.run(
            [str(BUYERGRAPH), "keys", "revoke", "csrf-read"], env=served.env, check=True, capture_output=True
        )
        _is_problem(browser.get("/api/v1/accounts"), 401)
