"""`buyergraph analyze ACCOUNT`: one account's full analysis, as a readable report or as JSON.

ACCOUNT and `--path-to PERSON` take an id, or a name / domain / e-mail when it names one record
(api/commands/find.py has the rule). Every number printed says its scale.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from api.commands.find import resolve_account, resolve_person
from api.config_file import load_config
from api.params import parse_day
from graph.analyses import (
    AccountAnalysis,
    AnalysisConfig,
    DealAnalysis,
    OwnershipIndex,
    WarmPath,
    analyze_account,
    warm_paths,
)
from graph.analyses.messages import DEFAULT_LANGUAGE, normalize_language, render
from graph.errors import InvalidInputError, NotFoundError
from graph.model import AccountGraph
from ingest.titles import classify_title
from viz.formats import Formats


def _parse_day(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return parse_day(value)  # the rule of the API's as_of, so both take the same days
    except ValueError as exc:
        raise InvalidInputError(f"--as-of {exc}, got {value!r}") from None


def _names(account: AccountGraph) -> dict[str, str]:
    names = {p.id: p.name for p in account.people}
    names.update({r.id: f"{r.name} (rep)" for r in account.reps})
    return names


def explain_path_cost(config: AnalysisConfig) -> str:
    """What a warm path's cost means, in words."""
    return (
        "cost = the sum over hops of 1 / tie strength: a hop over the strongest tie costs 1, the weakest "
        f"usable one {1 / config.strength.floor:.0f}; lower is warmer"
    )


def _echo_paths(paths: list[WarmPath], names: dict[str, str], indent: str = "  ", lang: str = "en") -> None:
    for i, path in enumerate(paths, start=1):
        hops = len(path.hops)
        average = hops / path.cost if path.cost > 0 else 1.0
        typer.echo(
            f"{indent}{i}. {hops} hop(s), cost {path.cost:.2f} "
            f"(average tie strength {average:.2f} of 1; the warmest possible over {hops} hop(s) costs {hops})"
        )
        if path.explanation_message is not None:
            typer.echo(f"{indent}   {render(path.explanation_message, lang)}")
        typer.echo(f"{indent}   {names.get(path.nodes[0], path.nodes[0])}")
        for hop in path.hops:
            typer.echo(
                f"{indent}   -> {names.get(hop.target, hop.target)}  [{hop.kind.value}, "
                f"strength {hop.strength:.2f}: {hop.reason}]"
            )


def _money(deal: DealAnalysis, lang: str = DEFAULT_LANGUAGE) -> str:
    """'€120,000 ($129,600), expected to close Sep 30, 2026' in the user's locale (viz/formats.py)."""
    fmt = Formats(lang)
    chinese = lang == "zh-CN"
    if deal.amount is None:
        text = "无金额" if chinese else "no amount"
    else:
        text = fmt.money(deal.amount, deal.currency)
        if not deal.currency:
            text += "（未注明币种）" if chinese else " (no currency)"
        if deal.amount_in_base is not None and deal.currency != deal.base_currency:
            text += f" ({fmt.money(deal.amount_in_base, deal.base_currency)})"
    if deal.expected_close is not None:
        day = fmt.day(deal.expected_close)
        text += f"，预计 {day} 成交" if chinese else f", expected to close {day}"
    return text


