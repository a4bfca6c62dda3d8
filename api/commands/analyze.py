"""`buyergraph analyze ACCOUNT`: one account's full analysis, as a readable report or as JSON.

ACCOUNT and `--path-to PERSON` take an id, or a name / domain / e-mail when it names one record
(api/commands/find.py has the rule). Every number printed says its scale.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from api.commands.find import resolve_account, resolve_person
from api.commands.text import cli_lang, display_width, pad
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
from graph.analyses.messages import (
    DEFAULT_LANGUAGE,
    render,
    role_name,
    signal_name,
    stage_name,
    template_name,
    touch_kind_name,
)
from graph.errors import InvalidInputError, NotFoundError
from graph.model import AccountGraph, BuyingRole
from ingest.titles import classify_title
from viz.formats import Formats
from viz.i18n import Words


def _parse_day(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return parse_day(value)  # the rule of the API's as_of, so both take the same days
    except ValueError as exc:
        raise InvalidInputError(f"--as-of {exc}, got {value!r}") from None


#: The report's own words (headings, labels, scales) in each language; the analyses' texts come
#: from the message catalogue (graph/analyses/messages.py), the domain words from viz/i18n.py.
_TEXT: dict[str, dict[str, str]] = {
    "rep": {"en": "{name} (rep)", "zh-CN": "{name}（我方销售）"},
    "title": {"en": "{name} ({id}) as of {day}", "zh-CN": "{name}（{id}），截至 {day}"},
    "note": {"en": "note: {text}", "zh-CN": "备注：{text}"},
    "lead_model": {
        "en": "lead scores use the learned weights of {model} (buyergraph learn)",
        "zh-CN": "线索评分使用学习得到的权重 {model}（buyergraph learn）",
    },
    "class": {"en": "account class {label}: {reason}", "zh-CN": "客户类别：{label}（{reason}）"},
    "key_people": {
        "en": "KEY PEOPLE (influence from 0 to 1: reporting structure, seniority, centrality, role, "
        "engagement)",
        "zh-CN": "关键人物（影响力 0 到 1：汇报结构、职级、关系网络中心度、委员会角色、互动接触）",
    },
    "influence": {"en": "influence {score} of 1", "zh-CN": "影响力 {score}（满分 1）"},
    "nobody": {"en": "nobody is known at this account yet", "zh-CN": "该客户尚无已知人员"},
    "deals": {"en": "DEALS", "zh-CN": "商机"},
    "no_deals": {"en": "no open deals", "zh-CN": "没有进行中的商机"},
    "deal": {
        "en": "{name} ({id}), {money}, stage {stage}",
        "zh-CN": "{name}（{id}），{money}，销售阶段 {stage}",
    },
    "template": {"en": "template {template}: {roles}", "zh-CN": "委员会模板 {template}：{roles}"},
    "engaged": {"en": "engaged", "zh-CN": "已接触"},
    "not_engaged": {"en": "not engaged", "zh-CN": "未接触"},
    "coverage": {"en": "coverage {score}: {text}", "zh-CN": "覆盖率 {score}：{text}"},
    "gaps": {"en": "gaps ({count}):", "zh-CN": "缺口（{count} 个）："},
    "next": {"en": "next: {text}", "zh-CN": "下一步：{text}"},
    "gap": {"en": "[{severity}] {kind}: {detail}", "zh-CN": "【{severity}】{kind}：{detail}"},
    "cost_meaning": {"en": "({text}):", "zh-CN": "（{text}）："},
    "no_gaps": {"en": "no gaps", "zh-CN": "没有缺口"},
    "cross_sell": {
        "en": "CROSS-SELL (score: the weighted sum of the signals listed, each from 0 to 1)",
        "zh-CN": "交叉销售（得分：下列各信号的加权和，每个信号 0 到 1）",
    },
    "no_recommendation": {"en": "no recommendation", "zh-CN": "暂无推荐"},
    "score": {"en": "score {score}", "zh-CN": "得分 {score}"},
    "leads": {"en": "RELATIONSHIP LEADS", "zh-CN": "关系线索"},
    "engagement": {"en": "ENGAGEMENT", "zh-CN": "互动接触"},
    "who": {
        "en": "first {first}, last {last}, most active {most}",
        "zh-CN": "最早接触 {first}，最近接触 {last}，最活跃 {most}",
    },
    "active": {
        "en": "active people: {d7} (7 d), {d30} (30 d), {d90} (90 d)",
        "zh-CN": "活跃人数：{d7}（7 天）、{d30}（30 天）、{d90}（90 天）",
    },
    "touches": {"en": "touches: {kinds}", "zh-CN": "接触次数：{kinds}"},
    "none": {"en": "none", "zh-CN": "无"},
    "last_touch": {"en": "last touch {days} days ago", "zh-CN": "最近一次接触在 {days} 天前"},
    "account_score": {
        "en": "account score {score} engagement points: each person's lead score capped at {cap}, summed, "
        "plus {bonus} per further engaged person (0 = none)",
        "zh-CN": "客户互动得分 {score} 分：每人的线索得分以 {cap} 分为上限求和，"
        "每多一位有互动的人再加 {bonus}（0 表示没有互动）",
    },
    "stage": {"en": "buying stage {stage} ({reason})", "zh-CN": "购买阶段：{stage}（{reason}）"},
    "at_risk": {"en": "AT RISK: {reason}", "zh-CN": "有风险：{reason}"},
    "top_leads": {
        "en": "top leads (lead score, points for meetings, demos, downloads, visits): ",
        "zh-CN": "主要线索（线索得分：会议、演示、下载、访问等的积分）：",
    },
    "paths": {
        "en": "Warm paths to {name} ({id}) as of {day}",
        "zh-CN": "到 {name}（{id}）的热路径，截至 {day}",
    },
    "path_cost": {
        "en": "cost = the sum over hops of 1 / tie strength: a hop over the strongest tie costs 1, "
        "the weakest usable one {weakest}; lower is warmer",
        "zh-CN": "成本 = 每一跳 1 / 联系强度之和：最强的联系一跳成本为 1，"
        "最弱的可用联系为 {weakest}；成本越低越热",
    },
    "no_paths": {
        "en": "none within {hops} hops over touches of the last {days} days, reporting lines and known ties",
        "zh-CN": "在 {hops} 跳之内没有路径（可走：近 {days} 天的接触、汇报关系和已知联系）",
    },
    "path": {
        "en": "{i}. {hops} hop(s), cost {cost} (average tie strength {average} of 1; the warmest possible "
        "over {hops} hop(s) costs {hops})",
        "zh-CN": "{i}. {hops} 跳，成本 {cost}（平均联系强度 {average}，满分 1；"
        "{hops} 跳的最热路径成本为 {hops}）",
    },
    "hop": {"en": "{kind}, strength {strength}: {reason}", "zh-CN": "{kind}，联系强度 {strength}：{reason}"},
    "hop.touch": {"en": "touch", "zh-CN": "接触"},
    "hop.reports_to": {"en": "reports to", "zh-CN": "汇报关系"},
    "hop.knows": {"en": "knows", "zh-CN": "认识"},
}


def _t(key: str, lang: str, **params: object) -> str:
    texts = _TEXT[key]
    return (texts.get(lang) or texts[DEFAULT_LANGUAGE]).format(**params)


def _names(account: AccountGraph, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    names = {p.id: p.name for p in account.people}
    names.update({r.id: _t("rep", lang, name=r.name) for r in account.reps})
    return names


def explain_path_cost(config: AnalysisConfig, lang: str = DEFAULT_LANGUAGE) -> str:
    """What a warm path's cost means, in words."""
    return _t("path_cost", lang, weakest=f"{1 / config.strength.floor:.0f}")


