"""HTML pages: the account list, the committee map and the login form, rendered with Jinja2.

Autoescaping is on for every template, so names, titles and gap texts (personal data, hostile input)
are always escaped. Data for the page scripts travels as JSON inside a non-executed
`<script type="application/json">` element, with `<`, `>`, `&` and the JavaScript line separators
escaped so that no value can close the element. Every script and style is served by buyergraph itself
from `/static`; the pages never reference another host.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from graph.analyses.messages import stage_name, status_name, trend_name
from graph.analyses.portfolio import ACCOUNT_SORTS, DEAL_SORTS, TRENDS
from graph.analyses.results import BuyingStage, GapKind
from graph.model import BuyingRole, CompanyStatus, DealStatus
from graph.search import pinyin
from graph.stores.base import KeptModel
from viz.account_list import CHART_HEIGHT, CHART_WIDTH, AccountRow, DealRow
from viz.committee_map import CommitteeMap
from viz.i18n import Words
from viz.model_page import BAR_WIDTH, model_view

__all__ = [
    "render_account_list",
    "render_committee_map",
    "render_deals",
    "render_model_page",
    "render_login",
    "render_problem",
    "script_json",
    "static_dir",
    "vis_network_dir",
    "VIS_NETWORK_VERSION",
]

#: The vis-network build that pyvis ships and buyergraph serves at /static/vendor/vis-network/.
VIS_NETWORK_VERSION = "9.1.2"

_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> Markup:
    """JSON that is safe inside a `<script>` element: nothing in it can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    for raw, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - escaped for the script context just above


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100):d}%"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("viz", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["script_json"] = script_json
    env.filters["number"] = _number
    env.filters["percent"] = _percent
    return env


def static_dir() -> Path:
    """buyergraph's own scripts and styles."""
    return Path(str(resources.files("viz").joinpath("static")))


def vis_network_dir() -> Path:
    """The vis-network build shipped inside the installed pyvis package (served, never fetched)."""
    return Path(str(resources.files("pyvis").joinpath("lib", f"vis-{VIS_NETWORK_VERSION}")))


def _with_pinyin(payload: dict[str, Any]) -> dict[str, Any]:
    """Each person with a name in Chinese characters also carries its pinyin (graph/search.py), so
    that the page's "Find a person" box finds 李娜 when "li na" is typed."""
    for node in payload.get("nodes", []):
        info = node.get("info") or {}
        name = info.get("name")
        if node.get("kind") == "person" and isinstance(name, str):
            key = pinyin(name)
            if key:
                info["pinyin"] = key
    return payload


def render_committee_map(
    committee_map: CommitteeMap, *, static_url: str = "/static", csrf: str | None = None
) -> str:
    """The committee-map page of one account (`csrf`: the page session's token, for the page's scripts)."""
    return (
        _environment()
        .get_template("account.html")
        .render(
            map=committee_map,
            payload=_with_pinyin(committee_map.vis_payload()),
            static=static_url,
            title=committee_map.account_name,
            csrf=csrf,
            t=Words(committee_map.lang),
            roles=[(role.value, Words(committee_map.lang).role(role)) for role in BuyingRole],
        )
    )


@dataclass
class FilterField:
    """One control of a list's filter form: a select (`options`: value, label) or a text/number box."""

    name: str
    label: str
    value: str = ""
    options: list[tuple[str, str]] | None = None
    number: bool = False


def _links(path: str, kept: Mapping[str, object]) -> Callable[..., str]:
    def link(**changes: object) -> str:
        params = {**kept, **changes}
        return f"{path}?" + urlencode(
            {
                k: str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in params.items()
                if v not in (None, "")
            }
        )

    return link


def sort_options(keys: tuple[str, ...], t: Words) -> list[tuple[str, str]]:
    """Every order a list offers, both ways, in words."""
    options = [("name", t("sort.name_ascending")), ("-name", t("sort.name_descending"))]
    for key in keys:
        if key == "name":
            continue
        name = t(f"sort.{key}")
        options += [(f"-{key}", t("sort.descending", name=name)), (key, t("sort.ascending", name=name))]
    return options


