"""Running analyses for routes: off the event loop, within the analysis timeout, cached per process.

Routes first ask for the account's kept result (`await kept_result_of(...)`: the latest refresh, when
no other `as_of` is asked for) and answer from it; otherwise they call `await analysis_of(...)`; the
store read and the NetworkX work both run in the runtime's analysis threads. A result is cached
for `analysis_cache_s` seconds per (account, day, deal) and forgotten as soon as this
server writes to the store (ingest, erasure).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from api.answers import Freshness
from api.errors import ApiProblem
from api.params import AsOfQuery as AsOfQuery  # the routers' as_of parameter, defined once
from api.runtime import Runtime
from graph.analyses import (
    AccountAnalysis,
    DealAnalysis,
    KeyPerson,
    analyze_account,
    deal_analysis_of,
    key_people_of,
)
from graph.analyses.portfolio import KeptAnswer, KeptDetail
from graph.errors import NotFoundError
from graph.model import AccountGraph, Deal
from graph.stores.base import GraphStore
from ingest.titles import classify_title

T = TypeVar("T")
P = TypeVar("P")


def as_of_or_today(as_of: date | None) -> date:
    """The day to analyse: the one asked for (already checked by AsOfQuery), else today in UTC (as the
    command line does)."""
    return as_of or datetime.now(UTC).date()


async def run_limited(runtime: Runtime, work: Callable[[], T], *, what: str = "analysis") -> T:
    """Run `work` in an analysis thread, after the store's schema is in place; answer 408 when it
    takes longer than the configured timeout."""
    timeout = runtime.settings.analysis_timeout_s

    def with_schema() -> T:
        runtime.ensure_schema()  # once per process; may wait on Neo4j, so never on the event loop
        return work()

    future = runtime.submit(with_schema)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
    except TimeoutError:
        future.cancel()
        raise ApiProblem(
            408,
            "timeout",
            "Request took too long",
            f"the {what} took longer than the limit of {timeout:g} seconds "
            "(BUYERGRAPH_ANALYSIS_TIMEOUT_S); try a narrower request or raise the limit",
        ) from None


def read_page(runtime: Runtime, read: Callable[[GraphStore], P]) -> P:
    """One page of a list read from the store (`read(store)`), after the store's schema is in place;
    a list endpoint that is a coroutine calls this in the thread pool: one hop to a thread per
    request, for the store read alone, where a plain function endpoint makes several (its sync
    dependencies, itself, and the validation of its answer)."""
    runtime.ensure_schema()
    return read(runtime.store)


def kept_result_sync(
    runtime: Runtime, account_id: str | None, as_of: date | None, *, deal_id: str | None = None
) -> KeptAnswer | None:
    """What the account's read endpoints answer from when its kept result answers a request for
    `as_of`: no day asked (the latest refresh, whatever day it computed) or the very day it was
    computed for; None otherwise, or when the account has no kept result (or one kept without the
    read endpoints' part). The account is named by its id, or by one of its deals (`deal_id`): one
    store read either way, of the kept detail and its freshness alone."""
    kept = runtime.store.read_kept_answer(company_id=account_id, deal_id=deal_id)
    if kept is None:
        return None
    if as_of is not None and as_of != kept.as_of:
        return None
    return kept


async def kept_result_of(runtime: Runtime, account_id: str, as_of: date | None) -> KeptAnswer | None:
    """`kept_result_sync` off the event loop, within the timeout."""
    return await run_limited(runtime, lambda: kept_result_sync(runtime, account_id, as_of), what="read")


def kept_detail(kept: KeptAnswer) -> KeptDetail:
    """The read endpoints' part of a kept result that `kept_result_sync` returned."""
    return kept.detail


def kept_freshness(kept: KeptAnswer) -> Freshness:
    """The freshness fields (api/schemas.py: FreshnessPublic) of an answer read from a kept result."""
    return {"source": "kept", "computed_at": kept.computed_at, "stale": kept.stale}


def computed_freshness() -> Freshness:
    """The freshness fields of an answer analysed for this request."""
    return {"source": "computed", "computed_at": datetime.now(UTC), "stale": False}


def account_graph_cached(runtime: Runtime, account_id: str) -> AccountGraph:
    """The account's records, cached like the analyses (several endpoints need the same graph)."""
    store = runtime.store
    return runtime.analysis_cache.get_or_compute(
        ("graph", account_id), lambda: store.account_graph(account_id)
    )


def analysis_sync(runtime: Runtime, account_id: str, as_of: date) -> tuple[AccountGraph, AccountAnalysis]:
    """The account's records and their full analysis (from the cache when fresh)."""

    def compute() -> tuple[AccountGraph, AccountAnalysis]:
        # A version moved since the last look forgets the looked-up lead weights before they are used
        # (the cache asks too, but not when it is off).
        runtime.store_version()
        account = account_graph_cached(runtime, account_id)
        analysis = analyze_account(
            account,
            as_of=as_of,
            config=runtime.config,
            ownership=runtime.ownership(),
            classify=classify_title,
        )
        return account, analysis

    return runtime.analysis_cache.get_or_compute(("analysis", account_id, as_of), compute)


async def analysis_of(runtime: Runtime, account_id: str, as_of: date) -> tuple[AccountGraph, AccountAnalysis]:
    """The account's records and full analysis, computed off the event loop within the timeout."""
    return await run_limited(runtime, lambda: analysis_sync(runtime, account_id, as_of))


def win_of_sync(
    runtime: Runtime, account: AccountGraph, analysis: AccountAnalysis
) -> dict[str, dict[str, Any]]:
    """deal id -> the open deal's win likelihood, the kept model it came from and its factors, scored
    now with the latest used win model `buyergraph learn` kept (api/refresh.py, the same rule as
    refresh); without one every open deal says "configuration" and has no likelihood."""
    from api.refresh import CONFIGURATION, deal_wins, kept_win_model

    model = runtime.analysis_cache.get_or_compute(("win_model",), lambda: kept_win_model(runtime.store))
    if model is None:
        return {d.deal_id: {"win_likelihood": None, "win_model": CONFIGURATION} for d in analysis.deals}
    return {
        deal_id: {"win_likelihood": likelihood, "win_model": model.id, "win_factors": factors}
        for deal_id, (likelihood, factors) in deal_wins(model, account, analysis, runtime.config).items()
    }


async def key_people_for(runtime: Runtime, account_id: str, as_of: date) -> tuple[list[KeyPerson], list[str]]:
    """The account's key people and the ranking's notes alone (graph/analyses/report.py:
    key_people_of), cached like the analyses, off the event loop within the timeout."""

    def compute() -> tuple[list[KeyPerson], list[str]]:
        account = account_graph_cached(runtime, account_id)
        return key_people_of(account, as_of=as_of, config=runtime.config, classify=classify_title)

    return await run_limited(
        runtime, lambda: runtime.analysis_cache.get_or_compute(("key_people", account_id, as_of), compute)
    )


def deal_analysis_sync(runtime: Runtime, deal_id: str, as_of: date) -> tuple[Deal, DealAnalysis]:
    """A deal and its analysis (gaps, coverage, warm paths).

    With the cache on, the account's full analysis (cached, shared with the account endpoints)
    answers for an open deal. Otherwise the deal's account is read by the deal's id, in one store
    read, and only this deal is analysed (`deal_analysis_of`).
    """
    store = runtime.store
    if runtime.settings.analysis_cache_s > 0:
        deal = store.get_deal(deal_id)
        _, full = analysis_sync(runtime, deal.company_id, as_of)
        found = next((d for d in full.deals if d.deal_id == deal_id), None)
        if found is not None:
            return deal, found
        account = account_graph_cached(runtime, deal.company_id)
    else:
        account = store.deal_account_graph(deal_id)
        found_deal = next((d for d in account.deals if d.id == deal_id), None)
        if found_deal is None:  # written away between the store's reads (the embedded store reads twice)
            raise NotFoundError("deal", deal_id)
        deal = found_deal

    def compute() -> DealAnalysis:
        return deal_analysis_of(account, deal_id, as_of=as_of, config=runtime.config, classify=classify_title)

    return deal, runtime.analysis_cache.get_or_compute(("deal", deal_id, as_of), compute)
