"""The domain model: every node, relationship and vocabulary of the buyergraph graph.

These pydantic models are the currency between ingest, the stores, the projections and the API.
Field names match the native bundle (design.md §1), so a bundle row validates straight into a model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from itertools import chain
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema


class BuyingRole(StrEnum):
    """A person's part in a buying committee (Salesforce, HubSpot and Chinese roles map onto these)."""

    DECISION_MAKER = "decision_maker"
    ECONOMIC_BUYER = "economic_buyer"
    CHAMPION = "champion"
    INFLUENCER = "influencer"
    TECHNICAL_EVALUATOR = "technical_evaluator"
    END_USER = "end_user"
    PROCUREMENT = "procurement"
    LEGAL_COMPLIANCE = "legal_compliance"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    BLOCKER = "blocker"
    GATEKEEPER = "gatekeeper"
    OTHER = "other"


class Seniority(StrEnum):
    C_LEVEL = "c_level"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"
    UNKNOWN = "unknown"


#: Seniority levels from the top down; a deputy sits one step further down this list.
SENIORITY_ORDER: tuple[Seniority, ...] = (
    Seniority.C_LEVEL,
    Seniority.VP,
    Seniority.DIRECTOR,
    Seniority.MANAGER,
    Seniority.INDIVIDUAL,
)


def seniority_rank(level: Seniority) -> int:
    """0 for c_level down to 4 for individual; unknown ranks below everyone (5)."""
    return SENIORITY_ORDER.index(level) if level in SENIORITY_ORDER else len(SENIORITY_ORDER)


class Function(StrEnum):
    EXECUTIVE = "executive"
    FINANCE = "finance"
    PROCUREMENT = "procurement"
    IT = "it"
    ENGINEERING = "engineering"
    OPERATIONS = "operations"
    SALES = "sales"
    MARKETING = "marketing"
    HR = "hr"
    LEGAL = "legal"
    PRODUCT = "product"
    SUPPORT = "support"
    OTHER = "other"


class CompanyStatus(StrEnum):
    PROSPECT = "prospect"
    CUSTOMER = "customer"
    FORMER_CUSTOMER = "former_customer"
    PARTNER = "partner"


class RepKind(StrEnum):
    SALES = "sales"
    PRESALES = "presales"
    SUCCESS = "success"
    MARKETING = "marketing"


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class TouchKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    DEMO = "demo"
    WEBINAR = "webinar"
    CONTENT_DOWNLOAD = "content_download"
    WEB_VISIT = "web_visit"
    PRODUCT_USAGE = "product_usage"
    VIDEO_VIEW = "video_view"
    EVENT = "event"
    OTHER = "other"


#: Touches that the buyer starts on their own: they count as buying signals, not as our outreach.
INBOUND_BEHAVIOUR: frozenset[TouchKind] = frozenset(
    {
        TouchKind.WEBINAR,
        TouchKind.CONTENT_DOWNLOAD,
        TouchKind.WEB_VISIT,
        TouchKind.PRODUCT_USAGE,
        TouchKind.VIDEO_VIEW,
    }
)


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Source(StrEnum):
    """Who asserted a fact. Inferred facts never overwrite asserted ones."""

    CRM = "crm"
    SALES = "sales"
    PRESALES = "presales"
    SUCCESS = "success"
    ENRICHMENT = "enrichment"
    INFERRED = "inferred"
    #: A seller's own correction (graph.model.Correction): never erased by an ingest.
    USER = "user"


class ReportingKind(StrEnum):
    SOLID = "solid"
    DOTTED = "dotted"


class HoldingStatus(StrEnum):
    ACTIVE = "active"
    TRIAL = "trial"
    CHURNED = "churned"


def _empty_to_none(value: Any) -> Any:
    """CSV cells are strings: an empty cell means 'not given', never the empty string."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _printable_id(value: str) -> str:
    """The check of NonEmptyId, for ids in other fields (a touch's attendees, rep and deal)."""
    if _CONTROL_CHARACTER.search(value):
        raise ValueError("an id must not contain control characters")
    return value


def _printable_text(value: str | None) -> str | None:
    """Free text with every control character but tab and line breaks turned into a space."""
    if value is None:
        return None
    return _CONTROL_CHARACTER.sub(lambda m: m[0] if m[0] in "\t\n\r" else " ", value)


#: An id: no CRM id holds a control character, and refusing them lets a store join ids with one. The
#: check is a pattern (run in pydantic-core) rather than _printable_id: reads validate thousands of ids.
NonEmptyId = Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f]+$")]