def gap_kind_options(t: Words) -> list[tuple[str, str]]:
    return [("", t("filter.any"))] + [(kind.value, t(f"gap.{kind.value}")) for kind in GapKind]


def render_account_list(
    rows: list[AccountRow],
    *,
    search: str | None,
    total: int,
    offset: int,
    limit: int,
    static_url: str = "/static",
    csrf: str | None = None,
    sort: str = "name",
    filters: Mapping[str, object] | None = None,
    lang: str = "en",
    my_owner: str | None = None,
) -> str:
    """The account list, a book to triage: kept coverage, completeness, gaps, engagement, stage and risk
    per account. `sort` and `filters` (the page's own query parameters, applied on the server to every
    account) are kept in the search, sort and paging links; `my_owner`: the rep remembered as "me"."""
    t = Words(lang)
    chosen = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    kept: dict[str, object] = {"q": search, "sort": sort if sort != "name" else None, **chosen}
    link = _links("/", kept)

    def value(name: str) -> str:
        v = chosen.get(name)
        return "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))

    yes_no = [("", t("filter.any")), ("true", t("filter.yes")), ("false", t("filter.no"))]
    bands = [
        ("", t("filter.any")),
        ("low", t("filter.band_low")),
        ("mid", t("filter.band_mid")),
        ("high", t("filter.band_high")),
    ]
    fields = [
        FilterField("sort", t("filter.sort"), sort, sort_options(ACCOUNT_SORTS, t)),
        FilterField("gap_kind", t("filter.gap_kind"), value("gap_kind"), gap_kind_options(t)),
        FilterField("min_gaps_high", t("filter.min_gaps_high"), value("min_gaps_high"), number=True),
        FilterField("min_gaps", t("filter.min_gaps"), value("min_gaps"), number=True),
        FilterField("coverage", t("filter.coverage"), value("coverage"), bands),
        FilterField("completeness", t("filter.completeness"), value("completeness"), bands),
        FilterField(
            "trend",
            t("filter.trend"),
            value("trend"),
            [("", t("filter.any"))] + [(trend, trend_name(trend, t.lang)) for trend in TRENDS],
        ),
        FilterField("at_risk", t("filter.at_risk"), value("at_risk"), yes_no),
        FilterField(
            "buying_stage",
            t("filter.stage"),
            value("buying_stage"),
            [("", t("filter.any"))] + [(s.value, stage_name(s.value, t.lang)) for s in BuyingStage],
        ),
        FilterField(
            "status",
            t("filter.status"),
            value("status"),
            [("", t("filter.any"))] + [(s.value, status_name(s.value, t.lang)) for s in CompanyStatus],
        ),
        FilterField("industry", t("filter.industry"), value("industry")),
        FilterField("owner", t("filter.owner"), value("owner")),
    ]
    # Column headers sort the whole book: the triage order first (worst first), a second click reverses.
    first = {"name": "name", "coverage": "coverage", "completeness": "completeness"}
    sort_links = {}
    for key in ACCOUNT_SORTS:
        start = first.get(key, f"-{key}")
        other = start[1:] if start.startswith("-") else f"-{start}"
        target = other if sort == start else start
        sort_links[key] = link(sort=None if target == "name" else target, offset=None)
    mine_active = my_owner is not None and chosen.get("owner") == my_owner
    my_link = None
    if my_owner:
        my_link = link(owner=None, offset=None) if mine_active else link(owner=my_owner, offset=None)
    hidden = [(k, v) for k, v in ((k, value(k)) for k in chosen if k not in ("offset",)) if v]
    if sort != "name":
        hidden.append(("sort", sort))
    return (
        _environment()
        .get_template("accounts.html")
        .render(
            rows=rows,
            search=search or "",
            total=total,
            offset=offset,
            limit=limit,
            chart_width=CHART_WIDTH,
            chart_height=CHART_HEIGHT,
            static=static_url,
            title=t("nav.accounts"),
            csrf=csrf,
            sort=sort,
            fields=fields,
            sort_links=sort_links,
            hidden_fields=hidden,
            active_filters=len([k for k in chosen if k != "as_of"]) + (sort != "name"),
            filters_open=bool(chosen),
            my_link=my_link,
            mine_active=mine_active,
            previous_link=link(offset=max(offset - limit, 0) or None),
            next_link=link(offset=offset + limit),
            t=t,
        )
    )


