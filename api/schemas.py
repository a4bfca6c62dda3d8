"""Request and response bodies of the HTTP API (`XCreate` / `XPublic` / `XsPublic{data, count}`).

Analysis results reuse the public result models of `graph.analyses`; these wrap them with the
context a client needs (which account, as of which day) and carry examples for the OpenAPI document.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.params import parse_day
from graph.analyses import (
    AccountClass,
    Coverage,
    CrossSellItem,
    DealAnalysis,
    Engagement,
    Gap,
    Hop,
    InferredReportingLine,
    KeyPerson,
    PersonEngagement,
    ProductUsage,
    RelationshipLead,
)
from graph.analyses.messages import Message
from graph.analyses.portfolio import AccountSummary, DealResult, KeptWinFactor
from graph.analyses.results import DomainFlag
from graph.analyses.rules import EngagementState
from graph.model import (
    BuyingRole,
    CommitteeRole,
    Company,
    Conflict,
    Correction,
    Deal,
    Employment,
    ErasureReport,
    Function,
    Person,
    ReportingKind,
    Seniority,
    Touch,
)
from ingest.loader import IngestResult
from ingest.rejects import RejectAction


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


_ACCOUNT_EXAMPLE = {
    "id": "acme",
    "name": "Acme Corp",
    "domain": "acme.example",
    "industry": "Manufacturing",
    "employees": 1200,
    "region": "EMEA",
    "status": "customer",
    "parent_id": None,
}


class AccountPublic(Company):
    """An account (a company) and its profile."""

    model_config = _examples(_ACCOUNT_EXAMPLE)


class AccountListItemPublic(AccountPublic):
    """An account with its kept figures from the latest `buyergraph refresh` (None before any), which
    say how fresh they are: `as_of`, `computed_at`, and `stale` when the account changed since."""

    result: AccountSummary | None = None


class AccountsPublic(BaseModel):
    """One page of accounts; `count` is the total that matched, for paging on with `offset`."""

    model_config = _examples({"data": [_ACCOUNT_EXAMPLE], "count": 1, "offset": 0, "limit": 50})

    data: list[AccountListItemPublic]
    count: int
    offset: int
    limit: int


class OwnedProductPublic(BaseModel):
    product_id: str
    name: str | None = None
    family: str | None = None
    since: date | None = None
    seats: int | None = None
    status: str | None = None


class FreshnessPublic(BaseModel):
    """Where an analysis answer comes from and how fresh it is.

    `source` is `kept` when it was read from the result of the latest `buyergraph refresh` (asked
    without `as_of`, or for the `as_of` that refresh computed), `computed` when it was analysed for this
    request (another `as_of`, or no kept result yet). `computed_at` is when the figures were computed;
    `stale` is true when the account's data changed after that (a refresh brings it up to date).
    """

    source: Literal["kept", "computed"] = "computed"
    computed_at: datetime | None = None
    stale: bool = False


class AccountDetailPublic(FreshnessPublic):
    """One account: its profile, its relatives, what it owns, and its engagement roll-up as of a day."""

    model_config = _examples(
        {
            "account": _ACCOUNT_EXAMPLE,
            "as_of": "2026-06-30",
            "parent": None,
            "subsidiaries": [],
            "people": 42,
            "current_people": 38,
            "open_deals": 2,
            "deals": 5,
            "products": [{"product_id": "crm", "name": "CRM Suite", "family": "crm", "seats": 200}],
            "engagement": {"days_since_last_touch": 3, "buying_stage": "evaluation", "account_score": 61.5},
        }
    )

    account: AccountPublic
    as_of: date
    parent: AccountPublic | None = None
    subsidiaries: list[AccountPublic] = []
    #: Everyone who works or worked at the account.
    people: int
    #: People who work there now (no end date on their employment).
    current_people: int
    deals: int
    open_deals: int
    products: list[OwnedProductPublic] = []
    engagement: Engagement
    #: The class a marketer plans the account as (at_risk, expand, cash_cow, key_target, nurture), and why.
    account_class: AccountClass = AccountClass.NURTURE
    account_class_reason: str = ""
    #: The reason as a catalogue message (key and parameters), to render it in other languages.
    account_class_reason_message: Message | None = None
    #: A customer's product usage against its seats (null for prospects).
    product_usage: ProductUsage | None = None
    #: Reporting lines inferred because the account has none (source inferred, with a confidence).
    inferred_lines: list[InferredReportingLine] = []
    #: The kept lead-weights model (`buyergraph learn`) the lead scores in `engagement` used, or
    #: "configuration" (the configured weights).
    lead_model: str = "configuration"


class KeyPeoplePublic(FreshnessPublic):
    """The account's people ranked by influence, each score explained by its components."""

    model_config = _examples(
        {
            "account_id": "acme",
            "as_of": "2026-06-30",
            "data": [
                {
                    "person_id": "p-17",
                    "name": "Dana Lee",
                    "title": "CFO",
                    "seniority": "c_level",
                    "function": "finance",
                    "rank": 1,
                    "score": 0.82,
                    "components": [
                        {
                            "name": "seniority",
                            "value": 1.0,
                            "weight": 0.3,
                            "share": 0.37,
                            "explanation": "c_level",
                        }
                    ],
                    "explanation": "Top of the finance line and economic buyer on deal d-1.",
                }
            ],
            "count": 1,
            "notes": [],
        }
    )

    account_id: str
    as_of: date
    data: list[KeyPerson]
    count: int
    notes: list[str] = []


