"""The analyses on real public data, each next to a baseline computed in the same run.

The checks live in bench/check_influence.py and bench/check_northwind.py (which print the figures);
these tests run the same code and assert that buyergraph beats the baselines.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_key_people_on_real_advice_and_mail_networks_match_the_best_baseline(datasets: Path) -> None:
    """Titles withheld: who is sought out (directed ties) must find the bosses at least as well as
    PageRank, in-degree and degree on the same ties, on every data set, with one configuration."""
    check = bench_module("check_influence")
    orgs = {org.name: org for org in check.organisations(datasets)}
    assert {len(org.people) for org in orgs.values()} == {21, 71, 156}
    for org in orgs.values():
        counts = check.senior_counts(org)
        for i, k in enumerate(org.ks):
            best = max(row[i] for name, row in counts.items() if name != "buyergraph")
            assert counts["buyergraph"][i] >= best, (org.name, k, counts)
            # Far above a random order.
            assert counts["buyergraph"][i] > k * len(org.senior) / len(org.people)
    # With Krackhardt's reports-to lines the CEO and the four VPs are exactly the top five.
    assert check.senior_counts(orgs["Krackhardt advice + reports-to"])["buyergraph"][0] == 5


def test_northwind_cross_sell_beats_most_popular(datasets: Path) -> None:
    out = bench_module("check_northwind").figures(datasets / "northwind")
    assert out["customers"] == 91 and out["evaluated"] >= 80
    rates = out["hit_rate_at_5"]
    assert rates["buyergraph"] > rates["most_popular"]


def test_northwind_cross_sell_names_products_and_skips_what_open_deals_offer(datasets: Path) -> None:
    """Northwind's late first purchases stand in for open deals: they are being sold already."""
    import csv

    from graph.analyses.cross_sell import cross_sell_all

    folder = datasets / "northwind"
    companies, holdings, hidden = bench_module("check_northwind").split(folder)
    with (folder / "products.csv").open(encoding="utf-8", newline="") as fh:
        catalogue = {row["product_id"]: row["product_name"] for row in csv.DictReader(fh)}
    plain = cross_sell_all(companies, holdings, names=catalogue)
    assert any(item.product_id in hidden.get(cid, ()) for cid, items in plain.items() for item in items)
    out = cross_sell_all(companies, holdings, names=catalogue, offered=hidden)
    items = [(cid, item) for cid, its in out.items() for item in its]
    assert len(items) > 200
    assert all(item.name == catalogue[item.product_id] for _, item in items)
    assert not [item for cid, item in items if item.product_id in hidden.get(cid, ())]
