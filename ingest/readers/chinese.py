"""Exports and import templates of Chinese CRMs (悟空CRM and others) with Chinese column headers.

Which header means which field comes from a header dictionary (`ingest/data/zh_headers.toml`) that a
user extends with a file of the same shape (the setting `BUYERGRAPH_HEADERS`, passed in as `headers`).
A header cell is matched after dropping spaces and the `*` that marks a required column. Templates
saved from Excel start with an instruction cell (注意事项 ...) above the header; the header is the
first row whose cells name fields.

These files carry no ids: a company is keyed by its name (`zh-company-<name>`), a contact by e-mail or
else by name and company, a deal by company and name. A contact marked 是否关键决策人 = 是 becomes a
decision maker on every deal of its company in the same ingest.
"""

from __future__ import annotations

import csv
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from graph.errors import InvalidInputError
from graph.model import CommitteeRole, Company, Deal, Person, Record, Rep
from ingest.normalise import domain_from_website, normalise_company_name, parse_datetime, parse_number
from ingest.readers.common import RowError, convert, row_reject, truthy, validate
from ingest.readers.csvio import open_table, undecodable_cell
from ingest.rejects import FileNote, Reject, SourceRecord
from ingest.roles import map_buying_role
from ingest.spreadsheet import unless_excel_error

__all__ = ["CHINESE_OBJECTS", "HEADERS_ENV", "chinese_object", "header_dictionary", "read_chinese"]

#: Objects in loading order.
CHINESE_OBJECTS = ("companies", "people", "deals")
#: The setting naming a user's own header dictionary (TOML, same shape as the shipped one); its value
#: reaches the readers as their `headers` argument, never from the environment.
HEADERS_ENV = "BUYERGRAPH_HEADERS"
#: The field whose header tells what a file holds, per object (checked in this order).
_KEY_FIELD = {"deals": "name", "people": "name", "companies": "name"}
_CJK = re.compile(r"[\u3400-\u9fff]")
#: How many leading rows may precede the header (instruction cells of import templates).
_MAX_PREAMBLE = 5


def _clean(cell: str) -> str:
    return re.sub(r"\s+", "", cell.replace("\ufeff", "")).lstrip("*＊")