def _echo_report(result: AccountAnalysis, names: dict[str, str], config: AnalysisConfig) -> None:
    def who(pid: str | None) -> str:
        return "-" if pid is None else f"{names.get(pid, pid)} ({pid})"

    echo = typer.echo
    # The gap texts in the user's language: BUYERGRAPH_LANG=zh-CN or en (English by default).
    lang = normalize_language(os.environ.get("BUYERGRAPH_LANG")) or DEFAULT_LANGUAGE
    echo(f"{result.name} ({result.account_id}) as of {result.as_of.isoformat()}")
    for note in result.notes:
        echo(f"  note: {note}")
    echo("")
    echo("KEY PEOPLE (influence from 0 to 1: reporting structure, seniority, centrality, role, engagement)")
    for kp in result.key_people:
        title = f", {kp.title}" if kp.title else ""
        echo(f"  {kp.rank:>2}. {names.get(kp.person_id, kp.person_id)}{title}  influence {kp.score:.2f} of 1")
        echo(f"      {render(kp.explanation_message, lang) if kp.explanation_message else kp.explanation}")
        for c in sorted(kp.components, key=lambda c: -c.share):
            words = render(c.explanation_message, lang) if c.explanation_message else c.explanation
            echo(f"      - {c.name:<10} {c.share:>4.0%}  {words}")
    if not result.key_people:
        echo("  nobody is known at this account yet")
    echo("")
    echo("DEALS")
    if not result.deals:
        echo("  no open deals")
    for deal in result.deals:
        money = _money(deal, lang)
        echo(f"  {deal.name or deal.deal_id} ({deal.deal_id}), {money}, stage {deal.stage or '-'}")
        if deal.amount_note:
            echo(f"    note: {deal.amount_note}")
        echo(f"    template {deal.template}: {', '.join(r.value for r in deal.required_roles)}")
        for pid, roles in deal.committee.items():
            mark = "engaged" if pid in deal.engaged else "not engaged"
            echo(f"    - {who(pid)}: {', '.join(r.value for r in roles)} [{mark}]")
        coverage = deal.coverage
        message = coverage.explanation_message
        explained = render(message, lang) if message else coverage.explanation
        echo(f"    coverage {coverage.score:.0%}: {explained}")
        if deal.gaps:
            echo(f"    gaps ({len(deal.gaps)}):")
        for gap in deal.gaps:
            detail = render(gap.detail_message, lang) if gap.detail_message else gap.detail
            next_step = render(gap.next_step_message, lang) if gap.next_step_message else gap.next_step
            echo(f"    * [{gap.severity.value}] {gap.kind.value}: {detail}")
            echo(f"      {'下一步' if lang == 'zh-CN' else 'next'}: {next_step}")
        if not deal.gaps:
            echo("    no gaps")
    echo("")
    echo("CROSS-SELL (score: the weighted sum of the signals listed, each from 0 to 1)")
    if not result.cross_sell:
        echo("  no recommendation")
    for item in result.cross_sell:
        echo(f"  {item.name or item.product_id} ({item.product_id})  score {item.score:.2f}")
        for ev in item.evidence:
            if ev.contribution > 0:
                echo(f"    - {ev.detail}")
    if result.relationship_leads:
        echo("")
        echo("RELATIONSHIP LEADS")
        for lead in result.relationship_leads:
            echo(f"  [{lead.kind.value}] {lead.detail}")
    e = result.engagement
    echo("")
    echo("ENGAGEMENT")
    echo(
        f"  first {who(e.first_person_id)}, last {who(e.last_person_id)}, "
        f"most active {who(e.most_active_person_id)}"
    )
    echo(f"  active people: {len(e.active_7d)} (7 d), {len(e.active_30d)} (30 d), {len(e.active_90d)} (90 d)")
    kinds = ", ".join(f"{k} {n}" for k, n in e.touches_by_kind.items()) or "none"
    echo(f"  touches: {kinds}")
    if e.days_since_last_touch is not None:
        echo(f"  last touch {e.days_since_last_touch} days ago")
    w = config.lead_score
    echo(
        f"  account score {e.account_score:,.0f} engagement points: each person's lead score capped at "
        f"{w.person_cap:.0f}, summed, plus {w.breadth_bonus:.0%} per further engaged person (0 = none)"
    )
    echo(f"  buying stage {e.buying_stage.value} ({e.buying_stage_reason})")
    if e.at_risk:
        echo(f"  AT RISK: {e.at_risk_reason}")
    leads = [pe for pe in e.people if pe.lead_score > 0][:5]
    if leads:
        echo(
            "  top leads (lead score, points for meetings, demos, downloads, visits): "
            + ", ".join(f"{names.get(pe.person_id, pe.person_id)} {pe.lead_score:.0f}" for pe in leads)
        )
    for pe in e.people:
        if pe.domain_flag is not None:
            flag = pe.domain_flag
            reason = render(flag.reason_message, lang) if flag.reason_message else flag.reason
            echo(f"  {names.get(pe.person_id, pe.person_id)}: {reason}")


def analyze(
    ctx: typer.Context,
    account: Annotated[
        str,
        typer.Argument(
            metavar="ACCOUNT",
            help="The account: its id, or a name or domain that names one account "
            "(see `buyergraph accounts`).",
        ),
    ],
    deal: Annotated[str | None, typer.Option("--deal", help="Analyse only this deal of the account.")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The date to analyse as of (YYYY-MM-DD); default today (UTC)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    path_to: Annotated[
        str | None,
        typer.Option(
            "--path-to",
            metavar="PERSON",
            help="Print up to three warm paths to this person instead: an id, or a name or e-mail that "
            "names one person of the account (see `buyergraph people --account ACCOUNT`).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Analysis settings file (TOML or JSON); default $BUYERGRAPH_CONFIG."),
    ] = None,
    cross_sell: Annotated[
        bool, typer.Option("--cross-sell/--no-cross-sell", help="Compute cross-sell (reads all holdings).")
    ] = True,
) -> None:
    """Key people, deal gaps, coverage, warm paths, cross-sell and engagement of one account."""
    from api.cli import store_from

    day = _parse_day(as_of)
    settings = load_config(config)
    with store_from(ctx) as store:
        account_id = resolve_account(store, account).id
        target = resolve_person(store, path_to, company_id=account_id).id if path_to is not None else None
        graph = store.account_graph(account_id)
        ownership = None
        if cross_sell and path_to is None:
            companies, holdings = store.ownership()
            ownership = OwnershipIndex.build(companies, holdings, names=store.product_names())
    names = _names(graph)
    if target is not None:
        paths = warm_paths(graph, target, as_of=day, config=settings, classify=classify_title)
        if as_json:
            typer.echo(json.dumps([p.model_dump(mode="json") for p in paths], indent=2, ensure_ascii=False))
            return
        typer.echo(f"Warm paths to {names.get(target, target)} ({target}) as of {day.isoformat()}")
        typer.echo(f"  ({explain_path_cost(settings)}):")
        if not paths:
            typer.echo(
                f"  none within {settings.max_hops} hops over touches of the last "
                f"{settings.reach_days} days, reporting lines and known ties"
            )
        _echo_paths(
            paths, names, lang=normalize_language(os.environ.get("BUYERGRAPH_LANG")) or DEFAULT_LANGUAGE
        )
        return
    if deal is not None and deal not in {d.id for d in graph.deals}:
        raise NotFoundError("deal", deal)
    result = analyze_account(
        graph, as_of=day, config=settings, deal_id=deal, ownership=ownership, classify=classify_title
    )
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    _echo_report(result, names, settings)
