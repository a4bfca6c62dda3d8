"""Key people on real e-mail data: Enron (Perry & Wolfe labels), titles withheld.

Loads the 156 employees as one company, people only (no titles, no seniority, no org chart), with a
KNOWS tie for every pair who e-mailed (strength = messages between them), ranks them with
buyergraph's influence analysis, and counts how many of the top 10 (and top 20) are *senior*, next to
two baselines computed in the same run:

- PageRank on the directed sender -> receiver graph weighted by message count;
- degree: messages sent plus received.

*Senior* is the data set's own `seniority` column (`Senior`, 74 of 156 people), which the labels'
authors derived from titles (VPs, directors, managing directors, presidents, in-house lawyers ...).

    python bench/check_enron.py [DATASET_FOLDER]

The folder defaults to $BUYERGRAPH_DATASETS/enron-perry-wolfe.
"""

from __future__ import annotations

import csv
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from graph.analyses.report import rank_key_people
from graph.model import AccountGraph, Company, Knows, Person
from graph.projections import project_account

AS_OF = date(2002, 7, 1)


def default_folder() -> Path:
    base = os.environ.get("BUYERGRAPH_DATASETS")
    if base:
        return Path(base) / "enron-perry-wolfe"
    return Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "enron-perry-wolfe"


def read_enron(folder: Path) -> tuple[dict[str, dict[str, str]], Counter[tuple[str, str]]]:
    """(employees by id, messages per (sender, receiver))."""
    with (folder / "employees.csv").open(encoding="utf-8", newline="") as fh:
        employees = {row["id"]: row for row in csv.DictReader(fh)}
    with (folder / "messages.csv").open(encoding="utf-8", newline="") as fh:
        sender = {row["message_id"]: row["sender_id"] for row in csv.DictReader(fh)}
    pairs: Counter[tuple[str, str]] = Counter()
    with (folder / "recipients.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            s, r = sender.get(row["message_id"]), row["receiver_id"]
            if s is not None and s != r:
                pairs[(s, r)] += 1
    return employees, pairs


def enron_account(employees: dict[str, dict[str, str]], pairs: Counter[tuple[str, str]]) -> AccountGraph:
    """One company, people without titles, KNOWS ties weighted by messages (both directions summed)."""
    undirected: Counter[tuple[str, str]] = Counter()
    for (s, r), n in pairs.items():
        undirected[(min(s, r), max(s, r))] += n
    return AccountGraph(
        company=Company(id="enron", name="Enron"),
        people=[Person(id=f"E{i}", name=row["name"], company_id="enron") for i, row in employees.items()],
        knows=[
            Knows(person_id=f"E{a}", other_id=f"E{b}", strength=float(n), source="email")
            for (a, b), n in sorted(undirected.items())
        ],
    )


def figures(folder: Path) -> dict[str, Any]:
    employees, pairs = read_enron(folder)
    senior = {f"E{i}" for i, row in employees.items() if row["seniority"] == "Senior"}

    projection = project_account(enron_account(employees, pairs), as_of=AS_OF)
    ranking = rank_key_people(projection)
    ours, notes = ranking.order, ranking.notes

    directed = nx.DiGraph()
    directed.add_nodes_from(f"E{i}" for i in employees)
    for (s, r), n in pairs.items():
        directed.add_edge(f"E{s}", f"E{r}", weight=n)
    pagerank = nx.pagerank(directed, weight="weight")
    volume: Counter[str] = Counter()
    for (s, r), n in pairs.items():
        volume[f"E{s}"] += n
        volume[f"E{r}"] += n

    def order(scores: dict[str, float] | Counter[str]) -> list[str]:
        return sorted((f"E{i}" for i in employees), key=lambda p: (-scores.get(p, 0), p))

    rankings = {"buyergraph": ours, "pagerank": order(pagerank), "degree": order(volume)}
    result: dict[str, Any] = {
        "people": len(employees),
        "senior": len(senior),
        "notes": notes,
    }
    for name, ordered in rankings.items():
        result[name] = {k: sum(p in senior for p in ordered[:k]) for k in (10, 20)}
    return result


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_folder()
    out = figures(folder)
    print(
        f"Enron: {out['people']} people, {out['senior']} senior "
        f"(base rate {out['senior'] / out['people']:.0%})"
    )
    print("senior people among the top k      top 10   top 20")
    for name in ("buyergraph", "pagerank", "degree"):
        print(f"  {name:<32} {out[name][10]:>6}   {out[name][20]:>6}")
    print("signals used: centrality only (" + "; ".join(out["notes"]) + ")")


if __name__ == "__main__":
    main()
