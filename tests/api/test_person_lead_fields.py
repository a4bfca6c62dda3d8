"""The API shows where a person came from: a CRM lead's source and status (see docs/ingest.md, Leads)."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import embedded_app

LEADS = Path(__file__).resolve().parents[1] / "data" / "crm" / "sf-leads"


def test_person_detail_shows_lead_source_and_status(tmp_path: Path) -> None:
    with embedded_app(tmp_path, LEADS) as api:
        body = api.get("/api/v1/people/00Q000000000L01AAA", params={"as_of": "2024-07-01"}).json()
        assert body["person"]["lead_source"] == "Web"
        assert body["person"]["lead_status"] == "Working - Contacted"
        contact = api.get("/api/v1/people/003000000000AnnAAA", params={"as_of": "2024-07-01"}).json()
        assert contact["person"]["lead_source"] == "Trade Show" and contact["person"]["lead_status"] is None
        listed = api.get("/api/v1/people", params={"search": "Carla"}).json()
        assert [p["lead_source"] for p in listed["data"]] == ["Web"]
