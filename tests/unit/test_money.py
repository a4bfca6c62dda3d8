"""Money: every amount keeps its currency, templates compare amounts in the base currency, and open
deals keep their expected close date (generated worlds and the shared real exports)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from api.config_file import config_from_file
from graph.analyses import analyze_account
from graph.analyses.config import DEFAULT_CONFIG, CurrencyConfig
from graph.errors import ConfigurationError
from graph.model import AccountGraph, Company, Deal
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from tests.unit.generated_world import generate

AS_OF = date(2026, 6, 30)


def _deal_result(amount: float, currency: str | None, config=DEFAULT_CONFIG):  # type: ignore[no-untyped-def]
    account = AccountGraph(
        company=Company(id="c", name="C"),
        deals=[Deal(id="d", company_id="c", status="open", amount=amount, currency=currency)],
    )
    return analyze_account(account, as_of=AS_OF, config=config).deals[0]


def test_templates_compare_amounts_in_the_base_currency() -> None:
    yuan = _deal_result(500_000, "CNY")  # 70,000 USD at the default rate: a mid-size deal
    assert yuan.template == "mid" and yuan.currency == "CNY" and yuan.amount == 500_000
    assert yuan.amount_in_base == pytest.approx(70_000) and yuan.base_currency == "USD"
    assert not any(g.kind.value == "no_executive" for g in yuan.gaps)
    dollars = _deal_result(500_000, "USD")
    assert dollars.template == "large" and any(g.kind.value == "no_executive" for g in dollars.gaps)
    assert _deal_result(500_000, None).currency == "USD"  # the documented default, not a guess


def test_an_unknown_currency_is_a_note_not_dollars() -> None:
    odd = _deal_result(5_000_000, "XYZ")
    assert odd.template == "small" and odd.amount_in_base is None
    assert odd.amount_note is not None and "XYZ" in odd.amount_note and "currency.rates" in odd.amount_note
    assert not any(g.kind.value == "no_executive" for g in odd.gaps)


def test_the_rate_table_and_base_come_from_the_configuration_file(tmp_path: Path) -> None:
    file = tmp_path / "analysis.toml"
    text = '[currency]\nbase = "EUR"\nrates = { EUR = 1.0, USD = 0.9, XYZ = 2.0 }\n'
    file.write_text(text, encoding="utf-8")
    config = config_from_file(file)
    assert config.currency.rates["CNY"] == DEFAULT_CONFIG.currency.rates["CNY"]  # defaults stay
    odd = _deal_result(60_000, "XYZ", config)
    assert odd.amount_in_base == 120_000 and odd.template == "large" and odd.base_currency == "EUR"
    file.write_text("[currency]\nrates = { CNY = -1 }\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="currency"):
        config_from_file(file)


def test_currency_names_become_iso_codes() -> None:
    assert Deal(id="d", company_id="c", currency="人民币").currency == "CNY"
    assert Deal(id="d", company_id="c", currency=" eur ").currency == "EUR"
    assert Deal(id="d", company_id="c", currency="").currency is None
    assert CurrencyConfig().to_base(100, "eur") == 108.0


def _deals(tmp_path: Path, source: Path) -> list[Deal]:
    store = EmbeddedStore(tmp_path / "store")
    ingest_paths([source], store, progress=False)
    deals: list[Deal] = []
    for company in store.search_accounts(limit=500).data:
        deals += store.account_graph(company.id).deals
    return deals


def test_open_salesforce_deals_keep_their_close_date_as_expected_close(
    datasets: Path, tmp_path: Path
) -> None:
    folder = datasets / "crm-exports" / "sf-weekly-export-devorg"
    with (folder / "Opportunity.csv").open(encoding="utf-8", newline="") as fh:
        close_dates = {r["Id"]: r["CloseDate"] for r in csv.DictReader(fh) if r["IsClosed"] in ("0", "false")}
    deals = _deals(tmp_path, folder)
    open_deals = [d for d in deals if d.status is not None and d.status.value == "open"]
    assert len(open_deals) == len(close_dates) > 0
    for deal in open_deals:
        assert deal.closed_at is None
        assert deal.expected_close is not None
        assert deal.expected_close.isoformat() == close_dates[deal.id][:10]
    assert all(d.closed_at is not None and d.expected_close is None for d in deals if d not in open_deals)


@pytest.mark.parametrize("export", ["hubspot-style-dummy-toofan", "d365-contoso-coffee-demo"])
def test_open_deals_of_other_crms_keep_their_close_date(datasets: Path, tmp_path: Path, export: str) -> None:
    deals = _deals(tmp_path, datasets / "crm-exports" / export)
    open_deals = [d for d in deals if d.status is not None and d.status.value == "open"]
    assert open_deals and all(d.expected_close is not None and d.closed_at is None for d in open_deals)


def test_generated_deals_are_written_in_their_own_currency(tmp_path: Path) -> None:
    folder = generate(tmp_path / "world", 12, seed=3)
    with (folder / "deals.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["status"] in ("open", "won", "lost")]
    currencies = {r["currency"] for r in rows}
    assert "USD" in currencies and currencies - {"USD"}, currencies
    open_rows = [r for r in rows if r["status"] == "open"]
    assert open_rows and all(date.fromisoformat(r["expected_close"]) > AS_OF for r in open_rows)
    assert all(r["expected_close"] == "" for r in rows if r["status"] != "open")
    store = EmbeddedStore(tmp_path / "store")
    ingest_paths([folder], store, progress=False)
    deal = store.get_deal(next(r["id"] for r in open_rows if r["currency"] != "USD"))
    assert deal.currency != "USD" and deal.expected_close is not None
