"""HTML pages: the account list, the committee map and the login form, rendered with Jinja2.

Autoescaping is on for every template, so names, titles and gap texts (personal data, hostile input)
are always escaped. Data for the page scripts travels as JSON inside a non-executed
`<script type="application/json">` element, with `<`, `>`, `&` and the JavaScript line separators
escaped so that no value can close the element. Every script and style is served by buyergraph itself
from `/static`; the pages never reference another host.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from viz.account_list import CHART_HEIGHT, CHART_WIDTH, AccountRow
from viz.committee_map import CommitteeMap
from viz.i18n import Words

__all__ = [
    "render_account_list",
    "render_committee_map",
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


def render_committee_map(
    committee_map: CommitteeMap, *, static_url: str = "/static", csrf: str | None = None
) -> str:
    """The committee-map page of one account (`csrf`: the page session's token, for the page's scripts)."""
    return (
        _environment()
        .get_template("account.html")
        .render(
            map=committee_map,
            payload=committee_map.vis_payload(),
            static=static_url,
            title=committee_map.account_name,
            csrf=csrf,
            t=Words(committee_map.lang),
        )
    )


def render_account_list(
    rows: list[AccountRow],
    *,
    as_of: date,
    search: str | None,
    total: int,
    offset: int,
    limit: int,
    static_url: str = "/static",
    csrf: str | None = None,
    sort: str = "name",
    filters: Mapping[str, object] | None = None,
    lang: str = "en",
) -> str:
    """The account list: coverage, gaps, engagement trend and risk per account. `sort` and `filters`
    (the server-side order and filters of the list) are kept in the sort and paging links."""
    kept: dict[str, object] = {"q": search, "sort": sort if sort != "name" else None, **(filters or {})}

    def link(**changes: object) -> str:
        params = {**kept, **changes}
        return "/?" + urlencode(
            {
                k: str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in params.items()
                if v not in (None, "")
            }
        )

    sort_links = {
        "name": link(sort=None, offset=None),
        "coverage": link(sort="-coverage" if sort == "coverage" else "coverage", offset=None),
        "gaps_high": link(sort="gaps_high" if sort == "-gaps_high" else "-gaps_high", offset=None),
    }
    previous_link = link(offset=max(offset - limit, 0))
    next_link = link(offset=offset + limit)
    return (
        _environment()
        .get_template("accounts.html")
        .render(
            rows=rows,
            as_of=as_of,
            search=search or "",
            total=total,
            offset=offset,
            limit=limit,
            chart_width=CHART_WIDTH,
            chart_height=CHART_HEIGHT,
            static=static_url,
            title=Words(lang)("nav.accounts"),
            csrf=csrf,
            sort=sort,
            sort_links=sort_links,
            previous_link=previous_link,
            next_link=next_link,
            t=Words(lang),
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
            title="Sign in",
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
