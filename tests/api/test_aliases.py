"""The API and the pages accept an id that ingest merged into another record, and say so."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from api.aliases import MERGE_REASON_HEADER, MERGED_FROM_HEADER
from tests.api.conftest import ApiEnv, embedded_app


@pytest.fixture
def merged(tmp_path: Path) -> ApiEnv:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "companies.csv").write_text(
        "id,name,domain\nsf-1,Initrode Corp.,initrode.com\nhs-9 x,INITRODE,initrode.com\n", encoding="utf-8"
    )
    (bundle / "people.csv").write_text(
        'id,name,email,company_id\np1,Ann Lee,ann@initrode.com,sf-1\np2,"Lee, Ann",ann@initrode.com,hs-9 x\n',
        encoding="utf-8",
    )
    with embedded_app(tmp_path, bundle) as env:
        yield env


@pytest.mark.parametrize(
    "suffix", ["", "/key-people", "/deals", "/coverage", "/cross-sell", "/graph"], ids=lambda s: s or "detail"
)
def test_an_account_alias_redirects_to_its_survivor_and_says_why(merged: ApiEnv, suffix: str) -> None:
    response = merged.get(f"/api/v1/accounts/hs-9%20x{suffix}?as_of=2026-06-30", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/api/v1/accounts/sf-1{suffix}?as_of=2026-06-30"
    assert response.headers[MERGED_FROM_HEADER] == "hs-9%20x"
    assert response.headers[MERGE_REASON_HEADER] == "same web domain"
    followed = merged.get(f"/api/v1/accounts/hs-9%20x{suffix}?as_of=2026-06-30")
    assert followed.status_code == 200
    if not suffix:
        assert followed.json()["account"]["id"] == "sf-1"


def test_a_person_alias_redirects_and_unknown_ids_stay_404(merged: ApiEnv) -> None:
    response = merged.get("/api/v1/people/p2", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/api/v1/people/p1"
    assert response.headers[MERGE_REASON_HEADER] == "same e-mail address"
    assert merged.get("/api/v1/people/p2").json()["person"]["id"] == "p1"
    missing = merged.get("/api/v1/accounts/nobody", follow_redirects=False)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert MERGED_FROM_HEADER not in missing.headers
    erase = merged.client.delete("/api/v1/people/p2", headers=merged.headers("admin"), follow_redirects=False)
    assert erase.status_code == 404  # never redirected: erasing an alias must not erase its survivor
    assert merged.get("/api/v1/people/p1").status_code == 200


def test_the_account_page_of_an_alias_shows_the_survivor_and_names_the_merge(merged: ApiEnv) -> None:
    response = merged.get("/accounts/hs-9%20x?as_of=2026-06-30", follow_redirects=False)
    assert response.status_code == 307
    target = urlsplit(response.headers["location"])
    assert target.path == "/accounts/sf-1"
    assert parse_qs(target.query) == {"as_of": ["2026-06-30"], "merged_from": ["hs-9 x"]}
    page = merged.get("/accounts/hs-9%20x?as_of=2026-06-30")
    assert page.status_code == 200
    assert "hs-9 x was merged into this account at ingest (same web domain)." in page.text
