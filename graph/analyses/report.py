"""Assembling one account's full analysis (filled in the next commit)."""

from __future__ import annotations

from datetime import date

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.cross_sell import OwnershipIndex
from graph.analyses.results import AccountAnalysis, WarmPath
from graph.model import AccountGraph


def analyze_account(
    account: AccountGraph,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    deal_id: str | None = None,
    ownership: OwnershipIndex | None = None,
) -> AccountAnalysis:
    """The full analysis of one account as of one date."""
    raise NotImplementedError


def warm_paths(
    account: AccountGraph,
    target_person_id: str,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    k: int = 3,
) -> list[WarmPath]:
    """Up to k cheapest introduction chains from our reps to one person."""
    raise NotImplementedError