@cache
def _dictionary(user_file: str, _version: tuple[int, int]) -> dict[str, dict[str, tuple[str, ...]]]:
    """The merged dictionary; cached per user file and its (mtime, size), so an edit is picked up."""
    shipped = tomllib.loads(resources.files("ingest").joinpath("data/zh_headers.toml").read_text("utf-8"))
    merged: dict[str, dict[str, list[str]]] = {
        obj: {f: list(names) for f, names in fields.items()} for obj, fields in shipped.items()
    }
    if user_file:
        try:
            own = tomllib.loads(Path(user_file).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            # The reason only: an OSError's text names the server's path.
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise InvalidInputError(
                f"{HEADERS_ENV}: the header dictionary cannot be read: {reason}"
            ) from None
        for obj, fields in own.items():
            if obj not in merged or not isinstance(fields, dict):
                raise InvalidInputError(
                    f"{HEADERS_ENV}: unknown object {obj!r}; use one of {', '.join(CHINESE_OBJECTS)}"
                )
            for field, names in fields.items():
                if field not in merged[obj] or not isinstance(names, list):
                    raise InvalidInputError(
                        f"{HEADERS_ENV}: [{obj}] {field} is not a field buyergraph reads from such files"
                    )
                merged[obj][field] = [str(n) for n in names] + merged[obj][field]
    return {
        obj: {f: tuple(_clean(n) for n in names) for f, names in fields.items()}
        for obj, fields in merged.items()
    }


def header_dictionary(headers: Path | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """object -> field -> accepted headers: the user's own (the file `headers`) first."""
    user_file = str(headers) if headers else ""
    try:
        stat = os.stat(user_file) if user_file else None
    except OSError:
        stat = None  # reported by _dictionary when it cannot read the file
    return _dictionary(user_file, (stat.st_mtime_ns, stat.st_size) if stat else (0, 0))


def _field_columns(obj: str, header: list[str], headers: Path | None) -> dict[str, int]:
    """field -> index of the first header cell that names it."""
    found: dict[str, int] = {}
    cleaned = [_clean(h) for h in header]
    for field, names in header_dictionary(headers)[obj].items():
        for name in names:
            if name in cleaned:
                found[field] = cleaned.index(name)
                break
    return found


def _object_of(header: list[str], headers: Path | None) -> str | None:
    if not any(_CJK.search(h) for h in header):
        return None
    for obj in ("deals", "people", "companies"):
        columns = _field_columns(obj, header, headers)
        if _KEY_FIELD[obj] in columns and len(columns) >= 2:
            return obj
    return None


def _header_row(path: Path, headers: Path | None) -> tuple[int, list[str], str, str]:
    """(row number, header cells, encoding, delimiter) of the first row that names fields."""
    table = open_table(path)
    table.rows.close()  # type: ignore[attr-defined]
    with path.open("r", encoding=table.encoding, errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, delimiter=table.delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                if number > _MAX_PREAMBLE + 1:
                    break
                if _object_of(cells, headers):
                    return number, cells, table.encoding, table.delimiter
        except (UnicodeDecodeError, csv.Error):
            pass
    return 0, [], table.encoding, table.delimiter


def chinese_object(path: Path, headers: Path | None = None) -> str | None:
    """companies, people or deals when the file's header (or a row just below a note) is Chinese."""
    _, header, _, _ = _header_row(path, headers)
    return _object_of(header, headers) if header else None


def _rows(
    path: Path, note: FileNote, headers: Path | None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    header_at, header, encoding, delimiter = _header_row(path, headers)
    note.encoding, note.delimiter = encoding, delimiter

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        # Bad bytes cost their row (undecodable_cell), as in every other reader, not the file.
        with path.open("r", encoding=encoding, errors="surrogateescape", newline="") as fh:
            for number, cells in enumerate(csv.reader(fh, delimiter=delimiter), start=1):
                if number <= header_at or not any(c.strip() for c in cells):
                    continue
                yield number, {str(i): unless_excel_error(c.strip()) for i, c in enumerate(cells)}

    return header, rows()


def _key(text: str) -> str:
    return re.sub(r"\s+", "-", text.strip().lower())


class _Context:
    def __init__(self) -> None:
        self.companies: dict[str, str] = {}  # normalised name -> id
        self.reps: dict[str, Rep] = {}
        self.defined: set[str] = set()  # companies that have a row of their own
        self.named: dict[str, tuple[str, str, int]] = {}  # id -> (name, file, row) of the first mention
        #: company id -> [(person, role, file, row)]: roles of contacts on their company's deals.
        self.deciders: dict[str, list[tuple[str, str, str, int]]] = {}
        self.deals: dict[str, list[str]] = {}  # company id -> deal ids

    def company_id(self, name: str, file: str = "", row: int = 0) -> str:
        """The company of that name; one named only by contacts or deals is noted, to be created."""
        key = normalise_company_name(name) or name.strip()
        company_id = self.companies.setdefault(key, "zh-company-" + _key(name))
        if file and company_id not in self.defined:
            self.named.setdefault(company_id, (name.strip(), file, row))
        return company_id

    def rep_id(self, name: str | None) -> str | None:
        if not name:
            return None
        rep_id = "zh-rep-" + _key(name)
        self.reps.setdefault(rep_id, Rep(id=rep_id, name=name.strip(), kind="sales"))
        return rep_id


def _status(value: str | None) -> str | None:
    text = value or ""
    if any(w in text for w in ("赢单", "成交", "won")):
        return "won"
    if any(w in text for w in ("输单", "丢单", "无效", "lost")):
        return "lost"
    return "open" if text else None


def _company_status(value: str | None) -> str | None:
    text = value or ""
    if "合作伙伴" in text or "代理" in text:
        return "partner"
    if "流失" in text or "前" in text:
        return "former_customer"
    if "潜在" in text or "意向" in text:
        return "prospect"
    if "客户" in text or "成交" in text:
        return "customer"
    return None


def read_chinese(
    files: Mapping[str, list[Path]], notes: Mapping[Path, FileNote], headers: Path | None = None
) -> Iterator[SourceRecord | Reject]:
    """Records of Chinese-header files; `files` maps object (companies, people, deals) -> paths;
    `headers` is the user's own header dictionary, if any."""
    ctx = _Context()
    deals: list[SourceRecord] = []
    for obj in CHINESE_OBJECTS:
        for path in files.get(obj, []):
            for item in _read_file(obj, path, notes[path], ctx, headers):
                if isinstance(item, SourceRecord) and item.kind == "deals":
                    deals.append(item)
                else:
                    yield item
    # Contacts-only and deals-only exports still load: their 客户名称 becomes the company.
    for company_id, (company_name, file, row) in ctx.named.items():
        if company_id not in ctx.defined:
            yield SourceRecord("companies", Company(id=company_id, name=company_name), file, row)
    yield from (SourceRecord("reps", rep, "(deal owners)", 0) for rep in ctx.reps.values())
    yield from deals
    for company_id, deciders in ctx.deciders.items():
        for deal_id in ctx.deals.get(company_id, []):
            for person_id, role, file, row in deciders:
                record = CommitteeRole(deal_id=deal_id, person_id=person_id, role=role, source="crm")
                yield SourceRecord("committee", record, file, row)


_LABELS = {"companies": "客户名称", "people": "姓名", "deals": "商机名称"}


def _read_file(
    obj: str, path: Path, note: FileNote, ctx: _Context, headers: Path | None
) -> Iterator[SourceRecord | Reject]:
    header, rows = _rows(path, note, headers)
    columns = _field_columns(obj, header, headers)
    used = set(columns.values())
    note.ignored_columns = [h for i, h in enumerate(header) if h.strip() and i not in used]
    labels = {field: header[index].strip() for field, index in columns.items()}
    name = note.file
    for row_number, cells in rows:
        note.rows += 1
        bad = undecodable_cell(cells, encoding=note.encoding or "utf-8")
        if bad is not None:
            column, value, reason = bad
            field = header[int(column)].strip() if int(column) < len(header) else column
            yield Reject(file=name, row=row_number, field=field, value=value, reason=reason, kind=obj)
            continue
        r = {field: cells.get(str(index)) or None for field, index in columns.items()}
        model: type[Record]
        kind = {"companies": "companies", "people": "people", "deals": "deals"}[obj]
        try:
            if obj == "companies":
                model, data = Company, _company(r, labels, ctx)
            elif obj == "people":
                model, data = Person, _person(r, labels, ctx, name, row_number)
            else:
                model, data = Deal, _deal(r, labels, ctx, name, row_number)
        except RowError as error:
            yield row_reject(error, file=name, row=row_number, kind=kind)
            continue
        result = validate(model, data, file=name, row=row_number, kind=kind, columns=labels)
        if isinstance(result, list):
            yield from result
            continue
        if obj == "companies":
            ctx.defined.add(str(data["id"]))
        if obj == "deals":
            ctx.deals.setdefault(str(data["company_id"]), []).append(str(data["id"]))
        yield SourceRecord(kind, result, name, row_number, labels)


def _required(r: Mapping[str, Any], field: str, labels: Mapping[str, str], default: str) -> str:
    value = r.get(field)
    if not value:
        raise RowError(labels.get(field, default), None, "required value is missing")
    return str(value)


def _company(r: Mapping[str, Any], labels: Mapping[str, str], ctx: _Context) -> dict[str, Any]:
    name = _required(r, "name", labels, "客户名称")
    company_id = ctx.company_id(name)
    if r.get("id"):
        company_id = "zh-company-" + _key(str(r["id"]))
        ctx.companies[normalise_company_name(name) or name] = company_id
    return {
        "id": company_id,
        "name": name,
        "domain": domain_from_website(r.get("domain")) if r.get("domain") else None,
        "industry": r.get("industry"),
        "employees": convert(parse_number, r.get("employees"), labels.get("employees", "员工人数")),
        "region": r.get("region"),
        "status": _company_status(r.get("status")),
        "parent_id": ctx.company_id(str(r["parent"])) if r.get("parent") else None,
    }


def _person(
    r: Mapping[str, Any], labels: Mapping[str, str], ctx: _Context, file: str, row: int
) -> dict[str, Any]:
    name = _required(r, "name", labels, "姓名")
    company = r.get("company")
    company_id = ctx.company_id(str(company), file, row) if company else None
    email = r.get("email")
    if r.get("id"):
        person_id = "zh-person-" + _key(str(r["id"]))
    elif email:
        person_id = "zh-person-" + _key(str(email))
    else:
        person_id = "zh-person-" + _key(f"{name}@{company or ''}")
    roles = [map_buying_role(v) for v in re.split(r"[;,、，；]", str(r.get("role") or "")) if v.strip()]
    if truthy(r.get("decision_maker")):
        roles.append(map_buying_role("decision_maker"))
    if company_id:
        for role in dict.fromkeys(x for x in roles if x is not None):
            ctx.deciders.setdefault(company_id, []).append((person_id, role.value, file, row))
    return {
        "id": person_id,
        "name": name,
        "email": email,
        "company_id": company_id,
        "title": r.get("title"),
        "department": r.get("department"),
        "location": r.get("location"),
    }


def _deal(
    r: Mapping[str, Any], labels: Mapping[str, str], ctx: _Context, file: str, row: int
) -> dict[str, Any]:
    name = _required(r, "name", labels, "商机名称")
    company = _required(r, "company", labels, "客户名称")
    company_id = ctx.company_id(company, file, row)
    created = convert(parse_datetime, r.get("created_at"), labels.get("created_at", "创建时间"))
    closed = convert(parse_datetime, r.get("closed_at"), labels.get("closed_at", "成交日期"))
    status = _status(r.get("status")) or "open"
    return {
        "id": "zh-deal-" + _key(str(r["id"])) if r.get("id") else "zh-deal-" + _key(f"{company}-{name}"),
        "company_id": company_id,
        "name": name,
        "stage": r.get("stage"),
        "status": status,
        "amount": convert(parse_number, r.get("amount"), labels.get("amount", "金额")),
        "currency": r.get("currency") or None,
        "created_at": created.date() if created else None,
        "closed_at": closed.date() if closed and status != "open" else None,
        "expected_close": closed.date() if closed and status == "open" else None,
        "owner_rep_id": ctx.rep_id(r.get("owner")),
    }
