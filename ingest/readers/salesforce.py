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
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from graph.errors import InvalidInputError
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
from ingest.leads import LEAD_LINKS, LeadLink
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
from ingest.readers.csvio import Table, open_table
from ingest.rejects import FileNote, Reject, SourceRecord
from ingest.roles import map_buying_role

__all__ = [
    "HELPERS",
    "NOT_USED",
    "SALESFORCE_KEYS",
    "SALESFORCE_OBJECTS",
    "read_salesforce",
    "salesforce_groups",
    "salesforce_object",
    "unused_salesforce_object",
]

#: Each exported object with the API fields buyergraph reads, in the order they are loaded. (The
#: generator writes these headers with positional rows: new fields go at the end of a tuple.)
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
    "User": ("Id", "Name", "Email", "Department", "Title", "FirstName", "LastName"),
    "Product2": ("Id", "Name", "Family"),
    "Contact": (
        "Id",
        "AccountId",
        "FirstName",
        "LastName",
        "Email",
        "Title",
        "Department",
        "ReportsToId",
        "Name",
        "LeadSource",
    ),
    "Lead": (
        "Id",
        "FirstName",
        "LastName",
        "Name",
        "Company",
        "Email",
        "Title",
        "Status",
        "LeadSource",
        "IsConverted",
        "ConvertedDate",
        "ConvertedContactId",
        "ConvertedAccountId",
        "Country",
        "Industry",
    ),
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
        "LastStageChangeDate",
    ),
    "OpportunityHistory": ("OpportunityId", "CreatedDate", "StageName", "IsDeleted"),
    "PricebookEntry": ("Id", "Product2Id"),
    "OpportunityLineItem": ("OpportunityId", "Product2Id", "Quantity", "TotalPrice", "PricebookEntryId"),
    "OpportunityContactRole": ("Id", "OpportunityId", "ContactId", "Role", "IsPrimary"),
    "Asset": ("AccountId", "Product2Id", "InstallDate", "Quantity", "Status"),
    "TaskRelation": ("TaskId", "RelationId", "IsWhat"),
    "EventRelation": ("EventId", "RelationId", "IsWhat"),
    "Task": ("Id", "WhoId", "WhatId", "OwnerId", "ActivityDate", "Subject", "TaskSubtype", "Type"),
    "Event": (
        "Id",
        "WhoId",
        "WhatId",
        "OwnerId",
        "StartDateTime",
        "DurationInMinutes",
        "Subject",
        "Type",
        "ActivityDateTime",
        "ActivityDate",
        "IsAllDayEvent",
    ),
    "Campaign": ("Id", "Name", "Type", "StartDate"),
    "CampaignMember": (
        "Id",
        "CampaignId",
        "LeadId",
        "ContactId",
        "Status",
        "HasResponded",
        "FirstRespondedDate",
        "CreatedDate",
    ),
}
#: Objects read only to complete another (object -> the helpers read along with it).
HELPERS: dict[str, tuple[str, ...]] = {
    "Task": ("TaskRelation",),
    "Event": ("EventRelation",),
    "OpportunityLineItem": ("PricebookEntry",),
    "CampaignMember": ("Campaign",),
    "Opportunity": ("OpportunityHistory",),
}
_HELPER_OF = {helper: obj for obj, helpers in HELPERS.items() for helper in helpers}
#: Why a helper is not read when the object it completes is not in the export.
_HELPER_UNUSED = {
    "TaskRelation": "it only lists the attendees of tasks, and there is no Task file",
    "EventRelation": "it only lists the attendees of events, and there is no Event file",
    "PricebookEntry": "it only maps opportunity line items to products, and there is no "
    "OpportunityLineItem file",
    "Campaign": "campaigns are read only for the touches of their members, and there is no "
    "CampaignMember file",
    "OpportunityHistory": "it only holds the stage history of opportunities, and there is no "
    "Opportunity file",
}
#: Salesforce objects buyergraph does not use, with the reason a user is given. Any other file that
#: is plainly a Salesforce object (named after it, an `Id` key column) is not used either, with the
#: generic reason below; custom objects (`__c`) have their own.
NOT_USED: dict[str, str] = {
    "Case": "support cases are service work, not part of buying",
    "CaseComment": "support cases are service work, not part of buying",
    "CaseContactRole": "support cases are service work, not part of buying",
    "CaseHistory2": "support cases are service work, not part of buying",
    "CaseSolution": "support cases are service work, not part of buying",
    "Solution": "solutions are knowledge-base articles, not part of an account",
    "Attachment": "attachments are files, not people, deals or touches",
    "Document": "documents are files, not people, deals or touches",
    "ContentVersion": "files are not people, deals or touches",
    "Note": "notes are free text, not touches with a person",
    "Contract": "contracts are not read; the installed base comes from Asset",
    "ContractContactRole": "contract roles are not buying-committee roles of a deal",
    "AccountContactRole": "account-level roles are not tied to a deal; committees come from "
    "OpportunityContactRole",
    "OpportunityCompetitor": "competitors are not part of the buying committee",
    "Pricebook2": "price books are not read; products come from Product2",
    "Partner": "partner links are not read",
    "UserRole": "the role hierarchy of our own team is not read",
    "Period": "fiscal periods are not read",
    "RecordType": "record types are configuration, not data",
    "Idea": "ideas are community posts, not touches",
    "IdeaComment": "ideas are community posts, not touches",
}
_UNUSED_STANDARD = "a Salesforce object buyergraph does not read"
_UNUSED_CUSTOM = "a custom object (__c): buyergraph reads only standard sales objects"
#: Salesforce's empty lookup: an id of fifteen zeros, with or without the 3-character suffix.
_EMPTY_ID = re.compile(r"^0{15}(?:[A-Za-z0-9]{3})?$")
_OBJECT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?:__c)?$")
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


