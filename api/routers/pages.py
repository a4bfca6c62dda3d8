"""The browser pages: the account list at `/`, committee maps at `/accounts/{id}`, login and logout.

Pages need the `read` scope like the API and accept the same key in the same headers (`X-API-Key`,
`Authorization: Bearer`), or a page session. A browser without either is sent to `/login`, whose
form exchanges a read or write key for a server-side session (`api/sessions.py`): the browser keeps
only the session id, in an HttpOnly, SameSite=Strict cookie, and the pages carry the session's CSRF
token for their own state-changing requests. Every script and style is served from `/static` by
this router (vis-network straight from the installed pyvis package), so the pages work offline, and a
Content-Security-Policy tells the browser never to load anything from elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterable
from functools import partial
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from api.deps import (
    KEY_HEADER,
    SESSION_COOKIE,
    ReadKey,
    RuntimeDep,
    is_same_origin,
    record_use_later,
    session_key,
)
from api.errors import ApiProblem
from api.keys import ApiKey, Scope, scope_allows
from api.routers._analysis import (
    AsOfQuery,
    account_graph_cached,
    analysis_sync,
    as_of_or_today,
    run_limited,
    win_of_sync,
)
from api.routers.accounts import sort_and_direction
from api.runtime import Runtime
from api.sessions import SESSION_LIFETIME, csrf_matches, csrf_token
from graph.analyses import GapKind, WarmPath, warm_paths
from graph.analyses.lead_weights import LEAD_WEIGHTS_KIND
from graph.analyses.messages import DEFAULT_LANGUAGE, Message, normalize_language
from graph.analyses.portfolio import ACCOUNT_SORTS, DEAL_SORTS, TRENDS, AccountFilter, DealFilter, DealListing
from graph.analyses.results import BuyingStage
from graph.analyses.win_model import WIN_MODEL_KIND
from graph.errors import NotFoundError
from graph.model import AccountGraph, CompanyStatus, DealStatus, Page
from graph.stores.base import KeptModel
from viz.account_list import account_row, deal_row
from viz.committee_map import build_committee_map
from viz.i18n import LANG_COOKIE, Words, page_language
from viz.pages import (
    render_account_list,
    render_committee_map,
    render_deals,
    render_login,
    render_model_page,
    render_problem,
    static_dir,
    vis_network_dir,
)

log = logging.getLogger("buyergraph.pages")

router = APIRouter(include_in_schema=False)
#: The path of an account's committee-map page, before the (percent-encoded) id.
_ACCOUNT_PAGE = "/accounts/"

#: Rows per page of the account list and the deals view.
ACCOUNTS_PER_PAGE = 50
#: How long a session cookie lives (seconds), as long as the session; signing out ends both.
COOKIE_MAX_AGE = int(SESSION_LIFETIME.total_seconds())
#: The login form's own CSRF cookie (a random value the form must echo), so that another site
#: cannot sign a browser in with the attacker's key.
LOGIN_COOKIE = "buyergraph_login"
LOGIN_COOKIE_MAX_AGE = 3600

#: The browser may load scripts, styles, images and data only from this server.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

AccountId = Annotated[str, Path(min_length=1, max_length=256)]
#: The page language chosen on the page (en, zh-CN); it is remembered in LANG_COOKIE.
LangQuery = Annotated[str | None, Query(max_length=20, description="en or zh-CN")]
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


class _BadLanguage(Exception):
    pass


def _language(request: Request, chosen: str | None) -> str:
    """The page language: `?lang=` first, then the remembered choice, then the browser's
    Accept-Language, else English. A `?lang=` that is neither language is refused (400)."""
    if chosen is not None:
        lang = normalize_language(chosen)
        if lang is None:
            raise _BadLanguage
        return lang
    return page_language(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))


def _remember_language(response: Response, request: Request, chosen: str | None, lang: str) -> Response:
    if chosen is not None:
        _set_cookie(response, request, LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, path="/")
    return response


def _bad_language_page(request: Request, csrf: str | None) -> HTMLResponse:
    return _problem_page(400, "bad_language", csrf=csrf, lang=_language(request, None))


def _page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=_PAGE_HEADERS)


def _problem_page(
    status: int, kind: str, *, csrf: str | None = None, lang: str = DEFAULT_LANGUAGE, **params: Any
) -> HTMLResponse:
    """A readable error page in the page's language: title `problem.<kind>`, detail
    `problem.<kind>.detail` of viz/i18n.py."""
    words = Words(lang)
    title, detail = words(f"problem.{kind}"), words(f"problem.{kind}.detail", **params)
    return _page(render_problem(status=status, title=title, detail=detail, csrf=csrf, lang=lang), status)


def _api_problem_page(problem: ApiProblem, csrf: str | None, lang: str, limit_s: float) -> HTMLResponse:
    """A problem the analysis limits raised (a timeout ...), in the page's language where it has words."""
    if problem.kind == "timeout":
        what = Words(lang)("problem.what_map")
        return _problem_page(
            problem.status, "timeout", csrf=csrf, lang=lang, what=what, seconds=f"{limit_s:g}"
        )
    title = Words(lang)("problem.other") if lang != DEFAULT_LANGUAGE else problem.title
    html = render_problem(status=problem.status, title=title, detail=problem.detail, csrf=csrf, lang=lang)
    return _page(html, problem.status)


