"""Key people on real organisations, titles withheld: is buyergraph's influence ranking at least as
good as the simple rankings a data scientist would try first?

Each data set is loaded as one company of people without titles (so seniority and function are
unknown), with a directed KNOWS tie for every "A turns to B" (advice sought, mail sent), and, where
the data set has them and the variant says so, its reporting lines. buyergraph ranks the people with
its influence analysis (`rank_key_people`, one configuration for every data set); the same run
computes the baselines on the same directed ties:

- pagerank: PageRank on the directed ties (A -> B passes A's vote to B);
- in-degree: how many people turn to the person (weighted by messages on Enron);
- degree: ties in and out (messages sent plus received on Enron);
- random: the expected count of a random order (k x the base rate).

The figure is how many *senior* people each ranking puts among its top k:

- Krackhardt's high-tech managers (21): the CEO and the four VPs (LEVEL 1-2), top 5 and top 10;
  the advice network alone, then with the reports-to tree;
- Lazega's law firm (71 lawyers): the 36 partners, top 10 and top 20; the advice network;
- Enron (Perry & Wolfe labels, 156 people): the 74 labelled Senior, top 10 and top 20; e-mail.

    python bench/check_influence.py [DATASETS_FOLDER]

The folder defaults to $BUYERGRAPH_DATASETS, else ../shared/datasets beside the project. Exit code 1
when buyergraph is below the best baseline on any data set at any k.
"""

from __future__ import annotations

import csv
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import networkx as nx

from graph.analyses.report import rank_key_people
from graph.model import AccountGraph, Company, Knows, Person, Reporting
from graph.projections import project_account

AS_OF = date(2002, 7, 1)


@dataclass(frozen=True)
class Organisation:
    """One real organisation as directed ties ((asker, asked) -> weight) and its known seniors."""

    name: str
    people: list[str]
    ties: Counter[tuple[str, str]]
    senior: set[str]
    ks: tuple[int, ...]
    #: (person, manager) lines, empty where the variant withholds them.
    reports_to: list[tuple[str, str]] = field(default_factory=list)


def datasets_folder() -> Path:
    base = os.environ.get("BUYERGRAPH_DATASETS")
    if base:
        return Path(base)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


