"""Salesforce Data Export: one CSV per object, named after it (Account.csv, Contact.csv, ...), with API
field names as the header.

What maps where is documented in docs/ingest.md. In short: Account -> companies, Contact -> people,
User -> reps, Product2 -> products, Opportunity -> deals, OpportunityLineItem -> deal_products,
OpportunityContactRole -> committee, Asset -> holdings, Task and Event (with TaskRelation and
EventRelation for several attendees) -> touches. Salesforce ids are kept as they are: they are
unique across objects, so references between files need no translation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, time
from pathlib import Path
from typing import Any

from graph.model import (
    CommitteeRole,
    Company,
    Deal,
    DealProduct,
    Holding,
    Person,
    Product,
    Record,
    Rep,
    Touch,
)
from ingest.normalise import domain_from_website, parse_date, parse_datetime, parse_number
from ingest.readers.common import (
    RowError,
    convert,
    drop_unreadable_numbers,
    ignored_columns,
    row_reject,
    truthy,
    undecodable_rejects,
    validate,
)
from ingest.readers.csvio import open_table
from ingest.rejects import FileNote, Reject, SourceRecord
from ingest.roles import map_buying_role

__all__ = ["SALESFORCE_KEYS", "SALESFORCE_OBJECTS", "read_salesforce", "salesforce_object"]

#: Each exported object with the API fields buyergraph reads, in the order they are loaded.
SALESFORCE_OBJECTS: dict[str, tuple[str, ...]] = {
    "Account": (
        "Id",
        "Name",
        "Website",
        "Industry",
        "NumberOfEmployees",
        "ParentId",
        "Type",
        "BillingCountry",
        "BillingCity",
    ),
    "User": ("Id", "Name", "Email", "Department", "Title"),
    "Product2": ("Id", "Name", "Family"),
    "Contact": ("Id", "AccountId", "FirstName", "LastName", "Email", "Title", "Department", "ReportsToId"),
    "Opportunity": (
        "Id",
        "AccountId",
        "OwnerId",
        "Name",
        "StageName",
        "Amount",
        "CurrencyIsoCode",
        "CloseDate",
        "IsClosed",
        "IsWon",
        "CreatedDate",
    ),
    "OpportunityLineItem": ("OpportunityId", "Product2Id", "Quantity", "TotalPrice"),
    "OpportunityContactRole": ("Id", "OpportunityId", "ContactId", "Role", "IsPrimary"),
    "Asset": ("AccountId", "Product2Id", "InstallDate", "Quantity", "Status"),
    "TaskRelation": ("TaskId", "RelationId", "IsWhat"),
    "EventRelation": ("EventId", "RelationId", "IsWhat"),
    "Task": ("Id", "WhoId", "WhatId", "OwnerId", "ActivityDate", "Subject", "TaskSubtype", "Type"),
    "Event": ("Id", "WhoId", "WhatId", "OwnerId", "StartDateTime", "DurationInMinutes", "Subject", "Type"),
}
_BY_LOWER = {name.lower(): name for name in SALESFORCE_OBJECTS}
#: Key columns of a record's own id: `Id`, or `Guid` where a data-seeding tool (Prodly) replaced the
#: org's ids with GUIDs that its lookups (AccountId ...) hold too.
SALESFORCE_KEYS = ("Id", "Guid")
#: Key prefixes of Salesforce ids: what a polymorphic WhatId points at.
_OPPORTUNITY_PREFIX = "006"
_CJK = re.compile(r"[\u3400-\u9fff]")


def salesforce_object(path: Path) -> str | None:
    """The object a Data Export file holds, by its name (`Contact.csv`), else None."""
    return _BY_LOWER.get(path.name.split(".", 1)[0].strip().lower())


def _account_status(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    if not text:
        return None
    if "former" in text or "churn" in text or "inactive" in text:
        return "former_customer"
    if "customer" in text or "客户" in text:
        return "customer"
    if "partner" in text or "reseller" in text or "integrator" in text or "合作" in text:
        return "partner"
    if "prospect" in text or "潜在" in text:
        return "prospect"
    return None


def _rep_kind(department: str | None, title: str | None) -> str | None:
    text = f"{department or ''} {title or ''}".lower()
    if any(w in text for w in ("presales", "pre-sales", "solution", "sales engineer", "售前", "解决方案")):
        return "presales"
    if any(w in text for w in ("success", "account management", "support", "客户成功", "服务")):
        return "success"
    if any(w in text for w in ("marketing", "市场")):
        return "marketing"
    if any(w in text for w in ("sales", "account executive", "business development", "销售", "商务")):
        return "sales"
    return None


def _person_name(first_name: str | None, last_name: str | None) -> str | None:
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if _CJK.search(first_name + last_name):
        return (last_name + first_name) or None  # 王 + 伟 -> 王伟
    return " ".join(part for part in (first_name, last_name) if part) or None


def _task_kind(subtype: str | None, type_: str | None, subject: str | None) -> str:
    text = f"{subtype or ''} {type_ or ''}".lower()
    for word, kind in (
        ("call", "call"),
        ("email", "email"),
        ("meeting", "meeting"),
        ("demo", "demo"),
        ("visit", "visit"),
        ("webinar", "webinar"),
    ):
        if word in text:
            return kind
    subject_text = (subject or "").lower()
    if "email" in subject_text or "邮件" in subject_text:
        return "email"
    if "call" in subject_text or "电话" in subject_text:
        return "call"
    return "other"


def _event_kind(type_: str | None, subject: str | None) -> str:
    text = f"{type_ or ''} {subject or ''}".lower()
    if "demo" in text or "演示" in text:
        return "demo"
    if any(w in text for w in ("visit", "onsite", "on-site", "拜访", "上门", "走访")):
        return "visit"
    if "webinar" in text or "研讨会" in text:
        return "webinar"
    if "call" in text or "电话" in text:
        return "call"
    return "meeting"


def _holding_status(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    if text in ("installed", "purchased", "shipped", "active"):
        return "active"
    if text in ("obsolete", "returned", "churned", "cancelled", "canceled"):
        return "churned"
    if text in ("registered", "trial", "evaluation"):
        return "trial"
    return None


def _at_midnight(value: Any) -> Any:
    day = parse_date(value)
    return datetime.combine(day, time()) if day is not None else None


def _int(value: Any) -> Any:
    number = parse_number(value)
    return int(number) if number is not None and number == int(number) else number


Row = Mapping[str, str]
Mapper = Callable[[Row], tuple[str, type[Record], dict[str, Any]] | None]


def _account(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    return (
        "companies",
        Company,
        {
            "id": r.get("Id"),
            "name": r.get("Name"),
            "domain": domain_from_website(r.get("Website")),
            "industry": r.get("Industry"),
            "employees": convert(_int, r.get("NumberOfEmployees"), "NumberOfEmployees"),
            "region": r.get("BillingCountry"),
            "city": r.get("BillingCity"),
            "status": _account_status(r.get("Type")),
            "parent_id": r.get("ParentId"),
        },
    )


def _user(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    return (
        "reps",
        Rep,
        {
            "id": r.get("Id"),
            "name": r.get("Name"),
            "email": r.get("Email"),
            "team": r.get("Department"),
            "kind": _rep_kind(r.get("Department"), r.get("Title")),
        },
    )


def _product(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    return "products", Product, {"id": r.get("Id"), "name": r.get("Name"), "family": r.get("Family")}


def _contact(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    return (
        "people",
        Person,
        {
            "id": r.get("Id"),
            "name": _person_name(r.get("FirstName"), r.get("LastName")),
            "email": r.get("Email"),
            "company_id": r.get("AccountId"),
            "title": r.get("Title"),
            "department": r.get("Department"),
            "reports_to_id": r.get("ReportsToId"),
        },
    )


def _opportunity(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    closed, won = truthy(r.get("IsClosed")), truthy(r.get("IsWon"))
    if not (r.get("IsClosed") or "").strip():
        stage = (r.get("StageName") or "").lower()
        closed = "closed" in stage
        won = closed and "won" in stage
    created = convert(parse_datetime, r.get("CreatedDate"), "CreatedDate")
    close_date = convert(parse_date, r.get("CloseDate"), "CloseDate")
    return (
        "deals",
        Deal,
        {
            "id": r.get("Id"),
            "company_id": r.get("AccountId"),
            "owner_rep_id": r.get("OwnerId"),
            "name": r.get("Name"),
            "stage": r.get("StageName"),
            "status": "won" if won else "lost" if closed else "open",
            "amount": convert(parse_number, r.get("Amount"), "Amount"),
            "currency": r.get("CurrencyIsoCode"),
            "created_at": created.date() if created else None,
            "closed_at": close_date if closed else None,
            "expected_close": None if closed else close_date,
        },
    )


def _line_item(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    return (
        "deal_products",
        DealProduct,
        {
            "deal_id": r.get("OpportunityId"),
            "product_id": r.get("Product2Id"),
            "quantity": convert(parse_number, r.get("Quantity"), "Quantity"),
            "amount": convert(parse_number, r.get("TotalPrice"), "TotalPrice"),
        },
    )


def _contact_role(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    value = r.get("Role")
    role = map_buying_role(value) if value and value.strip() else None
    if value and value.strip() and role is None:
        raise RowError("Role", value, "not a contact role buyergraph knows (see docs/ingest.md)")
    return (
        "committee",
        CommitteeRole,
        {
            "deal_id": r.get("OpportunityId"),
            "person_id": r.get("ContactId"),
            "role": role.value if role else "other",
            "source": "crm",
        },
    )


def _asset(r: Row) -> tuple[str, type[Record], dict[str, Any]]:
    return (
        "holdings",
        Holding,
        {
            "company_id": r.get("AccountId"),
            "product_id": r.get("Product2Id"),
            "since": convert(parse_date, r.get("InstallDate"), "InstallDate"),
            "seats": convert(_int, r.get("Quantity"), "Quantity"),
            "status": _holding_status(r.get("Status")),
        },
    )


_MAPPERS: dict[str, Callable[[Row], tuple[str, type[Record], dict[str, Any]]]] = {
    "Account": _account,
    "User": _user,
    "Product2": _product,
    "Contact": _contact,
    "Opportunity": _opportunity,
    "OpportunityLineItem": _line_item,
    "OpportunityContactRole": _contact_role,
    "Asset": _asset,
}
#: Model field -> API field, so that validation rejects name the column the user sees.
_COLUMNS: dict[str, dict[str, str]] = {
    "Account": {"id": "Id", "name": "Name", "employees": "NumberOfEmployees", "parent_id": "ParentId"},
    "User": {"id": "Id", "name": "Name", "email": "Email"},
    "Product2": {"id": "Id", "name": "Name"},
    "Contact": {"id": "Id", "name": "FirstName/LastName", "company_id": "AccountId", "email": "Email"},
    "Opportunity": {"id": "Id", "company_id": "AccountId", "amount": "Amount", "owner_rep_id": "OwnerId"},
    "OpportunityLineItem": {
        "deal_id": "OpportunityId",
        "product_id": "Product2Id",
        "quantity": "Quantity",
        "amount": "TotalPrice",
    },
    "OpportunityContactRole": {"deal_id": "OpportunityId", "person_id": "ContactId", "role": "Role"},
    "Asset": {"company_id": "AccountId", "product_id": "Product2Id", "seats": "Quantity"},
    "Task": {"id": "Id", "at": "ActivityDate", "person_ids": "WhoId", "rep_id": "OwnerId"},
    "Event": {
        "id": "Id",
        "at": "StartDateTime",
        "person_ids": "WhoId",
        "rep_id": "OwnerId",
        "duration_s": "DurationInMinutes",
    },
}


#: Number fields that are details of a record: a value that is no number is dropped, the row loads.
_OPTIONAL_NUMBERS: dict[str, tuple[str, ...]] = {
    "Account": ("NumberOfEmployees",),
    "Opportunity": ("Amount",),
    "OpportunityLineItem": ("Quantity", "TotalPrice"),
    "Asset": ("Quantity",),
    "Event": ("DurationInMinutes",),
}


def _touch(obj: str, r: Row, attendees: Mapping[str, list[str]]) -> tuple[str, type[Record], dict[str, Any]]:
    what = (r.get("WhatId") or "").strip()
    people = [
        p for p in [(r.get("WhoId") or "").strip(), *attendees.get((r.get("Id") or "").strip(), [])] if p
    ]
    if obj == "Task":
        at = convert(_at_midnight, r.get("ActivityDate"), "ActivityDate")
        kind = _task_kind(r.get("TaskSubtype"), r.get("Type"), r.get("Subject"))
        duration = None
    else:
        at = convert(parse_datetime, r.get("StartDateTime"), "StartDateTime")
        kind = _event_kind(r.get("Type"), r.get("Subject"))
        minutes = convert(parse_number, r.get("DurationInMinutes"), "DurationInMinutes")
        duration = int(minutes * 60) if minutes is not None else None
    if not people:
        raise RowError(
            "WhoId", r.get("WhoId"), "the activity names no contact (WhoId and relations are empty)"
        )
    return (
        "touches",
        Touch,
        {
            "id": r.get("Id"),
            "at": at,
            "kind": kind,
            "person_ids": list(dict.fromkeys(people)),
            "rep_id": r.get("OwnerId"),
            "deal_id": what if what.startswith(_OPPORTUNITY_PREFIX) else None,
            "direction": "outbound",
            "duration_s": duration,
            "source": "crm",
            "subject": r.get("Subject"),
        },
    )


def _canonical_row(raw: Mapping[str, str], columns: Mapping[str, str]) -> dict[str, str]:
    """Cells keyed by API name whatever the header's case ("accountid" -> "AccountId")."""
    return {columns.get(k.lower(), k): v for k, v in raw.items()}