class DealPublic(Deal, FreshnessPublic):
    """A deal; open deals carry their analysis (committee, gaps, coverage)."""

    model_config = _examples(
        {
            "id": "d-1",
            "company_id": "acme",
            "name": "Acme - Renewal",
            "stage": "Negotiation",
            "status": "open",
            "amount": 120000,
            "currency": "EUR",
            "created_at": "2026-01-17",
            "expected_close": "2026-09-30",
            "owner_rep_id": "rep-1",
            "stage_history": ["2026-01-17 Prospecting", "2026-03-02 Negotiation"],
            "analysis": {
                "deal_id": "d-1",
                "amount": 120000,
                "currency": "EUR",
                "amount_in_base": 129600,
                "base_currency": "USD",
                "expected_close": "2026-09-30",
                "template": "mid",
                "required_roles": ["decision_maker", "champion", "economic_buyer", "technical_evaluator"],
                "committee": {"p-17": ["economic_buyer"]},
                "engaged": ["p-17"],
                "gaps": [],
                "coverage": {"score": 0.6, "reachable": ["p-17"], "unreachable": ["p-2"], "explanation": ""},
            },
        }
    )

    analysis: DealAnalysis | None = None
    #: From the latest refresh (open deals): the win likelihood in [0, 1] of the kept model `win_model`
    #: (`buyergraph learn`), or null with `win_model` "configuration" when no learned model is in use;
    #: null `win_model` when the answer was computed on request rather than read from a refresh.
    win_likelihood: float | None = None
    win_model: str | None = None
    win_factors: list[KeptWinFactor] = []


class DealListItemPublic(Deal):
    """A deal with its kept result from the latest refresh (open deals), and how fresh that is."""

    result: DealResult | None = None
    as_of: date | None = None
    computed_at: datetime | None = None
    stale: bool = False


class DealListPublic(BaseModel):
    """One page of every deal; `count` is the total that matched."""

    model_config = _examples(
        {
            "data": [
                {
                    "id": "d-1",
                    "company_id": "acme",
                    "name": "Acme - Renewal",
                    "status": "open",
                    "amount": 120000,
                    "owner_rep_id": "rep-1",
                    "result": {
                        "deal_id": "d-1",
                        "coverage": 0.6,
                        "completeness": 0.75,
                        "gaps": [
                            {
                                "kind": "missing_role",
                                "role": "economic_buyer",
                                "severity": "high",
                                "detail": "Nobody is known as economic buyer.",
                                "next_step": "Ask the champion who signs off the budget.",
                            }
                        ],
                    },
                    "as_of": "2026-06-30",
                    "computed_at": "2026-06-30T05:00:00Z",
                    "stale": False,
                }
            ],
            "count": 1,
            "offset": 0,
            "limit": 50,
        }
    )

    data: list[DealListItemPublic]
    count: int
    offset: int
    limit: int


class DealsPublic(FreshnessPublic):
    model_config = _examples(
        {
            "account_id": "acme",
            "as_of": "2026-06-30",
            "data": [
                {"id": "d-1", "company_id": "acme", "name": "Renewal", "status": "open", "amount": 120000}
            ],
            "count": 1,
        }
    )

    account_id: str
    as_of: date
    data: list[DealPublic]
    count: int


