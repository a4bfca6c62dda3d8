"""Cross-sell on real order data: Northwind, held-out evaluation, hit rate at 5.

Customers become companies, products become products, and each customer's orders become holdings
(first-bought date = `since`). For each customer, the products it first bought in its last 20% of
orders (by date) are hidden; buyergraph recommends 5 products from the remaining ownership of all
customers, and a customer counts as a hit when at least one hidden product is among them. The
baseline recommends the 5 most popular products (most customers owning them) the customer lacks.
Both are computed in the same run on the same hidden set.

    python bench/check_northwind.py [DATASET_FOLDER]

The folder defaults to $BUYERGRAPH_DATASETS/northwind. Customers are not labelled with an industry
or a size, so the similar-accounts and owned-together signals carry the recommendation.
"""

from __future__ import annotations

import csv
import math
import os
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from graph.analyses.cross_sell import cross_sell_all
from graph.model import Company, Holding


def default_folder() -> Path:
    base = os.environ.get("BUYERGRAPH_DATASETS")
    if base:
        return Path(base) / "northwind"
    return Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "northwind"


def split(folder: Path) -> tuple[list[Company], list[Holding], dict[str, set[str]]]:
    """(companies, visible holdings, hidden products per customer)."""
    with (folder / "customers.csv").open(encoding="utf-8", newline="") as fh:
        companies = [
            Company(id=row["customer_id"], name=row["company_name"], region=row["country"] or None)
            for row in csv.DictReader(fh)
        ]
    orders: dict[str, list[tuple[date, str]]] = defaultdict(list)
    with (folder / "orders.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            orders[row["customer_id"]].append((date.fromisoformat(row["order_date"][:10]), row["order_id"]))
    lines: dict[str, list[str]] = defaultdict(list)
    with (folder / "order_details.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lines[row["order_id"]].append(row["product_id"])

    holdings: list[Holding] = []
    hidden: dict[str, set[str]] = {}
    for customer, placed in orders.items():
        placed.sort()
        cut = len(placed) - math.ceil(0.2 * len(placed))
        first_bought: dict[str, tuple[int, date]] = {}
        for position, (day, order_id) in enumerate(placed):
            for product in lines[order_id]:
                first_bought.setdefault(product, (position, day))
        late = {p for p, (pos, _) in first_bought.items() if pos >= cut}
        if late and len(late) < len(first_bought):
            hidden[customer] = late
        for product, (_, day) in sorted(first_bought.items()):
            if product not in late:
                holdings.append(Holding(company_id=customer, product_id=product, since=day))
    return companies, holdings, hidden


def figures(folder: Path) -> dict[str, Any]:
    companies, holdings, hidden = split(folder)
    recommended = cross_sell_all(companies, holdings)
    owned: dict[str, set[str]] = defaultdict(set)
    for h in holdings:
        owned[h.company_id].add(h.product_id)
    popularity = Counter(h.product_id for h in holdings)
    popular = sorted(popularity, key=lambda p: (-popularity[p], int(p)))

    hits = {"buyergraph": 0, "most_popular": 0}
    for customer, late in hidden.items():
        ours = [item.product_id for item in recommended.get(customer, [])][:5]
        baseline = [p for p in popular if p not in owned[customer]][:5]
        hits["buyergraph"] += bool(late & set(ours))
        hits["most_popular"] += bool(late & set(baseline))
    n = len(hidden)
    return {
        "customers": len(companies),
        "evaluated": n,
        "holdings": len(holdings),
        "hit_rate_at_5": {name: count / n for name, count in hits.items()},
    }


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_folder()
    out = figures(folder)
    print(
        f"Northwind: {out['customers']} customers, {out['evaluated']} with hidden products, "
        f"{out['holdings']} visible holdings"
    )
    print("hit rate at 5 (a hidden product among the 5 recommended)")
    for name, rate in out["hit_rate_at_5"].items():
        print(f"  {name:<14} {rate:.1%}")


if __name__ == "__main__":
    main()
