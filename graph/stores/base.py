"""The `GraphStore` interface: everything the rest of buyergraph may ask of a store.

Two implementations pass one contract suite (tests/contract): `Neo4jStore` for production and
`EmbeddedStore`, the zero-setup default. Stores do all the I/O; analyses never see them.
"""

from __future__ import annotations

import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field

from graph.analyses.changes import CHANGE_KINDS, Change, ChangeBasis, LoggedChange, basis_of
from graph.analyses.directory import PeopleFilter, PersonListing, RepAccount, RepListing
from graph.analyses.portfolio import (
    ACCOUNT_SORTS,
    DEAL_SORTS,
    TRENDS,
    AccountFilter,
    AccountListing,
    AccountResult,
    AccountRow,
    DealFilter,
    DealListing,
    KeptAnswer,
    KeptDealGapsJson,
    KeptKeyPeopleJson,
    row_of,
)
from graph.analyses.results import BuyingStage
from graph.errors import InvalidInputError
from graph.model import (
    ALIAS_KINDS,
    BUNDLE_KINDS,
    AccountGraph,
    Alias,
    Company,
    Correction,
    CorrectionKind,
    Counts,
    Deal,
    ErasureReport,
    Holding,
    Page,
    Person,
    Record,
    Rep,
    Touch,
)

#: The largest page a listing returns, whatever the caller asks for.
MAX_PAGE_SIZE = 500


def check_page(offset: int, limit: int) -> None:
    """Reject paging values that no store should try to honour."""
    if offset < 0:
        raise InvalidInputError(f"offset must be >= 0, got {offset}")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}")


def check_kept_limit(limit: int | None) -> None:
    """Reject a key-people limit below 1 (None: everyone)."""
    if limit is not None and limit < 1:
        raise InvalidInputError(f"limit must be at least 1, got {limit}")


#: Node kinds whose ids `existing_ids` can check, with their labels.
NODE_KIND_LABELS: dict[str, str] = {
    "companies": "Company",
    "people": "Person",
    "reps": "Rep",
    "products": "Product",
    "deals": "Deal",
    "touches": "Touch",
}


def check_node_kind(kind: str) -> str:
    """The label of a node kind, refusing anything that is not one."""
    try:
        return NODE_KIND_LABELS[kind]
    except KeyError:
        known = ", ".join(NODE_KIND_LABELS)
        raise InvalidInputError(f"unknown node kind {kind!r}; known kinds: {known}") from None


def check_alias_kind(kind: str) -> str:
    """A kind whose ids may have aliases (companies, people), refusing anything else."""
    if kind not in ALIAS_KINDS:
        raise InvalidInputError(f"unknown alias kind {kind!r}; known kinds: {', '.join(ALIAS_KINDS)}")
    return kind


#: How far `resolve_alias` follows an alias of an alias (A merged into B, later B into C).
MAX_ALIAS_HOPS = 16

#: How long an ingest waits for another one to finish before giving up (seconds).
DEFAULT_INGEST_WAIT_S = 600.0


