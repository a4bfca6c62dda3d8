"""The API and the pages show each deal's currency and expected close date, and cross-sell names every
product (both stores)."""

from __future__ import annotations

import csv
import html
from datetime import date
from pathlib import Path

from tests.api.conftest import AS_OF, ApiEnv
from viz.formats import Formats

DAY = AS_OF.isoformat()


def test_deals_carry_currency_and_expected_close(api: ApiEnv, world_dir: Path) -> None:
    with (world_dir / "deals.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["status"] == "open"]
    row = min(rows, key=lambda r: (r["currency"] == "USD", r["id"]))  # another currency where there is one
    deals = api.get(f"/api/v1/accounts/{row['company_id']}/deals", params={"as_of": DAY}).json()["data"]
    deal = next(d for d in deals if d["id"] == row["id"])
    assert deal["currency"] == row["currency"] and deal["closed_at"] is None
    assert deal["expected_close"] == row["expected_close"]
    analysis = deal["analysis"]
    assert analysis["currency"] == row["currency"] and analysis["base_currency"] == "USD"
    assert analysis["expected_close"] == row["expected_close"]
    rate = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "SGD": 0.74, "CNY": 0.14}[row["currency"]]
    assert analysis["amount_in_base"] == round(float(row["amount"]) * rate, 2)

    page = api.get(f"/accounts/{row['company_id']}", params={"as_of": DAY, "deal": row["id"]})
    assert page.status_code == 200
    text = html.unescape(page.text)
    f = Formats("en")  # the amount with its currency and the day, as an English reader writes them
    amount = f.money(float(row["amount"]), row["currency"])
    assert amount != f.number(float(row["amount"]))  # a currency symbol or code is shown
    assert f'<span class="deal-amount">{amount}</span>' in text
    assert f"closes {f.day(date.fromisoformat(row['expected_close']))}" in text


def test_cross_sell_names_products_the_account_does_not_own(tmp_path: Path) -> None:
    """The API's `name` was null for every product outside the account's own (issue 19)."""
    from graph.model import Company, Deal, DealProduct, Holding, Product
    from tests.api.conftest import embedded_app

    with embedded_app(tmp_path, None) as env:
        env.store.upsert("companies", [Company(id=c, name=c.upper()) for c in "abc"])
        env.store.upsert(
            "products",
            [Product(id=i, name=n) for i, n in (("x", "Analytics"), ("y", "Data Guard"), ("z", "Edge"))],
        )
        holdings = {"a": "x", "b": "xyz", "c": "xyz"}
        env.store.upsert(
            "holdings", [Holding(company_id=c, product_id=p) for c, ps in holdings.items() for p in ps]
        )
        env.store.upsert("deals", [Deal(id="d", company_id="a", status="open")])
        env.store.upsert("deal_products", [DealProduct(deal_id="d", product_id="z")])
        response = env.get("/api/v1/accounts/a/cross-sell", params={"as_of": DAY})
        assert response.status_code == 200, response.text
        items = response.json()["data"]
        assert [(i["product_id"], i["name"]) for i in items] == [("y", "Data Guard")]  # z: its open deal