def _relations(path: Path, obj: str, note: FileNote) -> tuple[dict[str, list[str]], list[Reject]]:
    """TaskRelation/EventRelation: the people (IsWhat = false) of each activity."""
    parent = "TaskId" if obj == "TaskRelation" else "EventId"
    known = {c.lower(): c for c in SALESFORCE_OBJECTS[obj]}
    table = open_table(path)
    note.encoding, note.delimiter = table.encoding, table.delimiter
    note.ignored_columns = ignored_columns(table.header, SALESFORCE_OBJECTS[obj])
    attendees: dict[str, list[str]] = defaultdict(list)
    rejects: list[Reject] = []
    for row_number, raw in table.rows:
        note.rows += 1
        r = _canonical_row(raw, known)
        activity, relation = (r.get(parent) or "").strip(), (r.get("RelationId") or "").strip()
        if not activity or not relation:
            field = parent if not activity else "RelationId"
            rejects.append(
                Reject(
                    file=note.file,
                    row=row_number,
                    field=field,
                    reason="required value is missing",
                    kind="touches",
                )
            )
            continue
        if not truthy(r.get("IsWhat")):
            attendees[activity].append(relation)
    rejects += undecodable_rejects(table, note.file, "touches")
    return attendees, rejects


def read_salesforce(
    files: Mapping[str, Path], notes: Mapping[Path, FileNote]
) -> Iterator[SourceRecord | Reject]:
    """Records of a Data Export, object by object in loading order. `files` maps object -> path;
    `notes` maps file name -> its FileNote (filled in as files are read)."""
    attendees: dict[str, dict[str, list[str]]] = {"Task": {}, "Event": {}}
    for relation_obj, activity_obj in (("TaskRelation", "Task"), ("EventRelation", "Event")):
        if relation_obj in files:
            path = files[relation_obj]
            attendees[activity_obj], rejects = _relations(path, relation_obj, notes[path])
            yield from rejects
    for obj in SALESFORCE_OBJECTS:
        if obj not in files or obj.endswith("Relation"):
            continue
        path = files[obj]
        yield from _read_object(obj, path, notes[path], attendees.get(obj, {}))


