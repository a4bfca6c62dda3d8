"""What the learning analyses of issue 21 (part B) find, and how long they take: the lead-score weights
learned from conversions (graph/analyses/lead_weights.py) and what history says
(graph/analyses/history.py), on a generated world and on folders of real exports.

    python bench/check_learn_history.py [--accounts 200] [--seed 5] [--bootstrap 200] [EXPORT_FOLDER ...]

For each data set: the accounts, people and closed deals read; the fit's converters and
non-converters, whether the history met the minimum, each learned weight with its interval next to the
configured one; the top lines of what history says; and the time of each step. The same-run baseline
for the bootstrap is scikit-learn refitted 20 times (scaled to --bootstrap), against the Newton refits
the analysis uses for the same model.

Lead-weight plant/recover: on the generated world with planted lead conversions, and on one of the
same size and seed generated with `--outcome-signal none`, the fit of the leads' rows (the people the
generator drew a conversion for, truth.json) with each learned log-odds next to the true one and
whether its interval covers it, and the out-of-sample AUC next to the configured weights' (the
same-run baseline) with whether the learned weights would be used.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import generated_store  # noqa: E402
from graph.analyses.history import what_history_says  # noqa: E402
from graph.analyses.lead_weights import (  # noqa: E402
    BEHAVIOURS,
    LeadExamples,
    _fit,
    _refit,
    fit_lead_weights,
    lead_examples,
)
from graph.model import AccountGraph  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest.loader import ingest_paths  # noqa: E402
from ingest.titles import classify_title  # noqa: E402

AS_OF = date(2026, 6, 30)


def _accounts(store: GraphStore) -> list[AccountGraph]:
    companies, _ = store.ownership()
    return list(store.account_graphs([c.id for c in companies]).values())


def report(name: str, accounts: list[AccountGraph], *, bootstrap: int, seed: int) -> None:
    people = {p.id for a in accounts for p in a.people}
    print(f"\n== {name}: {len(accounts)} accounts, {len(people)} people")
    t = time.perf_counter()
    examples = lead_examples(accounts, as_of=AS_OF)
    t_examples = time.perf_counter() - t
    t = time.perf_counter()
    fit = fit_lead_weights(examples, as_of=AS_OF, bootstrap=bootstrap, seed=seed)
    t_fit = time.perf_counter() - t
    print(f"lead weights: {fit.summary}")
    if fit.verdict:
        print(f"  {fit.verdict}")
    print(
        f"  rows {len(examples.person_ids)} in {t_examples:.2f} s; "
        f"fit with {bootstrap} bootstrap refits {t_fit:.2f} s"
    )
    if fit.enough:
        cols = [i for i in range(len(BEHAVIOURS)) if examples.units[:, i].std() > 0]
        x, y = examples.units[:, cols], examples.converted
        t = time.perf_counter()
        for _ in range(20):
            _fit(x, y, 1.0)
        sk = (time.perf_counter() - t) / 20
        t = time.perf_counter()
        for _ in range(20):
            _refit(x, y, 1.0)
        nw = (time.perf_counter() - t) / 20
        print(
            f"  one refit: scikit-learn {sk * 1000:.1f} ms (baseline), Newton {nw * 1000:.2f} ms; "
            f"{bootstrap} refits {sk * bootstrap:.1f} s vs {nw * bootstrap:.2f} s"
        )
        for w in fit.learned:
            if w.coefficient is None:
                print(f"  {w.behaviour:<20} configured {w.configured:g} kept ({w.note})")
            else:
                print(
                    f"  {w.behaviour:<20} log-odds/unit {w.coefficient:+.3f} [{w.coefficient_low:+.3f}, "
                    f"{w.coefficient_high:+.3f}]  points {w.points:.2f} "
                    f"[{w.points_low:.2f}, {w.points_high:.2f}]"
                    f"  configured {w.configured:g}  ({w.people_with} people showed it)"
                )
    t = time.perf_counter()
    history = what_history_says(accounts, as_of=AS_OF, classify=classify_title)
    t_history = time.perf_counter() - t
    print(
        f"history: {history.closed_deals} closed deals (won {history.won}, lost {history.lost}) "
        f"in {t_history:.2f} s"
    )
    for group in (history.engaged_roles, history.gaps, history.missing_roles, history.signals):
        for row in [r for r in group if r.text][:3]:
            print("  " + row.text)
    for row in [r for r in history.personas if r.text][:3]:
        print("  " + row.text)
    for row in history.lead_sources[:5]:
        print("  " + row.text)
    for row in history.sources:
        print("  " + row.text)
    for note in history.notes:
        print("  note: " + note)


def recovery(name: str, accounts: list[AccountGraph], folder: Path, *, bootstrap: int, seed: int) -> None:
    """The lead-weight fit of the truth's leads next to the planted weights (see the module doc)."""
    doc = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["parameters"]["lead_conversion"]
    leads = set()
    for line in (folder / "truth" / "accounts.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            leads.update(lead["person_id"] for lead in json.loads(line)["leads"])
    examples = lead_examples(accounts, as_of=AS_OF)
    keep = np.array([pid in leads for pid in examples.person_ids], dtype=bool)
    rows = LeadExamples(
        person_ids=[p for p, k in zip(examples.person_ids, keep, strict=True) if k],
        units=examples.units[keep],
        converted=examples.converted[keep],
    )
    t = time.perf_counter()
    fit = fit_lead_weights(
        rows, as_of=AS_OF, bootstrap=bootstrap, seed=seed, min_converters=30, min_non_converters=30
    )
    t_fit = time.perf_counter() - t
    truth = doc["weights"]
    print(
        f"\n== lead-weight plant/recover, {name}: {len(rows.person_ids)} leads, {fit.converters} converted "
        f"(all dated: {fit.undated_converters == 0}); fit {t_fit:.2f} s"
    )
    print(
        f"  out-of-sample AUC {fit.auc} [{fit.auc_low}, {fit.auc_high}] vs configured weights "
        f"{fit.configured_auc} (same people): {'USED' if fit.used else 'not used'}"
    )
    print(
        f"  AUC difference (learned minus configured) {fit.auc_difference}, paired 90% interval "
        f"[{fit.auc_difference_low}, {fit.auc_difference_high}] (used only when the lower end is above 0)"
    )
    covered = total = 0
    for w in fit.learned:
        if w.coefficient is None:
            print(f"  {w.behaviour:<20} nobody showed it")
            continue
        true = truth.get(w.behaviour, 0.0) if truth else 0.0
        inside = w.coefficient_low is not None and w.coefficient_low <= true <= (w.coefficient_high or 0)
        covered += inside
        total += 1
        print(
            f"  {w.behaviour:<20} true {true:+.3f}  learned {w.coefficient:+.3f} "
            f"[{w.coefficient_low:+.3f}, {w.coefficient_high:+.3f}] {'covers' if inside else 'MISSES'}"
        )
    print(f"  {covered} of {total} intervals cover the true effect")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("exports", nargs="*", type=Path)
    args = parser.parse_args()
    if args.accounts:
        for signal in ("planted", "none"):
            with generated_store(args.accounts, args.seed, AS_OF, outcome_signal=signal) as (store, folder):
                accounts = _accounts(store)
                if signal == "planted":
                    report(
                        f"generated world (seed {args.seed})",
                        accounts,
                        bootstrap=args.bootstrap,
                        seed=args.seed,
                    )
                recovery(
                    f"outcome signal {signal} (seed {args.seed})",
                    accounts,
                    folder,
                    bootstrap=args.bootstrap,
                    seed=args.seed,
                )
    for folder in args.exports:
        with tempfile.TemporaryDirectory() as tmp:
            store = EmbeddedStore(Path(tmp) / "store")
            ingest_paths([folder], store, progress=False)
            report(folder.name, _accounts(store), bootstrap=args.bootstrap, seed=args.seed)


if __name__ == "__main__":
    main()
