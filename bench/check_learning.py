"""Does `buyergraph learn` learn what wins, and only that? On a generated world whose outcomes carry the
planted signal (truth.json `outcome_effects`) and on one where nothing predicts the outcome
(`generate --outcome-signal none`), both of the same size and seed:

- the back-test figures (AUC, Brier, top-decile lift) of the learned model next to the same-run
  baselines (the configured weights made a probability by a Platt fit; naive Bayes per feature), and
  whether the model would be used;
- plant/recover: the model fit on the planted features alone (weak penalty), each learned effect with
  its 95% bootstrap interval next to the true one.

    python bench/check_learning.py [--accounts 300] [--seed 3]

Exit code 1 when the model is not used on the world with signal, or is used on the world without.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import generated_store  # noqa: E402
from graph.analyses.win_model import (  # noqa: E402
    STAGE_FEATURE,
    DealRow,
    closed_deal_rows,
    fit_win_model,
    learn_win_model,
)
from ingest.titles import classify_title  # noqa: E402

AS_OF = date(2026, 6, 30)
PLANTED = ("economic_buyer_engaged", "engaged_people", "stale_required_roles")


def rows_of(accounts: int, seed: int, signal: str) -> tuple[list[DealRow], dict[str, float]]:
    with generated_store(accounts, seed, AS_OF, outcome_signal=signal) as (store, folder):
        graphs = store.account_graphs(store.accounts_to_refresh(everything=True))
        rows = [r for g in graphs.values() for r in closed_deal_rows(g, classify=classify_title)]
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["parameters"]
    return rows, truth["outcome_effects"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    ok = True
    for signal in ("planted", "none"):
        started = time.perf_counter()
        rows, effects = rows_of(args.accounts, args.seed, signal)
        won = sum(1 for r in rows if r.won)
        features_s = time.perf_counter() - started
        started = time.perf_counter()
        model, message = learn_win_model(rows, as_of=AS_OF, seed=args.seed)
        learn_s = time.perf_counter() - started
        print(f"\n== outcome signal: {signal} ({args.accounts} accounts, seed {args.seed})")
        print(
            f"closed deals {len(rows)} ({won} won, {len(rows) - won} lost); "
            f"world + features {features_s:.1f} s, "
            f"learn {learn_s:.1f} s"
        )
        if model is None or model.back_test is None:
            print(f"no model: {message}")
            ok = False
            continue
        bt = model.back_test
        print(
            f"back-test: fit on {bt.train_closed} closed before {bt.split}, scored {bt.test_closed} "
            f"({bt.test_won} won)"
        )
        print(f"  {'scorer':<12} {'AUC':>6} {'Brier':>6} {'lift@10%':>8}")
        for m in (bt.model, bt.configured, bt.naive_bayes):
            auc = "-" if m.auc is None else f"{m.auc:.3f}"
            lift = "-" if m.top_decile_lift is None else f"{m.top_decile_lift:.2f}"
            print(f"  {m.name:<12} {auc:>6} {m.brier:>6.3f} {lift:>8}")
        print(f"  model AUC 90% interval [{bt.auc_low}, {bt.auc_high}]")
        print(
            "  paired 90% intervals (USE_RULE: lower ends on the configured weights above 0, "
            "on naive Bayes not entirely below 0):"
        )
        for name, figures in (
            ("AUC minus configured", bt.auc_vs_configured),
            ("Brier gain on configured", bt.brier_vs_configured),
            ("Brier gain on naive Bayes", bt.brier_vs_naive_bayes),
        ):
            if figures is not None:
                print(f"    {name:<26} {figures[0]:+.4f} [{figures[1]:+.4f}, {figures[2]:+.4f}]")
        print(f"  {'used' if model.used else 'NOT used'}: {model.reason}")
        # the time feature: days in stage when every closed deal has a stage history, else months open;
        # the generator plants no effect in either, so its interval should cover 0
        clock = next(w for w in model.weights if w.feature in (STAGE_FEATURE, "months_open"))
        covers = "covers 0" if clock.low <= 0 <= clock.high else "MISSES 0"
        dated = sum(1 for r in rows if STAGE_FEATURE in r.values)
        print(
            f"  time feature {clock.feature} (no effect planted): weight {clock.weight:+.4f} "
            f"[{clock.low:+.4f}, {clock.high:+.4f}] per unit, {covers}; "
            f"{dated} of {len(rows)} closed deals have days in stage"
        )
        ok = ok and (model.used == (signal == "planted"))
        recovered = fit_win_model(rows, as_of=AS_OF, features=PLANTED, penalty_c=100.0, seed=args.seed)
        print("plant/recover (planted features only):")
        for w in recovered.weights:
            true = effects.get(w.feature, 0.0)
            inside = "covers" if w.low <= true <= w.high else "MISSES"
            learned = f"{w.weight:+.2f} [{w.low:+.2f}, {w.high:+.2f}]"
            print(f"  {w.feature:<24} true {true:+.2f}  learned {learned} {inside}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