def _safe_next(target: str | None) -> str:
    """Only same-site paths may follow a login (no open redirects to other hosts)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _header_key(request: Request) -> str | None:
    header = request.headers.get(KEY_HEADER)
    if header:
        return header.strip()
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _visit(
    runtime: Runtime, request: Request, lang: str | None
) -> tuple[tuple[ApiKey, str | None], str | None, str] | Response:
    """Who reads a page, with the session's CSRF token, and in which language; or the answer that
    ends the request instead (sign in first, or a `?lang=` that is neither language)."""
    reader = _reader(runtime, request)
    if reader is None:
        return _to_login(request)
    try:
        return reader, reader[1], _language(request, lang)
    except _BadLanguage:
        return _bad_language_page(request, reader[1])


def _reader(runtime: Runtime, request: Request) -> tuple[ApiKey, str | None] | None:
    """The caller's key when it grants `read`, with the page session's CSRF token when the caller
    signed in through the form; None makes the page ask to sign in."""
    presented = _header_key(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    token: str | None = None
    if presented:
        # As the API's key check: compared on the event loop (the pages are coroutines), the
        # once-a-minute `last_used` write in a worker thread.
        key = runtime.keys.find(presented)
        if key is not None and runtime.keys.use_due(key):
            record_use_later(runtime.keys, key)
    elif session_id:
        key = session_key(runtime, session_id)
        token = csrf_token(session_id.strip())
    else:
        return None
    if key is None or not scope_allows(key.scope, Scope.READ):
        return None
    return key, token


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


# --- the account list and the deals view ------------------------------------------------------------

_ACCOUNT_SORT_PATTERN = "^-?(" + "|".join(ACCOUNT_SORTS) + ")$"
_DEAL_SORT_PATTERN = "^-?(" + "|".join(DEAL_SORTS) + ")$"
#: The rep a browser remembers as "me" (its id), for "my accounts".
ME_COOKIE = "buyergraph_me"
#: Coverage and completeness bands of the filter form -> (at least, below).
BANDS: dict[str, tuple[float | None, float | None]] = {
    "low": (None, 0.3999),
    "mid": (0.4, 0.6999),
    "high": (0.7, None),
}
Text = Annotated[str | None, Query(max_length=200)]


class _BadParameter(Exception):
    """A filter value the page refuses: `allowed` is a key of viz/i18n.py with its parameters."""

    def __init__(self, name: str, allowed: str, **params: Any) -> None:
        super().__init__(name)
        self.name, self.allowed, self.params = name, allowed, params


def _choice(name: str, value: str | None, allowed: Iterable[str]) -> str | None:
    """An empty form field is "any"; anything else must be one of `allowed`."""
    if not value:
        return None
    options = list(allowed)
    if value not in options:
        raise _BadParameter(name, "problem.one_of", values=", ".join(options))
    return value


def _flag(name: str, value: str | None) -> bool | None:
    chosen = _choice(name, value, ("true", "false"))
    return None if chosen is None else chosen == "true"


def _count(name: str, value: str | None, top: float = 1_000_000) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise _BadParameter(name, "problem.a_number") from None
    if not 0 <= number <= top:
        raise _BadParameter(name, "problem.number_range", top=f"{top:g}")
    return number


def _bad_parameter_page(problem: _BadParameter, csrf: str | None, lang: str) -> HTMLResponse:
    allowed = Words(lang)(problem.allowed, **problem.params)
    return _problem_page(400, "bad_filter", csrf=csrf, lang=lang, name=repr(problem.name), allowed=allowed)


def _sparkline_graph(runtime: Runtime, account_id: str) -> AccountGraph:
    """The account's records for its engagement chart (cached; no analysis runs)."""
    return account_graph_cached(runtime, account_id)


