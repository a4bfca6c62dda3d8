"""The typed results of the analyses: what `buyergraph analyze`, the HTTP API and the pages show.

Every result carries its own explanation (a sentence a seller understands) next to the numbers,
so that no consumer has to re-derive why a person ranks high or why a gap was raised. These names
are a public contract: the API (issue 6) and the committee-map pages (issue 7) are built on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from graph.analyses.messages import Message
from graph.model import BuyingRole, Function, Seniority

__all__ = [
    "AccountAnalysis",
    "BuyingStage",
    "Coverage",
    "DomainFlag",
    "CrossSellEvidence",
    "CrossSellItem",
    "DealAnalysis",
    "Engagement",
    "Gap",
    "GapKind",
    "Hop",
    "HopKind",
    "KeyPerson",
    "LeadKind",
    "PersonEngagement",
    "RelationshipLead",
    "ScoreComponent",
    "Severity",
    "WarmPath",
]


class ScoreComponent(BaseModel):
    """One signal of a person's influence and its part of the total score."""

    #: structure, seniority, centrality, committee or engagement.
    name: str
    #: The signal itself, normalised to [0, 1] within the account.
    value: float
    #: The weight actually used (after renormalising over the signals that were available).
    weight: float
    #: This component's share of the person's score, in [0, 1]; the shares of a person sum to 1.
    share: float
    explanation: str
    #: The explanation as a catalogue message, for other languages.
    explanation_message: Message | None = None


class KeyPerson(BaseModel):
    """A person ranked by influence over buying decisions in the account."""

    person_id: str
    name: str | None = None
    title: str | None = None
    seniority: Seniority = Seniority.UNKNOWN
    function: Function | None = None
    #: 1 for the most influential person.
    rank: int
    #: Influence in [0, 1]: the weighted sum of the components.
    score: float
    components: list[ScoreComponent]
    explanation: str
    #: The explanation as a catalogue message (graph/analyses/messages.py), for other languages.
    explanation_message: Message | None = None


class GapKind(StrEnum):
    MISSING_ROLE = "missing_role"
    STALE_ROLE = "stale_role"
    SINGLE_THREADED = "single_threaded"
    NO_EXECUTIVE = "no_executive"
    UNENGAGED_SUPERIOR = "unengaged_superior"
    DEPARTED_MEMBER = "departed_member"
    ROLE_CONFLICT = "role_conflict"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Gap(BaseModel):
    """One hole in a deal's decision chain, with what to do about it."""

    kind: GapKind
    #: The buying role concerned (missing_role, stale_role, a role asserted for two people), else None.
    role: BuyingRole | None = None
    #: The person concerned (unengaged_superior, departed_member, a person whose sources disagree).
    person_id: str | None = None
    severity: Severity
    #: `detail` and `next_step` in English; `detail_message` and `next_step_message` hold the same as
    #: catalogue keys and parameters, so that each language renders them (graph/analyses/messages.py).
    detail: str
    next_step: str
    detail_message: Message | None = None
    next_step_message: Message | None = None
    #: People the gap involves beyond `person_id`: candidates for a missing role, the stale holders,
    #: the two people asserted for one sole role.
    people: list[str] = []


class HopKind(StrEnum):
    TOUCH = "touch"
    REPORTS_TO = "reports_to"
    MANAGES = "manages"
    KNOWS = "knows"


class Hop(BaseModel):
    """One step of a warm path, from `source` to `target`, and why the two know each other."""

    source: str
    target: str
    kind: HopKind
    reason: str
    #: The reason as a catalogue message, for other languages.
    reason_message: Message | None = None
    #: Relationship strength of this step (see docs/analyses.md); the hop costs 1 / strength.
    strength: float


class WarmPath(BaseModel):
    """A chain of introductions from one of our reps to a target person; cheaper is warmer."""

    target_id: str
    #: Node ids from the rep (first) to the target (last).
    nodes: list[str]
    hops: list[Hop]
    #: Σ 1 / strength over the hops: a direct tie of full strength costs 1; lower is warmer.
    cost: float
    #: The path in words ("3 touches with Li Na (two-way, last on 2026-06-20), then her manager
    #: Bo Chen"), with why it ranks where it does; `explanation_message` renders it per language.
    explanation: str = ""
    explanation_message: Message | None = None


class Coverage(BaseModel):
    """How much of a deal's key people our reps can reach, and how warmly."""

    #: Σ influence × warmth of the way in / Σ influence over the key people, in [0, 1].
    score: float
    reachable: list[str]
    unreachable: list[str]
    explanation: str = ""
    #: Each reachable key person's warmth in (0, 1]: 1 / the cost of the warmest way in (a direct
    #: tie of strength s: s; each further hop and each stale touch lowers it).
    warmth: dict[str, float] = {}
    #: The explanation as a catalogue message, for other languages.
    explanation_message: Message | None = None