@dataclass(frozen=True)
class IngestLockHolder:
    """Who holds a store's ingest lock: shown to an ingest that waits for it."""

    started_at: str
    pid: int | None = None
    host: str | None = None

    @classmethod
    def this_process(cls) -> IngestLockHolder:
        return cls(datetime.now(UTC).isoformat(timespec="seconds"), os.getpid(), socket.gethostname())

    def describe(self) -> str:
        return f"started at {self.started_at}, by pid {self.pid} on host {self.host}"

    def died_on_this_host(self) -> bool:
        """True when the holder was a process of this host that no longer exists."""
        if self.pid is None or self.host != socket.gethostname() or self.pid == os.getpid():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it exists (perhaps as another user's process)
        return False


#: Called (about every few seconds) while an ingest waits for the lock, with the current holder.
OnLockWait = Callable[[IngestLockHolder | None], None]


def check_account_filter(query: AccountFilter) -> None:
    """Refuse sort keys and vocabularies outside the allow-lists."""
    if query.sort not in ACCOUNT_SORTS:
        raise InvalidInputError(f"accounts sort by one of {', '.join(ACCOUNT_SORTS)}, not {query.sort!r}")
    if query.trend is not None and query.trend not in TRENDS:
        raise InvalidInputError(f"trend must be one of {', '.join(TRENDS)}, not {query.trend!r}")
    stages = [s.value for s in BuyingStage]
    if query.buying_stage is not None and query.buying_stage not in stages:
        raise InvalidInputError(
            f"buying_stage must be one of {', '.join(stages)}, not {query.buying_stage!r}"
        )


def check_deal_filter(query: DealFilter) -> None:
    if query.sort not in DEAL_SORTS:
        raise InvalidInputError(f"deals sort by one of {', '.join(DEAL_SORTS)}, not {query.sort!r}")


def check_kind(kind: str) -> type[Record]:
    """Map a bundle kind ('people', 'touches', ...) to its model, refusing anything else."""
    try:
        return BUNDLE_KINDS[kind]
    except KeyError:
        known = ", ".join(BUNDLE_KINDS)
        raise InvalidInputError(f"unknown record kind {kind!r}; known kinds: {known}") from None


class GraphStore(ABC):
    """Batched, idempotent writes and the reads the analyses and the API need."""

    #: A short name for messages and `stats`: "neo4j" or "embedded".
    backend: str = ""

    # --- writes ----------------------------------------------------------------------------

    @abstractmethod
    def upsert(self, kind: str, records: Sequence[Record]) -> int:
        """Write one batch of records of one bundle kind, all or nothing; return how many.

        Upserts are idempotent: the same batch twice changes nothing, a changed value updates,
        and a missing (None) value never erases a stored one. A seniority inferred from a title
        never overwrites one that a source asserted.
        """

    def upsert_all(self, batches: Iterable[tuple[str, Sequence[Record]]]) -> int:
        """Write several batches in the order given (nodes before the relationships using them)."""
        total = 0
        with self.bulk():
            for kind, records in batches:
                total += self.upsert(kind, records)
        return total

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Group many batches. A store may defer costly persistence to the end of the block, or write
        behind the caller; either way every batch is written, in order, when the block ends, and a
        failure is raised by a later `upsert` or at the end of the block."""
        yield

    @abstractmethod
    def ingest_lock(
        self, *, wait_s: float = DEFAULT_INGEST_WAIT_S, on_wait: OnLockWait | None = None
    ) -> AbstractContextManager[None]:
        """Hold the store-wide ingest lock for the block: one ingest at a time resolves identities
        against the store and writes, so that two ingests of overlapping data never create the same
        person or company twice. A second ingest waits (calling `on_wait` now and then) and then sees
        what the first wrote; after `wait_s` seconds it raises IngestBusyError. A holder that dies
        (even killed with SIGKILL) never blocks later ingests for good.
        """

    @abstractmethod
    def erase_person(self, person_id: str) -> ErasureReport:
        """Remove a person and whatever concerns only them (their touches with nobody else)."""

    def data_version(self) -> Hashable:
        """A token that changes whenever the stored graph changes (at least through erasure and the
        server's writes), cheap to read: long-running processes key their caches on it, so that a
        change made by one process is seen by all. None: the store cannot tell."""
        return None

    def mark_changed(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Record that the graph changed (a store whose `data_version` needs telling)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (tests and `buyergraph reset`)."""

    # --- lookups for identity resolution across ingests ------------------------------------

    @abstractmethod
    def find_people_by_email_keys(self, keys: Collection[str]) -> dict[str, str]:
        """Stored people by normalised e-mail key: {key: person id} (the smallest id if several)."""

    @abstractmethod
    def find_companies_by_keys(
        self, name_keys: Collection[str], domains: Collection[str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Stored companies by normalised name and by domain: ({name_key: id}, {domain: id}),
        the smallest id when several match."""

    @abstractmethod
    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]:
        """Which of `ids` name a stored node of the bundle kind (companies, people, reps, products,
        deals, touches): ingest rejects references to ids that exist nowhere."""

    # --- aliases of merged ids --------------------------------------------------------------

    @abstractmethod
    def upsert_aliases(self, aliases: Sequence[Alias]) -> int:
        """Keep source ids that ingest merged into another record as aliases of it (kind, id ->
        into, reason), replacing an earlier alias of the same id; return how many."""

    @abstractmethod
    def find_aliases(self, kind: str, ids: Collection[str]) -> dict[str, Alias]:
        """The stored aliases among `ids` of one kind (companies or people), one hop: {id: alias}."""

    @abstractmethod
    def aliases_into(self, kind: str, ids: Collection[str]) -> dict[str, list[Alias]]:
        """The stored aliases of one kind merged into each of `ids`, one hop: {into: [alias, ...]}
        (sorted by alias id); ids nothing was merged into are left out. The reverse of
        `find_aliases`: a record's source ids from before a merge (the CRM export finds the CRM's
        record id of a person merged from another source through it)."""

    def resolve_alias(self, kind: str, alias_id: str) -> Alias | None:
        """What a merged-away id names now: the alias with `into` followed to the last record (A was
        merged into B, later B into C: A names C) and the reason of the first merge. None when the id
        was never merged away."""
        first = self.find_aliases(kind, [alias_id]).get(alias_id)
        if first is None:
            return None
        into, seen = first.into, {alias_id}
        for _ in range(MAX_ALIAS_HOPS):
            if into in seen:
                break
            seen.add(into)
            nxt = self.find_aliases(kind, [into]).get(into)
            if nxt is None:
                break
            into = nxt.into
        return first.model_copy(update={"into": into})

    # --- reads -----------------------------------------------------------------------------

    @abstractmethod
    def counts(self) -> Counts:
        """Nodes per label and relationships per type, every allow-listed name present."""

    @abstractmethod
    def get_company(self, company_id: str) -> Company:
        """One company; raises NotFoundError."""

    @abstractmethod
    def get_person(self, person_id: str) -> Person:
        """One person; raises NotFoundError."""

    @abstractmethod
    def get_people(self, person_ids: Collection[str]) -> dict[str, Person]:
        """The people among `person_ids` that exist, by id (one read, not one per person)."""

    @abstractmethod
    def get_deal(self, deal_id: str) -> Deal:
        """One deal; raises NotFoundError."""

    @abstractmethod
    def account_graph(self, company_id: str) -> AccountGraph:
        """One account's subgraph: people (current and former), reporting lines and KNOWS ties
        among them, deals with products and committee roles, daily touch aggregates and the reps
        they name, the
        products owned, and the parent and subsidiaries. Raises NotFoundError."""

    @abstractmethod
    def account_graphs(self, company_ids: Sequence[str]) -> dict[str, AccountGraph]:
        """Many accounts at once, as `account_graph` gives each, by id (ids of no account are left
        out): what a refresh task reads its accounts with, in batches."""

    @abstractmethod
    def person_touches(self, person_id: str) -> list[Touch]:
        """Every touch with the person, newest first (same instant: by id). Raises
        NotFoundError for an unknown person."""

    def deal_account_graph(self, deal_id: str) -> AccountGraph:
        """The subgraph of the account a deal is for (the deal is among its `deals`), as
        `account_graph` gives it. Raises NotFoundError for an unknown deal. A store that can read
        both at once overrides this: a deal's analysis then costs one read, not two."""
        return self.account_graph(self.get_deal(deal_id).company_id)

    @abstractmethod
    def list_accounts(
        self,
        *,
        search: str | None = None,
        industry: str | None = None,
        status: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[Company]:
        """Companies ordered by name then id; `search` is found in the company's search key (name,
        domain, id; graph/search.py: either script, no case, accents or spaces)."""

    @abstractmethod
    def list_people(
        self,
        *,
        search: str | None = None,
        company_id: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[Person]:
        """People ordered by name then id; `search` is found in the person's search key (name, e-mail,
        title, id; graph/search.py)."""

    @abstractmethod
    def ownership(self) -> tuple[list[Company], list[Holding]]:
        """The account–product ownership graph of all accounts, with the companies' profiles."""

    @abstractmethod
    def product_names(self) -> dict[str, str]:
        """The whole product catalogue: {product id: name}."""

    @abstractmethod
    def search_accounts(
        self, search: str | None = None, *, offset: int = 0, limit: int = 50
    ) -> Page[Company]:
        """Companies whose search key (name, domain, id; graph/search.py: ignoring case, accents and
        spaces, Chinese names also by pinyin) contains `search`, ordered by name then id; None lists
        all. Every store keeps each Company's, Person's, Rep's and Deal's key current when it writes
        them, and gives one to nodes written before keys existed (a one-time backfill)."""

    @abstractmethod
    def search_people(
        self, search: str | None = None, *, company_id: str | None = None, offset: int = 0, limit: int = 50
    ) -> Page[Person]:
        """People whose search key (name, e-mail, title, id; graph/search.py) contains `search`,
        optionally of one account (current or former employees), ordered by name then id; None lists
        all."""

    # --- kept analysis results (buyergraph refresh) -----------------------------------------

    @abstractmethod
    def mark_accounts_changed(
        self,
        *,
        company_ids: Collection[str] = (),
        person_ids: Collection[str] = (),
        deal_ids: Collection[str] = (),
        at: datetime | None = None,
    ) -> set[str]:
        """Record that these accounts' data changed at `at` (now by default): the companies named,
        the accounts of the people and of the deals named. Their kept results read as stale until
        the next refresh. Returns the ids of the accounts marked."""

    @abstractmethod
    def accounts_to_refresh(self, *, everything: bool = False) -> list[str]:
        """Ids of the accounts without a kept result or whose data changed since it was computed
        (every account with `everything`), sorted."""

    @abstractmethod
    def write_results(self, results: Sequence[AccountResult]) -> int:
        """Keep these accounts' results, replacing whatever was kept for them before (never piling
        up), all or nothing; results of accounts that no longer exist are dropped. Returns how many
        were kept."""

    @abstractmethod
    def read_results(self, company_ids: Collection[str]) -> dict[str, AccountResult]:
        """The kept results of these accounts (those that have one), with `stale` set."""

    @abstractmethod
    def read_kept_answer(
        self, *, company_id: str | None = None, deal_id: str | None = None
    ) -> KeptAnswer | None:
        """What the read endpoints answer from for one account, named by its id or else by one of its
        deals' id, in one read: its kept detail with `as_of`, `computed_at` and `stale` (not the
        figures, deals, gaps and people `read_results` reads besides); None when the account (or the
        deal) is unknown or has no kept result with its detail. InvalidInputError without either id."""

    @abstractmethod
    def read_kept_key_people(self, company_id: str, *, limit: int | None = None) -> KeptKeyPeopleJson | None:
        """The account's key people answer as refresh rendered it (the first `limit` people's JSON and
        the notes' JSON), with `as_of`, `computed_at` and `stale`, in one light read (not the kept
        detail); None when the account is unknown or has no kept result with its detail; `items` and
        `notes` None when that result was kept without rendered answers (read `read_kept_answer`).
        InvalidInputError when `limit` is below 1."""

    @abstractmethod
    def read_kept_deal_gaps(self, deal_id: str) -> KeptDealGapsJson | None:
        """The deal's gaps answer as refresh rendered it for the deal's account, with that account's
        `as_of`, `computed_at` and `stale`, in one light read; None when the deal is unknown or its
        account has no kept result with its detail; `members` None when that result holds no rendered
        answer for the deal (read `read_kept_answer`)."""

    @abstractmethod
    def list_account_results(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountListing]:
        """Every account filtered and sorted on the store by its profile and kept figures, one page."""

    def list_account_rows(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountRow]:
        """The same page as `list_account_results`, each row as the store keeps it (`AccountRow`), for
        sending without validating it again. A store that keeps the rows' texts overrides this."""
        page = self.list_account_results(query, offset=offset, limit=limit)
        return Page[AccountRow](
            data=[row_of(listing) for listing in page.data], count=page.count, offset=offset, limit=limit
        )

    @abstractmethod
    def list_deal_results(self, query: DealFilter, *, offset: int = 0, limit: int = 50) -> Page[DealListing]:
        """Every deal filtered and sorted on the store by its fields and kept result, one page."""

    # --- who is who across the book (issue 22: the read API) ----------------------------------

    @abstractmethod
    def list_people_filtered(
        self, query: PeopleFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[PersonListing]:
        """People across every account filtered by buying role, seniority, function, engagement state
        on `query.as_of`, best kept key-person rank, account and search (graph/analyses/directory.py),
        sorted on the store, one page."""

    @abstractmethod
    def list_reps(
        self,
        *,
        search: str | None = None,
        team: str | None = None,
        kind: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[RepListing]:
        """Our reps ordered by name then id, each with how many accounts they work on; `search`
        is found in the rep's search key (name, e-mail, id; graph/search.py)."""

    @abstractmethod
    def get_rep(self, rep_id: str) -> Rep:
        """One rep; raises NotFoundError."""

    @abstractmethod
    def rep_accounts(self, rep_id: str, *, offset: int = 0, limit: int = 50) -> Page[RepAccount]:
        """The accounts a rep works on (deals they own, people they touched), by account name then id;
        raises NotFoundError for an unknown rep."""

    def ping(self) -> bool:
        """True when the store answers; used by /health."""
        self.counts()
        return True

    def close(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Release connections and locks."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- corrections: sellers' own assertions (issue 22) -------------------------------------

    @abstractmethod
    def add_correction(self, correction: Correction, *, touch: Touch | None = None) -> Correction:
        """Keep a correction (apart from the ingested facts: no ingest erases it), with the touch it
        logs (a touch correction: stored like an ingested one, so it reaches the daily aggregates), and
        mark its account changed (kept results read stale, caches move on). Returns it as stored."""

    @abstractmethod
    def list_corrections(
        self,
        *,
        company_id: str | None = None,
        person_id: str | None = None,
        deal_id: str | None = None,
        kind: CorrectionKind | None = None,
        include_withdrawn: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[Correction]:
        """Corrections newest first (then by id), filtered by account, by a person they name (as the
        person, the manager or other person, or an attendee), deal and kind; withdrawn ones only with
        `include_withdrawn`."""

    @abstractmethod
    def get_correction(self, correction_id: str) -> Correction:
        """One correction, withdrawn or not; raises NotFoundError."""

    @abstractmethod
    def undo_correction(self, correction_id: str, *, by: str, at: datetime | None = None) -> Correction:
        """Withdraw a correction (it stays listed, with `withdrawn_at` and `withdrawn_by`): the stored
        facts apply again, a touch it logged is removed, its account is marked changed. Withdrawing
        twice changes nothing. Raises NotFoundError."""

    @abstractmethod
    def active_corrections(self, company_ids: Collection[str]) -> dict[str, list[Correction]]:
        """The active corrections of these accounts, by account id (what `account_graph` lays over
        the stored facts with graph.analyses.corrections.apply_corrections)."""

    # --- kept models (issue 21: `buyergraph learn`) -----------------------------------------------

    @abstractmethod
    def write_model(self, model: KeptModel) -> None:
        """Keep a fitted model (replacing one with the same id); earlier versions stay."""

    @abstractmethod
    def read_model(self, kind: str, model_id: str | None = None) -> KeptModel | None:
        """The kept model of this kind with this id, or the latest fitted one; None when there is none."""

    @abstractmethod
    def list_models(self, kind: str | None = None) -> list[KeptModel]:
        """Every kept model (of one kind), the latest fitted first, without their documents."""

    # --- the change log (issue 22: changes and alerts) ----------------------------------------

    @abstractmethod
    def append_changes(self, changes: Sequence[Change]) -> list[LoggedChange]:
        """Append changes to the book's change log, all or nothing, in the order given; each gets the
        next cursor (strictly increasing across every process writing to the store). Returns them as
        logged. The log is append-only: nothing but `clear` removes a change."""

    @abstractmethod
    def list_changes(
        self,
        *,
        after: int = 0,
        since: datetime | None = None,
        kind: str | None = None,
        account_id: str | None = None,
        limit: int = 100,
    ) -> list[LoggedChange]:
        """Logged changes with a cursor above `after`, detected at or after `since` (when given), of
        one kind and one account (when given), in cursor order, at most `limit`."""

    @abstractmethod
    def last_change_cursor(self) -> int:
        """The cursor of the newest logged change; 0 when the log is empty."""

    def read_change_bases(self, company_ids: Collection[str]) -> dict[str, ChangeBasis]:
        """What change detection compares of these accounts' kept results (those that have one): a
        store that can read less than whole results (their details) overrides this."""
        return {cid: basis_of(result) for cid, result in self.read_results(company_ids).items()}


def check_change_query(kind: str | None, after: int, limit: int) -> None:
    """Refuse change-log queries no store should try to honour."""
    if kind is not None and kind not in CHANGE_KINDS:
        raise InvalidInputError(f"change kind must be one of {', '.join(CHANGE_KINDS)}, not {kind!r}")
    if after < 0:
        raise InvalidInputError(f"a change cursor is >= 0, got {after}")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}")


class KeptModel(BaseModel):
    """A model kept in the store: a version id, what it models, when it was fitted and on the data
    up to which day, whether the analyses use it, and the model itself as a JSON document."""

    id: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    fitted_at: datetime
    as_of: date
    used: bool
    #: The model (weights, intervals, back-test, the data it was fit on); empty in `list_models`.
    document: dict[str, Any] = {}
