"""The domain model: every node, relationship and vocabulary of the buyergraph graph.

These pydantic models are the currency between ingest, the stores, the projections and the API.
Field names match the native bundle (design.md §1), so a bundle row validates straight into a model.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import chain, repeat
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar, cast, overload

import numpy as np
import numpy.typing as npt
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationInfo,
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
        if any(type(v) is str and not v.strip() for v in data.values()):
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


class Deal(Record):
    """A deal; its `amount` is in `currency` (an ISO 4217 code such as USD or CNY, as the source wrote it).

    `closed_at` is the day a won or lost deal closed; `expected_close` is the day an open deal is
    expected to close (Salesforce's CloseDate of an open opportunity, HubSpot's close date, ...).
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


_Derived = TypeVar("_Derived")


_AT_MICROS = "at_micros"
_ATTENDANCE = "attendance"
_KIND_CODES = "kind_codes"
_REP_CODES = "rep_codes"
#: The touch kinds in the order of their codes (see `TouchTable.kind_codes`).
TOUCH_KINDS: tuple[TouchKind, ...] = tuple(TouchKind)
#: A kind's code by the member's identity: hashing an enum member runs Python code, once per touch.
_KIND_CODE_BY_IDENTITY: dict[int, int] = {id(kind): code for code, kind in enumerate(TOUCH_KINDS)}
_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def _micros_since_1970(table: TouchTable) -> npt.NDArray[np.int64]:
    instants = table.ats
    return np.fromiter(
        map(operator.floordiv, map(operator.sub, instants, repeat(_EPOCH)), repeat(_MICROSECOND)),
        np.int64,
        len(instants),
    )


def _kind_codes(table: TouchTable) -> npt.NDArray[np.intp]:
    kinds = table.kinds
    return np.fromiter(
        map(_KIND_CODE_BY_IDENTITY.__getitem__, map(id, kinds)), dtype=np.intp, count=len(kinds)
    )


def _rep_codes(table: TouchTable) -> tuple[list[str | None], npt.NDArray[np.intp]]:
    rep_ids = table.rep_ids
    names = list(dict.fromkeys(rep_ids))
    code = dict(zip(names, range(len(names)), strict=True))
    return names, np.fromiter(map(code.__getitem__, rep_ids), dtype=np.intp, count=len(rep_ids))


def _attendance(table: TouchTable) -> tuple[list[str], npt.NDArray[np.intp]]:
    person_ids = table.person_ids
    sizes = np.fromiter(map(len, person_ids), dtype=np.intp, count=len(person_ids))
    return list(chain.from_iterable(person_ids)), sizes


@dataclass(frozen=True, slots=True)
class LazyColumn:
    """A touch column a store has read but not converted (see `TouchTable.from_columns`): `whole()`
    converts all of it at once, `item(i)` only the value at position i.

    An analysis of a large account reads a few columns whole and the others for a few hundred
    touches (a lead window, the meetings of several people): converting 50,000 durations, subjects
    and attendee lists that nobody reads cost a Neo4j read about 40 ms.
    """

    whole: Callable[[], list[Any]]
    item: Callable[[int], Any]
    size: int