class DealCoveragePublic(FreshnessPublic):
    """How much of one deal's key people our reps can reach."""

    model_config = _examples(
        {
            "deal_id": "d-1",
            "account_id": "acme",
            "as_of": "2026-06-30",
            "coverage": {"score": 0.6, "reachable": ["p-1"], "unreachable": ["p-2"], "explanation": ""},
        }
    )

    deal_id: str
    account_id: str
    name: str | None = None
    as_of: date
    coverage: Coverage


class CoveragesPublic(FreshnessPublic):
    """Coverage of each open deal of an account."""

    model_config = _examples(
        {
            "account_id": "acme",
            "as_of": "2026-06-30",
            "data": [
                {
                    "deal_id": "d-1",
                    "account_id": "acme",
                    "name": "Acme - Renewal",
                    "as_of": "2026-06-30",
                    "coverage": {
                        "score": 0.6,
                        "reachable": ["p-17"],
                        "unreachable": ["p-2"],
                        "explanation": "",
                    },
                }
            ],
            "count": 1,
        }
    )

    account_id: str
    as_of: date
    data: list[DealCoveragePublic]
    count: int


class DealGapsPublic(FreshnessPublic):
    """The holes in one deal's decision chain, with what to do about each."""

    model_config = _examples(
        {
            "deal_id": "d-1",
            "account_id": "acme",
            "as_of": "2026-06-30",
            "template": "mid",
            "required_roles": ["decision_maker", "champion", "economic_buyer", "technical_evaluator"],
            "data": [
                {
                    "kind": "missing_role",
                    "role": "economic_buyer",
                    "severity": "high",
                    "detail": "Nobody is known as economic buyer.",
                    "next_step": "Ask the champion who signs off the budget.",
                    "people": ["p-17"],
                }
            ],
            "count": 1,
        }
    )

    deal_id: str
    account_id: str
    as_of: date
    template: str
    required_roles: list[BuyingRole]
    data: list[Gap]
    count: int


class CrossSellPublic(BaseModel):
    """Products the account is likely to buy, with evidence, and warm ways into related companies."""

    model_config = _examples(
        {
            "account_id": "acme",
            "as_of": "2026-06-30",
            "data": [
                {
                    "product_id": "analytics",
                    "name": "Analytics",
                    "score": 0.71,
                    "evidence": [
                        {
                            "signal": "similar_accounts",
                            "value": 0.8,
                            "contribution": 0.4,
                            "detail": "32 of the 50 most similar accounts own it",
                        }
                    ],
                }
            ],
            "count": 1,
            "relationship_leads": [
                {
                    "kind": "moved_champion",
                    "company_id": "globex",
                    "company_name": "Globex",
                    "person_id": "p-9",
                    "detail": "Former champion now works at Globex",
                }
            ],
        }
    )

    account_id: str
    as_of: date
    data: list[CrossSellItem]
    count: int
    relationship_leads: list[RelationshipLead] = []


class HopEndKind(StrEnum):
    PERSON = "person"
    REP = "rep"


class HopPublic(Hop):
    """One step of a warm path with both ends named: who they are, not only their ids. A rep's
    `title` is their team (reps have no job title in the graph)."""

    source_kind: HopEndKind
    source_name: str
    source_title: str | None = None
    target_kind: HopEndKind
    target_name: str
    target_title: str | None = None


class WarmPathPublic(BaseModel):
    """A chain of introductions from one of our reps to the target person; cheaper is warmer."""

    target_id: str
    #: Node ids from the rep (first) to the target (last).
    nodes: list[str]
    hops: list[HopPublic]
    #: Σ 1 / strength over the hops: a direct tie of full strength costs 1; lower is warmer.
    cost: float
    #: The path and its cost in words, and why it ranks where it does (English; the message renders
    #: it in other languages).
    explanation: str = ""
    explanation_message: Message | None = None


