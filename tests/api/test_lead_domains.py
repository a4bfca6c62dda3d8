"""The API flags people from a configured competitor's or partner's e-mail domain (config
`lead_domains`) in the person detail and the people list."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import embedded_app

LEADS = Path(__file__).resolve().parents[1] / "data" / "crm" / "sf-leads"


def test_person_detail_and_list_carry_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "buyergraph.toml"
    config.write_text('[lead_domains]\ncompetitors = ["acme-widgets.com"]\n', encoding="utf-8")
    monkeypatch.setenv("BUYERGRAPH_CONFIG", str(config))
    with embedded_app(tmp_path, LEADS) as api:
        body = api.get("/api/v1/people/003000000000AnnAAA", params={"as_of": "2024-07-01"}).json()
        assert body["lead_flag"]["kind"] == "competitor"
        assert body["lead_flag"]["domain"] == "acme-widgets.com"
        assert "interest, not intent" in body["lead_flag"]["reason"]
        assert body["engagement"]["domain_flag"]["kind"] == "competitor"
        listed = api.get("/api/v1/people", params={"search": "Ann"}).json()
        flags = {p["email"]: p["lead_flag"] for p in listed["data"]}
        assert flags["ann.lee@acme-widgets.com"] == "competitor"
        carla = api.get("/api/v1/people", params={"search": "Carla"}).json()["data"]
        assert [p["lead_flag"] for p in carla] == [None]


def test_without_the_list_nobody_is_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUYERGRAPH_CONFIG", raising=False)
    with embedded_app(tmp_path, LEADS) as api:
        body = api.get("/api/v1/people/003000000000AnnAAA", params={"as_of": "2024-07-01"}).json()
        assert body["lead_flag"] is None
