"""HubSpot exports: companies, contacts, deals and activities (engagements), as HubSpot writes them.

HubSpot exports use display labels ("Record ID", "First Name", "Associated Company IDs (Primary)")
or, from the API and some integrations, internal property names (hs_object_id, firstname,
associatedcompanyid); both are accepted, in any case. What a file holds is read from its header, not
its name (exports are called e.g. hubspot-crm-exports-all-deals-2024-05-01.csv).

HubSpot record ids are numbers that repeat across object types, so they get a prefix naming the
type: contact 51 becomes person `hs-contact-51`, company 9 becomes `hs-company-9`.
Buying roles are a contact property in HubSpot (`hs_buying_role`, several values `;`-separated);
they become committee roles on every deal the contact is associated with.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from graph.errors import InvalidInputError
from graph.model import CommitteeRole, Company, Deal, Person, Record, Rep, Touch
from ingest.normalise import (
    domain_from_website,
    normalise_company_name,
    parse_date,
    parse_datetime,
    parse_number,
)
from ingest.readers.common import (
    RowError,
    convert,
    drop_unreadable_numbers,
    first,
    ignored_columns,
    row_reject,
    undecodable_rejects,
    validate,
)
from ingest.readers.csvio import open_table
from ingest.rejects import FileNote, Reject, SourceRecord, not_used
from ingest.roles import map_buying_role

__all__ = ["hubspot_object", "read_hubspot", "HUBSPOT_COLUMNS"]

#: Accepted columns per object and field: display labels first, then internal names (lower case).
HUBSPOT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "companies": {
        "id": ("record id", "hs_object_id", "company id"),
        "name": ("company name", "name"),
        "domain": ("company domain name", "domain", "website url", "website"),
        "industry": ("industry",),
        "employees": ("number of employees", "numberofemployees"),
        "parent": ("parent company id", "hs_parent_company_id", "parent company"),
        "lifecycle": ("lifecycle stage", "lifecyclestage", "type"),
        "region": ("country/region", "country"),
        "city": ("city",),
    },
    "contacts": {
        "id": ("record id - contact", "record id", "hs_object_id", "contact id"),
        "first": ("first name", "firstname"),
        "last": ("last name", "lastname"),
        "email": ("email", "email address"),
        "title": ("job title", "jobtitle"),
        "department": ("department",),
        "roles": ("buying role", "hs_buying_role", "buying roles"),
        "company_id": (
            "associated company ids (primary)",
            "associated company ids",
            "associatedcompanyid",
            "associated company id",
            "record id - company",
            "company id",
        ),
        "company_name": ("associated company", "company name", "company"),
        "company_domain": ("associated company domain",),
        "location": ("city", "country/region", "country"),
        # Lifecycle stage dates: the day the contact became an opportunity or a customer (the earlier
        # is the day the lead converted).
        "became_opportunity": ("became an opportunity date", "hs_lifecyclestage_opportunity_date"),
        "became_customer": ("became a customer date", "hs_lifecyclestage_customer_date"),
    },
    "deals": {
        "id": ("record id", "hs_object_id", "deal id"),
        "name": ("deal name", "dealname"),
        "stage": ("deal stage", "dealstage"),
        "amount": ("amount", "amount in company currency", "hs_amount_in_home_currency"),
        "currency": ("currency", "deal_currency_code"),
        "close": ("close date", "closedate"),
        "create": ("create date", "createdate"),
        "owner": ("deal owner", "hubspot_owner_id"),
        "contacts": ("associated contact ids", "associated contact", "associatedcontactids"),
        "contact_emails": ("associated contact email", "associated contact emails"),
        "company_domain": ("associated company domain",),
        "company": (
            "associated company ids (primary)",
            "associated company ids",
            "associatedcompanyid",
            "associatedcompanyids",
        ),
        "closed_won": ("is closed won", "hs_is_closed_won"),
        "closed": ("is deal closed?", "hs_is_closed"),
        "pipeline": ("pipeline",),
    },
    "engagements": {
        "id": ("record id", "hs_object_id", "engagement id", "activity id"),
        "type": ("activity type", "engagement type", "hs_engagement_type", "hs_activity_type", "type"),
        "at": (
            "activity date",
            "hs_timestamp",
            "call date",
            "meeting start time",
            "hs_meeting_start_time",
            "email send date",
            "create date",
            "hs_createdate",
            "timestamp",
        ),
        "contacts": ("associated contact ids", "associated contact", "associatedcontactids", "contact ids"),
        "contact_emails": ("associated contact email", "associated contact emails"),
        "deals": ("associated deal ids", "associated deal", "associateddealids", "deal ids"),
        "owner": ("activity assigned to", "activity owner", "hubspot_owner_id", "owner", "assigned to"),
        "subject": (
            "call title",
            "hs_call_title",
            "meeting name",
            "hs_meeting_title",
            "call/meeting title/subject",
            "email subject",
            "hs_email_subject",
            "subject",
            "title",
        ),
        "duration": ("call duration (hh:mm:ss)", "call duration", "hs_call_duration", "duration"),
        "direction": ("call direction", "hs_call_direction", "email direction", "hs_email_direction"),
    },
}
_ORDER = ("companies", "contacts", "deals", "engagements")
#: Number columns that are details of a record: a value that is no number is dropped, the row loads.
_OPTIONAL_NUMBERS = {
    "companies": HUBSPOT_COLUMNS["companies"]["employees"],
    "deals": HUBSPOT_COLUMNS["deals"]["amount"],
}
#: Owners (our own people) as a table of their own: a warehouse's `owner` table.
_OWNER_COLUMNS = {
    "id": ("hubspot_owner_id", "owner id", "owner_id"),
    "first": ("first_name", "first name", "firstname"),
    "last": ("last_name", "last name", "lastname"),
    "email": ("email",),
}
_ID_PREFIX = {
    "companies": "hs-company-",
    "contacts": "hs-contact-",
    "deals": "hs-deal-",
    "engagements": "hs-engagement-",
}
_SPLIT = re.compile(r"[;,]")
#: An MD5, SHA-1 or SHA-256 hex digest: what a pseudonymised e-mail column holds instead of addresses.
_HASHED = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_OBJECT_ID_COLUMNS = ("company id", "contact id", "deal id", "activity id", "engagement id", "ticket id")
_NOT_TOUCHES = ("note", "task", "postal", "linkedin_message", "sms")


def hubspot_object(header: Sequence[str]) -> str | None:
    """companies, contacts, deals or engagements, from an export's header; None if not HubSpot."""
    cols = {h.strip().lower() for h in header if h}
    if "hubspot_owner_id" in cols and not cols & {"record id", "hs_object_id"} and "email" in cols:
        return "owners"
    # "Record ID - Contact" starts a contacts export with associated companies; "Contact ID" and
    # its kin are what HubSpot's import files and many hand-built "almost HubSpot" files use.
    if not cols & {"record id", "hs_object_id", "record id - contact", *_OBJECT_ID_COLUMNS}:
        return None
    if "record id - contact" in cols:
        return "contacts"
    if cols & {"ticket id", "ticket name", "ticket status", "hs_pipeline_stage"} and "deal name" not in cols:
        return "tickets"
    if cols & {"deal name", "dealname", "deal stage", "dealstage"}:
        return "deals"
    if cols & {
        "activity type",
        "engagement type",
        "hs_engagement_type",
        "hs_activity_type",
        "call title",
        "hs_call_title",
        "meeting name",
        "hs_meeting_title",
        "email subject",
        "hs_email_subject",
        "hs_timestamp",
        "activity date",
    }:
        return "engagements"
    if cols & {"first name", "firstname", "last name", "lastname", "email"}:
        return "contacts"
    if cols & {"company name", "company domain name", "domain", "name"}:
        return "companies"
    return None