#: Validation context of rows read back from a store: already clean, so blank checks are skipped.
#: Reads validate tens of thousands of rows per account, so this matters.
FROM_STORE: dict[str, bool] = {"from_store": True}


class Record(BaseModel):
    """Base of every stored record: strict about unknown values, lenient about blank cells."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, use_enum_values=False)

    #: The Neo4j label or relationship type this record is stored as (an allow-listed constant).
    KIND: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any, info: ValidationInfo) -> Any:
        """One pass per record; skipped for rows a store wrote, which hold no blank cells."""
        if info.context is FROM_STORE or not isinstance(data, dict):
            return data
        for value in data.values():  # a loop, not any(): this runs once per row read
            if type(value) is str and not value.strip():
                return {k: _empty_to_none(v) for k, v in data.items()}
        return data


# --- nodes ---------------------------------------------------------------------------------


class Company(Record):
    KIND: ClassVar[str] = "Company"
    id: NonEmptyId
    name: str = Field(min_length=1)
    domain: str | None = None
    industry: str | None = None
    employees: int | None = Field(default=None, ge=0)
    region: str | None = None
    status: CompanyStatus | None = None
    parent_id: str | None = None
    #: The normalised name (legal suffixes, case, punctuation and width removed) that ingest matches on.
    name_key: str | None = None
    #: The city of the (billing) address: two same-named accounts in different cities are two companies.
    city: str | None = None


#: The id prefix of an account that ingest created for an e-mail domain no company had (see
#: ingest/resolve.py): such an account exists only because of its people's addresses, so erasing the
#: last of them erases it too.
DOMAIN_ACCOUNT_PREFIX = "domain-"


def domain_account_id(domain: str) -> str:
    """The id of the account ingest creates for people of an e-mail domain no company has."""
    return DOMAIN_ACCOUNT_PREFIX + domain


class Person(Record):
    KIND: ClassVar[str] = "Person"
    id: NonEmptyId
    name: str = Field(min_length=1)
    email: str | None = None
    company_id: str | None = None
    title: str | None = None
    department: str | None = None
    seniority: Seniority | None = None
    function: Function | None = None
    reports_to_id: str | None = None
    location: str | None = None
    #: Where seniority/function came from: the source system, or "inferred" from the title.
    seniority_source: Source | None = None
    seniority_confidence: float | None = Field(default=None, ge=0, le=1)
    #: The title rule that decided an inferred seniority/function, so a user can see why.
    seniority_rule: str | None = None
    #: The normalised e-mail identity key that ingest merges one person's records on.
    email_key: str | None = None
    #: How the person first came to us (a CRM's LeadSource: Web, Trade Show, ...), so that lead
    #: sources can be compared later; and the CRM lead status while they are a lead.
    lead_source: str | None = None
    lead_status: str | None = None
    #: The day the lead converted (Salesforce Lead ConvertedDate; HubSpot's "Became a Customer" or
    #: "Became an Opportunity" date, the earlier), when the export says it: a conversion with a day
    #: counts in the lead-weight fit (graph/analyses/lead_weights.py).
    converted_on: date | None = None


class Rep(Record):
    KIND: ClassVar[str] = "Rep"
    id: NonEmptyId
    name: str = Field(min_length=1)
    email: str | None = None
    team: str | None = None
    kind: RepKind | None = None


class Product(Record):
    KIND: ClassVar[str] = "Product"
    id: NonEmptyId
    name: str = Field(min_length=1)
    family: str | None = None


#: Currency names that exports write instead of an ISO 4217 code.
_CURRENCY_NAMES = {
    "人民币": "CNY",
    "RMB": "CNY",
    "元": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
    "港币": "HKD",
    "港元": "HKD",
}


class StageEntry(BaseModel):
    """A deal entered `stage` on `entered_on` (one step of its stage history)."""

    model_config = ConfigDict(frozen=True)
    stage: str = Field(min_length=1)
    entered_on: date

    def __str__(self) -> str:
        return f"{self.entered_on.isoformat()} {self.stage}"


def _stage_entry(value: Any) -> Any:
    """`2025-03-04 Negotiation` (the stored and native form) as a StageEntry; anything else as given."""
    if isinstance(value, str):
        day, _, stage = value.strip().partition(" ")
        try:
            entered_on = date.fromisoformat(day)
        except ValueError:
            raise ValueError(
                f"a stage history entry is 'YYYY-MM-DD stage', not {value.strip()[:40]!r}"
            ) from None
        return {"stage": stage.strip(), "entered_on": entered_on}
    return value


class Deal(Record):
    """A deal; its `amount` is in `currency` (an ISO 4217 code such as USD or CNY, as the source wrote it).

    `closed_at` is the day a won or lost deal closed; `expected_close` is the day an open deal is
    expected to close (Salesforce's CloseDate of an open opportunity, HubSpot's close date, ...).

    `stage_history` is the stages the deal entered, each with its day, oldest first (Salesforce's
    OpportunityHistory, HubSpot's "Date entered" columns, the native `stage_history`); None when the
    source keeps none. Its last entry is the current stage's, so a source that knows only since when
    the deal is in its current stage (Salesforce's LastStageChangeDate) gives one entry. It is stored
    and written in the native bundle as `YYYY-MM-DD stage` texts (`;`-separated in a cell);
    graph.analyses.stages answers which stage a deal was in on a day, and since when.
    """

    KIND: ClassVar[str] = "Deal"
    id: NonEmptyId
    company_id: NonEmptyId
    name: str | None = None
    stage: str | None = None
    status: DealStatus | None = None
    amount: float | None = Field(default=None, ge=0)
    currency: str | None = None
    created_at: date | None = None
    closed_at: date | None = None
    expected_close: date | None = None
    owner_rep_id: str | None = None
    stage_history: list[StageEntry] | None = None

    @field_validator("stage_history", mode="before")
    @classmethod
    def _stage_entries(cls, value: Any) -> Any:
        """Entries from `YYYY-MM-DD stage` texts (one cell `;`-separated), in the order of their days."""
        value = _split_list(value)
        if not isinstance(value, list):
            return value
        return [_stage_entry(v) for v in value] or None

    @field_validator("stage_history")
    @classmethod
    def _oldest_first(cls, value: list[StageEntry] | None) -> list[StageEntry] | None:
        return None if not value else sorted(value, key=lambda e: e.entered_on)

    @field_serializer("stage_history")
    def _stage_texts(self, value: list[StageEntry] | None) -> list[str] | None:
        """Stored (both stores, the bulk import) as texts: Neo4j keeps no list of maps."""
        return None if value is None else [str(e) for e in value]

    @field_validator("currency", mode="before")
    @classmethod
    def _currency_code(cls, value: Any) -> Any:
        """Upper-case codes and common names (人民币, RMB) as ISO codes; anything else is kept, and
        the analyses say that they cannot compare it."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        return _CURRENCY_NAMES.get(text.upper(), _CURRENCY_NAMES.get(text, text.upper()))


def _naive_utc(value: datetime | None) -> datetime | None:
    """Store every instant as naive UTC, so that sources with and without offsets compare."""
    if value is not None and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


class Touch(Record):
    KIND: ClassVar[str] = "Touch"
    id: NonEmptyId
    at: datetime
    kind: TouchKind
    person_ids: list[str] = Field(min_length=1)
    rep_id: str | None = None
    deal_id: str | None = None
    direction: Direction | None = None
    duration_s: int | None = Field(default=None, ge=0)
    source: str | None = None
    subject: str | None = None

    @field_validator("person_ids", mode="before")
    @classmethod
    def _semicolon_list(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("person_ids")
    @classmethod
    def _printable_people(cls, value: list[str]) -> list[str]:
        return [_printable_id(person_id) for person_id in value]

    @field_validator("rep_id", "deal_id")
    @classmethod
    def _printable_link(cls, value: str | None) -> str | None:
        return None if value is None else _printable_id(value)

    @field_validator("source", "subject")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        return _printable_text(value)

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime | None:
        return _naive_utc(value)


#: The touch kinds in the order of their codes (see `TouchDays.kind`).
TOUCH_KINDS: tuple[TouchKind, ...] = tuple(TouchKind)
#: The directions in the order of their codes (see `TouchDays.direction`): 0 is "none given".
DIRECTIONS: tuple[Direction | None, ...] = (None, Direction.OUTBOUND, Direction.INBOUND)
_KIND_CODE: dict[str, int] = {kind.value: code for code, kind in enumerate(TOUCH_KINDS)}
_DIRECTION_CODE: dict[str | None, int] = {None: 0, "": 0, "outbound": 1, "inbound": 2}


class TouchDay(BaseModel):
    """One row of the daily touch aggregates an account's analyses read instead of its touches.

    A row counts the touches of one day, kind and direction:
    - with `person_id` and `pair` false: the touches with that person, by the rep `actor_id` (None:
      touches without a rep of ours, such as inbound behaviour);
    - with `person_id` None: the account's touches themselves, each once, by day and kind only
      (`actor_id` and `direction` None);
    - with `pair` true: the meetings, calls, visits and demos (not events) that both `actor_id` and
      `person_id` attended (co-attendance; `actor_id` < `person_id`).
    `seconds` sums the durations given, `untimed` counts the touches without one.
    """

    actor_id: str | None = None
    pair: bool = False
    person_id: str | None = None
    day: date
    kind: TouchKind
    direction: Direction | None = None
    count: int = Field(ge=1)
    seconds: int = Field(default=0, ge=0)
    untimed: int = Field(default=0, ge=0)


_Codes = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False, slots=True)
class TouchDays:
    """An account's daily touch aggregates (see `TouchDay`) as columns, one row per position.

    Ids are codes into `names` (-1: none), days are `date.toordinal()`, kinds and directions codes
    into TOUCH_KINDS and DIRECTIONS. Stores build it from columns they read (`from_columns`); the
    analyses read the arrays, never one object per row.
    """

    names: list[str]
    actor: _Codes
    person: _Codes
    pair: npt.NDArray[np.bool_]
    day: _Codes
    kind: _Codes
    direction: _Codes
    count: _Codes
    seconds: _Codes
    untimed: _Codes

    @classmethod
    def empty(cls) -> TouchDays:
        return cls.from_columns([], [], [], [], [], [], [], [], [])

    @classmethod
    def from_columns(
        cls,
        actor_ids: Sequence[str | None],
        person_ids: Sequence[str | None],
        pair: Sequence[bool],
        days: Sequence[int] | npt.NDArray[np.int64],
        kinds: Sequence[str],
        directions: Sequence[str | None],
        counts: Sequence[int],
        seconds: Sequence[int],
        untimed: Sequence[int],
    ) -> TouchDays:
        """From plain columns (ids as text or None/"", days as ordinals, kinds and directions as
        their values); raises ValueError on columns of different lengths or an unknown kind."""
        n = len(actor_ids)
        columns = (person_ids, pair, days, kinds, directions, counts, seconds, untimed)
        if any(len(column) != n for column in columns):
            raise ValueError("touch-day columns of different lengths")
        names = list(dict.fromkeys(chain(filter(None, actor_ids), filter(None, person_ids))))
        # Codes looked up by a C-level map (a Python function per row cost ~10 ms per 70,000 rows).
        code: dict[str | None, int] = {name: i for i, name in enumerate(names)}
        code[""] = code[None] = -1
        code_of = code.__getitem__

        try:
            kind_codes = np.fromiter(map(_KIND_CODE.__getitem__, kinds), dtype=np.int64, count=n)
            direction_codes = np.fromiter(
                map(_DIRECTION_CODE.__getitem__, directions), dtype=np.int64, count=n
            )
        except KeyError as exc:
            raise ValueError(f"unknown touch kind or direction {exc.args[0]!r}") from None
        return cls(
            names=names,
            actor=np.fromiter(map(code_of, actor_ids), dtype=np.int64, count=n),
            person=np.fromiter(map(code_of, person_ids), dtype=np.int64, count=n),
            pair=np.fromiter(pair, dtype=bool, count=n),
            day=np.fromiter(days, dtype=np.int64, count=n),
            kind=kind_codes,
            direction=direction_codes,
            count=np.fromiter(counts, dtype=np.int64, count=n),
            seconds=np.fromiter(seconds, dtype=np.int64, count=n),
            untimed=np.fromiter(untimed, dtype=np.int64, count=n),
        )

    @classmethod
    def from_rows(cls, rows: Iterable[TouchDay]) -> TouchDays:
        listed = list(rows)
        return cls.from_columns(
            [r.actor_id for r in listed],
            [r.person_id for r in listed],
            [r.pair for r in listed],
            [r.day.toordinal() for r in listed],
            [r.kind.value for r in listed],
            [r.direction.value if r.direction else None for r in listed],
            [r.count for r in listed],
            [r.seconds for r in listed],
            [r.untimed for r in listed],
        )

    def columns(self) -> dict[str, list[Any]]:
        """The rows as plain columns: ids and directions as text ("" for none), days as ordinals,
        kinds as their values (what the Neo4j store writes as a TouchDay node's lists)."""
        names = [*self.names, ""]  # code -1 reads the last entry: none
        return {
            "actors": list(map(names.__getitem__, self.actor.tolist())),
            "persons": list(map(names.__getitem__, self.person.tolist())),
            "pairs": self.pair.tolist(),
            "days": self.day.tolist(),
            "kinds": [TOUCH_KINDS[k].value for k in self.kind.tolist()],
            "directions": [d.value if (d := DIRECTIONS[code]) else "" for code in self.direction.tolist()],
            "counts": self.count.tolist(),
            "seconds": self.seconds.tolist(),
            "untimed": self.untimed.tolist(),
        }

    def rows(self) -> list[TouchDay]:
        """Every row as a model (for tests and exports; the analyses read the columns)."""
        names = self.names

        def name(code: int) -> str | None:
            return names[code] if code >= 0 else None

        return [
            TouchDay(
                actor_id=name(a),
                pair=bool(q),
                person_id=name(p),
                day=date.fromordinal(d),
                kind=TOUCH_KINDS[k],
                direction=DIRECTIONS[r],
                count=c,
                seconds=s,
                untimed=u,
            )
            for a, p, q, d, k, r, c, s, u in zip(
                self.actor.tolist(),
                self.person.tolist(),
                self.pair.tolist(),
                self.day.tolist(),
                self.kind.tolist(),
                self.direction.tolist(),
                self.count.tolist(),
                self.seconds.tolist(),
                self.untimed.tolist(),
                strict=True,
            )
        ]

    def __len__(self) -> int:
        return len(self.day)

    def __eq__(self, other: object) -> bool:
        """The same rows in the same order (whatever the codes of the ids)."""
        if not isinstance(other, TouchDays):
            return NotImplemented
        return self.columns() == other.columns()

    __hash__ = None  # type: ignore[assignment]

    def touch_count(self) -> int:
        """How many touches the rows count (each touch once)."""
        return int(self.count[self.person < 0].sum())

    def __repr__(self) -> str:
        return f"TouchDays({len(self)} rows, {self.touch_count()} touches)"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Passes as it is; serialised as its rows."""
        as_rows = handler.generate_schema(list[TouchDay])
        return core_schema.is_instance_schema(
            cls,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda days: days.rows(), return_schema=as_rows
            ),
        )


class Industry(Record):
    KIND: ClassVar[str] = "Industry"
    name: str = Field(min_length=1)


# --- relationships -------------------------------------------------------------------------


class DealProduct(Record):
    KIND: ClassVar[str] = "INCLUDES"
    deal_id: NonEmptyId
    product_id: NonEmptyId
    quantity: float | None = Field(default=None, ge=0)
    amount: float | None = Field(default=None, ge=0)


class Holding(Record):
    """(Company)-[:OWNS]->(Product): the installed base."""

    KIND: ClassVar[str] = "OWNS"
    company_id: NonEmptyId
    product_id: NonEmptyId
    since: date | None = None
    seats: int | None = Field(default=None, ge=0)
    status: HoldingStatus | None = None


class CommitteeRole(Record):
    """One assertion that a person plays a role on a deal; sources may disagree, so all are kept."""

    KIND: ClassVar[str] = "IN_COMMITTEE"
    deal_id: NonEmptyId
    person_id: NonEmptyId
    role: BuyingRole
    source: Source = Source.CRM
    confidence: float | None = Field(default=None, ge=0, le=1)
    asserted_at: datetime | None = None

    @field_validator("asserted_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _naive_utc(value)


class Knows(Record):
    KIND: ClassVar[str] = "KNOWS"
    person_id: NonEmptyId
    other_id: NonEmptyId
    strength: float | None = Field(default=None, ge=0)
    source: str | None = None


class Reporting(Record):
    """(Person)-[:REPORTS_TO]->(Person), dated so that past org charts can be answered."""

    KIND: ClassVar[str] = "REPORTS_TO"
    person_id: NonEmptyId
    manager_id: NonEmptyId
    since: date | None = None
    until: date | None = None
    kind: ReportingKind = ReportingKind.SOLID
    source: Source | None = None


class Employment(Record):
    """(Person)-[:WORKS_AT]->(Company); `until` is set when the person left (a job change)."""

    KIND: ClassVar[str] = "WORKS_AT"
    person_id: NonEmptyId
    company_id: NonEmptyId
    title: str | None = None
    since: date | None = None
    until: date | None = None


#: Every record kind by its native-bundle file stem, in the order a loader must write them
#: (nodes before the relationships that point at them).
BUNDLE_KINDS: dict[str, type[Record]] = {
    "companies": Company,
    "people": Person,
    "reps": Rep,
    "products": Product,
    "deals": Deal,
    "deal_products": DealProduct,
    "holdings": Holding,
    "committee": CommitteeRole,
    "touches": Touch,
    "knows": Knows,
    "reporting": Reporting,
    "employment": Employment,
}

#: The order an ingest writes kinds in: nodes before the relationships that point at them, and
#: touches (most of every load, pointing at people, reps and deals) last.
WRITE_ORDER: tuple[str, ...] = (
    "companies",
    "people",
    "reps",
    "products",
    "deals",
    "deal_products",
    "holdings",
    "committee",
    "knows",
    "reporting",
    "employment",
    "touches",
)

#: Node labels and relationship types that may appear in a query; everything else is refused.
NODE_LABELS: tuple[str, ...] = ("Company", "Person", "Rep", "Deal", "Product", "Touch", "Industry")
RELATIONSHIP_TYPES: tuple[str, ...] = (
    "WORKS_AT",
    "REPORTS_TO",
    "KNOWS",
    "SUBSIDIARY_OF",
    "IN_INDUSTRY",
    "FOR",
    "OWNED_BY",
    "INCLUDES",
    "OWNS",
    "IN_COMMITTEE",
    "BY",
    "WITH",
    "ABOUT",
)


class Counts(BaseModel):
    """How many nodes of each label and relationships of each type a store holds."""

    nodes: dict[str, int]
    relationships: dict[str, int]


class DealTouch(BaseModel):
    """How many touches about a deal (the touch's `deal_id`) a person had on one day."""

    model_config = ConfigDict(frozen=True)

    deal_id: str
    person_id: str
    day: date
    count: int = Field(ge=1)


@dataclass(frozen=True, eq=False, slots=True)
class DealTouches:
    """An account's touches about its deals (see `DealTouch`) as columns, one row per position, in
    (deal, person, day) order: ids are codes into `names`, days `date.toordinal()`. Stores build it
    from the columns they read (`from_columns`); the analyses read the arrays, never one object per
    row. Iterating gives the rows as models (for tests and exports).

    >>> rows = DealTouches.from_columns(["d"], ["p"], [date(2026, 5, 1).toordinal()], [2])
    >>> [(r.deal_id, r.person_id, r.day.isoformat(), r.count) for r in rows]
    [('d', 'p', '2026-05-01', 2)]
    """

    names: list[str]
    deal: _Codes
    person: _Codes
    day: _Codes
    count: _Codes

    @classmethod
    def empty(cls) -> DealTouches:
        return cls.from_columns([], [], [], [])

    @classmethod
    def from_columns(
        cls,
        deal_ids: Sequence[str],
        person_ids: Sequence[str],
        days: Sequence[int] | npt.NDArray[np.int64],
        counts: Sequence[int],
    ) -> DealTouches:
        """From plain columns (ids as text, days as ordinals, counts of at least 1, rows in (deal,
        person, day) order); raises ValueError on columns of different lengths, an empty id or a
        count below 1."""
        n = len(deal_ids)
        if any(len(column) != n for column in (person_ids, days, counts)):
            raise ValueError("deal-touch columns of different lengths")
        code = {name: i for i, name in enumerate(dict.fromkeys(chain(deal_ids, person_ids)))}
        if "" in code:
            raise ValueError("a deal touch without a deal or person id")
        count = np.fromiter(counts, dtype=np.int64, count=n)
        if n and int(count.min()) < 1:
            raise ValueError("a deal touch count below 1")
        return cls(
            names=list(code),
            deal=np.fromiter(map(code.__getitem__, deal_ids), dtype=np.int64, count=n),
            person=np.fromiter(map(code.__getitem__, person_ids), dtype=np.int64, count=n),
            day=np.fromiter(days, dtype=np.int64, count=n),
            count=count,
        )

    @classmethod
    def from_rows(cls, rows: Iterable[DealTouch]) -> DealTouches:
        listed = list(rows)
        return cls.from_columns(
            [r.deal_id for r in listed],
            [r.person_id for r in listed],
            [r.day.toordinal() for r in listed],
            [r.count for r in listed],
        )

    def rows(self) -> list[DealTouch]:
        """Every row as a model."""
        names = self.names
        return [
            DealTouch(deal_id=names[d], person_id=names[p], day=date.fromordinal(day), count=c)
            for d, p, day, c in zip(
                self.deal.tolist(), self.person.tolist(), self.day.tolist(), self.count.tolist(), strict=True
            )
        ]

    def __iter__(self) -> Iterator[DealTouch]:
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.day)

    def __eq__(self, other: object) -> bool:
        """The same rows in the same order (whatever the codes of the ids)."""
        if not isinstance(other, DealTouches):
            return NotImplemented
        return self.rows() == other.rows()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DealTouches({len(self)} rows)"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Passes as it is; a list of rows (models or their fields) becomes one; serialised as its rows."""
        as_rows = handler.generate_schema(list[DealTouch])
        return core_schema.union_schema(
            [
                core_schema.is_instance_schema(cls),
                core_schema.no_info_after_validator_function(cls.from_rows, as_rows),
            ],
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda touches: touches.rows(), return_schema=as_rows
            ),
        )


def deal_touches_of(touches: Iterable[Touch]) -> DealTouches:
    """The deal-linked touches as (deal, person, day) counts, in that order: what the stores read
    for an account (cypher/account_graph.cypher) and what a hand-made account gets."""
    counts: dict[tuple[str, str, date], int] = {}
    for touch in touches:
        if touch.deal_id:
            for person_id in dict.fromkeys(touch.person_ids):
                key = (touch.deal_id, person_id, touch.at.date())
                counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items())
    return DealTouches.from_columns(
        [d for (d, _, _), _ in ordered],
        [p for (_, p, _), _ in ordered],
        [day.toordinal() for (_, _, day), _ in ordered],
        [n for _, n in ordered],
    )


