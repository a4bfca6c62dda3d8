"""Cross-sell (filled in the next commit)."""

from __future__ import annotations

from collections.abc import Sequence

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.results import CrossSellItem
from graph.model import Company, Holding


class OwnershipIndex:
    """Who owns what across all accounts, as sparse matrices."""

    @classmethod
    def build(cls, companies: Sequence[Company], holdings: Sequence[Holding]) -> OwnershipIndex:
        raise NotImplementedError


def cross_sell_all(
    companies: Sequence[Company],
    holdings: Sequence[Holding],
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
) -> dict[str, list[CrossSellItem]]:
    """Recommendations for every account."""
    raise NotImplementedError
