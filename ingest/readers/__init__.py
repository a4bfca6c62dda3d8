"""Readers: one per input format. They turn files into validated records or precise rejects and never
talk to a store.

`detect_format` says which format and object a file is; `read_paths` reads a set of files and folders
in loading order, one file's failure never stopping the others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graph.errors import InputTooLargeError, InvalidInputError
from graph.model import BUNDLE_KINDS
from ingest.readers.chinese import chinese_object, read_chinese
from ingest.readers.csvio import JSONL_SUFFIXES, TABLE_SUFFIXES, open_table, read_header
from ingest.readers.dynamics import dynamics_object, read_dynamics
from ingest.readers.excel import EXCEL_SUFFIXES, Workbooks
from ingest.readers.hubspot import hubspot_object, read_hubspot
from ingest.readers.native import native_kind, read_native_file
from ingest.readers.salesforce import (
    SALESFORCE_KEYS,
    SALESFORCE_OBJECTS,
    read_salesforce,
    salesforce_groups,
    salesforce_object,
    unused_salesforce_object,
)
from ingest.readers.scratch import Scratch
from ingest.readers.warehouse import HubSpotTables, WarehouseTables, hubspot_table, salesforce_table
from ingest.rejects import FileNote, Reject, SourceRecord, file_problem
from ingest.touch_columns import TouchColumns

__all__ = ["FORMATS", "Format", "Detected", "detect_format", "expand_paths", "read_paths"]

Format = Literal["auto", "native", "salesforce", "hubspot", "dynamics", "chinese"]
FORMATS: tuple[str, ...] = ("auto", "native", "salesforce", "hubspot", "dynamics", "chinese")
#: File kinds picked up from a folder; a .txt file is read only when named explicitly.
_FOLDER_SUFFIXES = (".csv", ".tsv", *JSONL_SUFFIXES, *EXCEL_SUFFIXES)


@dataclass(frozen=True)
class Detected:
    """Which format a file is in and which object (bundle kind, Salesforce object, HubSpot object)."""

    format: str
    object: str


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Reject]]:
    """Files named directly plus the data files directly inside named folders, in a stable order."""
    files: list[Path] = []
    problems: list[Reject] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in _FOLDER_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                problems.append(
                    Reject(
                        file=str(path),
                        reason="the folder holds no .csv, .tsv, .jsonl or .xlsx files",
                        action="file_skipped",
                    )
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Reject(file=str(path), reason="no such file or folder", action="file_skipped"))
    unique = list(dict.fromkeys(files))
    return unique, problems


def detect_format(path: Path, forced: str = "auto", headers: Path | None = None) -> Detected | None:
    """The format and object of one file, from its name and header; None when it is not recognised.

    HubSpot exports are told by their header ("Record ID" or hs_object_id); Dynamics 365 exports by
    their object name (Account.csv) and a column only Dynamics writes; a Salesforce Data Export file by
    its object name (Contact.csv) and an `Id`-style header; the native bundle by its kind name
    (people.csv, touches.jsonl); Chinese CRMs' files by their Chinese header; last, any other Salesforce
    object (Case.csv, Branch__c.csv: `Id` first), which is then reported as not used. Excel sheets and
    warehouse tables arrive here already rewritten as such files (see `plan`). `forced` restricts
    detection to one format; `headers` is the user's own Chinese header dictionary, if any.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        kind = native_kind(path)
        return Detected("native", kind) if kind and forced in ("auto", "native") else None
    if suffix not in TABLE_SUFFIXES:
        return None
    header = read_header(path)
    lowered = {h.strip().lower() for h in header}
    if forced in ("auto", "hubspot"):
        obj = hubspot_object(header)
        if obj:
            return Detected("hubspot", obj)
    if forced in ("auto", "dynamics"):
        d365_obj = dynamics_object(path, header)
        if d365_obj:
            return Detected("dynamics", d365_obj)
    if forced in ("auto", "salesforce"):
        sf_obj = salesforce_object(path)
        if sf_obj and lowered & {c.lower() for c in SALESFORCE_OBJECTS[sf_obj][:2]}:
            return Detected("salesforce", sf_obj)
    if forced in ("auto", "native"):
        kind = native_kind(path)
        if kind:
            return Detected("native", kind)
    if forced in ("auto", "chinese"):
        zh_obj = chinese_object(path, headers)
        if zh_obj:
            return Detected("chinese", zh_obj)
    if forced in ("auto", "salesforce"):
        unused = unused_salesforce_object(path, header)
        if unused:
            return Detected("salesforce", unused)  # reported as not used when read
    return None


