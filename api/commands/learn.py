"""`buyergraph learn [--as-of DATE] [--json]`: learn what wins from the closed deals in the store.

Reads the book in batches (as refresh does), turns every deal closed before the as-of day into the
features it had on its close date (graph/analyses/win_model.py), back-tests a win-likelihood model
against the configured weights and a naive Bayes baseline, fits it on all of them, keeps it versioned in
the store (`GraphStore.write_model`) and prints a report (English or Chinese by BUYERGRAPH_LANG) or JSON.
Below the minimum history no model is fit and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel

from api.commands.analyze import _parse_day
from api.commands.text import cli_lang, pad
from api.config_file import load_config
from graph.analyses.config import AnalysisConfig
from graph.analyses.history import HistoryReport, what_history_says
from graph.analyses.lead_weights import LEAD_WEIGHTS_KIND, LeadWeightsFit, fit_lead_weights
from graph.analyses.messages import DEFAULT_LANGUAGE, Message, render
from graph.analyses.report import ClosedDealAnalysis, closed_deal_analyses
from graph.analyses.win_model import (
    FEATURES,
    MIN_CLOSED,
    MIN_EACH,
    STAGE_FEATURE,
    USE_RULE,
    WIN_MODEL_KIND,
    DealRow,
    WinModel,
    learn_win_model,
)
from graph.model import AccountGraph
from graph.stores.base import GraphStore, KeptModel

#: Accounts read per batch (the batch size of `buyergraph refresh`).
READ_BATCH = 200


class LearnReport(BaseModel):
    """What `learn` found: the win-likelihood model, the lead-score weights learned from conversions
    (graph/analyses/lead_weights.py) and what history says (graph/analyses/history.py), all from the
    same book as of the same day."""

    as_of: date
    accounts: int
    closed_deals: int
    won: int
    lost: int
    minimum: dict[str, int]
    use_rule: str
    win_model: WinModel | None
    kept_id: str | None
    message: str
    lead_weights: LeadWeightsFit | None = None
    #: The id the lead weights are kept under (a fit below the minimum history is kept too, unused).
    lead_weights_id: str | None = None
    history: HistoryReport | None = None


def book(store: GraphStore, batch: int = READ_BATCH) -> Iterator[AccountGraph]:
    """Every account of the store, read `batch` accounts at a time (`GraphStore.account_graphs`)."""
    ids = store.accounts_to_refresh(everything=True)
    for start in range(0, len(ids), batch):
        yield from store.account_graphs(ids[start : start + batch]).values()


def closed_analyses(
    accounts: list[AccountGraph], *, as_of: date, config: AnalysisConfig
) -> dict[str, list[ClosedDealAnalysis]]:
    """account id -> its deals closed by as_of, each analysed as of its close date
    (`closed_deal_analyses`): computed once per learn run, read by the win model and by history."""
    from ingest.titles import classify_title

    return {
        account.company.id: closed_deal_analyses(
            account, through=as_of, config=config, classify=classify_title
        )
        for account in accounts
    }


def closed_rows(
    accounts: list[AccountGraph],
    *,
    as_of: date,
    config: AnalysisConfig,
    analysed: Mapping[str, Sequence[ClosedDealAnalysis]] | None = None,
) -> list[DealRow]:
    """Every deal of these accounts closed before as_of, with its features as of its close date
    (from `analysed` when given: see `closed_analyses`)."""
    from graph.analyses.win_model import closed_deal_rows
    from ingest.titles import classify_title

    rows: list[DealRow] = []
    for account in accounts:
        given = None if analysed is None else analysed.get(account.company.id)
        rows.extend(
            closed_deal_rows(account, before=as_of, config=config, classify=classify_title, analysed=given)
        )
    return rows


def learn_report(
    store: GraphStore, *, as_of: date, config: AnalysisConfig, keep: bool = True, bootstrap: int = 100
) -> LearnReport:
    """Read, back-test, fit and (with `keep`) keep the models; the report of it all."""
    from ingest.titles import classify_title

    accounts = list(book(store))
    analysed = closed_analyses(accounts, as_of=as_of, config=config)
    rows = closed_rows(accounts, as_of=as_of, config=config, analysed=analysed)
    won = sum(1 for r in rows if r.won)
    fitted_at = datetime.now(UTC)
    model, message = learn_win_model(rows, as_of=as_of, bootstrap=bootstrap, fitted_at=fitted_at)
    kept_id = None
    if model is not None:
        model.id = f"{WIN_MODEL_KIND}-{as_of.isoformat()}-{model.fitted_at:%Y%m%dT%H%M%S%f}"
        if keep:
            store.write_model(
                KeptModel(
                    id=model.id,
                    kind=WIN_MODEL_KIND,
                    fitted_at=model.fitted_at,
                    as_of=as_of,
                    used=model.used,
                    document=model.model_dump(mode="json"),
                )
            )
            kept_id = model.id
    lead = fit_lead_weights(accounts, as_of=as_of, config=config, bootstrap=max(bootstrap, 20))
    lead_id = None
    if keep:
        lead_id = f"{LEAD_WEIGHTS_KIND}-{as_of.isoformat()}-{fitted_at:%Y%m%dT%H%M%S%f}"
        store.write_model(
            KeptModel(
                id=lead_id,
                kind=LEAD_WEIGHTS_KIND,
                fitted_at=fitted_at,
                as_of=as_of,
                used=lead.used,
                document=lead.model_dump(mode="json"),
            )
        )
    history = what_history_says(
        accounts, as_of=as_of, config=config, classify=classify_title, analysed=analysed
    )
    return LearnReport(
        as_of=as_of,
        accounts=len(accounts),
        closed_deals=len(rows),
        won=won,
        lost=len(rows) - won,
        minimum={"closed_deals": MIN_CLOSED, "wins": MIN_EACH, "losses": MIN_EACH},
        use_rule=USE_RULE,
        win_model=model,
        kept_id=kept_id,
        message=message,
        lead_weights=lead,
        lead_weights_id=lead_id,
        history=history,
    )


def _t(key: str, lang: str, **params: Any) -> str:
    return render(Message(key=key, params=params), lang)


def report_text(report: LearnReport, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The report in words, one line each."""
    lines = [
        _t(
            "learn.header",
            lang,
            as_of=report.as_of.isoformat(),
            accounts=report.accounts,
            closed=report.closed_deals,
            won=report.won,
            lost=report.lost,
        )
    ]
    lines.append("")
    lines.append(_t("learn.win.title", lang))
    lines.extend(_win_lines(report, lang))
    if report.lead_weights is not None:
        lines.append("")
        lines.append(_t("learn.lead.title", lang))
        lines.extend(_lead_lines(report.lead_weights, report.lead_weights_id, lang))
    if report.history is not None:
        lines.append("")
        lines.append(_t("learn.history.title", lang))
        lines.extend(_history_lines(report.history, lang))
    return lines


