"""The loader: files in, a resolved graph written to a store in batches, and an account of it all.

`ingest_paths` is the one entry point (the CLI and the HTTP API both call it; `ingest_uploads` takes
uploaded files). It reads every file first (readers never touch the store), resolves identities
against this ingest and what the store already holds, checks every reference, and only then writes:
nodes before the relationships that point at them, touches last, in batches that are each one
all-or-nothing transaction. Because every upsert is idempotent and resolution is deterministic, an
ingest killed half-way and run again ends in exactly the state of one uninterrupted run, and the same
files twice change nothing.

Ingests run one at a time per store: everything from the first look at the store (identity
resolution) to the last write happens under the store's ingest lock, so a second ingest started
meanwhile waits and then resolves against what the first wrote. Reading files needs no lock.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, Field

from graph.errors import BuyerGraphError, InvalidInputError, NotFoundError, WriteFailedError
from graph.model import ALIAS_KINDS, BUNDLE_KINDS, WRITE_ORDER, Alias, Record
from graph.stores.base import DEFAULT_INGEST_WAIT_S, GraphStore, IngestLockHolder, OnLockWait
from ingest.checks import check_lengths, conflicting_duplicates
from ingest.leads import lead_name_keys
from ingest.progress import Progress
from ingest.readers import FORMATS, plan, read_paths
from ingest.rejects import FileNote, Reject, SourceRecord, is_not_used
from ingest.resolve import (
    NODE_KINDS,
    Merge,
    Resolution,
    StoredIdentities,
    aliases_of,
    apply_resolution_columns,
    enrich,
    identity_keys,
    referenced_ids,
    resolve_identities,
)
from ingest.touch_columns import TouchColumns, Touches

__all__ = [
    "KindSummary",
    "NotUsedFile",
    "IngestSummary",
    "IngestResult",
    "ingest_paths",
    "ingest_uploads",
    "DEFAULT_BATCH",
]

#: Writes a first load's records (by kind, in the write order) and aliases; returns records loaded by kind.
#: The touches are a `Touches` (graph/touch_columns.py): records and column chunks, iterated in order.
InitialWrite = Callable[[Mapping[str, Sequence[Record]], list[Alias]], Mapping[str, int]]

#: Rows per store.upsert: each batch is one transaction. ~5-10k is where Neo4j UNWIND writes peak.
DEFAULT_BATCH = 10_000
#: The order kinds are written in (the model's one write order).
LOAD_ORDER = WRITE_ORDER
assert set(LOAD_ORDER) == set(BUNDLE_KINDS)


class KindSummary(BaseModel):
    """Per record kind: rows read, rows merged into another record, rows rejected, records written."""

    read: int = 0
    merged: int = 0
    rejected: int = 0
    loaded: int = 0


class NotUsedFile(BaseModel):
    """A recognised file of an object buyergraph does not use (a campaign, a support ticket)."""

    file: str
    format: str
    object: str | None = None
    reason: str


class IngestSummary(BaseModel):
    """What one ingest read, merged, rejected and loaded."""

    store: str
    format: str
    files: list[FileNote]
    not_used: list[NotUsedFile] = Field(
        default_factory=list,
        description="files of objects buyergraph does not use: not read, not rejects, never fail --strict",
    )
    deleted_rows: int = Field(
        default=0, description="rows the CRM marks deleted (is_deleted, _fivetran_deleted): not loaded"
    )
    kinds: dict[str, KindSummary]
    merges: dict[str, int] = Field(description="merges and attachments by reason")
    rejected_rows: int = Field(description="rows not loaded at all (a row can have several rejects)")
    reject_entries: int
    notices: int = Field(
        default=0,
        description="look-alikes kept apart (people sharing an e-mail under different names, an "
        "ambiguous Chinese short name): in the reject report as action 'notice', never a reject",
    )
    files_skipped: int
    written: bool = Field(description="false when --strict refused to write because of rejects")
    nothing_loaded: bool = Field(
        default=False,
        description="no file of an object buyergraph reads was recognised, or rows were present and "
        "every one was rejected (files that hold only a header are not this)",
    )
    elapsed_s: float
    phases_s: dict[str, float] = Field(
        default_factory=dict,
        description="seconds spent reading, waiting for another ingest (only when it had to), "
        "resolving and checking, writing",
    )


class IngestResult(BaseModel):
    summary: IngestSummary
    rejects: list[Reject]
    merges: list[dict[str, str]] = Field(description="every merge: kind, id, into, reason")
    changed_accounts: list[str] = Field(
        default_factory=list,
        description="accounts whose data this ingest wrote: their kept results are stale until refreshed",
    )

    @property
    def ok(self) -> bool:
        """True when nothing at all was rejected (notices are not rejects)."""
        return not self.blocking_rejects

    @property
    def blocking_rejects(self) -> list[Reject]:
        """The rejects proper: everything in the report but notices."""
        return [r for r in self.rejects if r.action != "notice"]

    @property
    def nothing_loaded(self) -> bool:
        return self.summary.nothing_loaded


def _nothing_loaded(notes: list[FileNote], kinds: dict[str, KindSummary], written: bool) -> bool:
    """No file buyergraph reads was recognised, or rows were present and none was loaded. Files that
    hold only a header are not this (they were read: there was nothing to load)."""
    used = [f for f in notes if f.error is None and f.not_used is None]
    if not used:
        return True
    rows = sum(f.rows for f in used)
    return written and rows > 0 and not sum(k.loaded for k in kinds.values())


def _stored_identities(store: GraphStore, items: Sequence[SourceRecord]) -> StoredIdentities:
    email_keys, name_keys, domains = identity_keys(items)
    name_keys |= lead_name_keys(items)
    stored = StoredIdentities()
    stored.people_by_email_key = store.find_people_by_email_keys(email_keys)
    stored.companies_by_name_key, stored.companies_by_domain = store.find_companies_by_keys(
        name_keys, domains
    )
    for kind in ("companies", "people"):
        own = {getattr(i.record, "id") for i in items if i.kind == kind}  # noqa: B009
        stored.ids[kind] = store.existing_ids(kind, own) if own else set()
        stored.aliases[kind] = store.find_aliases(kind, own - stored.ids[kind]) if own else {}
    # The stored records a key matched, so that resolution checks their names and places too.
    own_companies = {getattr(i.record, "id") for i in items if i.kind == "companies"}  # noqa: B009
    own_people = {getattr(i.record, "id") for i in items if i.kind == "people"}  # noqa: B009
    matched = {*stored.companies_by_name_key.values(), *stored.companies_by_domain.values()}
    for company_id in matched - own_companies:
        with contextlib.suppress(NotFoundError):
            stored.companies[company_id] = store.get_company(company_id)
    for person_id in set(stored.people_by_email_key.values()) - own_people:
        with contextlib.suppress(NotFoundError):
            stored.people[person_id] = store.get_person(person_id)
    return stored


def _follow_aliases(
    store: GraphStore, wanted: dict[str, set[str]], stored_ids: dict[str, set[str]], resolution: Resolution
) -> None:
    """References to ids an earlier ingest merged away name their survivors (a contact of a merged
    account id joins the account it was merged into)."""
    for kind in ALIAS_KINDS:
        missing = wanted.get(kind, set()) - stored_ids[kind]
        for alias_id in sorted(store.find_aliases(kind, missing) if missing else {}):
            alias = store.resolve_alias(kind, alias_id)
            if alias is not None and store.existing_ids(kind, [alias.into]):
                resolution.ids[kind].setdefault(alias_id, alias.into)
                stored_ids[kind].add(alias.into)


def _count_rejected_rows(rejects: Iterable[Reject]) -> Counter[str]:
    rows: dict[str, set[tuple[str, int | None]]] = defaultdict(set)
    for reject in rejects:
        if reject.action == "row_skipped" and reject.kind:
            rows[reject.kind].add((reject.file, reject.row))
    return Counter({kind: len(keys) for kind, keys in rows.items()})


_SOURCE_KIND = {
    "Account": "companies",
    "Contact": "people",
    "Lead": "people",
    "User": "reps",
    "Product2": "products",
    "Opportunity": "deals",
    "OpportunityLineItem": "deal_products",
    "OpportunityContactRole": "committee",
    "Asset": "holdings",
    "Task": "touches",
    "Event": "touches",
    "contacts": "people",
    "engagements": "touches",
}


def _mark_changed_accounts(store: GraphStore, by_kind: Mapping[str, Sequence[Record]]) -> set[str]:
    """Mark the accounts the written records concern as changed (their kept results turn stale):
    the companies, people and deals the records name, through whichever field names them."""
    companies: set[str] = set()
    people: set[str] = set()
    deals: set[str] = set()
    naming = (
        ("company_id", companies),
        ("deal_id", deals),
        ("person_id", people),
        ("other_id", people),
        ("manager_id", people),
    )
    # A record's values are its __dict__: looking a field it lacks up through getattr costs a raised
    # AttributeError per record. So the fields that name an account's record are found per model.
    fields_of: dict[type, tuple[list[tuple[str, set[str]]], bool]] = {}
    for kind, records in by_kind.items():
        own = {"companies": companies, "people": people, "deals": deals}.get(kind)
        if isinstance(records, Touches):  # the touch columns a column at a time, then the records
            for chunk in records.columns():
                deals.update(deal for deal in chunk.deal_id if deal)
                people.update(chain.from_iterable(chunk.person_ids))
            records = list(records.records())
        for record in records:
            model = type(record)
            if model not in fields_of:
                fields_of[model] = (
                    [(field, into) for field, into in naming if field in model.model_fields],
                    "person_ids" in model.model_fields,
                )
            fields, attendees = fields_of[model]
            values = record.__dict__
            if own is not None:
                own.add(str(values.get("id", "")))
            for field, into in fields:
                value = values.get(field)
                if value:
                    into.add(str(value))
            if attendees:
                people.update(values.get("person_ids") or ())
    companies.discard("")
    people.discard("")
    deals.discard("")
    return store.mark_accounts_changed(company_ids=companies, person_ids=people, deal_ids=deals)


def ingest_paths(
    paths: Iterable[str | Path],
    store: GraphStore,
    *,
    format: str = "auto",
    strict: bool = False,
    progress: bool | None = None,
    batch_size: int = DEFAULT_BATCH,
    wait_s: float = DEFAULT_INGEST_WAIT_S,
    on_wait: OnLockWait | None = None,
    headers: Path | None = None,
    expanded_limit: int | None = None,
    initial: InitialWrite | None = None,
) -> IngestResult:
    """Read, resolve and load files and folders into `store`.

    `format` is auto (detect each file), native, salesforce or hubspot. With `strict`, nothing is
    written when anything is rejected (all rejects are known before the first write). `progress`
    draws progress bars on stderr: None = only when it is a terminal. While another ingest holds the
    store, this one waits up to `wait_s` seconds (calling `on_wait` now and then), then raises
    IngestBusyError. A write the store refuses raises WriteFailedError. `headers` names the user's own
    Chinese header dictionary (the setting BUYERGRAPH_HEADERS; the library reads no environment).
    `expanded_limit` caps the bytes Excel workbooks' sheets expand to (uploads: what is left of the
    upload limit); beyond it InputTooLargeError refuses the ingest before anything is written.

    `initial` writes the resolved records instead of the batched upserts: a first load into an empty
    database through Neo4j's offline importer (api/initial_load.py). It is called once with every
    record by kind (in the write order) and the aliases, and returns the records it loaded by kind;
    the changed accounts and the store version are then marked through the store as usual. No ingest
    lock is taken then (the importer stops the server; the caller checks the database is empty).
    """
    if format not in FORMATS:
        raise InvalidInputError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    if batch_size < 1:
        raise InvalidInputError(f"batch size must be at least 1, got {batch_size}")
    started = time.monotonic()
    read_plan = plan([Path(p) for p in paths], format, headers, expanded_limit)
    items: list[SourceRecord] = []
    # The touches in the order read: their records (also in `items`) and the column chunks.
    touch_order: list[SourceRecord | TouchColumns] = []
    rejects: list[Reject] = []
    read_counts: Counter[str] = Counter()
    notes_by_label = {note.file: note for note in read_plan.notes.values()}
    with Progress(max(1, len(read_plan.notes)), "reading files", enabled=progress) as bar:
        files_done: set[str] = set()
        for item in read_paths(read_plan):
            if isinstance(item, Reject):
                if is_not_used(item):
                    note = notes_by_label.get(item.file)
                    if note is not None:  # an older reader marks it by its reason alone
                        reason = item.reason.removeprefix("not read: ")
                        note.not_used, note.error = note.not_used or reason, None
                    continue
                rejects.append(item)
                continue
            if isinstance(item, TouchColumns):
                touch_order.append(item)
                read_counts["touches"] += len(item)
            else:
                if item.kind == "touches":
                    touch_order.append(item)
                items.append(item)
                read_counts[item.kind] += 1
            if item.file not in files_done:
                files_done.add(item.file)
                bar.update(1)
    # Reject kinds named after source objects (Contact, engagements) count under the record kind.
    for reject in rejects:
        if reject.kind in _SOURCE_KIND:
            reject.kind = _SOURCE_KIND[reject.kind]
    read_counts += _count_rejected_rows(rejects)  # rows read but unusable count as read too
    rejects += conflicting_duplicates(items)
    items, length_rejects = check_lengths(items)  # these rows were counted as read above
    rejects += length_rejects
    read_done = time.monotonic()
    items, enrich_rejects = enrich(items)
    rejects += enrich_rejects
    resolve_done = write_done = lock_asked = time.monotonic()
    changed_accounts: list[str] = []
    loaded: Counter[str] = Counter()
    held_by_another: list[bool] = []

    def waiting(holder: IngestLockHolder | None) -> None:
        held_by_another.append(True)
        if on_wait is not None:
            on_wait(holder)

    try:
        lock = (
            contextlib.nullcontext()
            if initial is not None
            else store.ingest_lock(wait_s=wait_s, on_wait=waiting)
        )
        with lock:
            lock_waited = time.monotonic() - lock_asked if held_by_another else 0.0
            stored = _stored_identities(store, items)
            resolution = resolve_identities(items, stored)
            # The touch records that passed the checks, and the column chunks, in the order read.
            kept_touches = {id(item) for item in items if item.kind == "touches"}
            touches_read = [p for p in touch_order if isinstance(p, TouchColumns) or id(p) in kept_touches]
            del touch_order, kept_touches
            chunks = [p for p in touches_read if isinstance(p, TouchColumns)]
            wanted = referenced_ids(items, resolution, chunks)
            del chunks
            stored_ids: dict[str, set[str]] = {kind: set(stored.ids.get(kind, set())) for kind in NODE_KINDS}
            for kind, ids in wanted.items():
                stored_ids[kind] |= store.existing_ids(kind, ids) if ids else set()
            _follow_aliases(store, wanted, stored_ids, resolution)
            rejected_ids: dict[str, set[str]] = defaultdict(set)
            for reject in rejects:
                if reject.action == "row_skipped" and reject.kind and reject.record_id:
                    rejected_ids[reject.kind].add(reject.record_id)
            records, touches, reference_rejects = apply_resolution_columns(
                items, touches_read, resolution, stored_ids, rejected_ids
            )
            rejects += reference_rejects
            notices = resolution.notices

            by_kind: dict[str, list[Record]] = defaultdict(list)
            for item in records:
                by_kind[item.kind].append(item.record)
            # only the records are written: the wrappers go before the writes
            del items, records, touches_read
            to_write: dict[str, Sequence[Record]] = {kind: by_kind.get(kind, []) for kind in LOAD_ORDER}
            to_write["touches"] = touches
            del by_kind
            written = not (strict and rejects)  # notices are added after: they never block
            resolve_done = time.monotonic()
            if written and initial is not None:
                loaded.update(initial(to_write, aliases_of(resolution)))
            elif written:
                total = sum(len(v) for v in to_write.values())
                with store.bulk(), Progress(total, "loading records", enabled=progress) as bar:
                    for kind in LOAD_ORDER:
                        batch_list = to_write[kind]
                        # Touch records are built a batch at a time from the columns.
                        batches = (
                            batch_list.batches(batch_size)
                            if isinstance(batch_list, Touches)
                            else (
                                batch_list[start : start + batch_size]
                                for start in range(0, len(batch_list), batch_size)
                            )
                        )
                        for batch in batches:
                            loaded[kind] += store.upsert(kind, batch)
                            bar.update(len(batch))
                    store.upsert_aliases(aliases_of(resolution))
            if written and sum(loaded.values()) > 0:
                changed_accounts = sorted(_mark_changed_accounts(store, to_write))
                # Running servers key their caches on the store version; failing to move it only
                # delays what they show (their caches expire), so it never fails a written load.
                with contextlib.suppress(BuyerGraphError):
                    store.mark_changed()
            write_done = time.monotonic()
    except InvalidInputError as exc:
        # The files were read and checked before: what fails now is the store refusing a write.
        written_so_far = sum(loaded.values())
        raise WriteFailedError(
            f"the store refused a write after {written_so_far:,} records: {exc}; "
            "nothing is lost by running the same ingest again"
        ) from exc

    rejects += notices
    merged = Counter(m.kind for m in resolution.merges if m.merged)
    rejected = _count_rejected_rows(rejects)
    kinds: dict[str, KindSummary] = {}
    for kind in LOAD_ORDER:
        kind_summary = KindSummary(
            read=read_counts.get(kind, 0),
            merged=merged.get(kind, 0),
            rejected=rejected.get(kind, 0),
            loaded=loaded.get(kind, 0),
        )
        if kind_summary.read or kind_summary.loaded:
            kinds[kind] = kind_summary
    merge_reasons = resolution.reasons()
    notes = list(read_plan.notes.values())
    summary = IngestSummary(
        store=store.backend,
        format=format,
        files=notes,
        not_used=[
            NotUsedFile(file=n.file, format=n.format, object=n.object, reason=n.not_used)
            for n in notes
            if n.not_used
        ],
        deleted_rows=sum(n.deleted for n in notes),
        kinds=kinds,
        merges=dict(sorted(merge_reasons.items())),
        rejected_rows=sum(rejected.values()),
        reject_entries=sum(1 for r in rejects if r.action != "notice"),
        notices=len(notices),
        files_skipped=sum(1 for r in rejects if r.action == "file_skipped"),
        written=written,
        nothing_loaded=_nothing_loaded(notes, kinds, written),
        elapsed_s=round(time.monotonic() - started, 3),
        phases_s={
            "read": round(read_done - started, 3),
            **({"wait": round(lock_waited, 3)} if held_by_another else {}),
            "resolve": round(resolve_done - read_done - lock_waited, 3),
            "write": round(write_done - resolve_done, 3),
        },
    )
    return IngestResult(
        summary=summary,
        rejects=rejects,
        merges=[_merge_dict(m) for m in resolution.merges],
        changed_accounts=changed_accounts,
    )


def _merge_dict(merge: Merge) -> dict[str, str]:
    return {"kind": merge.kind, "id": merge.id, "into": merge.into, "reason": merge.reason}


_SAFE_NAME = re.compile(r"[^\w.\-\u3400-\u9fff]+")


def ingest_uploads(
    files: Iterable[tuple[str, bytes | BinaryIO]],
    store: GraphStore,
    *,
    format: str = "auto",
    strict: bool = False,
    headers: Path | None = None,
) -> IngestResult:
    """Ingest uploaded files (name as the client sent it, content): for the HTTP API.

    Only the base name of each upload is used, so names cannot reach outside the scratch folder;
    the scratch folder is removed afterwards. Formats are detected from names and headers as usual.
    """
    scratch = Path(tempfile.mkdtemp(prefix="buyergraph-upload-"))
    try:
        names: list[Path] = []
        for raw_name, content in files:
            name = _SAFE_NAME.sub("_", Path(raw_name.replace("\\", "/")).name).lstrip(".") or "upload.csv"
            target = scratch / name
            if target.exists():
                raise InvalidInputError(f"two uploaded files are both called {name!r}")
            with target.open("wb") as fh:
                if isinstance(content, bytes | bytearray):
                    fh.write(content)
                else:
                    shutil.copyfileobj(content, fh)
            names.append(target)
        if not names:
            raise InvalidInputError("no files were uploaded")
        return ingest_paths(names, store, format=format, strict=strict, progress=False, headers=headers)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
