"""API keys: stored hashed, shown once, scoped (admin ⊇ write ⊇ read), revocable while the server runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app as cli_app
from api.keys import KEY_PREFIX, KeyRing, Scope
from graph.errors import InvalidInputError, NotFoundError
from tests.api.conftest import ApiEnv

#: (method, path, the scope it needs)
PROTECTED = [
    ("GET", "/api/v1/accounts", "read"),
    ("GET", "/api/v1/accounts/x/key-people", "read"),
    ("GET", "/api/v1/deals/x/gaps", "read"),
    ("GET", "/api/v1/people/x/warm-paths", "read"),
    ("POST", "/api/v1/ingest", "write"),
    ("GET", "/api/v1/ingest/jobs/x", "write"),
    ("DELETE", "/api/v1/people/x", "admin"),
    ("POST", "/api/v1/cypher", "admin"),
]
RANK = {"read": 0, "write": 1, "admin": 2}


def test_keyring_stores_only_hashes(tmp_path: Path) -> None:
    ring = KeyRing.for_home(tmp_path)
    plaintext = ring.create("crm-plugin", "write")
    assert plaintext.startswith(KEY_PREFIX) and len(plaintext) >= len(KEY_PREFIX) + 40
    stored = (tmp_path / "keys.json").read_text()
    assert plaintext not in stored and plaintext[len(KEY_PREFIX) :] not in stored
    [key] = json.loads(stored)["keys"]
    assert key["name"] == "crm-plugin" and key["scope"] == "write" and len(key["sha256"]) == 64
    assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0
    verified = ring.verify(plaintext)
    assert verified is not None and verified.scope is Scope.WRITE
    assert ring.verify(plaintext + "x") is None
    assert ring.verify("not-a-key") is None


def test_keyring_refuses_bad_names_scopes_and_duplicates(tmp_path: Path) -> None:
    ring = KeyRing.for_home(tmp_path)
    ring.create("a", "read")
    with pytest.raises(InvalidInputError, match="exists"):
        ring.create("a", "admin")
    with pytest.raises(InvalidInputError, match="scope"):
        ring.create("b", "root")
    with pytest.raises(InvalidInputError, match="name"):
        ring.create("  ", "read")
    with pytest.raises(NotFoundError):
        ring.revoke("nobody")


def test_keys_command_creates_lists_and_revokes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings

    monkeypatch.setenv("BUYERGRAPH_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        created = runner.invoke(cli_app, ["keys", "create", "dashboards", "--scope", "admin"])
        assert created.exit_code == 0, created.output
        plaintext = created.stdout.strip().splitlines()[0]
        assert plaintext.startswith(KEY_PREFIX)
        listed = runner.invoke(cli_app, ["keys", "list", "--json"])
        [entry] = json.loads(listed.stdout)
        assert entry["name"] == "dashboards" and entry["scope"] == "admin" and entry["revoked_at"] is None
        assert "sha256" not in entry and plaintext not in listed.stdout
        table = runner.invoke(cli_app, ["keys", "list"])
        assert "dashboards" in table.stdout and "active" in table.stdout
        revoked = runner.invoke(cli_app, ["keys", "revoke", "dashboards"])
        assert revoked.exit_code == 0 and "revoked" in revoked.stdout
        assert KeyRing.for_home(tmp_path).verify(plaintext) is None
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(("method", "path", "needed"), PROTECTED)
def test_no_key_is_401_and_a_weaker_scope_is_403(
    embedded_env: ApiEnv, method: str, path: str, needed: str
) -> None:
    client = embedded_env.client
    missing = client.request(method, path)
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert "WWW-Authenticate" in missing.headers
    wrong = client.request(method, path, headers={"X-API-Key": KEY_PREFIX + "x" * 43})
    assert wrong.status_code == 401
    for scope, rank in RANK.items():
        response = client.request(method, path, headers=embedded_env.headers(scope))
        if rank < RANK[needed]:
            assert response.status_code == 403, (scope, response.text)
            assert needed in response.json()["detail"]
        else:
            assert response.status_code not in (401, 403), (scope, response.text)


def test_bearer_is_accepted_and_a_key_in_a_cookie_is_not(embedded_env: ApiEnv) -> None:
    """Browsers hold a page session, never a key: a key in a cookie signs nobody in."""
    key = embedded_env.keys["read"]
    client = embedded_env.client
    assert client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    for name in ("buyergraph_key", "buyergraph_session"):
        client.cookies.set(name, key)
        try:
            assert client.get("/api/v1/accounts").status_code == 401
        finally:
            client.cookies.clear()


def test_a_revoked_key_stops_working_in_a_running_server(embedded_env: ApiEnv) -> None:
    assert embedded_env.get("/api/v1/accounts").status_code == 200
    KeyRing.for_home(embedded_env.settings.home).revoke("test-read")
    response = embedded_env.get("/api/v1/accounts")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_health_is_open_and_reports_the_store(api: ApiEnv) -> None:
    response = api.client.get("/health")
    assert response.status_code == 200
    assert response.json()["store"] == {"backend": api.backend, "reachable": True}
    assert response.json()["status"] == "ok"


def test_the_key_check_runs_on_the_event_loop() -> None:
    """The key check is a coroutine (no thread-pool hop per request); it only reads keys.json."""
    import inspect

    from api.deps import require_scope

    for scope in Scope:
        assert inspect.iscoroutinefunction(require_scope(scope))


def _last_used(home: Path, name: str) -> str | None:
    doc = json.loads((home / "keys.json").read_text())
    [key] = [k for k in doc["keys"] if k["name"] == name]
    used: str | None = key["last_used"]
    return used


def test_a_request_records_when_its_key_was_last_used(embedded_env: ApiEnv) -> None:
    """The write is done in a worker thread after the check, at most once a minute per key."""
    import time

    home = embedded_env.settings.home
    assert _last_used(home, "test-read") is None
    assert embedded_env.get("/api/v1/accounts").status_code == 200
    deadline = time.monotonic() + 10
    while _last_used(home, "test-read") is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _last_used(home, "test-read") is not None
    assert _last_used(home, "test-write") is None
    stamp = (home / "keys.json").stat().st_mtime_ns
    assert embedded_env.get("/api/v1/accounts").status_code == 200
    time.sleep(0.2)
    assert (home / "keys.json").stat().st_mtime_ns == stamp  # not again within the minute


def test_a_failing_last_used_write_does_not_fail_the_request(
    embedded_env: ApiEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from api.shared_file import SharedJsonFile

    calls: list[int] = []

    def broken(self: object, doc: object) -> None:
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(SharedJsonFile, "write", broken)
    response = embedded_env.get("/api/v1/accounts")
    assert response.status_code == 200, response.text
    deadline = time.monotonic() + 10
    while not calls and time.monotonic() < deadline:
        time.sleep(0.02)
    assert calls  # the write was tried, failed, and the answer was sent all the same
    assert _last_used(embedded_env.settings.home, "test-read") is None


def test_a_key_file_read_never_pairs_a_new_stamp_with_an_old_document(tmp_path: Path) -> None:
    """keys.json is read without a lock (from the event loop and from threads): under concurrent
    revokes and reads, once a revoke returned, every later lookup refuses the key."""
    import threading

    ring = KeyRing.for_home(tmp_path)
    plaintexts = [ring.create(f"k{i}", "read") for i in range(20)]
    stop = threading.Event()
    errors: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            for plaintext in plaintexts:
                ring.find(plaintext)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        writer = KeyRing.for_home(tmp_path)  # another process's view: only the file is shared
        for i, plaintext in enumerate(plaintexts):
            writer.revoke(f"k{i}")
            if ring.find(plaintext) is not None:
                errors.append(f"k{i} still accepted after its revoke")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert all(ring.find(p) is None for p in plaintexts)