class AccountGraph(BaseModel):
    """One account's subgraph as plain records: the input of every per-account projection.

    `people` holds everyone who works or worked at the account (departed people keep their
    `Employment.until`), `reps` the reps who touched them or own the account's deals. Touches come
    as their daily aggregates (`touch_days`), never one by one; `AccountGraph(touches=[...])`
    aggregates the touches given (for tests and hand-made accounts).
    """

    company: Company
    people: list[Person] = []
    employment: list[Employment] = []
    reporting: list[Reporting] = []
    knows: list[Knows] = []
    deals: list[Deal] = []
    deal_products: list[DealProduct] = []
    committee: list[CommitteeRole] = []
    touch_days: TouchDays = Field(default_factory=TouchDays.empty)
    #: Touches about the account's deals, per deal, person and day (a touch's `deal_id`), as columns.
    deal_touches: DealTouches = Field(default_factory=DealTouches.empty)
    reps: list[Rep] = []
    holdings: list[Holding] = []
    products: list[Product] = []
    parent: Company | None = None
    subsidiaries: list[Company] = []
    #: The account's active corrections (source `user`), already applied to the lists above by the
    #: one rule (graph/analyses/corrections.py), and where they disagree with the stored facts.
    corrections: list[Correction] = []
    conflicts: list[Conflict] = []

    @model_validator(mode="before")
    @classmethod
    def _aggregate_touches(cls, data: Any) -> Any:
        if isinstance(data, dict) and "touches" in data:
            from graph.analyses.rules import aggregate_touches  # the one definition of a row

            data = dict(data)
            touches = [t if isinstance(t, Touch) else Touch.model_validate(t) for t in data.pop("touches")]
            if "touch_days" in data:
                raise ValueError("give touches or touch_days, not both")
            data["touch_days"] = aggregate_touches(touches)
            data.setdefault("deal_touches", deal_touches_of(touches))
        return data


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a listing, with the total so that a client can page on."""

    data: list[T]
    count: int
    offset: int
    limit: int


#: Kinds of record whose ids identity resolution merges, and so may have aliases.
ALIAS_KINDS = ("companies", "people")


class Alias(BaseModel):
    """A source id that ingest merged into another record: it keeps naming that record, with the
    reason of the merge, so that users' own ids (a Salesforce account id) still find it."""

    kind: Literal["companies", "people"]
    id: str = Field(min_length=1)
    into: str = Field(min_length=1)
    reason: str