@router.get("/", response_class=HTMLResponse)
async def account_list(
    request: Request,
    runtime: RuntimeDep,
    q: Text = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    as_of: AsOfQuery = None,
    sort: Annotated[str, Query(pattern=_ACCOUNT_SORT_PATTERN)] = "name",
    gap_kind: Text = None,
    trend: Text = None,
    at_risk: Text = None,
    buying_stage: Text = None,
    status: Text = None,
    industry: Text = None,
    owner: Annotated[str | None, Query(max_length=256)] = None,
    me: Text = None,
    coverage: Text = None,
    completeness: Text = None,
    min_gaps: Text = None,
    min_gaps_high: Text = None,
    lang: LangQuery = None,
) -> Response:
    """The book of accounts to triage: every account filtered and ordered on the store by its kept
    result, as `GET /api/v1/accounts` does, one page at a time; each row shows the kept figures and
    how fresh they are (no analysis runs for the list). Empty form fields mean "any". `as_of` is
    accepted for old links and ignored: the figures are those of the latest refresh."""
    visit = _visit(runtime, request, lang)
    if isinstance(visit, Response):
        return visit
    _, csrf, language = visit
    try:
        filters: dict[str, Any] = {
            "gap_kind": _choice("gap_kind", gap_kind, (k.value for k in GapKind)),
            "trend": _choice("trend", trend, TRENDS),
            "at_risk": _flag("at_risk", at_risk),
            "buying_stage": _choice("buying_stage", buying_stage, (s.value for s in BuyingStage)),
            "status": _choice("status", status, (s.value for s in CompanyStatus)),
            "industry": industry or None,
            "owner": owner or None,
            "coverage": _choice("coverage", coverage, BANDS),
            "completeness": _choice("completeness", completeness, BANDS),
            "min_gaps": _count("min_gaps", min_gaps),
            "min_gaps_high": _count("min_gaps_high", min_gaps_high),
        }
        remember = _flag("me", me)
    except _BadParameter as problem:
        return _bad_parameter_page(problem, csrf, language)
    coverage_band = BANDS.get(filters["coverage"] or "", (None, None))
    completeness_band = BANDS.get(filters["completeness"] or "", (None, None))
    key, descending = sort_and_direction(sort)
    query = AccountFilter(
        search=q or None,
        industry=filters["industry"],
        status=filters["status"],
        owner=filters["owner"],
        gap_kind=GapKind(filters["gap_kind"]) if filters["gap_kind"] else None,
        trend=filters["trend"],
        at_risk=filters["at_risk"],
        buying_stage=filters["buying_stage"],
        min_coverage=coverage_band[0],
        max_coverage=coverage_band[1],
        min_completeness=completeness_band[0],
        max_completeness=completeness_band[1],
        min_gaps=None if filters["min_gaps"] is None else int(filters["min_gaps"]),
        min_gaps_high=None if filters["min_gaps_high"] is None else int(filters["min_gaps_high"]),
        sort=key,
        descending=descending,
    )
    store = runtime.store
    listing = await run_limited(
        runtime,
        lambda: store.list_account_results(query, offset=offset, limit=ACCOUNTS_PER_PAGE),
        what="account listing",
    )
    # The engagement chart needs the account's touches by month; the figures come from the kept result.
    graphs = await asyncio.gather(
        *(
            run_limited(runtime, partial(_sparkline_graph, runtime, item.company.id), what="account touches")
            for item in listing.data
            if item.result is not None
        ),
        return_exceptions=True,
    )
    by_id: dict[str, AccountGraph] = {}
    for graph in graphs:
        if isinstance(graph, AccountGraph):
            by_id[graph.company.id] = graph
        elif isinstance(graph, BaseException):
            log.warning("account list: reading one account's touches failed with %s", type(graph).__name__)
    rows = [account_row(item, by_id.get(item.company.id), lang=language) for item in listing.data]
    my_owner = (request.cookies.get(ME_COOKIE) or "").strip()[:256] or None
    if remember and filters["owner"]:
        my_owner = filters["owner"]
    html = render_account_list(
        rows,
        search=q,
        total=listing.count,
        offset=offset,
        limit=ACCOUNTS_PER_PAGE,
        csrf=csrf,
        sort=sort,
        filters={k: v for k, v in filters.items() if v is not None},
        lang=language,
        my_owner=my_owner,
    )
    response = _remember_language(_page(html), request, lang, language)
    if remember and filters["owner"]:
        _set_cookie(response, request, ME_COOKIE, filters["owner"], max_age=LANG_COOKIE_MAX_AGE, path="/")
    return response


