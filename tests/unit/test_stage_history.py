"""A deal's stage history: days in stage as of a day (graph.analyses.stages), the readers that carry it
(Salesforce OpportunityHistory and LastStageChangeDate, HubSpot date-entered columns, the native
`stage_history` column, the generator) and the win model's time feature that follows from it."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.analyses.stages import days_in_stage, stage_on
from graph.analyses.win_model import FEATURES, STAGE_FEATURE, closed_deal_rows, win_features
from graph.model import AccountGraph, Company, Deal, StageEntry
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.synthetic.generator import generate_world

D = date


def _deal(**kw: object) -> Deal:
    return Deal.model_validate({"id": "d", "company_id": "c", **kw})


# --- the rule ------------------------------------------------------------------------------------


def test_days_in_stage_of_an_open_deal_count_from_the_first_of_a_run() -> None:
    d = _deal(
        stage="Negotiation",
        status="open",
        stage_history="2025-01-01 Prospecting; 2025-02-01 Negotiation; 2025-02-20 negotiation",
    )
    assert stage_on(d, D(2025, 1, 31)) == StageEntry(stage="Prospecting", entered_on=D(2025, 1, 1))
    assert days_in_stage(d, D(2025, 1, 31)) == 30
    # a repeated row (an amount change) continues the stay, whatever its case
    assert days_in_stage(d, D(2025, 3, 3)) == 30
    assert days_in_stage(d, D(2024, 12, 31)) is None  # before its first stage
    assert days_in_stage(_deal(stage="Negotiation"), D(2025, 3, 3)) is None  # no history


def test_a_closed_deal_is_measured_in_its_last_open_stage_up_to_its_close() -> None:
    d = _deal(
        stage="Closed Lost",
        status="lost",
        closed_at=D(2025, 4, 1),
        stage_history=["2025-04-01 Closed Lost", "2025-01-01 Prospecting", "2025-03-01 Proposal"],
    )
    assert [e.stage for e in d.stage_history or []] == ["Prospecting", "Proposal", "Closed Lost"]
    assert stage_on(d, D(2025, 4, 1)) == StageEntry(stage="Proposal", entered_on=D(2025, 3, 1))
    assert days_in_stage(d, D(2025, 4, 1)) == 31
    assert days_in_stage(d, D(2026, 1, 1)) == 31  # later days stop at the close date
    assert days_in_stage(d, D(2025, 3, 11)) == 10  # while it was open
    # only the closing stage known (LastStageChangeDate of a closed deal): nothing to measure
    only = _deal(
        stage="Closed Won", status="won", closed_at=D(2025, 4, 1), stage_history="2025-04-01 Closed Won"
    )
    assert days_in_stage(only, D(2025, 4, 1)) is None


def test_a_stage_entry_must_be_a_day_and_a_stage() -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD stage"):
        _deal(stage_history="soon Negotiation")
    with pytest.raises(ValidationError):
        _deal(stage_history="2025-01-01")  # no stage
    assert _deal(stage_history="").stage_history is None


# --- the readers -----------------------------------------------------------------------------------


def _ingest(tmp_path: Path, folder: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([folder], store, progress=False)
    assert not [r for r in result.rejects if r.kind == "deals" or r.file.startswith("Opportunity")]
    return store


def test_salesforce_opportunity_history_and_last_stage_change(tmp_path: Path) -> None:
    folder = tmp_path / "sf"
    folder.mkdir()
    (folder / "Account.csv").write_text("Id,Name\n001A,Acme\n", encoding="utf-8")
    (folder / "Opportunity.csv").write_text(
        "Id,AccountId,Name,StageName,IsClosed,IsWon,CloseDate,CreatedDate,LastStageChangeDate\n"
        "006A,001A,Big,Closed Won,1,1,2025-05-01,2025-01-02T10:00:00Z,2025-05-01T08:00:00Z\n"
        "006B,001A,Small,Qualification,0,0,2025-09-01,2025-03-01T10:00:00Z,2025-03-20T08:00:00Z\n"
        "006C,001A,None,Prospecting,0,0,2025-09-01,2025-03-01T10:00:00Z,\n",
        encoding="utf-8",
    )
    # one row per change, not in order; a repeated stage (an amount change); a deleted row
    (folder / "OpportunityHistory.csv").write_text(
        "Id,OpportunityId,CreatedDate,StageName,Amount,IsDeleted\n"
        "008C,006A,2025-03-10 09:00:00,Negotiation/Review,900,0\n"
        "008A,006A,2025-01-02 10:00:00,Prospecting,100,0\n"
        "008B,006A,2025-02-01 10:00:00,Prospecting,200,0\n"
        "008X,006A,2025-02-15 10:00:00,Qualification,200,1\n"
        "008D,006A,2025-05-01 08:00:00,Closed Won,900,0\n",
        encoding="utf-8",
    )
    store = _ingest(tmp_path, folder)
    big = store.get_deal("006A")
    assert [str(e) for e in big.stage_history or []] == [
        "2025-01-02 Prospecting",
        "2025-03-10 Negotiation/Review",
        "2025-05-01 Closed Won",
    ]
    assert days_in_stage(big, D(2025, 5, 1)) == 52
    # no history rows: the current stage since LastStageChangeDate
    assert [str(e) for e in store.get_deal("006B").stage_history or []] == ["2025-03-20 Qualification"]
    assert store.get_deal("006C").stage_history is None


def test_opportunity_history_without_opportunities_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "sf"
    folder.mkdir()
    (folder / "Account.csv").write_text("Id,Name\n001A,Acme\n", encoding="utf-8")
    (folder / "OpportunityHistory.csv").write_text(
        "Id,OpportunityId,CreatedDate,StageName\n008A,006A,2025-01-02,Prospecting\n", encoding="utf-8"
    )
    result = ingest_paths([folder], EmbeddedStore(tmp_path / "store"), progress=False)
    unused = {n.file: n.reason for n in result.summary.not_used}
    assert "there is no Opportunity file" in unused["OpportunityHistory.csv"]


def test_hubspot_date_entered_columns(tmp_path: Path) -> None:
    folder = tmp_path / "hs"
    folder.mkdir()
    (folder / "hubspot-companies.csv").write_text("Record ID,Company name\n1,Acme\n", encoding="utf-8")
    (folder / "hubspot-deals.csv").write_text(
        "Record ID,Deal Name,Deal Stage,Associated Company IDs,Create Date,"
        'Date entered "Appointment Scheduled (Sales Pipeline)",'
        'Date entered "Contract Sent (Sales Pipeline)",hs_v2_date_entered_closedwon\n'
        "11,Big,Contract Sent,1,2025-01-01,2025-01-01 10:00,2025-02-03 09:30,\n"
        "12,Won,closedwon,1,2025-01-01,2025-01-05,,1739000000000\n"
        "13,Plain,Appointment Scheduled,1,2025-01-01,,,\n",
        encoding="utf-8",
    )
    store = _ingest(tmp_path, folder)
    big = store.get_deal("hs-deal-11")
    assert [str(e) for e in big.stage_history or []] == [
        "2025-01-01 Appointment Scheduled",
        "2025-02-03 Contract Sent",
    ]
    assert days_in_stage(big, D(2025, 2, 13)) == 10
    won = store.get_deal("hs-deal-12")
    assert [str(e) for e in won.stage_history or []] == [
        "2025-01-05 Appointment Scheduled",
        "2025-02-08 closedwon",
    ]
    assert store.get_deal("hs-deal-13").stage_history is None


def test_a_bad_date_drops_only_its_stage_entry(tmp_path: Path) -> None:
    """An OpportunityHistory row or a date-entered cell whose date does not parse leaves that entry out;
    the file and the deal still load."""
    folder = tmp_path / "sf"
    folder.mkdir()
    (folder / "Account.csv").write_text("Id,Name\n001A,Acme\n", encoding="utf-8")
    (folder / "Opportunity.csv").write_text(
        "Id,AccountId,Name,StageName,IsClosed,IsWon,CloseDate,CreatedDate\n"
        "006A,001A,Big,Negotiation/Review,0,0,2025-09-01,2025-01-02T10:00:00Z\n",
        encoding="utf-8",
    )
    (folder / "OpportunityHistory.csv").write_text(
        "Id,OpportunityId,CreatedDate,StageName\n"
        "008A,006A,2025-01-02 10:00:00,Prospecting\n"
        "008B,006A,not a date,Qualification\n"
        "008C,006A,2025-03-10 09:00:00,Negotiation/Review\n",
        encoding="utf-8",
    )
    store = _ingest(tmp_path, folder)
    assert [str(e) for e in store.get_deal("006A").stage_history or []] == [
        "2025-01-02 Prospecting",
        "2025-03-10 Negotiation/Review",
    ]
    hubspot = tmp_path / "hs"
    hubspot.mkdir()
    (hubspot / "hubspot-companies.csv").write_text("Record ID,Company name\n1,Acme\n", encoding="utf-8")
    (hubspot / "hubspot-deals.csv").write_text(
        "Record ID,Deal Name,Deal Stage,Associated Company IDs,Create Date,"
        'Date entered "Appointment Scheduled (Sales Pipeline)",'
        'Date entered "Contract Sent (Sales Pipeline)"\n'
        "11,Big,Contract Sent,1,2025-01-01,2025-01-01 10:00,someday\n",
        encoding="utf-8",
    )
    deal = _ingest(tmp_path / "second", hubspot).get_deal("hs-deal-11")
    assert [str(e) for e in deal.stage_history or []] == ["2025-01-01 Appointment Scheduled"]


def test_native_stage_history_column(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "companies.csv").write_text("id,name\nc1,Acme\n", encoding="utf-8")
    (folder / "deals.csv").write_text(
        "id,company_id,stage,status,stage_history\n"
        "d1,c1,Negotiation,open,2025/1/2 Prospecting; 2025-02-03 Negotiation\n"
        "d2,c1,Prospecting,open,\n",
        encoding="utf-8",
    )
    store = _ingest(tmp_path, folder)
    assert [str(e) for e in store.get_deal("d1").stage_history or []] == [
        "2025-01-02 Prospecting",
        "2025-02-03 Negotiation",
    ]
    assert store.get_deal("d2").stage_history is None


def test_generated_deals_have_plausible_stage_paths(tmp_path: Path) -> None:
    generate_world(tmp_path / "w", 8, seed=3, as_of=D(2026, 6, 30), workers=1)
    with (tmp_path / "w" / "deals.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["status"] in ("open", "won", "lost")]
    assert rows
    for row in rows:
        d = Deal.model_validate({k: v for k, v in row.items() if v != ""})
        history = d.stage_history or []
        assert history and history[0].entered_on == d.created_at, row
        assert [e.entered_on for e in history] == sorted(e.entered_on for e in history)
        assert history[-1].stage == d.stage, row
        if d.status == "open":
            assert history[-1].entered_on < D(2026, 6, 30)
            assert days_in_stage(d, D(2026, 6, 30)) is not None
        else:
            assert history[-1].entered_on == d.closed_at and len(history) >= 2
            assert d.closed_at is not None
            assert days_in_stage(d, d.closed_at) == (d.closed_at - history[-2].entered_on).days


# --- the win model's time feature ---------------------------------------------------------------


def test_closed_deals_with_history_give_days_in_stage_and_the_model_uses_it() -> None:
    company = Company(id="c", name="Acme")
    with_history = _deal(
        stage="Closed Won",
        status="won",
        created_at=D(2025, 1, 1),
        closed_at=D(2025, 4, 1),
        stage_history="2025-01-01 Prospecting; 2025-03-02 Proposal; 2025-04-01 Closed Won",
    )
    without = with_history.model_copy(update={"id": "e", "stage_history": None})
    rows = closed_deal_rows(AccountGraph(company=company, deals=[with_history, without]))
    by_id = {r.deal_id: r for r in rows}
    assert by_id["d"].values[STAGE_FEATURE] == 30.0
    assert STAGE_FEATURE not in by_id["e"].values and by_id["e"].values["months_open"] == 3.0
    # days in stage replaces months open only when every closed deal has it
    assert win_features([by_id["d"]]) == tuple(STAGE_FEATURE if f == "months_open" else f for f in FEATURES)
    assert win_features(rows) == FEATURES


def test_a_deal_without_history_scored_by_a_days_in_stage_model_counts_at_the_average() -> None:
    from datetime import datetime

    from graph.analyses.win_model import WinModel, WinWeight, win_factors, win_likelihood

    model = WinModel(
        id="m",
        fitted_at=datetime(2025, 1, 1),
        as_of=D(2025, 1, 1),
        features=[STAGE_FEATURE],
        intercept=0.5,
        scales=[1.0],
        penalty_c=1.0,
        closed=0,
        won=0,
        first_close=None,
        last_close=None,
        used=True,
        reason="",
        weights=[WinWeight(feature=STAGE_FEATURE, weight=-0.02, low=-0.03, high=-0.01, mean=40.0)],
    )
    assert win_likelihood(model, {}) == win_likelihood(model, {STAGE_FEATURE: 40.0})
    assert win_factors(model, {}) == []
    assert win_likelihood(model, {STAGE_FEATURE: 100.0}) < win_likelihood(model, {})


def test_the_learn_report_says_which_clock_the_model_used() -> None:
    from datetime import datetime

    from api.commands.learn import LearnReport, report_text
    from graph.analyses.win_model import WinModel, WinWeight

    def report(feature: str) -> LearnReport:
        model = WinModel(
            id="m",
            fitted_at=datetime(2025, 1, 1),
            as_of=D(2025, 1, 1),
            features=[feature],
            intercept=0.0,
            scales=[1.0],
            penalty_c=1.0,
            closed=40,
            won=20,
            first_close=None,
            last_close=None,
            used=False,
            reason="not back-tested",
            weights=[WinWeight(feature=feature, weight=-0.01, low=-0.02, high=0.0, mean=10.0)],
        )
        return LearnReport(
            as_of=D(2025, 1, 1),
            accounts=1,
            closed_deals=40,
            won=20,
            lost=20,
            minimum={},
            use_rule="",
            win_model=model,
            kept_id=None,
            message="",
        )

    days = "\n".join(report_text(report(STAGE_FEATURE)))
    assert "measured as days in stage" in days and "months open" not in days
    months = "\n".join(report_text(report("months_open")))
    assert "measured as months open" in months
    assert "按在当前阶段的天数计" in "\n".join(report_text(report(STAGE_FEATURE), "zh-CN"))