class WarmPathsPublic(BaseModel):
    """The cheapest introduction chains from our reps to one person; cheaper is warmer."""

    model_config = _examples(
        {
            "person_id": "p-17",
            "account_id": "acme",
            "as_of": "2026-06-30",
            "data": [
                {
                    "target_id": "p-17",
                    "nodes": ["rep-1", "p-3", "p-17"],
                    "hops": [
                        {
                            "source": "rep-1",
                            "target": "p-3",
                            "kind": "touch",
                            "reason": "3 meetings",
                            "strength": 0.8,
                            "source_kind": "rep",
                            "source_name": "Sam Seller",
                            "source_title": "Enterprise East",
                            "target_kind": "person",
                            "target_name": "Lee Park",
                            "target_title": "IT Director",
                        },
                        {
                            "source": "p-3",
                            "target": "p-17",
                            "kind": "reports_to",
                            "reason": "reports to",
                            "strength": 0.6,
                            "source_kind": "person",
                            "source_name": "Lee Park",
                            "source_title": "IT Director",
                            "target_kind": "person",
                            "target_name": "Dana Lee",
                            "target_title": "CFO",
                        },
                    ],
                    "cost": 2.92,
                }
            ],
            "count": 1,
        }
    )

    person_id: str
    account_id: str
    as_of: date
    data: list[WarmPathPublic]
    count: int


#: A person's engagement state: the analyses' definition (graph/analyses/rules.py).
EngagementClass = EngagementState


class GraphNodeKind(StrEnum):
    PERSON = "person"
    REP = "rep"


class GraphNode(BaseModel):
    id: str
    kind: GraphNodeKind
    label: str
    title: str | None = None
    seniority: Seniority | None = None
    function: Function | None = None
    #: False for people who left the account.
    current: bool = True
    #: Buying roles on any of the account's deals.
    roles: list[BuyingRole] = []
    #: Influence in [0, 1] and rank, for people among the key people.
    influence: float | None = None
    rank: int | None = None
    #: engaged: touched within the engaged window before as_of; cooling: touched before; never.
    engagement: EngagementClass | None = None
    last_touch: date | None = None


class GraphEdgeKind(StrEnum):
    REPORTS_TO = "reports_to"
    KNOWS = "knows"
    TOUCH = "touch"


class GraphEdge(BaseModel):
    source: str
    target: str
    kind: GraphEdgeKind
    #: knows: the stored strength; touch: the number of touches up to as_of.
    strength: float | None = None
    touches: int | None = None
    #: reports_to: solid or dotted.
    line: ReportingKind | None = None
    #: reports_to: false when the line has ended.
    current: bool = True


class AccountGraphPublic(BaseModel):
    """The account's people and our reps as a graph, for other front ends."""

    model_config = _examples(
        {
            "account_id": "acme",
            "as_of": "2026-06-30",
            "nodes": [
                {
                    "id": "p-17",
                    "kind": "person",
                    "label": "Dana Lee",
                    "title": "CFO",
                    "roles": ["economic_buyer"],
                    "influence": 0.82,
                    "rank": 1,
                    "engagement": "engaged",
                    "current": True,
                },
                {"id": "rep-1", "kind": "rep", "label": "Sam Rep"},
            ],
            "edges": [{"source": "rep-1", "target": "p-17", "kind": "touch", "touches": 4}],
        }
    )

    account_id: str
    as_of: date
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class PersonRef(BaseModel):
    id: str
    name: str | None = None
    title: str | None = None
    #: For reporting lines: solid or dotted, and the dates.
    line: ReportingKind | None = None
    since: date | None = None
    until: date | None = None


class KnowsTie(BaseModel):
    id: str
    name: str | None = None
    strength: float | None = None
    source: str | None = None


