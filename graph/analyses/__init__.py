"""The analyses: pure functions of an account's records (as NetworkX projections) and plain parameters.

Entry points:

- `analyze_account(account, as_of=...)` -> `AccountAnalysis`: key people, deal gaps, coverage and warm
  paths, cross-sell, relationship leads and engagement, for one account as of one date.
- `warm_paths(account, person_id, as_of=...)` -> up to k cheapest introduction chains to a person.
- `cross_sell_all(companies, holdings)` -> recommendations for every account at once (sparse matrices).

No function here does I/O: the caller fetches an `AccountGraph` from a store and passes it in.
"""

from __future__ import annotations

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.cross_sell import OwnershipIndex, cross_sell_all
from graph.analyses.report import analyze_account, deal_analysis_of, key_people_of, warm_paths
from graph.analyses.results import (
    AccountAnalysis,
    AccountClass,
    BuyingStage,
    Coverage,
    CrossSellEvidence,
    CrossSellItem,
    DealAnalysis,
    Engagement,
    Gap,
    GapKind,
    Hop,
    HopKind,
    InferredReportingLine,
    KeyPerson,
    LeadKind,
    PersonEngagement,
    ProductUsage,
    RelationshipLead,
    ScoreComponent,
    Severity,
    SuggestedMember,
    Trend,
    WarmPath,
)

__all__ = [
    "DEFAULT_CONFIG",
    "AccountAnalysis",
    "AccountClass",
    "AnalysisConfig",
    "BuyingStage",
    "Coverage",
    "CrossSellEvidence",
    "CrossSellItem",
    "DealAnalysis",
    "Engagement",
    "Gap",
    "GapKind",
    "Hop",
    "HopKind",
    "InferredReportingLine",
    "KeyPerson",
    "LeadKind",
    "OwnershipIndex",
    "PersonEngagement",
    "ProductUsage",
    "RelationshipLead",
    "ScoreComponent",
    "Severity",
    "SuggestedMember",
    "Trend",
    "WarmPath",
    "analyze_account",
    "deal_analysis_of",
    "key_people_of",
    "cross_sell_all",
    "warm_paths",
]