class ErasureReport(BaseModel):
    """What erasing a person removed: the person, and nodes that concerned only them."""

    person_id: str
    removed_nodes: dict[str, int]
    removed_relationships: int


# --- corrections: sellers' own assertions (issue 22) ---------------------------------------


class CorrectionKind(StrEnum):
    """What a correction asserts."""

    #: The person plays `role` on the deal (beats the CRM's roles for that person on that deal).
    ROLE = "role"
    #: The person does not play `role` on the deal (every role when `role` is None).
    ROLE_WITHDRAWN = "role_withdrawn"
    #: The person reports to `other_id` (solid: replaces their current solid line; dotted: adds one).
    REPORTING = "reporting"
    #: The person left the account on `on`.
    LEFT = "left"
    #: The person turns to `other_id` (a KNOWS tie).
    KNOWS = "knows"
    #: A meeting, call or visit with `person_ids`, stored as a Touch `touch_id` with source "user".
    TOUCH = "touch"


#: Touch kinds a seller may log by hand.
LOGGABLE_TOUCH_KINDS: tuple[TouchKind, ...] = (TouchKind.MEETING, TouchKind.CALL, TouchKind.VISIT)

#: The prefix of the ids of touches logged through a correction.
USER_TOUCH_PREFIX = "user-touch-"