def _krackhardt_matrix(path: Path) -> list[tuple[str, str]]:
    """The ego-alter-tie rows of a Krack-High-Tec edge list, ties only."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "1" and parts[0] != parts[1]:
            rows.append((f"K{parts[0]}", f"K{parts[1]}"))
    return rows


def krackhardt(folder: Path, *, with_reports_to: bool) -> Organisation:
    base = folder / "krackhardt"
    with (base / "Krack-High-Tec-Attributes.csv").open(encoding="utf-8", newline="") as fh:
        attributes = list(csv.DictReader(fh))
    people = [f"K{row['ID']}" for row in attributes]
    senior = {f"K{row['ID']}" for row in attributes if int(row["LEVEL"]) <= 2}
    ties = Counter(_krackhardt_matrix(base / "Krack-High-Tec-edgelist-Advice.txt"))
    lines = _krackhardt_matrix(base / "Krack-High-Tec-edgelist-ReportsTo.txt") if with_reports_to else []
    name = "Krackhardt advice" + (" + reports-to" if with_reports_to else "")
    return Organisation(name, people, ties, senior, (5, 10), reports_to=lines)


def lazega(folder: Path) -> Organisation:
    base = folder / "lazega"
    attributes = [line.split() for line in (base / "ELattr.dat").read_text(encoding="utf-8").splitlines()]
    people = [f"L{int(row[0])}" for row in attributes if row]
    senior = {f"L{int(row[0])}" for row in attributes if row and row[1] == "1"}
    ties: Counter[tuple[str, str]] = Counter()
    for i, line in enumerate((base / "ELadv.dat").read_text(encoding="utf-8").splitlines(), start=1):
        for j, value in enumerate(line.split(), start=1):
            if value == "1" and i != j:
                ties[(f"L{i}", f"L{j}")] += 1
    return Organisation("Lazega advice", people, ties, senior, (10, 20))


def enron(folder: Path) -> Organisation:
    base = folder / "enron-perry-wolfe"
    with (base / "employees.csv").open(encoding="utf-8", newline="") as fh:
        employees = {row["id"]: row for row in csv.DictReader(fh)}
    with (base / "messages.csv").open(encoding="utf-8", newline="") as fh:
        sender = {row["message_id"]: row["sender_id"] for row in csv.DictReader(fh)}
    ties: Counter[tuple[str, str]] = Counter()
    with (base / "recipients.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            s, r = sender.get(row["message_id"]), row["receiver_id"]
            if s is not None and s != r:
                ties[(f"E{s}", f"E{r}")] += 1
    senior = {f"E{i}" for i, row in employees.items() if row["seniority"] == "Senior"}
    return Organisation("Enron e-mail", [f"E{i}" for i in employees], ties, senior, (10, 20))


def as_account(org: Organisation) -> AccountGraph:
    """People without titles, a directed KNOWS tie per asker -> asked (strength = how many times)."""
    company = Company(id="org", name=org.name)
    return AccountGraph(
        company=company,
        people=[Person(id=p, name=p, company_id=company.id) for p in org.people],
        knows=[
            Knows(person_id=a, other_id=b, strength=float(n), source="advice")
            for (a, b), n in sorted(org.ties.items())
        ],
        reporting=[Reporting(person_id=p, manager_id=m) for p, m in org.reports_to],
    )


def rankings(org: Organisation) -> dict[str, list[str]]:
    """Every ranking of the people, most influential first (ties broken by id)."""
    directed = nx.DiGraph()
    directed.add_nodes_from(org.people)
    for (a, b), n in org.ties.items():
        directed.add_edge(a, b, weight=n)

    def order(score: Callable[[str], float]) -> list[str]:
        return sorted(org.people, key=lambda p: (-score(p), p))

    pagerank = nx.pagerank(directed, weight="weight")
    ours = rank_key_people(project_account(as_account(org), as_of=AS_OF)).order
    return {
        "buyergraph": ours + [p for p in order(lambda _: 0.0) if p not in set(ours)],
        "pagerank": order(pagerank.__getitem__),
        "in-degree": order(lambda p: directed.in_degree(p, weight="weight")),
        "degree": order(lambda p: directed.degree(p, weight="weight")),
    }


def senior_counts(org: Organisation) -> dict[str, list[int]]:
    """Ranking name -> how many senior people it puts among its top k, for each k of the data set."""
    return {
        name: [sum(p in org.senior for p in order[:k]) for k in org.ks]
        for name, order in rankings(org).items()
    }


def organisations(folder: Path) -> list[Organisation]:
    return [
        krackhardt(folder, with_reports_to=False),
        krackhardt(folder, with_reports_to=True),
        lazega(folder),
        enron(folder),
    ]


def report(orgs: list[Organisation]) -> bool:
    """Print the table; True when buyergraph matches the best baseline everywhere."""
    holds = True
    for org in orgs:
        n, s = len(org.people), len(org.senior)
        print(f"\n{org.name}: {n} people, {s} senior (base rate {s / n:.0%}), {len(org.ties)} directed ties")
        print("  senior among the top k   " + "".join(f"top {k:<5}" for k in org.ks))
        counts = senior_counts(org)
        for name, row in counts.items():
            print(f"  {name:<24} " + "".join(f"{c:<9}" for c in row))
        print(f"  {'random (expected)':<24} " + "".join(f"{k * s / n:<9.1f}" for k in org.ks))
        for i, k in enumerate(org.ks):
            best = max(row[i] for name, row in counts.items() if name != "buyergraph")
            if counts["buyergraph"][i] < best:
                holds = False
                print(f"  BELOW the best baseline at top {k}: {counts['buyergraph'][i]} < {best}")
    return holds


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else datasets_folder()
    holds = report(organisations(folder))
    print(
        "\n"
        + (
            "buyergraph is at least as good as the best baseline on every data set"
            if holds
            else "buyergraph is below a baseline somewhere (see above)"
        )
    )
    sys.exit(0 if holds else 1)


if __name__ == "__main__":
    main()
