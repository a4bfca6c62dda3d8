"""The analyses on real public data, each next to a baseline computed in the same run.

The checks live in bench/check_enron.py and bench/check_northwind.py (which print the figures);
these tests run the same code and assert that buyergraph beats the baselines.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_enron_key_people_are_more_often_senior_than_by_pagerank_or_volume(datasets: Path) -> None:
    out = bench_module("check_enron").figures(datasets / "enron-perry-wolfe")
    assert out["people"] == 156 and out["senior"] == 74
    ours, pagerank, degree = out["buyergraph"], out["pagerank"], out["degree"]
    # Titles are withheld: the ranking sees only who e-mails whom.
    assert ours[10] > pagerank[10] and ours[10] > degree[10]
    assert ours[20] > pagerank[20] and ours[20] > degree[20]
    # Far above the 47% base rate of senior people.
    assert ours[10] >= 8


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