class Correction(BaseModel):
    """One correction: a fact a seller asserted, with its provenance (source `user`, the API key's
    name, the time). Stored apart from the CRM's facts, so an ingest never erases it; withdrawing it
    (`withdrawn_at`) restores what the CRM says."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64)
    kind: CorrectionKind
    #: The account the correction is about (the deal's account for roles).
    company_id: str = Field(min_length=1)
    person_id: str | None = None
    #: The manager (reporting) or the other person (knows).
    other_id: str | None = None
    deal_id: str | None = None
    role: BuyingRole | None = None
    line_kind: ReportingKind | None = None
    #: The day the person left (left), or the day a reporting line starts (reporting).
    on: date | None = None
    strength: float | None = Field(default=None, ge=0, le=1)
    #: A logged touch: its id, time, kind and attendees.
    touch_id: str | None = None
    touch_at: datetime | None = None
    touch_kind: TouchKind | None = None
    person_ids: list[str] = []
    rep_id: str | None = None
    duration_s: int | None = Field(default=None, ge=0)
    note: str | None = Field(default=None, max_length=500)
    source: Source = Source.USER
    author: str
    at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None

    @field_validator("at", "withdrawn_at", "touch_at")
    @classmethod
    def _aware_utc(cls, value: datetime | None) -> datetime | None:
        """Instants in UTC with the zone stated (a naive one is read as UTC)."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def person_refs(self) -> set[str]:
        """Every person id the correction names."""
        refs = {pid for pid in (self.person_id, self.other_id) if pid}
        return refs | set(self.person_ids)


class Conflict(BaseModel):
    """Where an active correction disagrees with a stored fact of another source: both are kept, the
    correction wins, and this says what the other source holds."""

    correction_id: str
    kind: CorrectionKind
    person_id: str
    deal_id: str | None = None
    #: What the seller asserted, and what the other source holds (in words of the vocabulary: a role,
    #: "reports to p-7 (solid)", "works here", "left on 2026-01-31").
    user_value: str
    stored_value: str
    stored_source: str
    #: The same in fields: the manager and kind of the stored line (reporting), the day the stored
    #: employment ends, None while it is open (left).
    stored_manager_id: str | None = None
    stored_line_kind: ReportingKind | None = None
    stored_until: date | None = None


AccountGraph.model_rebuild()
