"""Every failure is application/problem+json, and every configured limit is answered with a clear 4xx."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.errors import StoreUnavailableError
from tests.api.conftest import AS_OF, ApiEnv, embedded_app

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response: Any, status: int, path: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS and body["status"] == status
    if path is not None:
        assert body["instance"] == path
    assert "Traceback" not in response.text
    return body


@pytest.fixture
def small_limits(tmp_path: Path, world_dir: Path) -> Iterator[ApiEnv]:
    with embedded_app(
        tmp_path,
        world_dir,
        max_body_bytes=300,
        max_upload_bytes=2_000,
        max_header_bytes=2_048,
        max_page_size=3,
    ) as env:
        yield env


def test_validation_errors_are_problems_naming_the_field(embedded_env: ApiEnv) -> None:
    response = embedded_env.get("/api/v1/accounts/x/key-people", params={"as_of": "last tuesday"})
    body = assert_problem(response, 422, "/api/v1/accounts/x/key-people")
    assert body["invalid_params"][0]["name"] == "query:as_of"
    assert "as_of" in body["detail"]
    ancient = embedded_env.get("/api/v1/accounts/x/coverage", params={"as_of": "0001-12-30"})
    assert "1900-01-01" in assert_problem(ancient, 422)["detail"]
    bad_body = embedded_env.client.post(
        "/api/v1/cypher", json={"query": "RETURN 1", "surprise": 1}, headers=embedded_env.headers("admin")
    )
    assert any(p["name"] == "body:surprise" for p in assert_problem(bad_body, 422)["invalid_params"])


def test_unknown_routes_and_methods_are_problems(embedded_env: ApiEnv) -> None:
    assert_problem(embedded_env.get("/api/v1/nothing-here"), 404)
    assert_problem(embedded_env.client.put("/api/v1/accounts", headers=embedded_env.headers()), 405)


def test_page_size_limit(small_limits: ApiEnv) -> None:
    assert small_limits.get("/api/v1/accounts", params={"limit": 3}).status_code == 200
    body = assert_problem(small_limits.get("/api/v1/accounts", params={"limit": 4}), 422)
    assert "at most 3" in body["detail"] and "limit" in body["detail"]
    assert_problem(small_limits.get("/api/v1/people", params={"limit": 4}), 422)


def test_body_size_limit_with_and_without_content_length(small_limits: ApiEnv) -> None:
    big = {"query": "RETURN 1", "parameters": {"x": "y" * 1000}}
    body = assert_problem(
        small_limits.client.post("/api/v1/cypher", json=big, headers=small_limits.headers("admin")), 413
    )
    assert "300" in body["detail"]

    def chunks() -> Iterator[bytes]:
        yield b'{"query": "RETURN 1", "parameters": {"x": "'
        for _ in range(20):
            yield b"y" * 100
        yield b'"}}'

    streamed = small_limits.client.post(
        "/api/v1/cypher",
        content=chunks(),
        headers={**small_limits.headers("admin"), "content-type": "application/json"},
    )
    assert_problem(streamed, 413)


def test_upload_size_limit(small_limits: ApiEnv) -> None:
    files = [("files", ("companies.csv", b"id,name\n" + b"c1,Acme\n" * 400, "text/csv"))]
    response = small_limits.client.post("/api/v1/ingest", files=files, headers=small_limits.headers("write"))
    assert "2,000" in assert_problem(response, 413)["detail"]


def test_header_size_limit(small_limits: ApiEnv) -> None:
    response = small_limits.client.get(
        "/api/v1/accounts", headers={**small_limits.headers(), "X-Padding": "p" * 3000}
    )
    assert_problem(response, 431)


def test_analysis_timeout_is_408(tmp_path: Path, world_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with embedded_app(tmp_path, world_dir, analysis_timeout_s=0.05, analysis_cache_s=0) as env:
        account_id = env.store.list_accounts().data[0].id
        fetch = env.store.account_graph

        def slow_fetch(company_id: str) -> Any:
            time.sleep(0.5)  # a large account: the fetch alone outlasts the limit
            return fetch(company_id)

        monkeypatch.setattr(env.store, "account_graph", slow_fetch)
        response = env.get(f"/api/v1/accounts/{account_id}/key-people", params={"as_of": AS_OF.isoformat()})
        body = assert_problem(response, 408)
        assert "BUYERGRAPH_ANALYSIS_TIMEOUT_S" in body["detail"]


def test_unexpected_errors_are_500_problems_without_data(
    embedded_env: ApiEnv, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError("jane.doe@example.com leaked")

    monkeypatch.setattr(embedded_env.store, "list_account_results", boom)
    with caplog.at_level(logging.DEBUG):
        response = embedded_env.get("/api/v1/accounts")
    body = assert_problem(response, 500)
    assert "jane.doe" not in response.text and "jane.doe" not in caplog.text
    assert "RuntimeError" in caplog.text and body["type"].endswith("internal")


def test_store_unavailable_is_503_with_retry_after(
    embedded_env: ApiEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_: Any, **__: Any) -> Any:
        raise StoreUnavailableError("Neo4j is not reachable: ServiceUnavailable")

    monkeypatch.setattr(embedded_env.store, "list_account_results", down)
    response = embedded_env.get("/api/v1/accounts")
    assert_problem(response, 503)
    assert response.headers["Retry-After"] == str(embedded_env.settings.retry_after_s)


def test_openapi_documents_problems_and_examples(embedded_env: ApiEnv) -> None:
    doc = embedded_env.client.get("/openapi.json").json()
    problem = doc["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) >= PROBLEM_FIELDS
    key_people = doc["paths"]["/api/v1/accounts/{account_id}/key-people"]["get"]
    assert {"401", "403", "404", "408", "422", "503"} <= set(key_people["responses"])
    assert "application/problem+json" in key_people["responses"]["404"]["content"]
    schemas = doc["components"]["schemas"]
    responses = {
        ref.rsplit("/", 1)[-1]
        for path in doc["paths"].values()
        for operation in path.values()
        for status, response in operation["responses"].items()
        if status.startswith("2")
        for content in response.get("content", {}).values()
        if (ref := content.get("schema", {}).get("$ref"))
    }
    assert {"AccountsPublic", "KeyPeoplePublic", "DealGapsPublic", "AccountGraphPublic"} <= responses
    assert [name for name in sorted(responses) if not schemas[name].get("examples")] == []


def test_cors_is_off_by_default_and_allows_configured_origins(tmp_path: Path, embedded_env: ApiEnv) -> None:
    origin = {"Origin": "https://crm.example.com"}
    plain = embedded_env.client.get("/api/v1/accounts", headers={**embedded_env.headers(), **origin})
    assert plain.status_code == 200
    assert "access-control-allow-origin" not in plain.headers
    with embedded_app(tmp_path / "cors", None, cors_origins="https://crm.example.com") as env:
        preflight = env.client.options(
            "/api/v1/accounts",
            headers={
                **origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "X-API-Key",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://crm.example.com"
        other = env.client.get(
            "/api/v1/accounts", headers={**env.headers(), "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