@router.get("/deals", response_class=HTMLResponse)
async def deals_page(
    request: Request,
    runtime: RuntimeDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    as_of: AsOfQuery = None,
    sort: Annotated[str, Query(pattern=_DEAL_SORT_PATTERN)] = "name",
    status: Text = None,
    stage: Text = None,
    gap_kind: Text = None,
    owner: Annotated[str | None, Query(max_length=256)] = None,
    account_id: Annotated[str | None, Query(max_length=256)] = None,
    min_amount: Text = None,
    q: Text = None,
    lang: LangQuery = None,
) -> Response:
    """The deals view: open deals (by default) with their stage, amount in its currency, close date,
    kept gaps by severity and kind, and coverage, read as `GET /api/v1/deals` reads them (`as_of`:
    accepted and ignored, as on the account list)."""
    visit = _visit(runtime, request, lang)
    if isinstance(visit, Response):
        return visit
    _, csrf, language = visit
    try:
        chosen_status = _choice("status", status, [s.value for s in DealStatus] + ["all"]) or "open"
        kind = _choice("gap_kind", gap_kind, (k.value for k in GapKind))
        least = _count("min_amount", min_amount, 1e15)
    except _BadParameter as problem:
        return _bad_parameter_page(problem, csrf, language)
    query = DealFilter(
        status=None if chosen_status == "all" else chosen_status,
        stage=stage or None,
        min_amount=least,
        gap_kind=GapKind(kind) if kind else None,
        owner=owner or None,
        account_id=account_id or None,
        search=q or None,
        sort=sort.removeprefix("-"),
        descending=sort.startswith("-"),
    )
    store = runtime.store

    def read() -> tuple[Page[DealListing], dict[str, str]]:
        page = store.list_deal_results(query, offset=offset, limit=ACCOUNTS_PER_PAGE)
        names: dict[str, str] = {}
        for item in page.data:
            cid = item.deal.company_id
            if cid not in names:
                try:
                    names[cid] = store.get_company(cid).name
                except NotFoundError:
                    names[cid] = cid
        return page, names

    page, names = await run_limited(runtime, read, what="deal listing")
    rows = [deal_row(item, names[item.deal.company_id], lang=language) for item in page.data]
    filters: dict[str, object] = {
        "status": chosen_status,
        "stage": stage,
        "gap_kind": kind,
        "owner": owner,
        "account_id": account_id,
        "min_amount": min_amount,
        "q": q,
    }
    html = render_deals(
        rows,
        total=page.count,
        offset=offset,
        limit=ACCOUNTS_PER_PAGE,
        csrf=csrf,
        sort=sort,
        filters={k: v for k, v in filters.items() if v not in (None, "")},
        lang=language,
    )
    return _remember_language(_page(html), request, lang, language)


@router.get("/model", response_class=HTMLResponse)
async def model_page(request: Request, runtime: RuntimeDep, lang: LangQuery = None) -> Response:
    """What `buyergraph learn` kept: the win model and the lead weights (weights with intervals,
    calibration, back-test against the baselines, used or not and why) and every kept version."""
    visit = _visit(runtime, request, lang)
    if isinstance(visit, Response):
        return visit
    _, csrf, language = visit
    store = runtime.store

    def read() -> tuple[KeptModel | None, KeptModel | None, list[KeptModel]]:
        return store.read_model(WIN_MODEL_KIND), store.read_model(LEAD_WEIGHTS_KIND), store.list_models()

    win, lead, versions = await run_limited(runtime, read, what="models")
    html = render_model_page(win, lead, versions, csrf=csrf, lang=language)
    return _remember_language(_page(html), request, lang, language)