def render_deals(
    rows: list[DealRow],
    *,
    total: int,
    offset: int,
    limit: int,
    static_url: str = "/static",
    csrf: str | None = None,
    sort: str = "name",
    filters: Mapping[str, object] | None = None,
    lang: str = "en",
) -> str:
    """The deals view: open deals (by default) with stage, amount in its currency, close date, kept gap
    badges and coverage; `filters` are the page's query parameters, kept in the paging links."""
    t = Words(lang)
    chosen = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    link = _links("/deals", {"sort": sort if sort != "name" else None, **chosen})

    def value(name: str) -> str:
        v = chosen.get(name)
        return "" if v is None else str(v)

    fields = [
        FilterField("q", t("deals.search"), value("q")),
        FilterField("sort", t("filter.sort"), sort, sort_options(DEAL_SORTS, t)),
        FilterField(
            "status",
            t("deals.status"),
            value("status") or "open",
            [(s.value, t(f"status.{s.value}")) for s in DealStatus] + [("all", t("filter.any"))],
        ),
        FilterField("gap_kind", t("filter.gap_kind"), value("gap_kind"), gap_kind_options(t)),
        FilterField("stage", t("filter.deal_stage"), value("stage")),
        FilterField("min_amount", t("filter.min_amount"), value("min_amount"), number=True),
        FilterField("owner", t("filter.owner"), value("owner")),
    ]
    return (
        _environment()
        .get_template("deals.html")
        .render(
            rows=rows,
            total=total,
            offset=offset,
            limit=limit,
            static=static_url,
            title=t("deals.title"),
            csrf=csrf,
            fields=fields,
            active_filters=len([k for k in chosen if k != "status"]) + (sort != "name"),
            filters_open=bool(set(chosen) - {"status"}),
            previous_link=link(offset=max(offset - limit, 0) or None),
            next_link=link(offset=offset + limit),
            t=t,
        )
    )


def render_login(
    *,
    next_url: str,
    login_token: str,
    error: str | None = None,
    static_url: str = "/static",
    lang: str = "en",
) -> str:
    """The form that exchanges an API key for a page session; `login_token` is the form's own
    CSRF token (it must match the login cookie the form was served with)."""
    return (
        _environment()
        .get_template("login.html")
        .render(
            next_url=next_url,
            login_token=login_token,
            error=error,
            static=static_url,
            title=Words(lang)("login.title"),
            t=Words(lang),
        )
    )


def render_problem(
    *,
    status: int,
    title: str,
    detail: str,
    static_url: str = "/static",
    csrf: str | None = None,
    lang: str = "en",
) -> str:
    """A readable error page (the API answers problem+json; browsers get this)."""
    return (
        _environment()
        .get_template("problem.html")
        .render(
            status=status,
            problem_title=title,
            detail=detail,
            static=static_url,
            title=title,
            csrf=csrf,
            t=Words(lang),
        )
    )


def render_model_page(
    win: KeptModel | None,
    lead: KeptModel | None,
    versions: list[KeptModel],
    *,
    static_url: str = "/static",
    csrf: str | None = None,
    lang: str = "en",
) -> str:
    """The model page: the latest kept win model and lead weights (weights with intervals, calibration,
    back-test against the baselines, used or not and why) and every kept version."""
    t = Words(lang)
    return (
        _environment()
        .get_template("model.html")
        .render(
            view=model_view(win, lead, versions, t),
            width=BAR_WIDTH,
            static=static_url,
            title=t("model.title"),
            csrf=csrf,
            t=t,
        )
    )