def _read_object(
    obj: str, path: Path, note: FileNote, attendees: Mapping[str, list[str]]
) -> Iterator[SourceRecord | Reject]:
    columns = SALESFORCE_OBJECTS[obj]
    known = {c.lower(): c for c in columns}
    table = open_table(path)
    if "id" in known and "id" not in {h.strip().lower() for h in table.header}:
        known["guid"] = "Id"  # see SALESFORCE_KEYS
    note.encoding, note.delimiter = table.encoding, table.delimiter
    note.ignored_columns = ignored_columns(table.header, list(known.values()) + list(known))
    name = note.file
    mapper = _MAPPERS.get(obj)
    guess_kind = "touches" if mapper is None else None
    for row_number, raw in table.rows:
        note.rows += 1
        r = _canonical_row(raw, known)
        yield from drop_unreadable_numbers(
            r, _OPTIONAL_NUMBERS.get(obj, ()), file=name, row_number=row_number, kind=guess_kind or obj
        )
        try:
            kind, model, data = mapper(r) if mapper is not None else _touch(obj, r, attendees)
        except RowError as error:
            yield row_reject(error, file=name, row=row_number, kind=guess_kind or obj, record_id=r.get("Id"))
            continue
        result = validate(model, data, file=name, row=row_number, kind=kind, columns=_COLUMNS.get(obj))
        if isinstance(result, list):
            yield from result
        else:
            yield SourceRecord(kind, result, name, row_number, _COLUMNS.get(obj))
    yield from undecodable_rejects(table, name, guess_kind or obj)