@dataclass
class ReadPlan:
    """Files grouped by format, with the notes and rejects of files that could not be placed."""

    native: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    salesforce: dict[str, Path] = field(default_factory=dict)
    hubspot: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    chinese: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    dynamics: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    #: Excel sheets and warehouse tables, rewritten as the table files that the readers above read.
    scratch: Scratch = field(default_factory=Scratch)
    notes: dict[Path, FileNote] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    #: Rows of warehouse tables skipped as deleted in the CRM, by the table file that is read.
    deleted: dict[Path, int] = field(default_factory=dict)
    #: The user's own Chinese header dictionary (the setting BUYERGRAPH_HEADERS), if any.
    headers: Path | None = None
    #: HubSpot warehouse tables already rewritten as HubSpot exports (not to be taken for others).
    rewritten: set[Path] = field(default_factory=set)


def _labels(files: list[Path]) -> dict[Path, str]:
    """How each file is named in notes and rejects: its name, or with as many of its folders as make
    it unique when names repeat (a label names one file: rejects and the touches' row order rely
    on it)."""
    depth = dict.fromkeys(files, 1)
    while True:
        labels = {path: "/".join(path.parts[-depth[path] :]) for path in files}
        counts = Counter(labels.values())
        clashing = [path for path in files if counts[labels[path]] > 1 and depth[path] < len(path.parts)]
        if not clashing:
            return labels
        for path in clashing:
            depth[path] += 1


