"""Excel workbooks (.xlsx): every sheet is read as a table named after the sheet.

Many teams, Chinese teams above all, export their CRM to Excel rather than CSV. Each non-empty sheet is
streamed out as a UTF-8 CSV file called after the sheet (`联系人`, `Contact`, `people`) in a private
temporary folder, so a sheet goes through exactly the detection and readers a CSV file of that name
would: the sheet name plays the file name, the first row the header. Rows keep the numbers Excel
shows. Cells are written as text: whole numbers without a trailing `.0` (ids), dates as ISO 8601.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from graph.errors import InputTooLargeError, InvalidInputError
from ingest.readers.scratch import Scratch
from ingest.spreadsheet import unless_excel_error

__all__ = ["EXCEL_SUFFIXES", "Workbooks", "cell_text"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export of the sheet would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return unless_excel_error(str(value))  # a failed formula's #N/A is no value


class Workbooks:
    """The sheets of the workbooks of one ingest, as table files in a scratch folder.

    Sheets are streamed (openpyxl's read-only mode, one row at a time), never held whole in memory.
    `limit` caps the bytes all sheets of this ingest expand to, like the unpacked size of an uploaded
    ZIP archive: a workbook of a few megabytes can hold gigabytes of cells.
    """

    def __init__(self, scratch: Scratch, limit: int | None = None) -> None:
        self._scratch = scratch
        self._remaining = limit
        self._limit = limit

    def sheets(self, path: Path, label: str) -> list[tuple[Path, str]]:
        """(table file, label `book.xlsx[sheet]`) of every non-empty sheet; raises InvalidInputError,
        InputTooLargeError when the sheets expand to more than the limit."""
        if path.suffix.lower() == ".xls":
            raise InvalidInputError(
                f"{path.name}: an Excel 97-2003 workbook (.xls) cannot be read; save it as .xlsx or CSV"
            )
        from openpyxl import load_workbook  # only ingests with a workbook pay for the import

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
            # openpyxl's messages name the file's full path; the reason names the workbook only.
            raise InvalidInputError(
                f"{path.name}: not a readable .xlsx workbook (damaged, not a workbook, or refused XML: "
                f"{type(exc).__name__})"
            ) from None
        target = self._scratch.folder()
        found: list[tuple[Path, str]] = []
        try:
            for sheet in book.worksheets:
                stem = _UNSAFE.sub("_", sheet.title).strip() or "sheet"
                out, copy = target / f"{stem}.csv", 1
                while out.exists():  # "A/B" and "A:B" both read as "A_B": neither may overwrite the other
                    copy += 1
                    out = target / f"{stem} ({copy}).csv"
                if self._write_sheet(path, sheet, out):
                    found.append((out, f"{label}[{sheet.title}]"))
        finally:
            book.close()
        return found

    def _write_sheet(self, path: Path, sheet: Any, out: Path) -> bool:
        """Stream one sheet into `out`; False (and no file) for a blank sheet (Sheet2 is not data)."""
        blank_run = 0  # blank rows are written only when a row with data follows them
        wrote_data = False
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for cells in _sheet_rows(path, sheet):
                # Every row read counts, blank ones too: a tiny workbook can declare a sheet of a
                # million empty rows, and reading them is the cost the limit guards against.
                if self._remaining is not None:
                    self._remaining -= sum(len(c) for c in cells) + len(cells) + 1
                    if self._remaining < 0:
                        raise InputTooLargeError(
                            f"{path.name}: the workbook's sheets expand to more than the upload limit "
                            f"of {self._limit:,} bytes"
                        )
                if not any(c.strip() for c in cells):
                    blank_run += 1
                    continue
                for _ in range(blank_run):
                    writer.writerow([])
                blank_run = 0
                writer.writerow(cells)
                wrote_data = True
        if not wrote_data:
            out.unlink()
        return wrote_data


def _sheet_rows(path: Path, sheet: Any) -> Iterator[list[str]]:
    """A sheet's rows as text, one at a time; a sheet that cannot be parsed (or is an XML bomb) stops
    the file."""
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(v) for v in row]
    except Exception as exc:  # a damaged sheet raises IndexError, KeyError, ParseError ...
        # defusedxml's refusals are ValueErrors; a malformed sheet's XML is a ParseError (SyntaxError).
        raise InvalidInputError(
            f"{path.name}: sheet {sheet.title!r} cannot be read ({type(exc).__name__})"
        ) from None