def unused_salesforce_object(path: Path, header: list[str]) -> str | None:
    """The name of a Salesforce object buyergraph does not read (`Case.csv`, `Branch__c.csv`, any
    object named after itself with an `Id` key column), else None."""
    name = path.name.split(".", 1)[0].strip()
    if name in SALESFORCE_OBJECTS or not header or header[0] != "Id":
        return None
    return name if name in NOT_USED or _OBJECT_NAME.match(name) else None


def _unused_reason(obj: str) -> str:
    if obj in _HELPER_UNUSED:
        return _HELPER_UNUSED[obj]
    if obj in NOT_USED:
        return NOT_USED[obj]
    return _UNUSED_CUSTOM if obj.lower().endswith("__c") else _UNUSED_STANDARD


def salesforce_groups(files: Mapping[str, Path]) -> list[dict[str, Path]]:
    """The objects of an export as groups read together: each object with its helpers, so that one
    unreadable file stops only its own group; helpers without their object are groups of their own
    (reported as not used)."""
    groups: list[dict[str, Path]] = []
    for obj, path in files.items():
        main = _HELPER_OF.get(obj)
        if main is not None and main in files:
            continue
        group = {obj: path}
        for helper in HELPERS.get(obj, ()):
            if helper in files:
                group[helper] = files[helper]
        groups.append(group)
    return groups


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


def _name(r: Row) -> str | None:
    """Name, else FirstName/LastName (a real User or Contact export has only the two parts)."""
    return (r.get("Name") or "").strip() or _person_name(r.get("FirstName"), r.get("LastName"))


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
            "name": _name(r),
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
            "name": _person_name(r.get("FirstName"), r.get("LastName")) or (r.get("Name") or "").strip(),
            "email": r.get("Email"),
            "company_id": r.get("AccountId"),
            "title": r.get("Title"),
            "department": r.get("Department"),
            "reports_to_id": r.get("ReportsToId"),
            "lead_source": r.get("LeadSource"),
        },
    )


def _stage_history(r: Row, history: Mapping[str, list[str]] | None) -> list[str] | None:
    """The opportunity's stage history: its OpportunityHistory rows (`_history`), else the current
    stage since LastStageChangeDate; the current stage is added when the history ends elsewhere."""
    entries = list((history or {}).get((r.get("Id") or "").strip(), ()))
    stage = (r.get("StageName") or "").strip()
    changed = convert(parse_date, r.get("LastStageChangeDate"), "LastStageChangeDate")
    if stage and changed is not None and (not entries or entries[-1].partition(" ")[2] != stage):
        entries.append(f"{changed.isoformat()} {stage}")
    return entries or None


def _opportunity(
    r: Row, history: Mapping[str, list[str]] | None = None
) -> tuple[str, type[Record], dict[str, Any]]:
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
            "stage_history": _stage_history(r, history),
        },
    )