class TouchTable(Sequence[Touch]):
    """An account's touches as columns: one list per field, position i being one touch.

    An analysis reads a large account's 50,000 touches field by field, never as models: building a
    Touch model costs about 5 us, so a store that hands over columns (`from_columns`) saves a quarter
    of a second per large account, and models are built only for the touches looked at one by one
    (then kept). Validating a list of touches (`AccountGraph(touches=[...])`) wraps the models.
    `take` gives a reordered view whose columns are copied only when first read, and a store may
    hand over columns it has not converted yet (`LazyColumn`).
    """

    __slots__ = ("_columns", "_lazy", "_models", "_view_of", "_positions", "_memo")

    def __init__(self, touches: Iterable[Touch] = ()) -> None:
        models: list[Touch | None] = list(touches)
        columns = (
            zip(*map(_TOUCH_FIELDS, models), strict=True) if models else ([] for _ in _TOUCH_FIELD_NAMES)
        )
        self._columns: dict[str, list[Any]] = dict(zip(_TOUCH_FIELD_NAMES, map(list, columns), strict=True))
        #: Columns not converted yet, by name (never also in _columns).
        self._lazy: dict[str, LazyColumn] = {}
        self._models = models
        self._view_of: TouchTable | None = None
        self._positions: Sequence[int] = ()
        self._memo: dict[str, Any] = {}

    @classmethod
    def from_columns(
        cls,
        *,
        ids: list[str],
        ats: list[datetime] | LazyColumn,
        kinds: list[TouchKind] | LazyColumn,
        person_ids: list[list[str]] | LazyColumn,
        rep_ids: list[str | None] | LazyColumn,
        deal_ids: list[str | None] | LazyColumn,
        directions: list[Direction | None] | LazyColumn,
        durations: list[int | None] | LazyColumn,
        sources: list[str | None] | LazyColumn,
        subjects: list[str | None] | LazyColumn,
        at_micros: npt.NDArray[np.int64] | None = None,
        attendance: tuple[list[str], npt.NDArray[np.intp]] | None = None,
        kind_codes: npt.NDArray[np.intp] | None = None,
        rep_codes: tuple[list[str | None], npt.NDArray[np.intp]] | None = None,
    ) -> TouchTable:
        """Touches a store read as columns, already clean (see FROM_STORE): no model is built.
        A column may be a `LazyColumn`, converted when first read. `at_micros` is `ats` as
        microseconds since 1970, `attendance` the attendees end to end with their counts,
        `kind_codes` the kinds as codes and `rep_codes` the rep ids as codes, when the store has them
        (see the methods of these names)."""
        columns: list[list[Any] | LazyColumn] = [
            ids,
            ats,
            kinds,
            person_ids,
            rep_ids,
            deal_ids,
            directions,
            durations,
            sources,
            subjects,
        ]
        lengths = {column.size if isinstance(column, LazyColumn) else len(column) for column in columns}
        if at_micros is not None:
            lengths.add(len(at_micros))
        if attendance is not None:
            lengths.add(len(attendance[1]))
        if kind_codes is not None:
            lengths.add(len(kind_codes))
        if rep_codes is not None:
            lengths.add(len(rep_codes[1]))
        if len(lengths) > 1:
            raise ValueError("touch columns of different lengths")
        table = cls()
        named = list(zip(_TOUCH_FIELD_NAMES, columns, strict=True))
        table._columns = {name: column for name, column in named if not isinstance(column, LazyColumn)}
        table._lazy = {name: column for name, column in named if isinstance(column, LazyColumn)}
        table._models = [None] * len(ids)
        if at_micros is not None:
            table._memo[_AT_MICROS] = at_micros
        if attendance is not None:
            table._memo[_ATTENDANCE] = attendance
        if kind_codes is not None:
            table._memo[_KIND_CODES] = kind_codes
        if rep_codes is not None:
            table._memo[_REP_CODES] = rep_codes
        return table

    def take(self, positions: Sequence[int]) -> TouchTable:
        """The touches at these positions, in this order, as a view that shares this table's models.
        A view of a view reads the table underneath directly: taking a few touches of a reordered
        view copies no whole column of it."""
        if self._view_of is not None:
            mine = self._positions
            if isinstance(positions, range) and positions.start >= 0 and positions.step > 0:
                return self._view_of.take(mine[positions.start : positions.stop : positions.step])
            return self._view_of.take(list(map(mine.__getitem__, positions)))
        view = TouchTable()
        view._columns = {}
        view._view_of, view._positions = self, positions
        return view

    def view(self) -> TouchTable:
        """Every touch in this order: a view that shares this table's columns and models (a store
        hands out views of the tables it caches; changing a view copies it first)."""
        return self.take(range(len(self)))

    def memo(self, key: str, compute: Callable[[TouchTable], _Derived]) -> _Derived:
        """`compute(self)`, kept with the table until it changes (a view of a whole table shares the
        table's): what the analyses derive from the columns is worked out once per table a store
        caches, not once per analysis."""
        if self._view_of is not None and self._positions == range(len(self._view_of)):
            return self._view_of.memo(key, compute)
        if key not in self._memo:
            self._memo[key] = compute(self)
        return cast(_Derived, self._memo[key])

    def at_micros(self) -> npt.NDArray[np.int64]:
        """Every touch's instant as microseconds since 1970 (as stored, naive), worked out once per
        table: a store that parsed the instants with numpy hands them over as they are, which saves
        the projection about 20 ms of datetime arithmetic on 50,000 touches."""
        return self.memo(_AT_MICROS, _micros_since_1970)

    def attendance(self) -> tuple[list[str], npt.NDArray[np.intp]]:
        """Every touch's attendees end to end, in table order, and how many each touch has, worked
        out once per table: what counting (touch, person) pairs reads, without a list per touch (a
        store that parsed the attendees as one string hands them over as they are)."""
        return self.memo(_ATTENDANCE, _attendance)

    def kind_codes(self) -> npt.NDArray[np.intp]:
        """Every touch's kind as its position in TOUCH_KINDS, worked out once per table (a store
        that reads kinds as text codes them in the same pass)."""
        return self.memo(_KIND_CODES, _kind_codes)

    def rep_codes(self) -> tuple[list[str | None], npt.NDArray[np.intp]]:
        """The rep ids the touches name (None for no rep), in the order first named, and every
        touch's index into them, worked out once per table: a store that reads rep ids as text codes
        them in the pass that reads them (each pass over 50,000 strings costs several ms)."""
        return self.memo(_REP_CODES, _rep_codes)

    def instant(self, index: int) -> datetime:
        """The instant of the touch at `index`, without building its model or copying a view's
        column: a binary search over a view (`bisect(range(n), x, key=table.instant)`) reads a few."""
        if self._view_of is not None and "at" not in self._columns:
            return self._view_of.instant(self._positions[index])
        instant: datetime = self._value("at", index)
        return instant

    def _value(self, name: str, index: int) -> Any:
        """One value of a table's column, converting only it if the column is lazy."""
        column = self._columns.get(name)
        return column[index] if column is not None else self._lazy[name].item(index)

    def _column(self, name: str) -> list[Any]:
        column = self._columns.get(name)
        if column is None:
            base = self._view_of
            if base is None:  # a lazy column of a table, converted now
                column = self._columns[name] = self._lazy.pop(name).whole()
                return column
            if self._positions == range(len(base)):
                return base._column(name)  # shared, never changed in place (see _own)
            column = self._columns[name] = base._values_at(name, self._positions)
        return column

    def _values_at(self, name: str, positions: Sequence[int]) -> list[Any]:
        """A table's column at these positions; a lazy column stays lazy, only these are converted."""
        column = self._columns.get(name)
        if column is not None:
            return list(map(column.__getitem__, positions))
        return list(map(self._lazy[name].item, positions))

    @property
    def ids(self) -> list[str]:
        return self._column("id")

    @property
    def ats(self) -> list[datetime]:
        return self._column("at")

    @property
    def kinds(self) -> list[TouchKind]:
        return self._column("kind")

    @property
    def person_ids(self) -> list[list[str]]:
        return self._column("person_ids")

    @property
    def rep_ids(self) -> list[str | None]:
        return self._column("rep_id")

    @property
    def deal_ids(self) -> list[str | None]:
        return self._column("deal_id")

    @property
    def directions(self) -> list[Direction | None]:
        return self._column("direction")

    @property
    def durations(self) -> list[int | None]:
        return self._column("duration_s")

    def append(self, touch: Touch) -> None:
        self._own()
        self._memo.clear()
        for name, value in zip(_TOUCH_FIELD_NAMES, _TOUCH_FIELDS(touch), strict=True):
            self._columns[name].append(value)
        self._models.append(touch)

    def __setitem__(self, index: int, touch: Touch) -> None:
        self._own()
        self._memo.clear()
        for name, value in zip(_TOUCH_FIELD_NAMES, _TOUCH_FIELDS(touch), strict=True):
            self._columns[name][index] = value
        self._models[index] = touch

    def _own(self) -> None:
        """Turn a view into a table of its own, so that changing it leaves the table it views alone;
        convert a table's lazy columns."""
        for name in list(self._lazy):
            self._column(name)
        if self._view_of is not None:
            self._columns = {name: list(self._column(name)) for name in _TOUCH_FIELD_NAMES}
            self._models = list(map(self._view_of._model, self._positions))
            self._view_of, self._positions = None, ()

    def __len__(self) -> int:
        return len(self._positions) if self._view_of is not None else len(self._models)

    @overload
    def __getitem__(self, index: int) -> Touch: ...

    @overload
    def __getitem__(self, index: slice) -> list[Touch]: ...

    def __getitem__(self, index: int | slice) -> Touch | list[Touch]:
        if isinstance(index, slice):
            return [self._model(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("touch index out of range")
        return self._model(index)

    def _model(self, i: int) -> Touch:
        if self._view_of is not None:
            return self._view_of._model(self._positions[i])
        model = self._models[i]
        if model is None:
            fields = {name: self._value(name, i) for name in _TOUCH_FIELD_NAMES}
            model = self._models[i] = Touch.model_validate(fields, context=FROM_STORE)
        return model

    def __iter__(self) -> Iterator[Touch]:
        return map(self._model, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TouchTable | list | tuple):
            return len(self) == len(other) and all(map(operator.eq, self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TouchTable({len(self)} touches)"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """A TouchTable passes as it is; a list of touches is validated, then wrapped. Serialised as
        a list of touches."""
        as_list = handler.generate_schema(list[Touch])
        return core_schema.union_schema(
            [
                core_schema.is_instance_schema(cls),
                core_schema.no_info_after_validator_function(cls, as_list),
            ],
            serialization=core_schema.plain_serializer_function_ser_schema(list, return_schema=as_list),
        )


#: Touch fields, in the order of a TouchTable's columns (and of `from_columns`' arguments): the model's.
_TOUCH_FIELD_NAMES: tuple[str, ...] = tuple(Touch.model_fields)
_TOUCH_FIELDS = operator.attrgetter(*_TOUCH_FIELD_NAMES)


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


class AccountGraph(BaseModel):
    """One account's subgraph as plain records: the input of every per-account projection.

    `people` holds everyone who works or worked at the account (departed people keep their
    `Employment.until`), `reps` the reps who touched them or own the account's deals.
    """

    #: So that `account.touches = [...]` makes a TouchTable too.
    model_config = ConfigDict(validate_assignment=True)

    company: Company
    people: list[Person] = []
    employment: list[Employment] = []
    reporting: list[Reporting] = []
    knows: list[Knows] = []
    deals: list[Deal] = []
    deal_products: list[DealProduct] = []
    committee: list[CommitteeRole] = []
    touches: TouchTable = Field(default_factory=TouchTable)
    reps: list[Rep] = []
    holdings: list[Holding] = []
    products: list[Product] = []
    parent: Company | None = None
    subsidiaries: list[Company] = []


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
