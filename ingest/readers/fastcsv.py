"""Column-wise reading of large, plain UTF-8 CSV files (the native bundle as buyergraph writes it).

`csvio.open_table` reads any CSV a CRM or a spreadsheet writes, one row at a time as a dict. For the
bulk of a big load (a million touches) that is most of the time spent. `read_plain_csv` reads a file
column by column with pyarrow's CSV reader instead, but only where the result is certainly the
same cells, in the same rows, as `open_table` would give:

- the file is UTF-8 without a byte-order mark (what `detect_encoding` calls "utf-8"), comma-separated
  (what `detect_delimiter` finds), has no `sep=` line, no NUL byte and no carriage return;
- the header names every column once (nothing `open_table` would drop);
- every row is exactly one line (no line break inside a quoted cell, no blank line), so row n of the
  spreadsheet is line n of the file; rows whose line holds a quote character are read again with
  Python's csv module, so quoting is always read by the same rules as before;
- every row has as many cells as the header (extra or missing cells get their messages from the
  row-by-row reader).

Anything else returns None and the caller reads the file row by row as before. Excel's error values
(`#N/A` ...) are blanked as `open_table` blanks them.

Why pyarrow: it is the reference implementation of Apache Arrow, maintained by the Arrow project
with regular releases and wheels for every platform we support; its multi-threaded CSV reader
parses and checks UTF-8 in C++, and its compute functions check whole columns at once.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.readers.csvio import (
    SAMPLE_BYTES,
    _clean_header,
    _sample_text,
    _strip_excel_sep_line,
    detect_delimiter,
    detect_encoding,
)
from ingest.spreadsheet import unless_excel_error

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["PlainTable", "read_plain_csv", "raw_row", "MIN_FAST_BYTES", "CHUNK_ROWS"]

#: Files smaller than this are read row by row: the column-wise set-up costs more than it saves.
MIN_FAST_BYTES = 64 << 10


#: Rows turned into Python values at a time: bounds the memory a big file needs on top of its records.
CHUNK_ROWS = 1 << 14


@dataclass
class PlainTable:
    """A CSV file read column-wise: row i (0-based) is spreadsheet row i + 2."""

    header: list[str]
    rows: int
    #: The cells of each named column as pyarrow arrays (before Excel error values are blanked and
    #: quoted lines are re-read: `cells` does both).
    arrays: dict[str, pa.Array]
    #: Cells of the lines with a quote character as Python's csv module reads them, by row.
    reread: dict[int, list[str]] = field(default_factory=dict)

    def chunks(self) -> Iterator[tuple[int, dict[str, list[str]], list[bool]]]:
        """(first row, the cells of each column, whether each row's cells are exactly the arrays'),
        `CHUNK_ROWS` rows at a time: the cells are those `open_table` gives."""
        import pyarrow.compute as pc

        reread = sorted(self.reread)  # the re-read rows of a chunk are found by bisection, not a walk
        for start in range(0, self.rows, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, self.rows)
            plain = [True] * (stop - start)
            columns: dict[str, list[str]] = {}
            for name, whole in self.arrays.items():
                array = whole.slice(start, stop - start)
                cells: list[str] = array.to_pylist()
                suspicious = pc.or_(pc.starts_with(array, "#"), pc.starts_with(array, " "))
                if pc.any(suspicious).as_py():
                    for row in pc.indices_nonzero(suspicious).to_pylist():
                        cleaned = unless_excel_error(cells[row])
                        if cleaned != cells[row]:
                            cells[row] = cleaned
                            plain[row] = False
                columns[name] = cells
            for row in reread[bisect_left(reread, start) : bisect_left(reread, stop)]:
                plain[row - start] = False
                for index, name in enumerate(self.header):
                    if name:
                        columns[name][row - start] = unless_excel_error(self.reread[row][index])
            yield start, columns, plain


def _plain_header(first: str) -> list[str] | None:
    if '"' in first:
        return None
    header, dropped = _clean_header(first.split(","))
    return None if dropped else header


def read_plain_csv(path: Path, min_bytes: int | None = None) -> PlainTable | None:
    """The file's cells column by column, or None when it must be read row by row (module doc).
    Files under `min_bytes` (default `MIN_FAST_BYTES`) are left to the row-by-row reader."""
    min_bytes = MIN_FAST_BYTES if min_bytes is None else min_bytes
    try:
        if path.stat().st_size < min_bytes:
            return None
        data = path.read_bytes()
    except OSError:
        return None  # the row-by-row reader reports it
    if len(data) < min_bytes or b"\x00" in data or b"\r" in data:
        return None
    if data.count(b'"') % 2:
        return None  # a quote left open (at the end): the row-by-row reader keeps the line break in it
    # Imported here, when a file is big enough to be read column-wise (the neo4j driver imports pyarrow
    # too whenever it is installed, so most processes have it already).
    import pyarrow as pa
    from pyarrow import csv as pacsv

    sample = data[:SAMPLE_BYTES]
    if detect_encoding(sample) != "utf-8":
        return None
    text = _sample_text(sample, "utf-8")
    forced, text = _strip_excel_sep_line(text)
    if forced is not None or detect_delimiter(text) != ",":
        return None
    end = data.find(b"\n")
    if end < 0:
        return None
    try:
        header = _plain_header(data[:end].decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if header is None or len(header) < 2:
        return None  # one column: a blank cell would be a blank line, which the rows skip
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    names = [f"c{index}" for index in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=",", newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None  # a row with too many or too few cells, bytes that are not UTF-8 ...
    if table.num_rows != lines - 1:
        return None  # a quoted line break or a blank line: row numbers are not line numbers
    arrays = {header[i]: table.column(i).combine_chunks() for i in range(len(header)) if header[i]}
    del table
    reread = _reread_quoted_lines(data, len(header), lines - 1) if b'"' in data else {}
    if reread is None:
        return None
    return PlainTable(header=header, rows=lines - 1, arrays=arrays, reread=reread)


def _reread_quoted_lines(data: bytes, width: int, rows: int) -> dict[int, list[str]] | None:
    """Cells of the lines with a quote character (by row), read by Python's csv module as
    `open_table` reads them; None when such a line does not have as many cells as the header."""
    reread: dict[int, list[str]] = {}
    position = data.find(b"\n") + 1  # where row 0 starts
    row = 0
    quote = data.find(b'"', position)
    while quote >= 0:
        line_start = data.rfind(b"\n", 0, quote) + 1
        row += data.count(b"\n", position, line_start)
        position = line_start
        line_end = data.find(b"\n", quote)
        line_end = len(data) if line_end < 0 else line_end
        try:
            cells = next(csv.reader(io.StringIO(data[line_start:line_end].decode("utf-8"))), [])
        except csv.Error:
            return None
        if len(cells) != width or row >= rows:
            return None
        reread[row] = cells
        quote = data.find(b'"', line_end)
    return reread


def raw_row(columns: dict[str, list[str]], index: int) -> dict[str, str]:
    """Row `index` of a chunk's columns as the row-by-row reader gives a row: cells by column."""
    return {column: cells[index] for column, cells in columns.items()}
