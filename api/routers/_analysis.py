"""Running analyses for routes: off the event loop, within the analysis timeout, cached per process.

Routes call `await analysis_of(...)`; the store read and the NetworkX work both run in the runtime's
analysis threads. A result is cached for `analysis_cache_s` seconds per (account, day, deal) and
forgotten as soon as this server writes to the store (ingest, erasure).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, TypeVar

from fastapi import Query

from api.errors import ApiProblem
from api.runtime import Runtime
from graph.analyses import AccountAnalysis, KeyPerson, analyze_account, key_people_of
from graph.model import AccountGraph, Deal
from ingest.titles import classify_title

T = TypeVar("T")

AsOfQuery = Annotated[
    date | None,
    Query(description="Analyse the data as it was known on this day (ISO date); default: today."),
]


#: The days an analysis may be asked for: its windows reach years back and ahead of `as_of`.
EARLIEST_AS_OF = date(1900, 1, 1)
LATEST_AS_OF = date(2999, 12, 31)


def as_of_or_today(as_of: date | None) -> date:
    """The day to analyse: the one asked for, else today in UTC (as the command line does)."""
    if as_of is not None and not EARLIEST_AS_OF <= as_of <= LATEST_AS_OF:
        raise ApiProblem(
            422,
            "validation",
            "Invalid request",
            f"query:as_of: must be between {EARLIEST_AS_OF} and {LATEST_AS_OF}, got {as_of}",
        )
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


def account_graph_cached(runtime: Runtime, account_id: str) -> AccountGraph:
    """The account's records, cached like the analyses (several endpoints need the same graph)."""
    store = runtime.store
    return runtime.analysis_cache.get_or_compute(
        ("graph", account_id), lambda: store.account_graph(account_id)
    )


def analysis_sync(
    runtime: Runtime,
    account_id: str,
    as_of: date,
    deal_id: str | None = None,
    *,
    cross_sell: bool = True,
    account: AccountGraph | None = None,
) -> tuple[AccountGraph, AccountAnalysis]:
    """The account's records and their analysis (from the cache when fresh). Without `cross_sell`
    the analysis leaves cross-sell and the parent/subsidiary leads out (for routes that return
    neither, they are most of a small account's analysis). `account` is the account's records when
    the caller has read them already."""

    def compute() -> tuple[AccountGraph, AccountAnalysis]:
        records = account if account is not None else account_graph_cached(runtime, account_id)
        analysis = analyze_account(
            records,
            as_of=as_of,
            config=runtime.config,
            deal_id=deal_id,
            ownership=runtime.ownership() if cross_sell else None,
            classify=classify_title,
        )
        return records, analysis

    return runtime.analysis_cache.get_or_compute(
        ("analysis", account_id, as_of, deal_id, cross_sell), compute
    )


async def analysis_of(
    runtime: Runtime,
    account_id: str,
    as_of: date,
    deal_id: str | None = None,
    *,
    cross_sell: bool = True,
) -> tuple[AccountGraph, AccountAnalysis]:
    """The account's records and full analysis, computed off the event loop within the timeout."""

    return await run_limited(
        runtime, lambda: analysis_sync(runtime, account_id, as_of, deal_id, cross_sell=cross_sell)
    )


async def key_people_for(runtime: Runtime, account_id: str, as_of: date) -> tuple[list[KeyPerson], list[str]]:
    """The account's key people and the ranking's notes alone (graph/analyses/report.py:
    key_people_of), cached like the analyses, off the event loop within the timeout."""

    def compute() -> tuple[list[KeyPerson], list[str]]:
        account = account_graph_cached(runtime, account_id)
        return key_people_of(account, as_of=as_of, config=runtime.config, classify=classify_title)

    return await run_limited(
        runtime, lambda: runtime.analysis_cache.get_or_compute(("key_people", account_id, as_of), compute)
    )


def deal_analysis_sync(
    runtime: Runtime, deal_id: str, as_of: date, *, cross_sell: bool
) -> tuple[Deal, AccountAnalysis]:
    """A deal and an analysis of its account that covers it.

    With the cache on, the account's full analysis (cached, shared with the account endpoints)
    answers for an open deal. Otherwise the deal and its account are read at once, in one store
    read, and only this deal is analysed (cross-sell only when asked for).
    """
    store = runtime.store
    account: AccountGraph | None = None
    if runtime.settings.analysis_cache_s > 0:
        deal = store.get_deal(deal_id)
        _, full = analysis_sync(runtime, deal.company_id, as_of)
        if any(d.deal_id == deal_id for d in full.deals):
            return deal, full
    else:
        account = store.deal_account_graph(deal_id)
        deal = next(d for d in account.deals if d.id == deal_id)
    _, analysis = analysis_sync(
        runtime, deal.company_id, as_of, deal_id=deal_id, cross_sell=cross_sell, account=account
    )
    return deal, analysis