def _as_utc(value: datetime | None) -> datetime | None:
    """The store keeps instants as naive UTC; the API states the offset (RFC 3339 needs one)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class TouchPublic(Touch):
    """A touch; `at` is in UTC."""

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime | None:
        return _as_utc(value)


class CommitteeSeat(CommitteeRole):
    """A committee role asserted for a person on a deal; `asserted_at` is in UTC."""

    deal_name: str | None = None

    @field_validator("asserted_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _as_utc(value)


class PersonDetailPublic(BaseModel):
    """A person with their relationships and history at their account."""

    model_config = _examples(
        {
            "person": {
                "id": "p-17",
                "name": "Dana Lee",
                "title": "CFO",
                "company_id": "acme",
                "seniority": "c_level",
            },
            "company": _ACCOUNT_EXAMPLE,
            "employment": [
                {"person_id": "p-17", "company_id": "acme", "title": "CFO", "since": "2021-03-01"}
            ],
            "managers": [{"id": "p-1", "name": "Ali Chen", "title": "CEO", "line": "solid"}],
            "reports": [],
            "knows": [],
            "committee": [{"deal_id": "d-1", "person_id": "p-17", "role": "economic_buyer", "source": "crm"}],
            "touches": [],
            "engagement": None,
        }
    )

    person: Person
    company: AccountPublic | None = None
    employment: list[Employment] = []
    managers: list[PersonRef] = []
    reports: list[PersonRef] = []
    knows: list[KnowsTie] = []
    committee: list[CommitteeSeat] = []
    #: Where a seller's correction about this person disagrees with the CRM (the correction wins;
    #: see `/api/v1/corrections`).
    conflicts: list[Conflict] = []
    #: Touches with this person, newest first.
    touches: list[TouchPublic] = []
    engagement: PersonEngagement | None = None
    #: Set when the person's e-mail domain is a configured competitor's or partner's (lead_domains):
    #: a high lead score there is interest, not intent.
    lead_flag: DomainFlag | None = None


class ErasurePublic(ErasureReport):
    model_config = _examples(
        {"person_id": "p-17", "removed_nodes": {"Person": 1, "Touch": 3}, "removed_relationships": 12}
    )


class CypherQueryCreate(BaseModel):
    """A read-only Cypher query with parameters (values only through parameters, as `$name`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "query": "MATCH (c:Company) WHERE c.industry = $industry RETURN c.id, c.name LIMIT 10",
                    "parameters": {"industry": "Manufacturing"},
                }
            ]
        },
    )

    query: str = Field(min_length=1, max_length=20_000)
    parameters: dict[str, Any] = Field(default_factory=dict)
    #: At most this many rows (never more than the server's limit).
    max_rows: int | None = Field(default=None, ge=1)
    #: Stop the query after this many seconds (never longer than the server's limit).
    timeout_s: float | None = Field(default=None, gt=0)


class CypherResultPublic(BaseModel):
    model_config = _examples(
        {
            "columns": ["c.id", "c.name"],
            "rows": [["acme", "Acme Corp"]],
            "count": 1,
            "truncated": False,
            "elapsed_ms": 12.5,
        }
    )

    columns: list[str]
    rows: list[list[Any]]
    count: int
    #: True when the query had more rows than `max_rows`; only the first `max_rows` are returned.
    truncated: bool
    elapsed_ms: float


class StoreHealth(BaseModel):
    backend: str
    reachable: bool
    detail: str | None = None


class HealthPublic(BaseModel):
    model_config = _examples(
        {"status": "ok", "version": "0.1.0", "store": {"backend": "neo4j", "reachable": True}}
    )

    #: ok when the store answers, else unavailable.
    status: str
    version: str
    store: StoreHealth


class RejectPublic(BaseModel):
    """A reject as the API shows it: where and why, without the rejected value (it may be personal
    data, and the uploader has it in their own file)."""

    file: str
    row: int | None = None
    field: str | None = None
    reason: str
    kind: str | None = None
    action: RejectAction = "row_skipped"


class IngestResultPublic(IngestResult):
    """What an ingest read, merged, loaded and rejected; every reject names file, row, field and reason."""

    rejects: list[RejectPublic] = Field(default_factory=list)  # type: ignore[assignment]

    model_config = _examples(
        {
            "summary": {
                "store": "neo4j",
                "format": "auto",
                "files": [{"file": "people.csv", "format": "native", "object": "people", "rows": 240}],
                "kinds": {"people": {"read": 240, "merged": 2, "rejected": 1, "loaded": 237}},
                "merges": {"same e-mail": 2},
                "rejected_rows": 1,
                "reject_entries": 1,
                "files_skipped": 0,
                "written": True,
                "nothing_loaded": False,
                "not_used": [
                    {
                        "file": "Goal.csv",
                        "format": "dynamics",
                        "object": "goal",
                        "reason": "Dynamics 365 sales goals are targets of our own team",
                    }
                ],
                "deleted_rows": 0,
                "elapsed_s": 0.8,
            },
            "rejects": [
                {
                    "file": "people.csv",
                    "row": 17,
                    "field": "email",
                    "reason": "not an e-mail address",
                    "kind": "people",
                    "action": "value_ignored",
                }
            ],
            "merges": [],
        }
    )


# --- corrections: sellers' own assertions (issue 22) -------------------------------------------

_Id = Field(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f]+$")
_Note = Field(default=None, max_length=500, description="Why, in the seller's words (kept with it).")