# --- the committee map ------------------------------------------------------------------------------


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
async def committee_map_page(
    request: Request,
    runtime: RuntimeDep,
    account_id: AccountId,
    deal: Annotated[str | None, Query(max_length=256)] = None,
    as_of: AsOfQuery = None,
    merged_from: Annotated[
        str | None,
        Query(max_length=256, description="The merged-away id the user asked for (set by a redirect)."),
    ] = None,
    lang: LangQuery = None,
) -> Response:
    """The committee map of one account, with its deals' committees and gaps beside it."""
    visit = _visit(runtime, request, lang)
    if isinstance(visit, Response):
        return visit
    reader, csrf, language = visit
    day = as_of_or_today(as_of)

    def build() -> str:
        account, analysis = analysis_sync(runtime, account_id, day)
        committee_map = build_committee_map(
            account,
            analysis,
            as_of=day,
            config=runtime.config,
            deal_id=deal,
            lang=language,
            wins=win_of_sync(runtime, account, analysis),
        )
        # Corrections are offered to a page session whose key may write (its requests carry the CSRF token).
        committee_map.can_correct = csrf is not None and scope_allows(reader[0].scope, Scope.WRITE)
        alias = runtime.store.resolve_alias("companies", merged_from) if merged_from else None
        if alias is not None and alias.into == account_id:
            committee_map.notes.insert(
                0, f"{alias.id} was merged into this account at ingest ({alias.reason})."
            )
        return render_committee_map(committee_map, csrf=csrf)

    try:
        html = await run_limited(runtime, build, what="committee map")
    except NotFoundError as missing:
        alias = await run_in_threadpool(runtime.store.resolve_alias, "companies", account_id)
        if alias is not None and missing.id == account_id:
            # A merged-away id: the survivor's page, which names it (see api/aliases.py).
            query = {k: v for k, v in request.query_params.items() if k != "merged_from"}
            query["merged_from"] = alias.id
            target = f"{_ACCOUNT_PAGE}{quote(alias.into, safe='')}?{urlencode(query)}"
            return RedirectResponse(target, status_code=307)
        return _problem_page(404, "account_not_found", csrf=csrf, lang=language, id=repr(account_id))
    except ApiProblem as problem:
        return _api_problem_page(problem, csrf, language, runtime.settings.analysis_timeout_s)
    return _remember_language(_page(html), request, lang, language)


def _map_id(
    account: AccountGraph, node_id: str, position: int, words: Words
) -> tuple[str, str, str, str | None]:
    """(map node id, kind, label, subtitle) of one stop of a warm path."""
    people = {p.id: p for p in account.people}
    if node_id in people and position > 0:
        person = people[node_id]
        return node_id, "person", person.name, person.title
    reps = {r.id: r for r in account.reps}
    if node_id in reps:
        rep = reps[node_id]
        return f"rep:{node_id}", "rep", rep.name, words("rep.title")
    if node_id in people:
        person = people[node_id]
        return node_id, "person", person.name, person.title
    return node_id, "person", node_id, None


def _path_public(account: AccountGraph, path: WarmPath, words: Words) -> dict[str, Any]:
    stops = [_map_id(account, node, i, words) for i, node in enumerate(path.nodes)]
    ids = {node: stop[0] for node, stop in zip(path.nodes, stops, strict=True)}
    labels = {stop[0]: stop[2] for stop in stops}
    hops = []
    for hop in path.hops:
        source, target = ids.get(hop.source, hop.source), ids.get(hop.target, hop.target)
        hops.append(
            {
                "source": source,
                "target": target,
                "source_label": labels.get(source, source),
                "target_label": labels.get(target, target),
                "kind": str(hop.kind),
                "reason": words.message(hop.reason_message, hop.reason),
                "strength": hop.strength,
            }
        )
    weakest = min((hop.strength for hop in path.hops), default=0.0)
    cost = Message(
        key="path.cost", params={"hops": len(path.hops), "weakest": weakest, "cost": f"{path.cost:.2f}"}
    )
    return {
        "cost": path.cost,
        "cost_text": words.message(cost, ""),
        "explanation": words.message(path.explanation_message, path.explanation),
        "stops": [{"map_id": s[0], "kind": s[1], "label": s[2], "subtitle": s[3]} for s in stops],
        "hops": hops,
    }


