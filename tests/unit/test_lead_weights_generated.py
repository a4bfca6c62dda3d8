"""Plant and recover the lead-score weights on generated worlds (issue 21).

`buyergraph generate` plants lead conversions: a lead (a current person on no deal's committee)
converts with logit = intercept + the true weights (truth.json `parameters.lead_conversion.weights`)
times their behaviour in the lead score's window before the world's last day, and a converted lead
carries that day (people.csv `converted_on`). The worlds go through the real ingest into an embedded
store, and the fit reads what the store gives back.

The planted model holds for the leads only: the other people who convert in a generated world are
committee members of deals (they convert on the deal's creation day), whose behaviour before that day
the generator does not draw from any conversion model. So recovery is checked on the fit of the
leads' rows (`lead_examples` restricted to the truth's leads), and the whole book's fit is checked for
what it must do regardless: count the dated lead conversions (no undated ones left out).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.lead_weights import (
    BEHAVIOURS,
    LeadExamples,
    LeadWeightsFit,
    conversions,
    fit_lead_weights,
    lead_examples,
)
from graph.model import AccountGraph
from graph.stores.embedded import EmbeddedStore
from tests.unit.generated_world import AS_OF, load, truth

#: Small worlds, a few seeds: the whole module stays well under a minute.
ACCOUNTS = 120
SEEDS = (1, 2, 3)
#: The planted behaviours whose truth is clearly positive (page views, which the configured weights
#: rate lowest; webinars, downloads and meetings, which they rate high, are planted at 0).
CLEAR = ("pages_viewed",)
#: Count behaviours whose planted effects are compared for order (a pair counts when its truths
#: differ by at least ORDER_GAP log-odds per unit; behaviours planted equal are not ordered).
COUNTS = ("pages_viewed", "webinars", "content_downloaded")
ORDER_GAP = 0.3


def _world(tmp_path: Path, seed: int, signal: str) -> tuple[list[AccountGraph], dict[str, Any], list[Any]]:
    from ingest.synthetic.generator import generate_world

    folder = tmp_path / f"world-{signal}-{seed}"
    generate_world(
        folder,
        ACCOUNTS,
        seed=seed,
        fmt="native",
        as_of=AS_OF,
        force=True,
        workers=1,
        progress=False,
        outcome_signal=signal,
    )
    store = EmbeddedStore(tmp_path / f"store-{signal}-{seed}")
    load(folder, store)
    doc, lines = truth(folder)
    accounts = list(store.account_graphs(store.accounts_to_refresh(everything=True)).values())
    return accounts, doc["parameters"]["lead_conversion"], lines


def _leads_only(examples: LeadExamples, leads: set[str]) -> LeadExamples:
    keep = np.array([pid in leads for pid in examples.person_ids], dtype=bool)
    return LeadExamples(
        person_ids=[pid for pid, k in zip(examples.person_ids, keep, strict=True) if k],
        units=examples.units[keep],
        converted=examples.converted[keep],
    )


def _fit_leads(accounts: list[AccountGraph], lines: list[Any], seed: int) -> tuple[LeadWeightsFit, int]:
    leads = {lead["person_id"] for line in lines for lead in line["leads"]}
    examples = _leads_only(lead_examples(accounts, as_of=AS_OF), leads)
    fit = fit_lead_weights(
        examples, as_of=AS_OF, min_converters=30, min_non_converters=30, bootstrap=100, seed=seed
    )
    return fit, len(examples.person_ids)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, dict[str, Any], list[Any], Any]]:
    out = []
    for seed in SEEDS:
        accounts, lead_truth, lines = _world(tmp_path_factory.mktemp("planted"), seed, "planted")
        out.append((seed, lead_truth, lines, accounts))
    return out


def test_generated_lead_conversions_carry_their_day(
    planted: list[tuple[int, dict[str, Any], list[Any], Any]],
) -> None:
    seed, lead_truth, lines, accounts = planted[0]
    assert lead_truth["window_days"] == DEFAULT_CONFIG.engaged_days
    converted = {
        lead["person_id"]: lead["converted_on"]
        for line in lines
        for lead in line["leads"]
        if lead["converted"]
    }
    assert converted and all(day == AS_OF.isoformat() for day in converted.values())
    found = conversions(accounts, as_of=AS_OF)
    # every planted conversion reached the store with its day, and the fit counts it
    assert {pid: c.on for pid, c in found.items() if pid in converted} == {
        pid: date.fromisoformat(day) for pid, day in converted.items()
    }
    assert all(found[pid].how == "lead_converted" for pid in converted)
    whole = fit_lead_weights(accounts, as_of=AS_OF, bootstrap=0)
    assert whole.undated_converters == 0
    # as of the day before, those leads had not converted yet
    earlier = conversions(accounts, as_of=date.fromordinal(AS_OF.toordinal() - 1))
    assert not set(converted) & set(earlier)


def test_learned_lead_weights_have_the_planted_sign_and_order(
    planted: list[tuple[int, dict[str, Any], list[Any], Any]],
) -> None:
    covered = total = 0
    learned: dict[str, list[float]] = {}
    weights: dict[str, float] = {}
    for seed, lead_truth, lines, accounts in planted:
        weights = lead_truth["weights"]
        fit, rows = _fit_leads(accounts, lines, seed)
        assert fit.enough, (seed, rows, fit.summary)
        w = {x.behaviour: x for x in fit.learned}
        coef = {b: w[b].coefficient for b in weights}
        for b, value in coef.items():
            learned.setdefault(b, []).append(float(value or 0.0))
        # the strongest planted count behaviour (page views, which the configured weights rate lowest)
        # comes out strongest in each world
        top = max(COUNTS, key=lambda b: weights[b])
        assert max(COUNTS, key=lambda b: coef[b] or 0.0) == top
        for b in CLEAR:
            assert coef[b] is not None and coef[b] > 0, (seed, b, coef)
        # the learned weights beat the configured ones out of sample by the paired rule, so they are used
        assert fit.used, (seed, fit.verdict)
        assert fit.auc is not None and fit.configured_auc is not None
        assert fit.auc_difference == pytest.approx(fit.auc - fit.configured_auc, abs=2e-4)
        assert fit.auc_difference_low is not None and fit.auc_difference_high is not None
        assert 0 < fit.auc_difference_low <= fit.auc_difference <= fit.auc_difference_high, fit.verdict
        assert (
            fit.verdict_message is not None and fit.verdict_message.key == "learn.lead.verdict.paired.better"
        )
        print(
            f"seed {seed}: AUC {fit.auc} vs configured {fit.configured_auc}, difference "
            f"{fit.auc_difference} [{fit.auc_difference_low}, {fit.auc_difference_high}]"
        )
        for b in BEHAVIOURS:
            if w[b].coefficient is None:
                continue  # nobody showed it: nothing was fitted
            true = weights.get(b, 0.0)  # behaviours the generator gave no effect: 0
            total += 1
            covered += w[b].coefficient_low <= true <= w[b].coefficient_high
    # the order of the count behaviours (per touch), as planted, on the average over the worlds
    mean = {b: sum(v) / len(v) for b, v in learned.items()}
    pairs = [(a, b) for a in COUNTS for b in COUNTS if weights[a] - weights[b] >= ORDER_GAP]
    assert pairs, weights
    for a, b in pairs:
        assert mean[a] > mean[b], (a, b, mean)
    print("mean learned log-odds per unit:", {b: round(v, 3) for b, v in mean.items()}, "true:", weights)
    # 95% intervals; most must cover the truth
    assert total >= 15 and covered >= 0.8 * total, f"{covered} of {total} intervals cover the planted effect"
    print(f"{covered} of {total} intervals cover the planted effect")


def test_without_signal_the_configured_lead_weights_stay(tmp_path: Path) -> None:
    for seed in SEEDS[:2]:
        accounts, lead_truth, lines = _world(tmp_path, seed, "none")
        assert lead_truth["weights"] == {} and lead_truth["conversion_rate_without_signal"] == 0.2
        fit, rows = _fit_leads(accounts, lines, seed)
        assert fit.enough, (seed, rows, fit.summary)
        assert not fit.used and fit.weights == DEFAULT_CONFIG.lead_score, (seed, fit.verdict)
        assert fit.verdict_message is not None
        assert fit.verdict_message.key == "learn.lead.verdict.paired.not_better"
        # the paired interval of the AUC difference is reported, and it does not clear 0
        assert fit.auc_difference_low is not None and fit.auc_difference_high is not None
        assert fit.auc_difference_low <= 0 or fit.auc_low is None or fit.auc_low <= 0.5, fit.verdict
        print(
            f"none, seed {seed}: AUC {fit.auc} vs configured {fit.configured_auc}, difference "
            f"{fit.auc_difference} [{fit.auc_difference_low}, {fit.auc_difference_high}]"
        )
