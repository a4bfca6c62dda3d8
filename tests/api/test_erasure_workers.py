"""Erasure with `buyergraph serve --workers 2`: once a DELETE answers, no worker answers with the
person from its cache, the erasure's audit line reaches the server's output from the worker that did
it, and an account that existed only because of the person's e-mail domain is gone too."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from tests.api.conftest import AS_OF
from tests.serving import ServeProcess, create_key

SOLO_NAME = "Quinby Soloerasable"
SOLO_EMAIL = "quinby@quinby-solo.io"
SOLO_ACCOUNT = "domain-quinby-solo.io"
ROUNDS = 24


def _solo_bundle(folder: Path) -> Path:
    """One person with no company whose e-mail domain no company has: ingest creates an account for it."""
    folder.mkdir(parents=True)
    (folder / "people.csv").write_text(f"id,name,email,title\nsolo-1,{SOLO_NAME},{SOLO_EMAIL},Owner\n")
    return folder


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, world_dir: Path
) -> Iterator[tuple[dict[str, str], list[str]]]:
    """(environment, leading CLI arguments) of a store holding the world and the solo person."""
    env = {**os.environ, "BUYERGRAPH_HOME": str(tmp_path / "home")}
    env.pop("NEO4J_URI", None)
    paths = [world_dir, _solo_bundle(tmp_path / "solo")]
    if request.param == "embedded":
        store_dir = tmp_path / "store"
        with EmbeddedStore(store_dir) as store:
            ingest_paths(paths, store, progress=False)
        yield env, ["--store", str(store_dir)]
        return
    neo4j_store: GraphStore = request.getfixturevalue("neo4j_store")
    uri, user, password, database = request.getfixturevalue("neo4j_connection")
    ingest_paths(paths, neo4j_store, progress=False)
    env.update(NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
    yield env, []


def _many(base: str, key: str, path: str) -> list[httpx.Response]:
    """ROUNDS requests, each on a new connection, so that both workers answer some of them."""
    answers = []
    for _ in range(ROUNDS):
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            answers.append(client.get(path, params={"as_of": str(AS_OF)}))
    return answers


def test_an_erasure_is_effective_in_every_worker_at_once(backend: tuple[dict[str, str], list[str]]) -> None:
    env, args = backend
    read, admin = create_key(env, "erasure-read", "read"), create_key(env, "erasure-admin", "admin")
    server = ServeProcess(
        env, before_serve=args, workers=2, timeout_s=60, stop_timeout_s=60, healthy_statuses=(200, 503)
    )
    with server:
        base = server.base
        with httpx.Client(base_url=base, headers={"X-API-Key": read}, timeout=60) as client:
            account_id = client.get("/api/v1/accounts", params={"limit": 1}).json()["data"][0]["id"]
            ranked = client.get(f"/api/v1/accounts/{account_id}/key-people", params={"as_of": str(AS_OF)})
            victim = ranked.json()["data"][0]
            assert ranked.text.count(victim["name"]) == 1
            victim_email = client.get(f"/api/v1/people/{victim['person_id']}").json()["person"]["email"]
            assert client.get(f"/api/v1/accounts/{SOLO_ACCOUNT}").status_code == 200
        account_path = f"/api/v1/accounts/{account_id}/key-people"
        solo_path = f"/api/v1/accounts/{SOLO_ACCOUNT}/key-people"
        # Warm both workers' caches on both people.
        assert all(victim["name"] in a.text for a in _many(base, read, account_path))
        assert all(SOLO_NAME in a.text for a in _many(base, read, solo_path))

        with httpx.Client(base_url=base, headers={"X-API-Key": admin}, timeout=60) as client:
            for person_id in (victim["person_id"], "solo-1"):
                erased = client.delete(f"/api/v1/people/{person_id}")
                assert erased.status_code == 200, erased.text
            assert erased.json()["removed_nodes"].get("Company") == 1  # the solo person's domain account

        after = _many(base, read, account_path)
        assert [a.status_code for a in after] == [200] * ROUNDS
        leaks = [a.text for a in after if victim["name"] in a.text or (victim_email or "\0") in a.text]
        assert not leaks, "a worker answered with the erased person's name or e-mail from its cache"
        solo_after = _many(base, read, solo_path)
        assert [a.status_code for a in solo_after] == [404] * ROUNDS
        assert not [a.text for a in solo_after if SOLO_NAME in a.text or SOLO_EMAIL in a.text]
        with httpx.Client(base_url=base, headers={"X-API-Key": read}, timeout=60) as client:
            listed = client.get("/api/v1/accounts", params={"search": "quinby-solo", "limit": 50}).json()
            assert listed["count"] == 0
    output = server.stop()
    audit = [line for line in output.splitlines() if "erasure by key 'erasure-admin'" in line]
    assert len(audit) == 2, output[-3000:]
    for secret in (
        victim["person_id"],
        victim["name"],
        victim_email,
        "solo-1",
        SOLO_NAME,
        SOLO_EMAIL,
        read,
        admin,
    ):
        if secret:
            assert secret not in output