class Trend(StrEnum):
    """How engagement moves: the last 30 days against the 90 before, per day (see engagement.py)."""

    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"
    NONE = "none"


class AccountClass(StrEnum):
    """What a marketer plans an account as (graph/analyses/account_class.py)."""

    AT_RISK = "at_risk"
    EXPAND = "expand"
    CASH_COW = "cash_cow"
    KEY_TARGET = "key_target"
    NURTURE = "nurture"


class ProductUsage(BaseModel):
    """A customer's product usage against the seats it owns."""

    seats: int
    active_7d: int
    active_30d: int
    #: Active users in the last 30 days / seats (None without seats on record).
    utilisation: float | None = None
    #: Usage nears the seats (utilisation >= 0.8): an upgrade conversation.
    upgrade_signal: bool = False
    explanation: str = ""
    #: The explanation as a catalogue message, for other languages.
    explanation_message: Message | None = None


class SuggestedMember(BaseModel):
    """Someone the deal probably involves who is not on its committee: a suggestion (source
    `suggested`), never an asserted committee row."""

    person_id: str
    name: str | None = None
    role: BuyingRole
    #: How sure the suggestion is, in [0, 1] (see graph/analyses/suggestions.py).
    confidence: float
    #: The evidence in English; `evidence_messages` renders it per language.
    evidence: str
    evidence_messages: list[Message] = []


class DealAnalysis(BaseModel):
    """One open deal: its committee, the template it is held to, its gaps, its coverage."""

    deal_id: str
    name: str | None = None
    #: The amount in `currency`, as the source wrote it.
    amount: float | None = None
    #: ISO 4217 code of `amount` (the configured default when the source gave none).
    currency: str | None = None
    #: The amount in `base_currency`, which the template thresholds use; None when it has no rate.
    amount_in_base: float | None = None
    base_currency: str = "USD"
    #: Why the amount could not be compared (an unknown currency), if so.
    amount_note: str | None = None
    #: The note as a catalogue message, for other languages.
    amount_note_message: Message | None = None
    #: When the deal is expected to close (the CRM's close date of an open deal).
    expected_close: date | None = None
    stage: str | None = None
    #: The name of the committee template the deal was checked against.
    template: str
    required_roles: list[BuyingRole]
    #: person_id -> the roles asserted for that person on this deal (all sources).
    committee: dict[str, list[BuyingRole]]
    engaged: list[str]
    gaps: list[Gap]
    coverage: Coverage
    #: The warmest path to each key person of the deal that our reps have not engaged lately.
    paths: dict[str, list[WarmPath]] = {}
    #: People probably involved but not on the committee, with a role, a confidence and the evidence.
    suggested_members: list[SuggestedMember] = []
    #: Touches with the committee in the last 30 days against the 90 before.
    engagement_trend: Trend = Trend.NONE


class CrossSellEvidence(BaseModel):
    """One reason a product is recommended, with its contribution to the score."""

    #: similar_accounts, owned_together or industry_adoption.
    signal: str
    value: float
    contribution: float
    detail: str
    #: The detail as a catalogue message, for other languages.
    detail_message: Message | None = None


class CrossSellItem(BaseModel):
    product_id: str
    name: str | None = None
    score: float
    evidence: list[CrossSellEvidence]


class LeadKind(StrEnum):
    PARENT_LACKS_PRODUCTS = "parent_lacks_products"
    SUBSIDIARY_LACKS_PRODUCTS = "subsidiary_lacks_products"
    MOVED_CHAMPION = "moved_champion"


class RelationshipLead(BaseModel):
    """A warm way into another company: a relative that lacks our products, or a fan who moved."""

    kind: LeadKind
    company_id: str
    company_name: str | None = None
    person_id: str | None = None
    product_ids: list[str] = []
    detail: str
    #: The detail as a catalogue message, for other languages.
    detail_message: Message | None = None


class BuyingStage(StrEnum):
    DORMANT = "dormant"
    AWARENESS = "awareness"
    CONSIDERATION = "consideration"
    EVALUATION = "evaluation"
    DECISION = "decision"


class DomainFlag(BaseModel):
    """A lead from a configured competitor's or partner's e-mail domain (`lead_domains`)."""

    #: competitor or partner.
    kind: str
    #: The configured domain the person's e-mail falls under.
    domain: str
    #: "rival.com is a competitor's domain: a high score there is interest, not intent."
    reason: str
    reason_message: Message | None = None


