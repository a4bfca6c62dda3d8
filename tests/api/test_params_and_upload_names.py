"""Parameters the OpenAPI document states and the server holds to: `as_of` days, page sizes, upload names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import AS_OF, ApiEnv, embedded_app

MAX_PAGE_SIZE = 150


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, world_dir: Path) -> Iterator[ApiEnv]:
    with embedded_app(tmp_path_factory.mktemp("params"), world_dir, max_page_size=MAX_PAGE_SIZE) as env:
        yield env


def _account_id(env: ApiEnv) -> str:
    account_id: str = env.get("/api/v1/accounts", params={"limit": 1}).json()["data"][0]["id"]
    return account_id


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert "Traceback" not in response.text
    return body


@pytest.mark.parametrize(
    "as_of", ["0", "1700000000", "1700000000.5", "20260630", "2026-W26-1", "2026-6-30", "٢٠٢٦-٠٦-٣٠"]
)
def test_as_of_takes_only_an_iso_day(env: ApiEnv, as_of: str) -> None:
    """Numbers were read as Unix timestamps (as_of=0 analysed 1970-01-01); only YYYY-MM-DD is a day."""
    account_id = _account_id(env)
    for path in (f"/api/v1/accounts/{account_id}/key-people", f"/api/v1/accounts/{account_id}/graph"):
        problem = _problem(env.get(path, params={"as_of": as_of}), 422)
        assert "as_of" in problem["detail"] and "YYYY-MM-DD" in problem["detail"]
        assert [p["name"] for p in problem["invalid_params"]] == ["query:as_of"]


@pytest.mark.parametrize("as_of", ["1899-12-31", "3000-01-01", "2026-02-30"])
def test_as_of_out_of_range_or_no_such_day_is_refused(env: ApiEnv, as_of: str) -> None:
    problem = _problem(
        env.get(f"/api/v1/accounts/{_account_id(env)}/key-people", params={"as_of": as_of}), 422
    )
    assert "as_of" in problem["detail"]


def test_as_of_iso_day_is_analysed(env: ApiEnv) -> None:
    answer = env.get(f"/api/v1/accounts/{_account_id(env)}/key-people", params={"as_of": AS_OF.isoformat()})
    assert answer.status_code == 200, answer.text
    assert answer.json()["as_of"] == AS_OF.isoformat()
    assert env.get(f"/api/v1/accounts/{_account_id(env)}/key-people").status_code == 200


def _parameter(openapi: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    [parameter] = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name]
    return parameter


def test_openapi_states_the_as_of_range_and_the_page_size_maximum(env: ApiEnv) -> None:
    openapi = env.client.get("/openapi.json").json()
    as_of_paths = [
        path
        for path, operations in openapi["paths"].items()
        if any(p["name"] == "as_of" for p in operations.get("get", {}).get("parameters", []))
    ]
    assert len(as_of_paths) >= 8
    for path in as_of_paths:
        schema = _parameter(openapi, path, "as_of")["schema"]
        assert schema["formatMinimum"] == "1900-01-01" and schema["formatMaximum"] == "2999-12-31"
        assert schema["pattern"] == r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    for path in ("/api/v1/accounts", "/api/v1/people"):
        schema = _parameter(openapi, path, "limit")["schema"]
        assert (schema["minimum"], schema["maximum"]) == (1, MAX_PAGE_SIZE)
        ok = env.get(path, params={"limit": MAX_PAGE_SIZE})
        assert ok.status_code == 200, ok.text
        too_many = _problem(env.get(path, params={"limit": MAX_PAGE_SIZE + 1}), 422)
        assert "limit" in too_many["detail"]
    # The key-people cap is not a page size and keeps its own declared maximum.
    key_people = _parameter(openapi, "/api/v1/accounts/{account_id}/key-people", "limit")["schema"]
    assert key_people["anyOf"][0]["maximum"] == 500


def test_upload_name_over_255_bytes_is_a_4xx_problem(tmp_path: Path) -> None:
    """The file system cannot store such a name: it was a 500; now a problem naming the file and why."""
    with embedded_app(tmp_path, None) as env:
        long_name = "é" * 130 + ".csv"  # 264 bytes in UTF-8, 134 characters
        files = [
            ("files", ("companies.csv", b"id,name\nc-1,Acme\n", "text/csv")),
            ("files", (long_name, b"id,name\nc-2,Other\n", "text/csv")),
        ]
        problem = _problem(env.client.post("/api/v1/ingest", files=files, headers=env.headers("write")), 422)
        assert "file 2" in problem["detail"] and "255 bytes" in problem["detail"]
        assert long_name not in problem["detail"]
        assert env.store.counts().nodes.get("Company", 0) == 0  # nothing half-written