def _echo_paths(paths: list[WarmPath], names: dict[str, str], indent: str = "  ", lang: str = "en") -> None:
    for i, path in enumerate(paths, start=1):
        hops = len(path.hops)
        average = hops / path.cost if path.cost > 0 else 1.0
        typer.echo(
            f"{indent}{_t('path', lang, i=i, hops=hops, cost=f'{path.cost:.2f}', average=f'{average:.2f}')}"
        )
        if path.explanation_message is not None:
            typer.echo(f"{indent}   {render(path.explanation_message, lang)}")
        typer.echo(f"{indent}   {names.get(path.nodes[0], path.nodes[0])}")
        for hop in path.hops:
            reason = render(hop.reason_message, lang) if hop.reason_message is not None else hop.reason
            kind = _t(f"hop.{hop.kind.value}", lang) if f"hop.{hop.kind.value}" in _TEXT else hop.kind.value
            said = _t("hop", lang, kind=kind, strength=f"{hop.strength:.2f}", reason=reason)
            typer.echo(f"{indent}   -> {names.get(hop.target, hop.target)}  [{said}]")


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
    lang = cli_lang()
    words = Words(lang)

    def t(key: str, **params: object) -> str:
        return _t(key, lang, **params)

    said = words.message

    def roles(values: list[BuyingRole]) -> str:
        return ("、" if lang == "zh-CN" else ", ").join(role_name(r, lang) for r in values)

    echo(t("title", name=result.name, id=result.account_id, day=words.fmt.day(result.as_of)))
    for note in [render(m, lang) for m in result.note_messages] or result.notes:
        echo(f"  {t('note', text=note)}")
    reason = said(result.account_class_reason_message, result.account_class_reason)
    echo(f"  {t('class', label=words(f'class.{result.account_class.value}'), reason=reason)}")
    echo("")
    echo(t("key_people"))
    # The signal column is padded by terminal columns, so that Chinese names line up too.
    width = max(
        (display_width(signal_name(c.name, lang)) for kp in result.key_people for c in kp.components),
        default=0,
    )
    for kp in result.key_people:
        title = f", {kp.title}" if kp.title else ""
        influence = t("influence", score=f"{kp.score:.2f}")
        echo(f"  {kp.rank:>2}. {names.get(kp.person_id, kp.person_id)}{title}  {influence}")
        echo(f"      {said(kp.explanation_message, kp.explanation)}")
        for c in sorted(kp.components, key=lambda c: -c.share):
            name = signal_name(c.name, lang)
            echo(f"      - {pad(name, width)} {c.share:>4.0%}  {said(c.explanation_message, c.explanation)}")
    if not result.key_people:
        echo(f"  {t('nobody')}")
    echo("")
    echo(t("deals"))
    if not result.deals:
        echo(f"  {t('no_deals')}")
    for deal in result.deals:
        money = _money(deal, lang)
        line = t(
            "deal", name=deal.name or deal.deal_id, id=deal.deal_id, money=money, stage=deal.stage or "-"
        )
        echo(f"  {line}")
        if deal.amount_note:
            echo(f"    {t('note', text=said(deal.amount_note_message, deal.amount_note))}")
        template = template_name(deal.template, lang)
        echo(f"    {t('template', template=template, roles=roles(deal.required_roles))}")
        for pid, held in deal.committee.items():
            mark = t("engaged") if pid in deal.engaged else t("not_engaged")
            echo(f"    - {who(pid)}: {roles(held)} [{mark}]")
        coverage = deal.coverage
        explained = said(coverage.explanation_message, coverage.explanation)
        echo(f"    {t('coverage', score=f'{coverage.score:.0%}', text=explained)}")
        if deal.gaps:
            echo(f"    {t('gaps', count=len(deal.gaps))}")
        for gap in deal.gaps:
            detail = said(gap.detail_message, gap.detail)
            next_step = said(gap.next_step_message, gap.next_step)
            severity, kind = words(f"severity.{gap.severity.value}"), words(f"gap.{gap.kind.value}")
            echo(f"    * {t('gap', severity=severity, kind=kind, detail=detail)}")
            echo(f"      {t('next', text=next_step)}")
        if not deal.gaps:
            echo(f"    {t('no_gaps')}")
    echo("")
    echo(t("cross_sell"))
    if not result.cross_sell:
        echo(f"  {t('no_recommendation')}")
    for item in result.cross_sell:
        echo(f"  {item.name or item.product_id} ({item.product_id})  {t('score', score=f'{item.score:.2f}')}")
        for ev in item.evidence:
            if ev.contribution > 0:
                echo(f"    - {said(ev.detail_message, ev.detail)}")
    if result.relationship_leads:
        echo("")
        echo(t("leads"))
        for lead in result.relationship_leads:
            echo(f"  - {said(lead.detail_message, lead.detail)}")
    e = result.engagement
    echo("")
    echo(t("engagement"))
    first, last, most = who(e.first_person_id), who(e.last_person_id), who(e.most_active_person_id)
    echo(f"  {t('who', first=first, last=last, most=most)}")
    echo(f"  {t('active', d7=len(e.active_7d), d30=len(e.active_30d), d90=len(e.active_90d))}")
    kinds = ("、" if lang == "zh-CN" else ", ").join(
        f"{touch_kind_name(k, lang) if lang != DEFAULT_LANGUAGE else k} {n}"
        for k, n in e.touches_by_kind.items()
    ) or t("none")
    echo(f"  {t('touches', kinds=kinds)}")
    if e.days_since_last_touch is not None:
        echo(f"  {t('last_touch', days=e.days_since_last_touch)}")
    w = config.lead_score
    score = t(
        "account_score",
        score=f"{e.account_score:,.0f}",
        cap=f"{w.person_cap:.0f}",
        bonus=f"{w.breadth_bonus:.0%}",
    )
    echo(f"  {score}")
    stage_reason = said(e.buying_stage_reason_message, e.buying_stage_reason)
    echo(f"  {t('stage', stage=stage_name(e.buying_stage.value, lang), reason=stage_reason)}")
    if e.at_risk:
        echo(f"  {t('at_risk', reason=said(e.at_risk_reason_message, e.at_risk_reason))}")
    leads = [pe for pe in e.people if pe.lead_score > 0][:5]
    if leads:
        echo(
            f"  {t('top_leads')}"
            + ("、" if lang == "zh-CN" else ", ").join(
                f"{names.get(pe.person_id, pe.person_id)} {pe.lead_score:.0f}" for pe in leads
            )
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
    from api.refresh import CONFIGURATION, kept_lead_weights

    day = _parse_day(as_of)
    settings = load_config(config)
    with store_from(ctx) as store:
        settings, lead_model = kept_lead_weights(store, settings)
        account_id = resolve_account(store, account).id
        target = resolve_person(store, path_to, company_id=account_id).id if path_to is not None else None
        graph = store.account_graph(account_id)
        ownership = None
        if cross_sell and path_to is None:
            companies, holdings = store.ownership()
            ownership = OwnershipIndex.build(companies, holdings, names=store.product_names())
    lang = cli_lang()
    names = _names(graph, lang)
    if target is not None:
        paths = warm_paths(graph, target, as_of=day, config=settings, classify=classify_title)
        if as_json:
            typer.echo(json.dumps([p.model_dump(mode="json") for p in paths], indent=2, ensure_ascii=False))
            return
        typer.echo(_t("paths", lang, name=names.get(target, target), id=target, day=Formats(lang).day(day)))
        typer.echo(f"  {_t('cost_meaning', lang, text=explain_path_cost(settings, lang))}")
        if not paths:
            typer.echo(f"  {_t('no_paths', lang, hops=settings.max_hops, days=settings.reach_days)}")
        _echo_paths(paths, names, lang=lang)
        return
    if deal is not None and deal not in {d.id for d in graph.deals}:
        raise NotFoundError("deal", deal)
    result = analyze_account(
        graph, as_of=day, config=settings, deal_id=deal, ownership=ownership, classify=classify_title
    )
    if as_json:
        body = {**result.model_dump(mode="json"), "lead_model": lead_model}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return
    _echo_report(result, names, settings)
    if lead_model != CONFIGURATION:
        typer.echo(_t("lead_model", lang, model=lead_model))
