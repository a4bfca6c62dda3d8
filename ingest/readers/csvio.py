"""Reading tabular files as CRMs and spreadsheets really write them.

CRM exports arrive as UTF-8 with or without a byte-order mark, as GB18030/GBK from a Chinese Excel,
as UTF-16 "Unicode text" from Excel, with commas, semicolons (European Excel) or tabs between cells,
and with line breaks inside quoted cells. `open_table` works all of that out from the first bytes of
the file and yields rows numbered the way a spreadsheet shows them: the header is row 1, the first
data row is row 2, and a cell with a line break inside still counts as one row.

JSON Lines files (`.jsonl`, `.ndjson`) are read with `open_jsonl`: row n is line n.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InvalidInputError
from ingest.spreadsheet import unless_excel_error

__all__ = [
    "Table",
    "detect_encoding",
    "detect_delimiter",
    "open_table",
    "open_jsonl",
    "read_header",
    "JSONL_SUFFIXES",
    "TABLE_SUFFIXES",
]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: How much of a file is read to decide its encoding and delimiter.
SAMPLE_BYTES = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")

# CRM cells can be long (notes, e-mail bodies); the csv default of 128 KiB is too small.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Table:
    """An open tabular file: its header, how it was read, and its rows as dicts."""

    path: Path
    header: list[str]
    encoding: str
    delimiter: str
    rows: Iterator[tuple[int, dict[str, str]]] = field(repr=False)
    #: Header cells that were blank or repeated (only the first of a repeated name is used).
    dropped_columns: list[str] = field(default_factory=list)
    #: Rows left out of `rows` because a cell holds bytes that are not valid in `encoding`:
    #: (row, column, the cell with those bytes shown as U+FFFD, reason), filled in while `rows` runs.
    undecodable: list[tuple[int, str, str, str]] = field(default_factory=list)


def detect_encoding(sample: bytes) -> str:
    """The codec name of a file from its first bytes: BOMs first, then strict UTF-8, else GB18030
    unless the text reads as Western (see `_western_pairs`), else Windows-1252 (a superset of
    Latin-1's printable characters, what Western Excel writes), else Latin-1.

    GB18030 is a superset of GBK and GB2312, so it reads every Chinese Excel export; it also decodes
    almost any byte string, which is why UTF-8 is tried first (UTF-8 text with Chinese in it is never
    valid GB18030 by accident in practice, while GBK text is almost never valid UTF-8).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if sample.startswith(codecs.BOM_GB18030 if hasattr(codecs, "BOM_GB18030") else b"\x84\x31\x95\x33"):
        return "gb18030"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error.
        decoder.decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(sample):
        return "utf-8"  # with a few bad bytes, whose rows are rejected (see undecodable_cell)
    if not _western_pairs(sample):
        try:
            codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
            return "gb18030"
        except UnicodeDecodeError:
            pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _western_pairs(sample: bytes) -> bool:
    """Latin-1/cp1252 text that happens to be valid GB18030: its accented letters are followed by
    plain ASCII letters (Müller, Renée), which GB18030 would read as rare double-byte characters.

    Chinese text is mostly common characters (GB2312's rows), both of whose bytes are 0xA1 or
    above; a file where most high bytes are followed by an ASCII byte is Western text.
    """
    high = ascii_after = 0
    index, end = 0, len(sample) - 1
    while index < end:
        byte = sample[index]
        if byte < 0x80:
            index += 1
            continue
        high += 1
        if sample[index + 1] < 0x80:
            ascii_after += 1
        index += 2
    return high > 0 and ascii_after * 2 > high


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8 text with a few damaged lines: most lines with non-ASCII bytes are valid UTF-8.

    GBK and Latin-1 text is almost never valid UTF-8 line by line (two valid lines for each damaged
    one are asked for), so files in those encodings are still read as such; a UTF-8 export with one
    bad byte must not turn into Latin-1 as a whole.
    """
    lines = sample.split(b"\n")[:-1] or [sample]  # the last line of a sample may be cut short
    valid = invalid = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            invalid += 1
    return valid >= 1 and valid >= 2 * invalid


def _strip_excel_sep_line(text: str) -> tuple[str | None, str]:
    """Excel writes `sep=;` as the first line to name the delimiter; honour and drop it."""
    first, _, rest = text.partition("\n")
    candidate = first.strip().strip('"')
    if candidate.lower().startswith("sep=") and len(candidate) == 5:
        return candidate[4], rest
    return None, text


def detect_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the sample into the most consistent columns.

    csv.Sniffer guesses from character frequencies and is easily fooled by commas inside quoted
    cells; here each candidate actually parses the sample (quotes and embedded newlines honoured)
    and the winner is the one whose rows agree with the header's width, preferring more columns.
    """
    lines = text.splitlines(keepends=True)
    # Drop the last line of a sample: it may be cut in the middle.
    sample = "".join(lines[:200] if len(lines) <= 200 else lines[:200])
    best, best_score = ",", (-1.0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:-1] if len(rows) > 2 else rows[1:]
        agree = sum(1 for r in body if len(r) == width) / len(body) if body else 1.0
        score = (agree, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_sample(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise InvalidInputError(f"{path.name}: cannot be read: {exc.strerror or exc}") from None


def _sample_text(sample: bytes, encoding: str) -> str:
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)


def _clean_header(cells: list[str]) -> tuple[list[str], list[str]]:
    header: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip()
        if not name or name in seen:
            dropped.append(name or f"(blank column {index + 1})")
            header.append("")
            continue
        seen.add(name)
        header.append(name)
    return header, dropped


def read_header(path: Path) -> list[str]:
    """Just the header names of a CSV file, or the keys of a JSON Lines file's first object."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        for _, obj in open_jsonl(path):
            return list(obj)
        return []
    table = open_table(path)
    try:
        return [h for h in table.header if h]
    finally:
        table.rows.close()  # type: ignore[attr-defined]


#: Workbooks and archives (zip: .xlsx, .zip; OLE2: .xls) by their first bytes.
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _looks_binary(sample: bytes) -> bool:
    """A workbook or archive, or a file whose start is mostly NUL bytes. A few NULs inside a text
    file (some exports pad cells with them) cost only the rows that hold them (see undecodable_cell)."""
    if sample.startswith(_BINARY_MAGIC):
        return True
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    head = sample[:4096]
    return head.count(b"\x00") * 8 > len(head)


def open_table(path: Path, used: Iterable[str] | None = None) -> Table:
    """Open a CSV/TSV file, working out its encoding and delimiter; raises InvalidInputError.

    `used` names the columns the caller reads (any case): bad bytes or a NUL in any other column
    cost nothing (the reader never looks at it). Without it, every column counts.
    """
    path = Path(path)
    sample = _read_sample(path)
    if not sample.strip():
        raise InvalidInputError(f"{path.name}: the file is empty")
    if _looks_binary(sample):
        raise InvalidInputError(f"{path.name}: this is a binary file (an .xlsx?); export it as CSV")
    encoding = detect_encoding(sample)
    text = _sample_text(sample, encoding)
    forced, text = _strip_excel_sep_line(text.lstrip("\ufeff"))
    delimiter = forced or detect_delimiter(text)
    # Bad bytes become lone surrogates (surrogateescape), found per row by undecodable_cell, so one bad
    # byte costs its row, not the file. UTF-16 stays strict: its damage is not byte by byte.
    errors = "strict" if encoding == "utf-16" else "surrogateescape"
    fh = path.open("r", encoding=encoding, errors=errors, newline="")
    if forced:
        fh.readline()
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        first = next(reader)
    except StopIteration:
        fh.close()
        raise InvalidInputError(f"{path.name}: the file has no header row") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        fh.close()
        raise InvalidInputError(f"{path.name}: the header row cannot be read: {exc}") from None
    header, dropped = _clean_header(first)
    if sum(1 for h in header if h) < 1:
        fh.close()
        raise InvalidInputError(f"{path.name}: the header row names no columns")
    table = Table(path, header, encoding, delimiter, iter(()), dropped)
    checked = None if used is None else {c.casefold() for c in used}
    table.rows = _rows(path, fh, reader, header, table.undecodable, checked)
    return table


_ESCAPED = re.compile("[\udc80-\udcff]+")


def _codec_name(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030", "cp1252": "Windows-1252"}.get(
        encoding, encoding
    )


def undecodable_cell(
    row: dict[str, str], encoding: str, checked: Collection[str] | None = None
) -> tuple[str, str, str] | None:
    """The first cell holding bytes that are not valid in `encoding`, or a NUL byte (never part of
    a text value): (column, cell, reason). Only columns in `checked` (casefolded) when given."""
    # Nearly every row is clean: one scan of the whole row settles it; a hit is found cell by cell.
    whole = "\x1e".join(row.values())
    if "\x00" not in whole and _ESCAPED.search(whole) is None:
        return None
    for column, cell in row.items():
        if checked is not None and column.casefold() not in checked:
            continue
        if "\x00" in cell:
            return column, cell.replace("\x00", "\ufffd"), "holds a NUL byte (00), which is not text"
        bad = _ESCAPED.search(cell)
        if bad is not None:
            raw = bytes(ord(c) - 0xDC00 for c in bad.group())
            shown = _ESCAPED.sub("\ufffd", cell)
            return column, shown, f"holds bytes that are not valid {_codec_name(encoding)}: {raw.hex(' ')}"
    return None


def _rows(
    path: Path,
    fh: io.TextIOBase,
    reader: Any,
    header: list[str],
    undecodable: list[tuple[int, str, str, str]],
    checked: Collection[str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column: cell}); blank lines are counted but not yielded, and
    rows with undecodable bytes are listed in `undecodable` instead."""
    row_number = 1
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise InvalidInputError(
                    f"{path.name}: row {row_number + 1}: bytes that are not valid {fh.encoding}: {exc.reason}"
                ) from None
            except csv.Error as exc:
                raise InvalidInputError(f"{path.name}: row {row_number + 1}: {exc}") from None
            row_number += 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            row = {name: unless_excel_error(cell) for name, cell in zip(header, cells, strict=False) if name}
            bad = undecodable_cell(row, fh.encoding, checked)
            if bad is not None:
                undecodable.append((row_number, *bad))
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                row["\x00extra"] = str(len(cells) - len(header))
            yield row_number, row
    finally:
        fh.close()


def open_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of a JSON Lines file; a line that is not a JSON object is an error row."""
    path = Path(path)
    sample = _read_sample(path)
    encoding = detect_encoding(sample)
    errors = "strict" if encoding == "utf-16" else "surrogateescape"
    with path.open("r", encoding=encoding, errors=errors) as fh:
        for line_number, line in enumerate(fh, start=1):
            text = line.strip()
            if not text:
                continue
            if _ESCAPED.search(text):
                yield line_number, {"\x00error": f"holds bytes that are not valid {_codec_name(encoding)}"}
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield line_number, {"\x00error": f"not valid JSON: {exc.msg} (column {exc.colno})"}
                continue
            if not isinstance(obj, dict):
                yield line_number, {"\x00error": "a JSON Lines row must be an object"}
                continue
            yield line_number, obj