def _day(value: object) -> date | None:
    return None if value is None else parse_day(value)


class _CorrectionBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = _Note


class RoleCorrectionCreate(_CorrectionBase):
    """The person plays this buying role on the deal. Once a seller asserted a role, the seller's roles
    are the person's roles on that deal: other sources' roles are kept but shown as conflicts."""

    kind: Literal["role"]
    deal_id: str = _Id
    person_id: str = _Id
    role: BuyingRole


class RoleWithdrawalCreate(_CorrectionBase):
    """The person does not play this role on the deal (no `role`: any role)."""

    kind: Literal["role_withdrawn"]
    deal_id: str = _Id
    person_id: str = _Id
    role: BuyingRole | None = None


class ReportingCorrectionCreate(_CorrectionBase):
    """The person reports to the manager: a solid line replaces their current solid line, a dotted
    line is added."""

    kind: Literal["reporting"]
    person_id: str = _Id
    manager_id: str = _Id
    line_kind: ReportingKind = ReportingKind.SOLID
    since: date | None = Field(default=None, description="The day the line starts, YYYY-MM-DD.")

    _since = field_validator("since", mode="before")(_day)


class LeftCorrectionCreate(_CorrectionBase):
    """The person left the account on this day (the person's current account unless `account_id`)."""

    kind: Literal["left"]
    person_id: str = _Id
    on: date = Field(description="The day they left, YYYY-MM-DD.")
    account_id: str | None = Field(default=None, min_length=1, max_length=256)

    _on = field_validator("on", mode="before")(_day)


class KnowsCorrectionCreate(_CorrectionBase):
    """The person turns to the other person (a KNOWS tie), with a strength in [0, 1] if known."""

    kind: Literal["knows"]
    person_id: str = _Id
    other_id: str = _Id
    strength: float | None = Field(default=None, ge=0, le=1)


class TouchCorrectionCreate(_CorrectionBase):
    """A meeting, call or visit with these people (of one account), by one of our reps if given."""

    kind: Literal["touch"]
    touch_kind: Literal["meeting", "call", "visit"]
    at: datetime = Field(description="When, ISO 8601; without a zone: UTC.")
    person_ids: list[str] = Field(min_length=1, max_length=50)
    rep_id: str | None = Field(default=None, min_length=1, max_length=256)
    deal_id: str | None = Field(default=None, min_length=1, max_length=256)
    duration_s: int | None = Field(default=None, ge=0, le=86_400)

    @field_validator("at")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        if not 1900 <= value.year <= 2999:
            raise ValueError("must be between the years 1900 and 2999")
        return value

    @field_validator("person_ids")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        if any(not item or len(item) > 256 for item in value):
            raise ValueError("every id must be 1 to 256 characters")
        return list(dict.fromkeys(value))


CorrectionCreate = Annotated[
    RoleCorrectionCreate
    | RoleWithdrawalCreate
    | ReportingCorrectionCreate
    | LeftCorrectionCreate
    | KnowsCorrectionCreate
    | TouchCorrectionCreate,
    Field(discriminator="kind"),
]

_CORRECTION_EXAMPLE = {
    "id": "cor-5f0c2a9e1b7d4c3a",
    "kind": "role",
    "company_id": "acme",
    "person_id": "p-17",
    "deal_id": "d-3",
    "role": "decision_maker",
    "source": "user",
    "author": "sam",
    "at": "2026-06-30T09:12:00Z",
    "withdrawn_at": None,
    "conflicts": [
        {
            "correction_id": "cor-5f0c2a9e1b7d4c3a",
            "kind": "role",
            "person_id": "p-17",
            "deal_id": "d-3",
            "user_value": "decision_maker",
            "stored_value": "influencer",
            "stored_source": "crm",
        }
    ],
}


class CorrectionPublic(Correction):
    """One correction with its provenance, and where it disagrees with a stored fact (active ones)."""

    model_config = _examples(_CORRECTION_EXAMPLE)

    conflicts: list[Conflict] = []


class CorrectionsPublic(BaseModel):
    """One page of corrections, newest first; `count` is the total that matched."""

    model_config = _examples({"data": [_CORRECTION_EXAMPLE], "count": 1, "offset": 0, "limit": 50})

    data: list[CorrectionPublic]
    count: int
    offset: int
    limit: int