@router.get("/accounts/{account_id}/paths/{person_id}")
async def warm_paths_for_map(
    request: Request,
    runtime: RuntimeDep,
    _key: ReadKey,
    account_id: AccountId,
    person_id: Annotated[str, Path(min_length=1, max_length=256)],
    as_of: AsOfQuery = None,
) -> JSONResponse:
    """The warmest introduction chains to one person, with the map's node ids and labels."""
    day = as_of_or_today(as_of)
    # The page's language: the remembered choice, else the browser's.
    words = Words(page_language(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language")))

    def compute() -> dict[str, Any]:
        account = account_graph_cached(runtime, account_id)
        person = next((p for p in account.people if p.id == person_id), None)
        if person is None:
            raise NotFoundError("person in this account", person_id)
        paths = warm_paths(account, person_id, as_of=day, config=runtime.config, k=3)
        return {
            "target": {"id": person_id, "map_id": person_id, "label": person.name, "subtitle": person.title},
            "paths": [_path_public(account, p, words) for p in paths],
            "message": words(
                "path.none_within", hops=runtime.config.max_hops, days=runtime.config.reach_days
            ),
        }

    body = await run_limited(runtime, compute, what="warm path search")
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


# --- login -------------------------------------------------------------------------------------------


def _login_page(
    request: Request, target: str, error: str | None = None, status: int = 200, **params: Any
) -> Response:
    """The form with a fresh login token, set in the login cookie as well (double submit), in the
    remembered or the browser's language; `error` is a key (`login.error.*`) of viz/i18n.py."""
    token = secrets.token_urlsafe(24)
    lang = _language(request, None)
    if error is not None:
        error = Words(lang)(f"login.error.{error}", **params)
    response = _page(render_login(next_url=target, login_token=token, error=error, lang=lang), status)
    _set_cookie(response, request, LOGIN_COOKIE, token, max_age=LOGIN_COOKIE_MAX_AGE, path="/login")
    return response


def _set_cookie(
    response: Response, request: Request, name: str, value: str, *, max_age: int, path: str
) -> None:
    """Every cookie the pages set: HttpOnly, SameSite=Strict, Secure when served over https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=path,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    next: Annotated[str | None, Query(max_length=2000)] = None,  # noqa: A002
) -> Response:
    return _login_page(request, _safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    runtime: RuntimeDep,
    api_key: Annotated[str, Form(max_length=500)],
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
    login_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Exchange a read or write key for a page session; the key itself is never stored in the
    browser, logged or echoed. Only this server's own login form may sign a browser in."""
    target = _safe_next(next)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not is_same_origin(request) or not expected or not secrets.compare_digest(expected, login_token):
        return _login_page(request, target, "foreign_form", 403)
    key = runtime.keys.verify(api_key.strip())
    if key is None:
        return _login_page(request, target, "unknown_key", 401)
    if not scope_allows(key.scope, Scope.READ):
        return _login_page(request, target, "cannot_read", 403)
    if key.scope is Scope.ADMIN:
        return _login_page(request, target, "admin", 403, header=KEY_HEADER)
    session_id = runtime.sessions.create(key)
    response = RedirectResponse(target, status_code=303)
    _set_cookie(response, request, SESSION_COOKIE, session_id, max_age=COOKIE_MAX_AGE, path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    runtime: RuntimeDep,
    csrf_token_field: Annotated[str, Form(alias="csrf_token", max_length=200)] = "",
) -> Response:
    """End the page session on the server (every worker) and drop the cookie. Like every write
    from a cookie, only this server's own page may do it."""
    session_id = (request.cookies.get(SESSION_COOKIE) or "").strip()
    if session_id:
        if not is_same_origin(request) or not csrf_matches(session_id, csrf_token_field):
            return _problem_page(403, "cross_site", lang=_language(request, None))
        runtime.sessions.delete(session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


# --- static files -----------------------------------------------------------------------------------

_VENDOR_PREFIX = "vendor/vis-network/"
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


def _static_file(root: FilePath, relative: str) -> FilePath | None:
    """A file under `root`, refusing anything that would climb out of it."""
    base = root.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


@router.get("/static/{file_path:path}")
def static(file_path: str) -> Response:
    """buyergraph's scripts and styles, and vis-network from the installed pyvis package."""
    if file_path.startswith(_VENDOR_PREFIX):
        found = _static_file(vis_network_dir(), file_path.removeprefix(_VENDOR_PREFIX))
    else:
        found = _static_file(static_dir(), file_path)
    if found is None or found.suffix not in _MEDIA_TYPES:
        return Response(status_code=404)
    return FileResponse(
        found,
        media_type=_MEDIA_TYPES[found.suffix],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