def _tables(
    path: Path,
    label: str,
    workbooks: Workbooks,
    scratch: Scratch,
    forced: str,
    rejects: list[Reject],
    deleted: dict[Path, int],
) -> list[tuple[Path, str]]:
    """The tables a given file holds: itself, its sheets, or a warehouse table in API names."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return workbooks.sheets(path, label)
    if forced in ("auto", "salesforce") and path.suffix.lower() in TABLE_SUFFIXES:
        obj = salesforce_table(path, read_header(path))
        if obj:
            tables = WarehouseTables(scratch, rejects, {path: label}, deleted)
            return [(tables.salesforce(path, obj), label)]
    return [(path, label)]


#: What a HubSpot warehouse table that is not an object of its own is read for.
_JOINED = {
    "engagement": "engagements (type, time and owner of each)",
}


def _hubspot_warehouse(
    given: list[Path], labels: dict[Path, str], result: ReadPlan, forced: str
) -> list[Path]:
    """HubSpot tables landed in a warehouse, folder by folder, rewritten as HubSpot exports with
    their association tables joined in; the association tables themselves are noted, not read again."""
    if forced not in ("auto", "hubspot"):
        return given
    groups: dict[Path, dict[str, Path]] = defaultdict(dict)
    for path in given:
        if path.suffix.lower() in TABLE_SUFFIXES:
            try:
                name = hubspot_table(path, read_header(path))
            except InvalidInputError:
                continue  # reported when the file is read on its own
            if name:
                groups[path.parent][name] = path
    replaced: dict[Path, Path] = {}
    for tables in groups.values():
        try:
            rewritten = HubSpotTables(result.scratch, result.rejects, labels, result.deleted).rewrite(tables)
        except InvalidInputError:
            continue  # each file is then read, and reported, on its own
        for name, path in tables.items():
            if name in rewritten:
                replaced[path] = rewritten[name]
                result.rewritten.add(rewritten[name])
                labels[rewritten[name]] = labels[path]
                continue
            try:
                rows = sum(1 for _ in open_table(path).rows)
            except InvalidInputError:
                rows = 0  # the count is for the summary only
            what = _JOINED.get(name, f"associations ({name.replace('_', ' to ')})")
            result.notes[path] = FileNote(
                file=labels[path], format="hubspot", object=what, rows=rows, joined=True
            )
    return [replaced.get(p, p) for p in given if p not in result.notes]


def plan(
    paths: Iterable[Path],
    forced: str = "auto",
    headers: Path | None = None,
    expanded_limit: int | None = None,
) -> ReadPlan:
    """Detect every file's format; unrecognised or unreadable files become file rejects. `headers` is
    the user's own Chinese header dictionary (a TOML file), if any; `expanded_limit` caps the bytes the
    sheets of all workbooks expand to (InputTooLargeError beyond it, refusing the whole ingest)."""
    if forced not in FORMATS:
        raise InvalidInputError(f"--format must be one of {', '.join(FORMATS)}, got {forced!r}")
    result = ReadPlan(headers=headers)
    workbooks = Workbooks(result.scratch, expanded_limit)
    given, result.rejects = expand_paths(paths)
    labels = _labels(given)
    files: list[Path] = []
    given = _hubspot_warehouse(given, labels, result, forced)
    for path in given:
        if path in result.rewritten:
            files.append(path)
            continue
        try:
            tables = _tables(
                path, labels[path], workbooks, result.scratch, forced, result.rejects, result.deleted
            )
        except InputTooLargeError:
            result.scratch.close()
            raise
        except InvalidInputError as exc:
            reason = str(exc).removeprefix(f"{path.name}: ")
            result.notes[path] = FileNote(file=labels[path], format="?", error=reason)
            result.rejects.append(Reject(file=labels[path], reason=reason, action="file_skipped"))
            continue
        for table_path, table_label in tables:
            files.append(table_path)
            labels[table_path] = table_label
    for path in files:
        label = labels[path]
        try:
            detected = detect_format(path, forced, headers)
        except InvalidInputError as exc:
            reason = str(exc).removeprefix(f"{path.name}: ")
            result.notes[path] = FileNote(file=label, format="?", error=reason)
            result.rejects.append(Reject(file=label, reason=reason, action="file_skipped"))
            continue
        if detected is None:
            reason = _unrecognised(path, forced)
            result.notes[path] = FileNote(file=label, format="?", error=reason)
            result.rejects.append(Reject(file=label, reason=reason, action="file_skipped"))
            continue
        note = FileNote(
            file=label, format=detected.format, object=detected.object, deleted=result.deleted.get(path, 0)
        )
        missing = _missing_key(path, detected)
        if missing:
            note.error = missing
            result.notes[path] = note
            result.rejects.append(Reject(file=label, reason=missing, action="file_skipped"))
            continue
        if detected.format == "salesforce" and detected.object in result.salesforce:
            note.error = f"a second {detected.object} file; only the first is read"
            result.notes[path] = note
            result.rejects.append(Reject(file=label, reason=note.error, action="file_skipped"))
            continue
        result.notes[path] = note
        if detected.format == "native":
            result.native[detected.object].append(path)
        elif detected.format == "salesforce":
            result.salesforce[detected.object] = path
        elif detected.format == "dynamics":
            result.dynamics[detected.object].append(path)
        elif detected.format == "chinese":
            result.chinese[detected.object].append(path)
        else:
            result.hubspot[detected.object].append(path)
    return result


#: What identifies a file of each format, for the message about a file that is not recognised.
_IDENTIFIED_BY = (
    "Salesforce: a file named after its object (Account.csv, Contact.csv ...) with an Id column",
    "HubSpot: Record ID or hs_object_id",
    "Dynamics 365: a file named after its entity with Dynamics' own columns (Account Name ...)",
    "the native bundle: companies.csv, people.csv ... with an id column",
    "Chinese CRMs: Chinese headers such as 客户名称 or 姓名",
)


def _header_of(path: Path) -> list[str]:
    try:
        return read_header(path)
    except InvalidInputError:
        return []


def _unrecognised(path: Path, forced: str) -> str:
    """One message for a file no reader takes: what it looked like, what that expects, what it has."""
    header = _header_of(path)
    sf_obj = salesforce_object(path)
    if sf_obj and forced in ("auto", "salesforce"):
        expected = SALESFORCE_OBJECTS[sf_obj]
        return file_problem(
            f"a Salesforce {sf_obj} export",
            expected,
            header,
            f"its header has none of {', '.join(expected[:2])}",
        )
    what = "any format" if forced == "auto" else f"the {forced} format"
    shown = [h for h in header if h][:12]
    found = ", ".join(shown) if shown else "no header"
    return (
        f"not recognised as a file of {what}; buyergraph recognises {'; '.join(_IDENTIFIED_BY)} "
        f"(see docs/ingest.md); found columns: {found}"
    )


def _missing_key(path: Path, detected: Detected) -> str | None:
    """Why a recognised file cannot be read at all (its key column is missing), else None.

    Without its key no row can be loaded, so the file gets one message instead of a reject per row.
    """
    expected: tuple[str, ...]
    accepted: tuple[str, ...]
    if detected.format == "salesforce":
        if detected.object not in SALESFORCE_OBJECTS:
            return None  # an object buyergraph does not use: listed as not used, keyed or not
        expected = SALESFORCE_OBJECTS[detected.object]
        if expected[0] != "Id":
            return None
        key, accepted, looked = "Id", SALESFORCE_KEYS, f"a Salesforce {detected.object} export"
    elif detected.format == "native" and path.suffix.lower() in TABLE_SUFFIXES:
        fields = BUNDLE_KINDS[detected.object].model_fields
        if "id" not in fields or not fields["id"].is_required():
            return None
        expected = tuple(fields)
        key, accepted, looked = "id", ("id",), f"the bundle's {detected.object} file"
    else:
        return None
    header = _header_of(path)
    if {h.strip().lower() for h in header if h} & {a.lower() for a in accepted}:
        return None
    problem = f"no row can be loaded without the key column {key}"
    return file_problem(looked, expected, header, problem)


def _guarded(
    items: Iterator[SourceRecord | Reject | TouchColumns], notes: Mapping[Path, FileNote]
) -> Iterator[SourceRecord | Reject | TouchColumns]:
    """Stop one reader on an unreadable file (reported), not the whole ingest."""
    try:
        yield from items
    except InvalidInputError as exc:
        message = str(exc)
        name = message.split(":", 1)[0] if ":" in message else "?"
        matches = [note for path, note in notes.items() if path.name == name]
        label = matches[0].file if len(matches) == 1 else name
        for note in matches[:1]:
            note.error = message.removeprefix(f"{name}: ")
        yield Reject(file=label, reason=message.removeprefix(f"{name}: "), action="file_skipped")


def read_paths(read_plan: ReadPlan) -> Iterator[SourceRecord | Reject | TouchColumns]:
    """Every record and reject of the planned files. Native kinds come in bundle order; each file is
    read on its own, so one unreadable file is reported and the others still load. The plain rows of
    a big native touch file come as `TouchColumns` (graph/touch_columns.py), after the records and
    rejects of their chunk's other rows."""
    yield from read_plan.rejects
    for kind in BUNDLE_KINDS:
        for path in read_plan.native.get(kind, []):
            yield from _guarded(read_native_file(path, kind, read_plan.notes[path]), read_plan.notes)
    if read_plan.salesforce:
        # Each object alone (with the helpers it needs), so that an unreadable file stops only itself.
        for group in salesforce_groups(read_plan.salesforce):
            yield from _guarded(read_salesforce(group, read_plan.notes), read_plan.notes)
    if read_plan.hubspot:
        yield from _guarded(read_hubspot(read_plan.hubspot, read_plan.notes), read_plan.notes)
    if read_plan.dynamics:
        yield from _guarded(read_dynamics(read_plan.dynamics, read_plan.notes), read_plan.notes)
    if read_plan.chinese:
        chinese = read_chinese(read_plan.chinese, read_plan.notes, read_plan.headers)
        yield from _guarded(chinese, read_plan.notes)
    read_plan.scratch.close()