def _ids(value: Any) -> list[str]:
    return [part.strip() for part in _SPLIT.split(str(value or "")) if part.strip()]


def _prefixed(obj: str, value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if text.endswith(".0") and text[:-2].isdigit():  # Excel turned the id into a float
        text = text[:-2]
    return _ID_PREFIX[obj] + text


def _lifecycle_status(value: str | None) -> str | None:
    text = (value or "").strip().lower().replace(" ", "")
    if text in ("customer", "evangelist"):
        return "customer"
    if text in (
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "prospect",
    ):
        return "prospect"
    if "partner" in text or "reseller" in text:
        return "partner"
    if "former" in text or "churn" in text:
        return "former_customer"
    return None


def _person_name(first_name: str | None, last_name: str | None, email: str | None = None) -> str | None:
    """Chinese names family name first; a contact known only by e-mail is named by it, as HubSpot does."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if re.search(r"[\u3400-\u9fff]", first_name + last_name):
        return (last_name + first_name) or None
    return " ".join(p for p in (first_name, last_name) if p) or (email or "").strip() or None


def _duration_seconds(value: Any) -> int | None:
    """HubSpot writes call durations as HH:mm:ss in exports and milliseconds in the API."""
    text = str(value or "").strip()
    if not text:
        return None
    if ":" in text:
        parts = [int(p) for p in text.split(":")]
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + part
        return seconds
    number = parse_number(text)
    return int(number / 1000) if number is not None else None


def _deal_status(stage: str | None, won: Any, closed: Any) -> str:
    text = (stage or "").lower().replace(" ", "")
    if str(won or "").strip().lower() == "true" or "closedwon" in text:
        return "won"
    if "closedlost" in text:
        return "lost"
    if str(closed or "").strip().lower() == "true":
        return "lost"
    return "open"


def _engagement_kind(type_: str | None, path: Path) -> str | None:
    text = (type_ or path.stem).strip().lower()
    for word, kind in (
        ("meeting", "meeting"),
        ("call", "call"),
        ("email", "email"),
        ("demo", "demo"),
        ("visit", "visit"),
        ("webinar", "webinar"),
    ):
        if word in text:
            return kind
    if any(word in text for word in _NOT_TOUCHES):
        return None
    return "other"


class _Context:
    """What one HubSpot read collects across files: reps from owners, contacts' roles."""

    def __init__(self) -> None:
        self.reps: dict[str, Rep] = {}
        #: Companies of this export by normalised name: contacts that name their company but carry
        #: no company id (leads) are rolled into that company.
        self.companies_by_name: dict[str, str] = {}
        self.roles: dict[str, list[tuple[str, int, str]]] = {}  # contact id -> [(file, row, role value)]
        #: Files that associate records by company domain and contact e-mail instead of ids.
        self.companies_by_domain: dict[str, str] = {}
        self.contacts_by_email: dict[str, str] = {}

    def company_by_domain(self, value: Any) -> str | None:
        domain = domain_from_website(str(value)) if value else None
        return self.companies_by_domain.get(domain) if domain else None

    def contacts_by_emails(self, value: Any) -> list[str]:
        found = (self.contacts_by_email.get(e.lower()) for e in _ids(value))
        return [c for c in found if c]

    def rep_id(self, owner: Any) -> str | None:
        text = str(owner or "").strip()
        if not text:
            return None
        rep_id = "hs-owner-" + re.sub(r"\s+", "-", text.lower())
        if rep_id not in self.reps:
            name = f"HubSpot owner {text}" if text.isdigit() else text
            email = text if "@" in text else None
            self.reps[rep_id] = Rep(id=rep_id, name=name, email=email, kind="sales")
        return rep_id


def _company(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    return {
        "id": _prefixed("companies", first(r, *cols["id"])),
        "name": first(r, *cols["name"]),
        "domain": domain_from_website(first(r, *cols["domain"])),
        "industry": first(r, *cols["industry"]),
        "employees": convert(parse_number, first(r, *cols["employees"]), "Number of Employees"),
        "parent_id": _prefixed("companies", first(r, *cols["parent"])),
        "status": _lifecycle_status(first(r, *cols["lifecycle"])),
        "region": first(r, *cols["region"]),
        "city": first(r, *cols["city"]),
    }


def _contact(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    company_ids = _ids(first(r, *cols["company_id"]))
    return {
        "id": _prefixed("contacts", first(r, *cols["id"])),
        "name": _person_name(first(r, *cols["first"]), first(r, *cols["last"]), first(r, *cols["email"])),
        "email": first(r, *cols["email"]),
        "title": first(r, *cols["title"]),
        "department": first(r, *cols["department"]),
        "company_id": _prefixed("companies", company_ids[0]) if company_ids else None,
        "location": first(r, *cols["location"]),
        "converted_on": _converted_on(r, cols),
    }


def _converted_on(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]]) -> date | None:
    """The day a contact converted: the earlier of its "Became an Opportunity Date" and "Became a
    Customer Date" (HubSpot's lifecycle stage dates), None when neither is given."""
    days = [
        convert(parse_date, first(r, *cols["became_opportunity"]), "Became an Opportunity Date"),
        convert(parse_date, first(r, *cols["became_customer"]), "Became a Customer Date"),
    ]
    known = [d for d in days if d is not None]
    return min(known) if known else None


def read_hubspot(
    files: Mapping[str, list[Path]], notes: Mapping[Path, FileNote]
) -> Iterator[SourceRecord | Reject]:
    """Records of HubSpot exports; `files` maps object (companies, contacts, ...) -> paths."""
    ctx = _Context()
    deal_contacts: dict[str, list[str]] = defaultdict(list)
    pending: list[SourceRecord | Reject] = []
    for path in files.get("owners", []):
        yield from _read_owners(path, notes[path], ctx)
    for path in files.get("tickets", []):
        yield not_used(notes[path], "HubSpot support tickets are not part of a buying committee")
    for obj in _ORDER:
        for path in files.get(obj, []):
            for item in _read_file(obj, path, notes[path], ctx, deal_contacts):
                if isinstance(item, SourceRecord) and item.kind in ("deals", "touches"):
                    pending.append(item)  # after the reps that their owners become
                else:
                    yield item
    yield from (SourceRecord("reps", rep, "(deal and activity owners)", 0) for rep in ctx.reps.values())
    yield from pending
    for deal_id, contact_ids in deal_contacts.items():
        for contact_id in contact_ids:
            for file, row, value in ctx.roles.get(contact_id, []):
                role = map_buying_role(value)
                if role is None:
                    continue
                yield SourceRecord(
                    "committee",
                    CommitteeRole(deal_id=deal_id, person_id=contact_id, role=role, source="crm"),
                    file,
                    row,
                )


def _read_owners(path: Path, note: FileNote, ctx: _Context) -> Iterator[Reject]:
    """Owners become the reps that deals and activities name by owner id, with their names."""
    table = open_table(path)
    note.encoding, note.delimiter = table.encoding, table.delimiter
    note.ignored_columns = ignored_columns(
        table.header, [c for names in _OWNER_COLUMNS.values() for c in names]
    )
    for row_number, raw in table.rows:
        note.rows += 1
        r = {k.strip().lower(): v for k, v in raw.items()}
        owner = str(first(r, *_OWNER_COLUMNS["id"]) or "").strip()
        if not owner:
            yield Reject(
                file=note.file,
                row=row_number,
                field="owner_id",
                reason="required value is missing",
                kind="reps",
            )
            continue
        email = first(r, *_OWNER_COLUMNS["email"])
        name = _person_name(first(r, *_OWNER_COLUMNS["first"]), first(r, *_OWNER_COLUMNS["last"]), email)
        rep_id = "hs-owner-" + owner.lower()
        ctx.reps[rep_id] = Rep(id=rep_id, name=name or f"HubSpot owner {owner}", email=email, kind="sales")


def _read_file(
    obj: str, path: Path, note: FileNote, ctx: _Context, deal_contacts: dict[str, list[str]]
) -> Iterator[SourceRecord | Reject]:
    cols = HUBSPOT_COLUMNS[obj]
    table = open_table(path)
    note.encoding, note.delimiter = table.encoding, table.delimiter
    stages = stage_columns(table.header) if obj == "deals" else {}
    note.ignored_columns = ignored_columns(
        table.header, [c for names in cols.values() for c in names] + list(stages)
    )
    name = note.file
    hashed = 0
    for row_number, raw in table.rows:
        note.rows += 1
        r: dict[str, str] = {}
        for key, value in raw.items():  # "Company Name" (the contact's) wins over "Company name"
            r.setdefault(key.strip().lower(), value)
        yield from drop_unreadable_numbers(
            r, _OPTIONAL_NUMBERS.get(obj, ()), file=name, row_number=row_number, kind=obj
        )
        model: type[Record]
        try:
            if obj == "companies":
                kind, model, data = "companies", Company, _company(r, cols)
                name_key = normalise_company_name(data["name"]) if data["name"] else ""
                if name_key and data["id"]:
                    ctx.companies_by_name.setdefault(name_key, data["id"])
                if data["domain"] and data["id"]:
                    ctx.companies_by_domain.setdefault(data["domain"], data["id"])
            elif obj == "contacts":
                kind, model, data = "people", Person, _contact(r, cols)
                if data["email"] and _HASHED.fullmatch(str(data["email"]).strip()):
                    hashed += 1
                    data["email"] = None
                company_name = first(r, *cols["company_name"])
                if data["company_id"] is None:
                    data["company_id"] = ctx.company_by_domain(first(r, *cols["company_domain"]))
                if data["company_id"] is None and company_name:
                    data["company_id"] = ctx.companies_by_name.get(normalise_company_name(company_name))
                if data["email"] and data["id"]:
                    ctx.contacts_by_email.setdefault(str(data["email"]).strip().lower(), data["id"])
                roles_value = first(r, *cols["roles"])
                if roles_value and data["id"]:
                    for value in _ids(roles_value):
                        if map_buying_role(value) is None:
                            yield Reject(
                                file=name,
                                row=row_number,
                                field="Buying Role",
                                value=value,
                                reason="not a buying role buyergraph knows",
                                kind="committee",
                                action="value_ignored",
                            )
                        else:
                            ctx.roles.setdefault(data["id"], []).append((name, row_number, value))
            elif obj == "deals":
                kind, model, data = "deals", Deal, _deal(r, cols, ctx, stages)
                if data["id"]:
                    deal_contacts[data["id"]] = [
                        c for c in (_prefixed("contacts", x) for x in _ids(first(r, *cols["contacts"]))) if c
                    ] or ctx.contacts_by_emails(first(r, *cols["contact_emails"]))
            else:
                kind, model = "touches", Touch
                engagement = _engagement(r, cols, ctx, path)
                if engagement is None:
                    note.skipped += 1
                    continue
                data = engagement
        except RowError as error:
            yield row_reject(
                error, file=name, row=row_number, kind=obj, record_id=_prefixed(obj, first(r, *cols["id"]))
            )
            continue
        result = validate(model, data, file=name, row=row_number, kind=kind, columns=_LABELS)
        if isinstance(result, list):
            yield from result
        else:
            yield SourceRecord(kind, result, name, row_number, _LABELS)
    if hashed:
        yield Reject(
            file=name,
            field=next((h for h in table.header if h.strip().lower() in cols["email"]), "email"),
            reason=f"{hashed:,} e-mail values are hashed (a hex digest, as warehouses pseudonymise "
            "addresses), not addresses: those people were loaded without an e-mail",
            kind="people",
            action="value_ignored",
        )
    yield from undecodable_rejects(table, name, obj)


#: Model field -> the display label a HubSpot user sees, for rejects.
_LABELS = {
    "id": "Record ID",
    "name": "Name",
    "company_id": "Associated Company IDs",
    "at": "Activity date",
    "person_ids": "Associated Contact IDs",
    "amount": "Amount",
    "employees": "Number of Employees",
}


#: A deal's "Date entered <stage>" columns: the UI export's label (`Date entered "Qualified to buy
#: (Sales Pipeline)"`) or the internal names (`hs_date_entered_<stage id>`, `hs_v2_date_entered_<stage id>`).
_DATE_ENTERED = re.compile(r"^\s*(?:date entered\s+(?P<label>.+)|hs_(?:v2_)?date_entered_(?P<id>.+))$", re.I)
_PIPELINE_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def stage_columns(header: Sequence[str]) -> dict[str, str]:
    """The header's date-entered columns, as the row key (lower case) -> the stage they name.

    >>> stage_columns(['Deal Name', 'Date entered "Closed Won (Sales Pipeline)"', 'hs_date_entered_42'])
    {'date entered "closed won (sales pipeline)"': 'Closed Won', 'hs_date_entered_42': '42'}
    """
    found: dict[str, str] = {}
    for column in header:
        match = _DATE_ENTERED.match(column)
        if match is None:
            continue
        label = match.group("label")
        if label is not None:
            stage = _PIPELINE_SUFFIX.sub("", label.strip().strip("\"'“”「」"))
        else:
            stage = match.group("id")
        if stage.strip():
            found[column.strip().lower()] = stage.strip()
    return found


def _entered_on(value: str | None) -> date | None:
    """A date-entered cell as a day: a date, a date and time, or epoch milliseconds (internal exports);
    a cell that is none of these is left out (the deal still loads)."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 13:
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC).date()
    try:
        parsed = parse_datetime(text)
    except InvalidInputError:
        return None
    return parsed.date() if parsed is not None else None


def _stage_history(r: Mapping[str, str], stages: Mapping[str, str]) -> list[str] | None:
    entries = sorted(
        (day, stage) for column, stage in stages.items() if (day := _entered_on(r.get(column))) is not None
    )
    return [f"{day.isoformat()} {stage}" for day, stage in entries] or None


def _deal(
    r: Mapping[str, str],
    cols: Mapping[str, tuple[str, ...]],
    ctx: _Context,
    stages: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    companies = [c for c in (_prefixed("companies", x) for x in _ids(first(r, *cols["company"]))) if c]
    by_domain = ctx.company_by_domain(first(r, *cols["company_domain"]))
    if not companies and by_domain:
        companies = [by_domain]
    created = convert(parse_datetime, first(r, *cols["create"]), "Create Date")
    closed = convert(parse_datetime, first(r, *cols["close"]), "Close Date")
    status = _deal_status(first(r, *cols["stage"]), first(r, *cols["closed_won"]), first(r, *cols["closed"]))
    domain = first(r, *cols["company_domain"])
    if not companies and domain:
        raise RowError("Associated Company Domain", domain, "no company of this export has that domain")
    if not companies:
        raise RowError("Associated Company IDs", None, "the deal is associated with no company")
    return {
        "id": _prefixed("deals", first(r, *cols["id"])),
        "company_id": companies[0],
        "name": first(r, *cols["name"]),
        "stage": first(r, *cols["stage"]),
        "status": status,
        "amount": convert(parse_number, first(r, *cols["amount"]), "Amount"),
        "currency": first(r, *cols["currency"]),
        "created_at": created.date() if created else None,
        "closed_at": closed.date() if closed and status != "open" else None,
        "expected_close": closed.date() if closed and status == "open" else None,
        "owner_rep_id": ctx.rep_id(first(r, *cols["owner"])),
        "stage_history": _stage_history(r, stages or {}),
    }


def _engagement(
    r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]], ctx: _Context, path: Path
) -> dict[str, Any] | None:
    kind = _engagement_kind(first(r, *cols["type"]), path)
    if kind is None:
        return None
    contacts = [c for c in (_prefixed("contacts", x) for x in _ids(first(r, *cols["contacts"]))) if c]
    contacts = contacts or ctx.contacts_by_emails(first(r, *cols["contact_emails"]))
    if not contacts:
        raise RowError("Associated Contact IDs", None, "the activity is associated with no contact")
    deals = _ids(first(r, *cols["deals"]))
    direction_text = str(first(r, *cols["direction"]) or "").lower()
    direction = "inbound" if ("inbound" in direction_text or "incoming" in direction_text) else "outbound"
    duration_value = first(r, *cols["duration"])
    try:
        duration = _duration_seconds(duration_value)
    except (ValueError, Exception) as exc:  # noqa: BLE001 - any unreadable duration is a reject
        raise RowError("Call duration", duration_value, "not a duration (HH:mm:ss or milliseconds)") from exc
    return {
        "id": _prefixed("engagements", first(r, *cols["id"])),
        "at": convert(parse_datetime, first(r, *cols["at"]), "Activity date"),
        "kind": kind,
        "person_ids": contacts,
        "rep_id": ctx.rep_id(first(r, *cols["owner"])),
        "deal_id": _prefixed("deals", deals[0]) if deals else None,
        "direction": direction,
        "duration_s": duration,
        "source": "crm",
        "subject": first(r, *cols["subject"]),
    }
