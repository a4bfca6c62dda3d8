"""What readers hand to the loader: records with their origin, rejects, and notes about each file.

A `Reject` names the file, the spreadsheet row (header = row 1, first data row = 2; for JSON Lines
the line number), the field, the offending value and the reason. `write_rejects` writes them as CSV
(opens in any spreadsheet; values a spreadsheet would run as formulas get a leading single quote, see
ingest/spreadsheet.py) or JSON Lines (values exactly as read), chosen by the report file's suffix.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from graph.model import Record
from ingest.spreadsheet import spreadsheet_row

__all__ = [
    "Reject",
    "FileNote",
    "SourceRecord",
    "write_rejects",
    "REJECT_FIELDS",
    "not_used",
    "is_not_used",
    "file_problem",
]

#: What happened to a row with a reject: dropped whole, or loaded without the bad value; a whole file
#: skipped for a problem; or a file of an object buyergraph does not use ("not_used": never a reject,
#: the loader lists it apart and it never fails --strict); or a "notice": no reject but something
#: resolution did not do that a user should know (look-alikes kept apart).
RejectAction = Literal["row_skipped", "value_ignored", "file_skipped", "not_used", "notice"]
#: How readers wrote "not used" before it had an action of its own (`note.error = "not read: ..."`).
_LEGACY_NOT_USED = "not read: "


class Reject(BaseModel):
    """One reason a row (or one value of it, or a whole file) was not loaded."""

    file: str
    row: int | None = Field(default=None, description="spreadsheet row: header = 1, first data row = 2")
    field: str | None = None
    value: str | None = None
    reason: str
    kind: str | None = Field(default=None, description="the record kind the row would have become")
    action: RejectAction = "row_skipped"
    #: The id of the record the row would have become, when it has one (not part of the report).
    record_id: str | None = Field(default=None, exclude=True)

    def short(self) -> str:
        """The reject without its value, for terminals and logs (values may be personal data)."""
        where = f"{self.file}" + (f", row {self.row}" if self.row is not None else "")
        what = f" [{self.field}]" if self.field else ""
        return f"{where}{what}: {self.reason}"


class FileNote(BaseModel):
    """How one input file was read: for the summary, and for users puzzling over a result."""

    file: str
    format: str
    object: str | None = Field(default=None, description="the export object, e.g. Contact or people")
    encoding: str | None = None
    delimiter: str | None = None
    rows: int = 0
    ignored_columns: list[str] = Field(default_factory=list)
    #: Rows read but deliberately not loaded (e.g. HubSpot notes and tasks, which are not touches).
    skipped: int = 0
    #: Rows the CRM itself marks deleted (is_deleted, _fivetran_deleted): counted, not loaded, no reject.
    deleted: int = 0
    #: Why those rows were not loaded, with how many each (empty: they are not touches).
    skip_reasons: dict[str, int] = Field(default_factory=dict)
    error: str | None = None
    #: Why the file was not read although recognised: its object is not one buyergraph uses.
    not_used: str | None = None
    #: The file was read into other files' rows (an association table), not loaded on its own.
    joined: bool = False


@dataclass(slots=True)
class SourceRecord:
    """A validated record with the file and row it came from (for reference rejects later)."""

    kind: str
    record: Record
    file: str
    row: int
    #: Model field -> the source column it came from, so that later rejects name the column.
    columns: Mapping[str, str] | None = None
    #: The reader already knows every text value is within the length limits (ingest.checks).
    short: bool = False


def not_used(note: FileNote, reason: str) -> Reject:
    """Mark a recognised file whose object buyergraph does not use; the reader yields the result.

    The marker travels with the rejects but the loader takes it out of them: such a file is listed as
    "not used" with its reason, never fails --strict and never appears in the reject report.
    """
    note.not_used, note.error = reason, None
    return Reject(file=note.file, reason=reason, action="not_used")


def is_not_used(reject: Reject) -> bool:
    """A "not used" marker, including the older form of a skipped file whose reason says "not read: "."""
    return reject.action == "not_used" or (
        reject.action == "file_skipped" and reject.row is None and reject.reason.startswith(_LEGACY_NOT_USED)
    )


def file_problem(
    looked_like: str, expected: list[str] | tuple[str, ...], found: list[str], problem: str
) -> str:
    """The one message for a file that cannot be read as a whole: what it looked like, the columns that
    format expects and the ones the file has (column names only, never values)."""
    shown = [h for h in found if h][:_SHOWN_COLUMNS]
    more = len([h for h in found if h]) - len(shown)
    found_text = ", ".join(shown) + (f" and {more} more" if more > 0 else "") if shown else "no header"
    columns = ", ".join(expected)
    return f"{problem}; it looked like {looked_like}, which has columns {columns}; found: {found_text}"


#: How many of a file's columns a file-level message lists.
_SHOWN_COLUMNS = 12

REJECT_FIELDS = ("file", "row", "field", "value", "reason", "kind", "action")


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """Write the reject report; `.jsonl`/`.json` gives JSON Lines, anything else CSV (UTF-8 with BOM,
    so that Excel shows Chinese values correctly; rejected values are often hostile, so every cell is
    made spreadsheet-safe)."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for reject in rejects:
                fh.write(json.dumps(reject.model_dump(), ensure_ascii=False) + "\n")
        return
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_FIELDS)
        for reject in rejects:
            data = reject.model_dump()
            writer.writerow(
                spreadsheet_row("" if data[name] is None else data[name] for name in REJECT_FIELDS)
            )
