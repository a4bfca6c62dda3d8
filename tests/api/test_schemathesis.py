"""Property-based checks of the whole API against its own OpenAPI document, as a client would see it.

Schemathesis generates requests from the schema (valid and invalid ones) for every operation and
checks that no answer is a 5xx, that every status code is documented, and that every body matches
the schema documented for its status. The app runs on an embedded store seeded with a small world.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.keys import KeyRing
from ingest.loader import ingest_paths
from tests.api.conftest import neo4j_settings, settings_for

ADMIN_KEY: dict[str, str] = {}
#: Ids that exist in the seeded world, so that the analyses answer 200 too, not only 404.
REAL_IDS: dict[str, str] = {}
#: Generated requests per operation; about a minute for the whole API on a 2-core machine.
EXAMPLES_PER_OPERATION = 25


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def api_schema(
    request: pytest.FixtureRequest, tmp_path: Path, world_dir: Path
) -> Iterator[schemathesis.BaseSchema]:
    """The app on each store, seeded with the world; on Neo4j the Cypher console answers too."""
    home = tmp_path / "home"
    if request.param == "embedded":
        from graph.stores.embedded import EmbeddedStore

        store = EmbeddedStore(tmp_path / "store")
        ingest_paths([world_dir], store, progress=False)
        store.close()
        app = create_app(settings_for(home), store_override=str(tmp_path / "store"))
    else:
        neo4j_store = request.getfixturevalue("neo4j_store")
        ingest_paths([world_dir], neo4j_store, progress=False)
        app = create_app(neo4j_settings(home, request.getfixturevalue("neo4j_connection")))
    ADMIN_KEY["X-API-Key"] = KeyRing.for_home(home).create("schemathesis", "admin")
    with TestClient(app):  # runs the lifespan: the app keeps its store while schemathesis calls it
        runtime = app.state.runtime
        account = runtime.store.list_accounts(limit=1).data[0]
        graph = runtime.store.account_graph(account.id)
        REAL_IDS.update(
            account_id=account.id,
            deal_id=next(d.id for d in graph.deals if d.status is None or d.status.value == "open"),
            person_id=graph.people[0].id,
            rep_id=runtime.store.list_reps(limit=1).data[0].rep.id,
        )
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_api_conforms_to_its_openapi_document(api_schema: schemathesis.BaseSchema) -> None:
    """Every operation, with generated valid and invalid inputs, sent with an admin key."""
    failures: list[str] = []
    operations = 0
    statuses: set[int] = set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        # Pass 1: ids as generated (mostly unknown: 404s); pass 2: ids that exist (the analyses run).
        real_id_pass = [False]
        if operation.path_parameters and operation.method.upper() == "GET":
            real_id_pass.append(True)
        for use_real_ids in real_id_pass:
            try:
                _checker(operation, use_real_ids, statuses)()
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert operations >= 15
    assert {200, 404, 422} <= statuses


def _checker(operation: Any, use_real_ids: bool, statuses: set[int]) -> Callable[[], None]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        if use_real_ids and case.path_parameters:
            case.path_parameters = {k: REAL_IDS.get(k, v) for k, v in case.path_parameters.items()}
        response = case.call_and_validate(headers=dict(ADMIN_KEY), checks=CHECKS)
        statuses.add(response.status_code)

    return check  # type: ignore[no-any-return]