def _line_item(r: Row, price_book: Mapping[str, str] | None) -> tuple[str, type[Record], dict[str, Any]]:
    """An older export names the product only through its price book entry (PricebookEntryId)."""
    product = (r.get("Product2Id") or "").strip()
    entry = (r.get("PricebookEntryId") or "").strip()
    if not product and entry:
        if price_book is None:
            raise RowError(
                "PricebookEntryId",
                entry,
                "the line item names its product only by price book entry; add PricebookEntry.csv "
                "(it maps entries to products) to the export",
            )
        product = price_book.get(entry, "")
        if not product:
            raise RowError(
                "PricebookEntryId", entry, "a price book entry that PricebookEntry.csv does not list"
            )
    return (
        "deal_products",
        DealProduct,
        {
            "deal_id": r.get("OpportunityId"),
            "product_id": product or None,
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
    "Lead": {"id": "Id", "name": "FirstName/LastName", "email": "Email", "company_id": "ConvertedAccountId"},
    "CampaignMember": {"id": "Id", "at": "FirstRespondedDate", "person_ids": "LeadId/ContactId"},
    "Event": {
        "id": "Id",
        "at": "ActivityDateTime",
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


def _touch(
    obj: str, r: Row, attendees: Mapping[str, list[str]]
) -> tuple[str, type[Record], dict[str, Any]] | None:
    what = (r.get("WhatId") or "").strip()
    people = [
        p for p in [(r.get("WhoId") or "").strip(), *attendees.get((r.get("Id") or "").strip(), [])] if p
    ]
    if obj == "Task":
        at = convert(_at_midnight, r.get("ActivityDate"), "ActivityDate")
        kind = _task_kind(r.get("TaskSubtype"), r.get("Type"), r.get("Subject"))
        duration = None
    else:
        at = _event_start(r)
        kind = _event_kind(r.get("Type"), r.get("Subject"))
        minutes = convert(parse_number, r.get("DurationInMinutes"), "DurationInMinutes")
        duration = int(minutes * 60) if minutes is not None else None
    if not people:
        return None  # on a record of another object only (WhoId empty): not a touch with a buyer
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


def _event_start(r: Row) -> Any:
    """ActivityDateTime (what exports hold; StartDateTime in newer API extracts), or the day of an
    all-day event (ActivityDate only)."""
    for column in ("ActivityDateTime", "StartDateTime"):
        if (r.get(column) or "").strip():
            return convert(parse_datetime, r.get(column), column)
    return convert(_at_midnight, r.get("ActivityDate"), "ActivityDate")


def _is_empty_id(column: str, value: str) -> bool:
    """Salesforce's empty lookup (000000000000000AAA) in an id column: no value, never an id."""
    return (column == "Id" or column.endswith("Id")) and bool(_EMPTY_ID.match(value.strip()))


def _canonical_row(raw: Mapping[str, str], columns: Mapping[str, str]) -> dict[str, str]:
    """Cells keyed by API name whatever the header's case ("accountid" -> "AccountId"), with
    Salesforce's empty lookups blank."""
    row = {columns.get(k.lower(), k): v for k, v in raw.items()}
    for column, value in row.items():
        if value and value[0] == "0" and _is_empty_id(column, value):
            row[column] = ""
    return row


def _superseded(raw: Mapping[str, str]) -> bool:
    """An older version of a record that a warehouse in history mode keeps (_fivetran_active false)."""
    value = next((v for k, v in raw.items() if k.lower() == "_fivetran_active"), "")
    return bool(value.strip()) and not truthy(value)


def _skip(note: FileNote, reason: str) -> None:
    note.skipped += 1
    note.skip_reasons[reason] = note.skip_reasons.get(reason, 0) + 1


#: Why a row read is not a touch, per object.
_NOT_TOUCHES = {
    "Task": "not touches: on no contact or lead (WhoId empty)",
    "Event": "not touches: on no contact or lead (WhoId empty)",
    "CampaignMember": "not touches: members who did not respond (sent only)",
}


def _deleted(raw: Mapping[str, str]) -> bool:
    """A row the CRM deleted (IsDeleted, or a warehouse's _fivetran_deleted): not a live record."""
    return any(
        truthy(v) for k, v in raw.items() if k.lower() in ("isdeleted", "is_deleted", "_fivetran_deleted")
    )


def _lead(r: Row) -> tuple[dict[str, Any], dict[str, str | None]]:
    """A lead is a person (see ingest/leads.py for how they join an account): the person's values,
    and the link that says which company or contact the lead belongs to."""
    converted = truthy(r.get("IsConverted"))
    account = (r.get("ConvertedAccountId") or "").strip() if converted else ""
    # The day it converted: ConvertedDate, unless IsConverted says it was not (a blank IsConverted
    # leaves the date to speak for itself).
    unconverted = bool((r.get("IsConverted") or "").strip()) and not converted
    converted_on = None if unconverted else convert(parse_date, r.get("ConvertedDate"), "ConvertedDate")
    link = {
        "company": (r.get("Company") or "").strip() or None,
        "country": (r.get("Country") or "").strip() or None,
        "industry": (r.get("Industry") or "").strip() or None,
        "converted_contact_id": ((r.get("ConvertedContactId") or "").strip() or None) if converted else None,
    }
    return {
        "id": r.get("Id"),
        "name": _person_name(r.get("FirstName"), r.get("LastName")) or (r.get("Name") or "").strip(),
        "email": r.get("Email"),
        "company_id": account or None,
        "title": r.get("Title"),
        "lead_source": r.get("LeadSource"),
        "lead_status": r.get("Status"),
        "converted_on": converted_on,
    }, link


#: Campaign.Type -> the kind of touch a member's response is.
_CAMPAIGN_KINDS = (
    ("webinar", "webinar"),
    ("conference", "event"),
    ("trade show", "event"),
    ("tradeshow", "event"),
    ("event", "event"),
    ("content", "content_download"),
    ("download", "content_download"),
    ("email", "content_download"),
)
#: CampaignMember.Status values that mean the member took part.
_RESPONDED = frozenset({"responded", "attended", "registered", "downloaded", "visited"})


def _campaign_kind(type_: str | None) -> str:
    text = (type_ or "").strip().lower()
    for word, kind in _CAMPAIGN_KINDS:
        if word in text:
            return kind
    return "other"


def _campaign_member(
    r: Row, campaigns: Mapping[str, Mapping[str, str]]
) -> tuple[str, type[Record], dict[str, Any]] | None:
    """A member who responded (attended, downloaded) is an inbound touch; None for one who did not."""
    if not (truthy(r.get("HasResponded")) or (r.get("Status") or "").strip().lower() in _RESPONDED):
        return None
    campaign = campaigns.get((r.get("CampaignId") or "").strip(), {})
    person = (r.get("ContactId") or "").strip() or (r.get("LeadId") or "").strip()
    if not person:
        raise RowError("LeadId/ContactId", None, "the campaign member names no lead or contact")
    at = None
    for column, values in (("FirstRespondedDate", r), ("CreatedDate", r), ("StartDate", campaign)):
        if (values.get(column) or "").strip():
            at = convert(
                parse_datetime, values.get(column), f"Campaign.{column}" if values is campaign else column
            )
            break
    return (
        "touches",
        Touch,
        {
            "id": r.get("Id"),
            "at": at,
            "kind": _campaign_kind(campaign.get("Type")),
            "person_ids": [person],
            "direction": "inbound",
            "source": "crm",
            "subject": campaign.get("Name"),
        },
    )


def _open(path: Path, obj: str, note: FileNote) -> tuple[Table, dict[str, str]]:
    """The table of one object, with only the columns buyergraph reads checked for bad bytes."""
    columns = SALESFORCE_OBJECTS[obj]
    table = open_table(path, used=(*columns, "Guid"))
    known = {c.lower(): c for c in columns}
    if "id" in known and "id" not in {h.strip().lower() for h in table.header}:
        known["guid"] = "Id"  # see SALESFORCE_KEYS
    note.encoding, note.delimiter = table.encoding, table.delimiter
    note.ignored_columns = ignored_columns(table.header, list(known.values()) + list(known))
    return table, known


def _relations(path: Path, obj: str, note: FileNote) -> tuple[dict[str, list[str]], list[Reject]]:
    """TaskRelation/EventRelation: the people (IsWhat = false) of each activity."""
    parent = "TaskId" if obj == "TaskRelation" else "EventId"
    table, known = _open(path, obj, note)
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


def _lookup(path: Path, obj: str, note: FileNote, columns: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """A helper object as Id -> its cells (PricebookEntry, Campaign); its bad rows only lose their
    entry, so the rows that need them are rejected with a reason that names the file."""
    table, known = _open(path, obj, note)
    entries: dict[str, dict[str, str]] = {}
    for _, raw in table.rows:
        note.rows += 1
        r = _canonical_row(raw, known)
        if (r.get("Id") or "").strip():
            entries[r["Id"].strip()] = {c: (r.get(c) or "").strip() for c in columns}
    return entries


def _history(path: Path, note: FileNote) -> dict[str, list[str]]:
    """OpportunityHistory as opportunity id -> its stages (`YYYY-MM-DD stage`) in the order entered:
    a row per change (stage, amount or close date), so a stage repeated in a row is one stay. Like
    the other helpers, a row without an opportunity, a day or a stage only loses its entry."""
    table, known = _open(path, "OpportunityHistory", note)
    changes: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for _, raw in table.rows:
        note.rows += 1
        r = _canonical_row(raw, known)
        if _deleted(raw):
            note.deleted += 1
            continue
        deal, stage = (r.get("OpportunityId") or "").strip(), (r.get("StageName") or "").strip()
        try:
            at = parse_datetime(r.get("CreatedDate"))
        except InvalidInputError:
            at = None  # an undated change says nothing about when the stage began
        if deal and stage and at is not None:
            changes[deal].append((at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at, stage))
    history: dict[str, list[str]] = {}
    for deal, rows in changes.items():
        entries: list[str] = []
        last = None
        for at, stage in sorted(rows, key=lambda change: change[0]):  # ties keep the file's order
            if stage != last:
                entries.append(f"{at.date().isoformat()} {stage}")
                last = stage
        history[deal] = entries
    return history


def read_salesforce(
    files: Mapping[str, Path], notes: Mapping[Path, FileNote]
) -> Iterator[SourceRecord | Reject]:
    """Records of a Data Export, object by object in loading order. `files` maps object -> path;
    `notes` maps file name -> its FileNote (filled in as files are read)."""
    for obj, path in files.items():
        if obj not in SALESFORCE_OBJECTS or (obj in _HELPER_OF and _HELPER_OF[obj] not in files):
            notes[path].error = f"not read: {_unused_reason(obj)}"
            yield Reject(file=notes[path].file, reason=notes[path].error, action="file_skipped")
    context: dict[str, Any] = {}
    for relation_obj, activity_obj in (("TaskRelation", "Task"), ("EventRelation", "Event")):
        if relation_obj in files and activity_obj in files:
            path = files[relation_obj]
            context[activity_obj], rejects = _relations(path, relation_obj, notes[path])
            yield from rejects
    if "PricebookEntry" in files and "OpportunityLineItem" in files:
        path = files["PricebookEntry"]
        entries = _lookup(path, "PricebookEntry", notes[path], ("Product2Id",))
        context["OpportunityLineItem"] = {k: v["Product2Id"] for k, v in entries.items()}
    if "Campaign" in files and "CampaignMember" in files:
        path = files["Campaign"]
        context["CampaignMember"] = _lookup(path, "Campaign", notes[path], ("Name", "Type", "StartDate"))
    if "OpportunityHistory" in files and "Opportunity" in files:
        path = files["OpportunityHistory"]
        context["Opportunity"] = _history(path, notes[path])
    for obj in SALESFORCE_OBJECTS:
        if obj not in files or obj in _HELPER_OF:
            continue
        path = files[obj]
        yield from _read_object(obj, path, notes[path], context.get(obj))


def _map(obj: str, r: Row, context: Any) -> tuple[str, type[Record], dict[str, Any]] | None:
    if obj == "OpportunityLineItem":
        return _line_item(r, context)
    if obj == "CampaignMember":
        return _campaign_member(r, context or {})
    if obj in ("Task", "Event"):
        return _touch(obj, r, context or {})
    if obj == "Opportunity":
        return _opportunity(r, context)
    return _MAPPERS[obj](r)


def _read_object(obj: str, path: Path, note: FileNote, context: Any) -> Iterator[SourceRecord | Reject]:
    table, known = _open(path, obj, note)
    name = note.file
    guess_kind = "touches" if obj in ("Task", "Event", "CampaignMember") else None
    columns = _COLUMNS.get(obj)
    for row_number, raw in table.rows:
        note.rows += 1
        r = _canonical_row(raw, known)
        if _superseded(raw):
            _skip(note, "earlier versions of a record (the warehouse keeps its history)")
            continue
        if _deleted(raw):
            note.deleted += 1  # in the CRM's recycle bin: counted, not loaded, not a reject
            continue
        yield from drop_unreadable_numbers(
            r, _OPTIONAL_NUMBERS.get(obj, ()), file=name, row_number=row_number, kind=guess_kind or obj
        )
        link: dict[str, str | None] | None = None
        try:
            if obj == "Lead":
                data, link = _lead(r)
                mapped: tuple[str, type[Record], dict[str, Any]] | None = ("people", Person, data)
            else:
                mapped = _map(obj, r, context)
        except RowError as error:
            yield row_reject(error, file=name, row=row_number, kind=guess_kind or obj, record_id=r.get("Id"))
            continue
        if mapped is None:
            _skip(note, _NOT_TOUCHES[obj])
            continue
        kind, model, data = mapped
        result = validate(model, data, file=name, row=row_number, kind=kind, columns=columns)
        if isinstance(result, list):
            yield from result
            continue
        yield SourceRecord(kind, result, name, row_number, columns)
        if link is not None:  # made from the validated person, so its id is one
            lead_link = LeadLink(id=getattr(result, "id"), **link)  # noqa: B009
            yield SourceRecord(LEAD_LINKS, lead_link, name, row_number, columns)
    yield from undecodable_rejects(table, name, guess_kind or obj)