class PersonEngagement(BaseModel):
    """One person's activity with us up to `as_of`, and their lead score."""

    person_id: str
    first_touch: date | None = None
    last_touch: date | None = None
    touches: int = 0
    inbound: int = 0
    lead_score: float = 0.0
    #: behaviour -> points it contributed to the lead score.
    lead_components: dict[str, float] = {}
    #: Touches in the last 30 days against the 90 before.
    trend: Trend = Trend.NONE
    #: Set for a competitor's or partner's lead: their score is interest, not intent.
    domain_flag: DomainFlag | None = None


class Engagement(BaseModel):
    """Account roll-up of engagement up to `as_of`."""

    first_person_id: str | None = None
    last_person_id: str | None = None
    most_active_person_id: str | None = None
    active_7d: list[str] = []
    active_30d: list[str] = []
    active_90d: list[str] = []
    touches_by_kind: dict[str, int] = {}
    days_since_last_touch: int | None = None
    #: At risk at all: usage risk or deal risk (the reason says which).
    at_risk: bool = False
    at_risk_reason: str = ""
    #: A customer with no inbound or product-usage activity for more than at_risk_days.
    usage_risk: bool = False
    usage_risk_reason: str = ""
    #: An open deal whose committee's engagement is falling, or whose committee nobody touched lately.
    deal_risk: bool = False
    deal_risk_reason: str = ""
    #: Touches with the account's people in the last 30 days against the 90 before.
    trend: Trend = Trend.NONE
    trend_reason: str = ""
    account_score: float = 0.0
    buying_stage: BuyingStage = BuyingStage.DORMANT
    buying_stage_reason: str = ""
    #: The reasons above (in English) as catalogue messages, for other languages (None: no reason).
    at_risk_reason_message: Message | None = None
    usage_risk_reason_message: Message | None = None
    deal_risk_reason_message: Message | None = None
    trend_reason_message: Message | None = None
    buying_stage_reason_message: Message | None = None
    people: list[PersonEngagement] = []


class InferredReportingLine(BaseModel):
    """A likely reporting line where the CRM has none (source `inferred`, never an asserted line)."""

    person_id: str
    manager_id: str
    #: The line's share among the candidates scored for this person, in (0, 1].
    confidence: float
    #: The evidence in words ("same function (finance); turns to them; one level up").
    reason: str
    #: The evidence as a catalogue message, for other languages.
    reason_message: Message | None = None


class AccountAnalysis(BaseModel):
    """The full analysis of one account as of one date: reproducible from the same data and config."""

    account_id: str
    name: str | None = None
    as_of: date
    key_people: list[KeyPerson]
    deals: list[DealAnalysis]
    cross_sell: list[CrossSellItem]
    relationship_leads: list[RelationshipLead]
    engagement: Engagement
    #: The class a marketer plans the account as, and why.
    account_class: AccountClass = AccountClass.NURTURE
    account_class_reason: str = ""
    #: The reason as a catalogue message, for other languages.
    account_class_reason_message: Message | None = None
    #: A customer's product usage against its seats (None for prospects).
    product_usage: ProductUsage | None = None
    #: Reporting lines inferred because the account has none (empty when it has any).
    inferred_lines: list[InferredReportingLine] = []
    #: Signals that were missing or caveats worth knowing (e.g. "no org chart: structure left out").
    notes: list[str] = []
    #: The same notes as catalogue messages, for other languages.
    note_messages: list[Message] = []
    #: The configuration the analysis ran with, so that a result can be reproduced.
    config_used: dict[str, Any] = Field(default_factory=dict)
    #: Each person's seniority and function as the projection classified them (graph/projections.py:
    #: classify_people), kept for what is derived from this analysis (win_model.open_deal_rows) so
    #: that no title is classified twice; not part of the answer (never serialised), set by
    #: `analyze_account`, None in an analysis read back from JSON. Pydantic's `==` compares private
    #: state too, so an analysis and its JSON round trip are unequal (compare their JSON). An analysis
    #: kept keeps these mappings alive with it (the API's analysis cache: api/routers/_analysis.py).
    _levels: tuple[Mapping[str, Seniority], Mapping[str, Function | None]] | None = PrivateAttr(default=None)

    @property
    def levels(self) -> tuple[Mapping[str, Seniority], Mapping[str, Function | None]] | None:
        """(seniority, function) by person id as the analysis' projection classified them, or None."""
        return self._levels

    def keep_levels(
        self, seniority: Mapping[str, Seniority], function: Mapping[str, Function | None]
    ) -> None:
        """Keep the projection's classification with the analysis (`levels`)."""
        self._levels = (seniority, function)
