"""Win likelihood (issue 21, part A): planted effects are recovered, the back-test beats the configured
weights where the outcome has signal and declines where it has none, and closed deals are seen as of
their close date only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from graph.analyses import analyze_account
from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.messages import render
from graph.analyses.results import AccountAnalysis
from graph.analyses.win_model import (
    DealRow,
    WinModel,
    _row,
    back_test,
    closed_deal_rows,
    fit_win_model,
    learn_win_model,
    open_deal_rows,
    win_factors,
    win_likelihood,
)
from graph.model import DealStatus, Touch
from graph.projections import classify_people
from graph.stores.embedded import EmbeddedStore
from ingest.titles import TitleClass, classify_title
from tests.unit.generated_world import AS_OF, generate, load

#: 300 accounts: ~100 scored deals per back-test, enough to tell the model from the configured weights
ACCOUNTS = 300
SEEDS = (11, 12, 13)
PLANTED = ("economic_buyer_engaged", "engaged_people", "stale_required_roles")


def _rows(tmp: Path, seed: int, signal: str) -> tuple[list[DealRow], dict[str, float]]:
    from ingest.synthetic.generator import generate_world

    folder = tmp / f"world-{signal}-{seed}"
    generate_world(
        folder, ACCOUNTS, seed=seed, fmt="native", as_of=AS_OF, force=True, workers=1, outcome_signal=signal
    )
    store = EmbeddedStore(tmp / f"store-{signal}-{seed}")
    load(folder, store)
    graphs = store.account_graphs(store.accounts_to_refresh(everything=True))
    rows = [r for g in graphs.values() for r in closed_deal_rows(g, classify=classify_title)]
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["parameters"]
    return rows, truth["outcome_effects"]


@pytest.fixture(scope="module")
def worlds(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[list[DealRow], dict[str, float]]]]:
    tmp = tmp_path_factory.mktemp("win")
    found = {f"planted-{s}": _rows(tmp, s, "planted") for s in SEEDS}
    found["none"] = _rows(tmp, SEEDS[0], "none")
    yield found


def test_truth_names_the_true_effects_and_none_has_none(
    worlds: dict[str, tuple[list[DealRow], dict[str, float]]],
) -> None:
    rows, effects = worlds[f"planted-{SEEDS[0]}"]
    assert (
        set(effects) == set(PLANTED)
        and effects["economic_buyer_engaged"] > 0 > effects["stale_required_roles"]
    )
    assert worlds["none"][1] == {}
    assert len(rows) >= 150  # enough closed deals at the default sizes for a back-test
    span = max(r.as_of for r in rows) - min(r.as_of for r in rows)
    assert span > timedelta(days=300)  # spread over the past year or more, so a time split works


def test_planted_effects_are_recovered_with_the_right_sign_order_and_intervals(
    worlds: dict[str, tuple[list[DealRow], dict[str, float]]],
) -> None:
    covered = 0
    for seed in SEEDS:
        rows, effects = worlds[f"planted-{seed}"]
        model = fit_win_model(rows, as_of=AS_OF, features=PLANTED, penalty_c=100.0, bootstrap=100, seed=seed)
        weight = {w.feature: w for w in model.weights}
        assert weight["economic_buyer_engaged"].weight > weight["engaged_people"].weight > 0
        assert weight["stale_required_roles"].weight < 0
        assert weight["economic_buyer_engaged"].weight > abs(weight["stale_required_roles"].weight) / 2
        covered += sum(1 for f in PLANTED if weight[f].low <= effects[f] <= weight[f].high)
    assert covered >= 7, f"the 95% intervals covered the true effect {covered} times of 9"


def test_back_test_beats_the_configured_weights_with_signal_and_declines_without(
    worlds: dict[str, tuple[list[DealRow], dict[str, float]]],
) -> None:
    used = 0
    for seed in SEEDS:
        test = back_test(worlds[f"planted-{seed}"][0], seed=seed)
        assert test.model.auc is not None and test.configured.auc is not None
        assert test.model.auc > test.configured.auc + 0.1, test
        assert test.model.brier < test.configured.brier, test
        assert test.auc_low is not None and test.auc_low > 0.5
        assert sum(b.deals for b in test.model.calibration) == test.test_closed
        # the paired differences (model better: positive) with their 90% intervals around them
        for paired in (test.auc_vs_configured, test.brier_vs_configured, test.brier_vs_naive_bayes):
            assert paired is not None and paired[1] <= paired[0] <= paired[2], test
        assert test.auc_vs_configured is not None and test.auc_vs_configured[0] > 0.1
        # USE_RULE: used when it clearly beats the configured weights (the lower ends of the AUC
        # difference and of the Brier gain above 0, AUC above chance) and is not clearly worse than
        # naive Bayes (its Brier gain's interval not entirely below 0)
        assert test.auc_vs_configured is not None and test.brier_vs_configured is not None
        assert test.brier_vs_naive_bayes is not None
        rule = (
            test.auc_vs_configured[1] > 0
            and test.brier_vs_configured[1] > 0
            and test.brier_vs_naive_bayes[2] >= 0
            and test.auc_low > 0.5
        )
        assert test.better == rule, test
        assert test.verdict_message is not None
        if test.better:
            beats_nb = test.brier_vs_naive_bayes[1] > 0
            assert test.verdict_message.key == (
                "win.verdict.use.beats_both" if beats_nb else "win.verdict.use.ties_naive_bayes"
            )
            assert test.verdict.startswith("beats the configured weights")
        print(f"seed {seed}: used {test.better}: {test.verdict}")
        used += test.better
    print(f"the model replaced the configured weights in {used} of {len(SEEDS)} worlds with signal")
    assert used >= 2, f"the model was used in only {used} of {len(SEEDS)} worlds with signal"
    flat = back_test(worlds["none"][0])
    assert not flat.better
    assert flat.verdict.startswith("declined, the configured weights stay in use")
    assert flat.verdict_message is not None and flat.verdict_message.key == "win.verdict.use.declined"
    assert "配置权重" in render(flat.verdict_message, "zh-CN")
    model, message = learn_win_model(worlds["none"][0], as_of=AS_OF, bootstrap=20)
    assert model is not None and not model.used and message.startswith("declined")


def test_too_little_history_fits_no_model(worlds: dict[str, tuple[list[DealRow], dict[str, float]]]) -> None:
    rows = worlds[f"planted-{SEEDS[0]}"][0][:30]
    model, message = learn_win_model(rows, as_of=AS_OF)
    assert model is None and message.startswith("too little history: 30 closed deals")
    with pytest.raises(ValueError, match="too little history"):
        fit_win_model(rows, as_of=AS_OF)


def test_factors_in_words_and_points() -> None:
    rows = [
        DealRow(
            deal_id=str(i),
            as_of=AS_OF,
            values={"economic_buyer_engaged": float(i % 2), "engaged_people": i % 5},
            won=(i % 2 == 1) != (i % 7 == 0),
        )
        for i in range(80)
    ]
    model = fit_win_model(
        rows, as_of=AS_OF, features=["economic_buyer_engaged", "engaged_people"], bootstrap=10
    )
    without = win_factors(model, {"economic_buyer_engaged": 0.0, "engaged_people": 2})
    eb = next(f for f in without if f.feature == "economic_buyer_engaged")
    assert eb.points < 0 and eb.text == f"no engaged economic buyer: {int(eb.points):+d} points"
    assert render(eb.message, "zh-CN").startswith("没有保持接触的审批者")
    assert win_likelihood(model, {"economic_buyer_engaged": 1.0}) > win_likelihood(
        model, {"economic_buyer_engaged": 0.0}
    )
    assert WinModel.model_validate_json(model.model_dump_json()) == model


def test_features_of_a_closed_deal_ignore_what_happened_after_its_close(tmp_path: Path) -> None:
    folder = generate(tmp_path / "world", 30, seed=5)
    store = EmbeddedStore(tmp_path / "store")
    load(folder, store)
    graphs = store.account_graphs(store.accounts_to_refresh(everything=True))
    account = next(
        g
        for g in graphs.values()
        if any(d.status == DealStatus.LOST and d.closed_at for d in g.deals) and g.committee
    )
    deal = next(d for d in account.deals if d.status == DealStatus.LOST and d.closed_at)
    assert deal.closed_at is not None
    members = sorted({c.person_id for c in account.committee if c.deal_id == deal.id})
    before = {r.deal_id: r for r in closed_deal_rows(account, classify=classify_title)}
    rep = account.reps[0].id if account.reps else None
    late = datetime.combine(deal.closed_at + timedelta(days=3), time(10))
    store.upsert(
        "touches",
        [
            Touch(
                id=f"late-{k}",
                at=late + timedelta(hours=k),
                kind="meeting",
                person_ids=[pid],
                rep_id=rep,
                deal_id=deal.id,
                direction="outbound",
                duration_s=3600,
            )
            for k, pid in enumerate(members)
        ],
    )
    after = {
        r.deal_id: r
        for r in closed_deal_rows(store.account_graph(account.company.id), classify=classify_title)
    }
    assert after[deal.id].values == before[deal.id].values
    # the same touches a week before the close date do count: the check above could fail
    early = datetime.combine(deal.closed_at - timedelta(days=7), time(10))
    store.upsert(
        "touches",
        [
            Touch(
                id=f"early-{k}",
                at=early + timedelta(hours=k),
                kind="meeting",
                person_ids=[pid],
                rep_id=rep,
                deal_id=deal.id,
                direction="outbound",
                duration_s=3600,
            )
            for k, pid in enumerate(members)
        ],
    )
    changed = {
        r.deal_id: r
        for r in closed_deal_rows(store.account_graph(account.company.id), classify=classify_title)
    }
    assert changed[deal.id].values["engaged_people"] >= before[deal.id].values["engaged_people"]
    assert changed[deal.id].values != before[deal.id].values


def test_open_deal_rows_reuse_the_projections_classification_with_the_same_features(
    tmp_path: Path,
) -> None:
    """The open deals' features read the seniority and function of their engaged people as the
    analysis' projection classified them: no title is classified again, and the rows are those the
    whole account's classification gives. An analysis read back from JSON (without them) classifies
    its deals' engaged people alone, to the same rows. Stored seniorities and functions are removed
    here, so that the titles decide."""
    folder = generate(tmp_path / "world", 30, seed=5)
    store = EmbeddedStore(tmp_path / "store")
    load(folder, store)
    graphs = store.account_graphs(store.accounts_to_refresh(everything=True))
    asked: list[str | None] = []

    def counted(title: str | None) -> TitleClass:
        asked.append(title)
        return classify_title(title)

    compared, executives, functions = 0, 0, 0
    for graph in graphs.values():
        people = [p.model_copy(update={"seniority": None, "function": None}) for p in graph.people]
        account = graph.model_copy(update={"people": people})
        analysis = analyze_account(account, as_of=AS_OF, classify=classify_title)
        if not analysis.deals:
            continue
        assert analysis.levels is not None
        asked.clear()
        rows = open_deal_rows(account, analysis, classify=counted)
        assert asked == []  # the projection's classification, reused
        seniority, function, _ = classify_people(account.people, classify_title)
        deals = {d.id: d for d in account.deals}
        everyone = [
            _row(account, a, AS_OF, deals.get(a.deal_id), seniority, function, None, DEFAULT_CONFIG)
            for a in analysis.deals
        ]
        assert rows == everyone
        read_back = AccountAnalysis.model_validate_json(analysis.model_dump_json())
        assert read_back.levels is None
        # The levels are not part of the answer: the JSON is the same with and without them (pydantic's
        # == compares them, AccountAnalysis._levels).
        assert analysis.model_dump_json() == read_back.model_dump_json() and analysis != read_back
        assert open_deal_rows(account, read_back, classify=counted) == everyone
        engaged = {pid for a in analysis.deals for pid in a.engaged}
        assert len(asked) <= len(engaged) < len(account.people)
        compared += 1
        executives += sum(r.values["executive_engaged"] > 0 for r in rows)
        functions += sum(r.values["engaged_functions"] > 0 for r in rows)
    assert compared and executives and functions  # the titles did decide some features
