"""Inferred org charts against the real ones: generated worlds with their reporting lines withheld,
and Krackhardt's high-tech managers (reports-to lines withheld).

For every account, buyergraph infers each person's manager from seniority, function, department and
who turns to whom (`graph.analyses.org_inference.infer_reporting_lines`); the same run computes the
simple baseline, everyone reports to the most senior person of their function
(`most_senior_in_function`). Both are scored against the withheld lines:

- precision: inferred lines that are true / lines inferred;
- recall: true lines that were inferred / true lines (between people of known seniority);
- top of the tree: the same two on the true lines whose manager is c_level or vp.

    python bench/check_org_inference.py [--accounts 60] [--seed 4] [DATASETS_FOLDER]

Exit code 1 when buyergraph is below the baseline on precision or recall anywhere.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import generated_store  # noqa: E402
from graph.analyses.org_inference import infer_reporting_lines, most_senior_in_function  # noqa: E402
from graph.model import AccountGraph, Function, Seniority  # noqa: E402
from graph.projections import project_account  # noqa: E402
from ingest.titles import classify_title  # noqa: E402

AS_OF = date(2026, 6, 30)
TOP_LEVELS = {Seniority.C_LEVEL, Seniority.VP}


@dataclass
class Score:
    """Counts of true, inferred and correct lines, overall and at the top of the tree."""

    true: int = 0
    inferred: int = 0
    correct: int = 0
    top_true: int = 0
    top_inferred: int = 0
    top_correct: int = 0

    def add(self, truth: dict[str, str], guess: dict[str, str], top: set[str]) -> None:
        self.true += len(truth)
        self.inferred += len(guess)
        self.correct += sum(truth.get(p) == m for p, m in guess.items())
        self.top_true += sum(m in top for m in truth.values())
        self.top_inferred += sum(m in top for m in guess.values())
        self.top_correct += sum(truth.get(p) == m for p, m in guess.items() if m in top)

    def row(self) -> str:
        def ratio(a: int, b: int) -> str:
            return f"{a / b:.2f}" if b else "n/a"

        return (
            f"precision {ratio(self.correct, self.inferred)} recall {ratio(self.correct, self.true)}   "
            f"top of the tree: precision {ratio(self.top_correct, self.top_inferred)} "
            f"recall {ratio(self.top_correct, self.top_true)}"
        )


def generated_accounts(accounts: int, seed: int) -> Iterable[AccountGraph]:
    with generated_store(accounts, seed, AS_OF) as (store, _):
        for company in store.list_accounts(limit=accounts + 10).data:
            yield store.account_graph(company.id)


def score_generated(accounts: int, seed: int) -> tuple[Score, Score]:
    ours, baseline = Score(), Score()
    for account in generated_accounts(accounts, seed):
        p = project_account(account, as_of=AS_OF, classify=classify_title)
        truth = {report: manager for manager, report in p.org.edges}
        people = sorted(p.current)
        known = {q for q in people if p.seniority.get(q, Seniority.UNKNOWN) != Seniority.UNKNOWN}
        truth = {r: m for r, m in truth.items() if r in known and m in known}
        top = {q for q in known if p.seniority[q] in TOP_LEVELS}
        department = {q: p.people[q].department for q in people}
        # The interaction seen without the withheld lines: ties and meetings only.
        lines = infer_reporting_lines(
            people,
            seniority=p.seniority,
            function=p.function,
            interaction=p.interaction,
            department=department,
        )
        ours.add(truth, {line.person_id: line.manager_id for line in lines}, top)
        baseline.add(truth, most_senior_in_function(people, seniority=p.seniority, function=p.function), top)
    return ours, baseline


def score_krackhardt(folder: Path, *, with_department: bool) -> tuple[Score, Score]:
    """LEVEL 1-3 as seniority (CEO, VP, manager); DEPT as the function (or withheld); advice arcs."""
    import csv

    base = folder / "krackhardt"
    with (base / "Krack-High-Tec-Attributes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    levels = {"1": Seniority.C_LEVEL, "2": Seniority.VP, "3": Seniority.MANAGER}
    functions = [
        Function.EXECUTIVE,
        Function.FINANCE,
        Function.SALES,
        Function.ENGINEERING,
        Function.OPERATIONS,
    ]
    people = [f"K{r['ID']}" for r in rows]
    seniority = {f"K{r['ID']}": levels[r["LEVEL"]] for r in rows}
    function: dict[str, Function | None] = {
        f"K{r['ID']}": functions[int(r["DEPT"])] if with_department else None for r in rows
    }

    def arcs(name: str) -> list[tuple[str, str]]:
        out = []
        for line in (base / name).read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2] == "1" and parts[0] != parts[1]:
                out.append((f"K{parts[0]}", f"K{parts[1]}"))
        return out

    truth = dict(arcs("Krack-High-Tec-edgelist-ReportsTo.txt"))
    advice = nx.DiGraph(arcs("Krack-High-Tec-edgelist-Advice.txt"))
    top = {q for q in people if seniority[q] in TOP_LEVELS}
    ours, baseline = Score(), Score()
    lines = infer_reporting_lines(people, seniority=seniority, function=function, interaction=advice)
    ours.add(truth, {line.person_id: line.manager_id for line in lines}, top)
    baseline.add(truth, most_senior_in_function(people, seniority=seniority, function=function), top)
    return ours, baseline


def datasets_folder() -> Path:
    base = os.environ.get("BUYERGRAPH_DATASETS")
    return Path(base) if base else Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=None)
    parser.add_argument("--accounts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    folder = args.folder or datasets_folder()
    started = datetime.now()
    results = {
        f"generated, {args.accounts} accounts (seed {args.seed})": score_generated(args.accounts, args.seed),
        "Krackhardt, levels and departments": score_krackhardt(folder, with_department=True),
        "Krackhardt, levels only (departments withheld)": score_krackhardt(folder, with_department=False),
    }
    holds = True
    for name, (ours, baseline) in results.items():
        print(f"\n{name}: {ours.true} true lines")
        print(f"  buyergraph  {ours.row()}")
        print(f"  baseline    {baseline.row()}   (most senior of the same function)")
        if (
            ours.correct < baseline.correct
            or ours.correct * baseline.inferred < baseline.correct * ours.inferred
        ):
            holds = False
            print("  BELOW the baseline")
    print(f"\n({(datetime.now() - started).total_seconds():.0f} s)")
    sys.exit(0 if holds else 1)


if __name__ == "__main__":
    main()