def _lead_lines(fit: LeadWeightsFit, kept_id: str | None, lang: str) -> list[str]:
    lines = [render(fit.summary_message, lang)]
    for w in fit.learned:
        if w.text_message is not None:
            lines.append("  " + render(w.text_message, lang))
        else:
            lines.append(f"  {w.behaviour}: {w.points:.2f} ({w.note})")
    if fit.verdict_message is not None:
        lines.append("  " + render(fit.verdict_message, lang))
    lines.append(_t("learn.lead.used" if fit.used else "learn.lead.not_used", lang))
    if kept_id:
        lines.append(_t("learn.kept", lang, id=kept_id))
    return lines


#: Rows of each history section printed in the readable report (--json has them all).
HISTORY_ROWS = 5


def _history_lines(history: HistoryReport, lang: str) -> list[str]:
    if history.closed_deals == 0 and not history.lead_sources:
        return [_t("learn.history.none", lang, as_of=history.as_of.isoformat())]
    lines = [render(m, lang) for m in history.note_messages]
    sections: list[list[Any]] = [
        history.engaged_roles,
        history.missing_roles,
        history.gaps,
        history.signals,
        history.personas,
        history.lead_sources,
        history.sources,
    ]
    for rows in sections:
        for row in rows[:HISTORY_ROWS]:
            message = getattr(row, "text_message", None)
            text = render(message, lang) if message is not None else getattr(row, "text", "")
            if text:
                lines.append("  " + text)
    return lines


def _win_lines(report: LearnReport, lang: str) -> list[str]:
    lines: list[str] = []
    model = report.win_model
    if model is None:
        lines.append(
            _t(
                "learn.too_little",
                lang,
                closed=report.closed_deals,
                won=report.won,
                lost=report.lost,
                minimum=MIN_CLOSED,
                each=MIN_EACH,
            )
        )
        return lines
    clock = "days_in_stage" if STAGE_FEATURE in model.features else "months_open"
    lines.append(_t(f"learn.clock.{clock}", lang))
    lines.append(_t("learn.weights", lang))
    for w in model.weights:
        if w.constant:
            lines.append(f"  {pad(w.feature, 24)} {_t('learn.constant', lang)}")
        else:
            lines.append(f"  {pad(w.feature, 24)} {w.weight:+8.3f}  [{w.low:+.3f}, {w.high:+.3f}]")
    test = model.back_test
    if test is None:
        lines.append(_t("learn.no_back_test", lang))
    else:
        lines.append(
            _t(
                "learn.back_test",
                lang,
                split=test.split.isoformat(),
                train=test.train_closed,
                test=test.test_closed,
                test_won=test.test_won,
            )
        )
        lines.append(f"  {'':<12} {'AUC':>7} {'Brier':>7} {'lift@10%':>9}")
        for m in (test.model, test.configured, test.naive_bayes):
            auc = "-" if m.auc is None else f"{m.auc:.3f}"
            lift = "-" if m.top_decile_lift is None else f"{m.top_decile_lift:.2f}"
            lines.append(f"  {pad(m.name, 12)} {auc:>7} {m.brier:>7.3f} {lift:>9}")
        lines.append(_t("learn.calibration", lang))
        for b in test.model.calibration:
            lines.append(f"  {b.low:.1f}-{b.high:.1f}: {b.deals:>4}  {b.predicted:.2f} -> {b.won:.2f}")
    reason = render(model.reason_message, lang) if model.reason_message is not None else model.reason
    if model.reason_message is not None and model.reason_message.key.startswith("win.verdict.use."):
        # The verdict already says whether the model replaces the configured weights.
        lines.append(_t("learn.verdict", lang, reason=reason))
    else:
        lines.append(_t("learn.used" if model.used else "learn.not_used", lang, reason=reason))
    if report.kept_id:
        lines.append(_t("learn.kept", lang, id=report.kept_id))
    return lines


def learn(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Learn from the deals closed before this day (YYYY-MM-DD); default today."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Analysis settings file (TOML or JSON); default $BUYERGRAPH_CONFIG."),
    ] = None,
) -> None:
    """Learn what wins from closed deals: back-test, fit and keep a win-likelihood model."""
    from api.cli import store_from

    day = _parse_day(as_of)
    settings = load_config(config)
    with store_from(ctx) as store:
        report = learn_report(store, as_of=day, config=settings)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    lang = cli_lang()
    for line in report_text(report, lang):
        typer.echo(line)


__all__ = ["FEATURES", "LearnReport", "LEAD_WEIGHTS_KIND", "book", "learn", "learn_report", "report_text"]
