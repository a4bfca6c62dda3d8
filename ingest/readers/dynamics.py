"""Dynamics 365 Sales (Dataverse) exports: accounts, contacts, opportunities, connection roles
(stakeholders), appointments, e-mails, phone calls, users and products.

Export to Excel and the import templates write display labels (`Account Name`, `Potential Customer`,
`Est. revenue`); the Web API, Power Automate and data-export tools write logical names (`name`,
`parentaccountid`, `estimatedvalue`). Both are accepted, in any case. A file's object is told by its name
(`Account.csv`, `Opportunities.csv`, `Appointment.csv`) and confirmed by a header column only Dynamics
writes, so a Salesforce `Account.csv` is never mistaken for one.

Dynamics refers to records by their primary name (`Potential Customer: Adatum Corporation`, `Owner:
Jeff Comstock`, `Required Attendees: Alex Baker; Eva Corets`), and its exports carry the row's GUID only
in the hidden `(Do Not Modify) ...` column. So records are keyed by that GUID when present and else
by name (`d365-account-adatum-corporation`, a contact by e-mail, a user by name), and references are
resolved by name among the records of the same ingest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from graph.model import CommitteeRole, Company, Deal, Person, Product, Record, Rep, Touch
from ingest.normalise import domain_from_website, normalise_company_name, parse_datetime, parse_number
from ingest.readers.common import (
    RowError,
    convert,
    first,
    ignored_columns,
    row_reject,
    undecodable_rejects,
    validate,
)
from ingest.readers.csvio import open_table
from ingest.rejects import FileNote, Reject, SourceRecord
from ingest.roles import map_buying_role

__all__ = ["DYNAMICS_COLUMNS", "dynamics_object", "read_dynamics"]

#: Per object and field: display labels first, then logical names (all lower case).
DYNAMICS_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "account": {
        "id": ("(do not modify) account", "accountid"),
        "name": ("account name", "name"),
        "website": ("website", "websiteurl"),
        "industry": ("industry", "industrycode"),
        "employees": ("number of employees", "numberofemployees"),
        "region": ("address 1: country/region", "address1_country", "address 1: state/province"),
        "city": ("address 1: city", "address1_city"),
        "parent": ("parent account", "parentaccountid"),
        "relationship": ("relationship type", "customertypecode"),
    },
    "contact": {
        "id": ("(do not modify) contact", "contactid"),
        "first": ("first name", "firstname"),
        "last": ("last name", "lastname"),
        "full": ("full name", "fullname"),
        "email": ("email", "emailaddress1"),
        "title": ("job title", "jobtitle"),
        "department": ("department",),
        "company": ("company name", "parentcustomerid", "account name", "parentcustomeridname"),
        "location": ("address 1: city", "address1_city"),
        "role": ("role", "accountrolecode"),
    },
    "opportunity": {
        "id": ("(do not modify) opportunity", "opportunityid"),
        "name": ("topic", "name"),
        "company": ("potential customer", "parentaccountid", "customerid", "account", "customeridname"),
        "status": ("status", "statecode"),
        "stage": ("sales stage", "salesstage", "pipeline phase", "stepname"),
        "amount": ("est. revenue", "estimatedvalue", "actual revenue", "actualvalue"),
        "currency": ("currency", "transactioncurrencyid"),
        "closed": ("actual close date", "actualclosedate", "est. close date", "estimatedclosedate"),
        "created": ("created on", "createdon"),
        "owner": ("owner", "ownerid"),
        "contact": ("contact", "parentcontactid"),
    },
    "systemuser": {
        "id": ("(do not modify) user", "systemuserid"),
        "first": ("first name", "firstname"),
        "last": ("last name", "lastname"),
        "full": ("full name", "fullname"),
        "email": ("primary email", "internalemailaddress"),
        "title": ("title",),
        "team": ("business unit", "businessunitid"),
    },
    "product": {
        "id": ("(do not modify) product", "product id", "productnumber", "productid"),
        "name": ("name",),
        "family": ("subject", "parent", "product family"),
    },
    "connection": {
        "from": ("connected from", "record1id", "opportunity"),
        "to": ("connected to", "record2id", "name", "stakeholder"),
        "role": ("role (to)", "as this role", "record2roleid", "role", "connection role"),
    },
    "activity": {
        "id": (
            "(do not modify) appointment",
            "(do not modify) email",
            "(do not modify) phone call",
            "activityid",
        ),
        "subject": ("subject",),
        "regarding": ("regarding", "regardingobjectid"),
        "attendees": ("required attendees", "requiredattendees", "optional attendees", "optionalattendees"),
        "from": ("from", "call from", "sender"),
        "to": ("to", "call to", "torecipients"),
        "cc": ("cc",),
        "direction": ("direction", "directioncode"),
        "at": (
            "start time",
            "scheduledstart",
            "actual start",
            "actualstart",
            "date sent",
            "senton",
            "due date",
            "scheduledend",
            "actual end",
            "actualend",
            "created on",
            "createdon",
            "modified on",
            "modifiedon",
        ),
        "duration": ("duration", "scheduleddurationminutes", "actualdurationminutes"),
        "owner": ("owner", "ownerid"),
    },
}
#: File stem (lower case, singular or plural, entity set) -> object.
_OBJECT_NAMES = {
    "account": "account",
    "accounts": "account",
    "contact": "contact",
    "contacts": "contact",
    "opportunity": "opportunity",
    "opportunities": "opportunity",
    "user": "systemuser",
    "users": "systemuser",
    "systemuser": "systemuser",
    "systemusers": "systemuser",
    "product": "product",
    "products": "product",
    "connection": "connection",
    "connections": "connection",
    "stakeholders": "connection",
    "appointment": "appointment",
    "appointments": "appointment",
    "email": "email",
    "emails": "email",
    "phonecall": "phonecall",
    "phonecalls": "phonecall",
    "phone call": "phonecall",
    "phone calls": "phonecall",
    "campaign": "campaign",
    "campaigns": "campaign",
    "goal": "goal",
    "goals": "goal",
    "territory": "territory",
    "territories": "territory",
}
#: Objects recognised so that their files are skipped with a reason, not as unknown files.
_NOT_READ = {
    "campaign": "campaigns are marketing plans, not people or deals of an account",
    "goal": "sales goals are targets of our own team, not part of an account",
    "territory": "sales territories organise our own team, not an account",
}
#: Columns only Dynamics writes, per object: one of them must be in the header.
_SIGNATURE = {
    "account": ("account name", "accountid", "(do not modify) account", "primary contact", "address 1: city"),
    "contact": (
        "contactid",
        "(do not modify) contact",
        "emailaddress1",
        "parentcustomerid",
        "address 1: city",
    ),
    "opportunity": ("topic", "potential customer", "opportunityid", "est. revenue", "estimatedvalue"),
    "systemuser": ("primary email", "internalemailaddress", "systemuserid", "(do not modify) user"),
    "product": ("product id", "productnumber", "(do not modify) product", "default unit", "defaultuomid"),
    "connection": ("connected from", "record1id", "role (to)", "record2roleid", "as this role"),
    "appointment": (
        "required attendees",
        "requiredattendees",
        "scheduledstart",
        "(do not modify) appointment",
        "activityid",
    ),
    "email": ("regarding", "directioncode", "(do not modify) email", "date sent", "activityid", "senton"),
    "phonecall": (
        "call from",
        "call to",
        "regarding",
        "(do not modify) phone call",
        "activityid",
        "regardingobjectid",
    ),
    "campaign": ("campaign type", "campaignid", "(do not modify) campaign"),
    "goal": ("goal owner", "goal metric", "goalid", "(do not modify) goal"),
    "territory": ("territory name", "territoryid", "(do not modify) territory"),
}
_ORDER = (
    "account",
    "systemuser",
    "product",
    "contact",
    "opportunity",
    "connection",
    "appointment",
    "email",
    "phonecall",
)
_TOUCH_KIND = {"appointment": "meeting", "email": "email", "phonecall": "call"}
_SPLIT = re.compile(r"[;,]")


def dynamics_object(path: Path, header: list[str]) -> str | None:
    """account, contact, opportunity, ... when the file is named after one and its header is Dynamics'."""
    stem = path.name.split(".", 1)[0].strip().lower().replace("_", " ")
    obj = _OBJECT_NAMES.get(stem) or _OBJECT_NAMES.get(stem.replace(" ", ""))
    cols = {h.strip().lower() for h in header if h}
    return obj if obj and cols & set(_SIGNATURE[obj]) else None


def _key(text: str) -> str:
    return re.sub(r"[^\w@.-]+", "-", text.strip().lower()).strip("-")


def _name(first_name: Any, last_name: Any, full: Any) -> str | None:
    if full and str(full).strip():
        return str(full).strip()
    return " ".join(str(p).strip() for p in (first_name, last_name) if p and str(p).strip()) or None


class _Context:
    """Records of this ingest by the names Dynamics refers to them with."""

    def __init__(self) -> None:
        self.accounts: dict[str, str] = {}  # normalised name -> id
        self.users: dict[str, str] = {}  # name or e-mail (lower) -> id
        self.reps: dict[str, Rep] = {}  # owners met only as a name
        self.contacts: dict[str, list[str]] = {}  # full name or e-mail (lower) -> ids
        self.contact_company: dict[str, str | None] = {}
        self.opportunities: dict[str, str] = {}  # topic (lower) -> id

    def account(self, name: Any) -> str | None:
        text = str(name or "").strip()
        if not text:
            return None
        return self.accounts.get(normalise_company_name(text) or text.lower())

    def rep(self, name: Any) -> str | None:
        text = str(name or "").strip()
        if not text:
            return None
        found = self.users.get(text.lower())
        if found:
            return found
        rep_id = "d365-user-" + _key(text)
        self.reps.setdefault(rep_id, Rep(id=rep_id, name=text, email=text if "@" in text else None))
        return rep_id

    def people(self, value: Any, company_id: str | None = None) -> list[str]:
        """Contacts named in a cell (names or e-mails, `;`-separated); a name shared by several
        contacts counts only where the company settles it."""
        found: list[str] = []
        for part in _SPLIT.split(str(value or "")):
            ids = self.contacts.get(part.strip().lower(), [])
            if len(ids) > 1 and company_id:
                ids = [i for i in ids if self.contact_company.get(i) == company_id]
            if len(ids) == 1:
                found.append(ids[0])
        return list(dict.fromkeys(found))


def read_dynamics(
    files: Mapping[str, list[Path]], notes: Mapping[Path, FileNote]
) -> Iterator[SourceRecord | Reject]:
    """Records of Dynamics 365 exports; `files` maps object (account, contact, ...) -> paths."""
    ctx = _Context()
    later: list[SourceRecord] = []
    for obj, reason in _NOT_READ.items():
        for path in files.get(obj, []):
            notes[path].error = f"not read: Dynamics 365 {reason}"
            yield Reject(file=notes[path].file, reason=notes[path].error, action="file_skipped")
    for obj in _ORDER:
        for path in files.get(obj, []):
            for item in _read_file(obj, path, notes[path], ctx):
                if isinstance(item, SourceRecord) and item.kind in ("deals", "touches", "committee"):
                    later.append(item)  # after the reps that owners become
                else:
                    yield item
    yield from (SourceRecord("reps", rep, "(owners)", 0) for rep in ctx.reps.values())
    yield from later


_LABELS = {
    "account": {"id": "(Do Not Modify) Account", "name": "Account Name", "employees": "Number of Employees"},
    "contact": {"id": "(Do Not Modify) Contact", "name": "First Name/Last Name", "email": "Email"},
    "opportunity": {"company_id": "Potential Customer", "amount": "Est. revenue", "name": "Topic"},
    "systemuser": {"name": "First Name/Last Name", "email": "Primary Email"},
    "product": {"id": "Product ID", "name": "Name"},
    "connection": {"deal_id": "Connected From", "person_id": "Connected To", "role": "Role (To)"},
    "activity": {"at": "Start Time / Date Sent", "person_ids": "Required Attendees / From / To"},
}


def _read_file(obj: str, path: Path, note: FileNote, ctx: _Context) -> Iterator[SourceRecord | Reject]:
    table_obj = "activity" if obj in _TOUCH_KIND else obj
    cols = DYNAMICS_COLUMNS[table_obj]
    labels = _LABELS[table_obj]
    table = open_table(path)
    note.encoding, note.delimiter = table.encoding, table.delimiter
    note.ignored_columns = ignored_columns(table.header, [c for names in cols.values() for c in names])
    name = note.file
    for row_number, raw in table.rows:
        note.rows += 1
        r = {k.strip().lower(): v for k, v in raw.items()}
        model: type[Record]
        try:
            if obj == "account":
                kind, model, data = "companies", Company, _account(r, cols, ctx)
            elif obj == "systemuser":
                kind, model, data = "reps", Rep, _user(r, cols, ctx)
            elif obj == "product":
                kind, model, data = "products", Product, _product(r, cols)
            elif obj == "contact":
                kind, model, data = "people", Person, _contact(r, cols, ctx)
            elif obj == "opportunity":
                kind, model, data = "deals", Deal, _opportunity(r, cols, ctx)
            elif obj == "connection":
                kind, model, data = "committee", CommitteeRole, _connection(r, cols, ctx)
            else:
                kind, model, data = "touches", Touch, _activity(obj, r, cols, ctx)
        except RowError as error:
            yield row_reject(error, file=name, row=row_number, kind=_KIND[obj])
            continue
        result = validate(model, data, file=name, row=row_number, kind=kind, columns=labels)
        if isinstance(result, list):
            yield from result
            continue
        if obj == "contact":
            assert isinstance(result, Person)
            for key in (result.name, result.email):
                if key:
                    ctx.contacts.setdefault(key.strip().lower(), []).append(result.id)
            ctx.contact_company[result.id] = result.company_id
        yield SourceRecord(kind, result, name, row_number, labels)
    yield from undecodable_rejects(table, name, _KIND[obj])


_KIND = {
    "account": "companies",
    "systemuser": "reps",
    "product": "products",
    "contact": "people",
    "opportunity": "deals",
    "connection": "committee",
    "appointment": "touches",
    "email": "touches",
    "phonecall": "touches",
}


def _account(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]], ctx: _Context) -> dict[str, Any]:
    name = first(r, *cols["name"])
    guid = first(r, *cols["id"])
    key = normalise_company_name(name) or str(name or "").strip().lower() if name else ""
    company_id = f"d365-account-{_key(guid)}" if guid else (f"d365-account-{_key(name)}" if name else None)
    if key and company_id:
        ctx.accounts.setdefault(key, company_id)
    relationship = str(first(r, *cols["relationship"]) or "").lower()
    status = next((s for w, s in _RELATIONSHIP if w in relationship), None)
    parent = first(r, *cols["parent"])
    return {
        "id": company_id,
        "name": name,
        "domain": domain_from_website(first(r, *cols["website"])),
        "industry": first(r, *cols["industry"]),
        "employees": convert(parse_number, first(r, *cols["employees"]), "Number of Employees"),
        "region": first(r, *cols["region"]),
        "city": first(r, *cols["city"]),
        "status": status,
        "parent_id": ctx.account(parent) if parent else None,
    }


_RELATIONSHIP: tuple[tuple[str, str], ...] = (
    ("former", "former_customer"),
    ("customer", "customer"),
    ("prospect", "prospect"),
    ("partner", "partner"),
    ("reseller", "partner"),
)


def _user(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]], ctx: _Context) -> dict[str, Any]:
    name = _name(first(r, *cols["first"]), first(r, *cols["last"]), first(r, *cols["full"]))
    email = first(r, *cols["email"])
    guid = first(r, *cols["id"])
    rep_id = f"d365-user-{_key(guid)}" if guid else (f"d365-user-{_key(name)}" if name else None)
    if rep_id:
        for key in (name, email):
            if key:
                ctx.users.setdefault(key.strip().lower(), rep_id)
    return {"id": rep_id, "name": name, "email": email, "team": first(r, *cols["team"]), "kind": "sales"}


def _product(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    number = first(r, *cols["id"])
    return {
        "id": f"d365-product-{_key(number)}" if number else None,
        "name": first(r, *cols["name"]),
        "family": first(r, *cols["family"]),
    }


def _contact(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]], ctx: _Context) -> dict[str, Any]:
    name = _name(first(r, *cols["first"]), first(r, *cols["last"]), first(r, *cols["full"]))
    email = first(r, *cols["email"])
    company = first(r, *cols["company"])
    company_id = ctx.account(company)
    guid = first(r, *cols["id"])
    person_id: str | None
    if guid:
        person_id = f"d365-contact-{_key(guid)}"
    elif email:
        person_id = f"d365-contact-{_key(email)}"
    else:
        person_id = "d365-contact-" + _key(f"{name}@{company or ''}") if name else None
    return {
        "id": person_id,
        "name": name or (email.strip() if email else None),
        "email": email,
        "title": first(r, *cols["title"]),
        "department": first(r, *cols["department"]),
        "company_id": company_id,
        "location": first(r, *cols["location"]),
    }


def _opportunity(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]], ctx: _Context) -> dict[str, Any]:
    topic = first(r, *cols["name"])
    customer = first(r, *cols["company"])
    company_id = ctx.account(customer)
    if not customer:
        raise RowError("Potential Customer", None, "the opportunity names no account")
    if company_id is None:
        raise RowError("Potential Customer", customer, "no account of this export has that name")
    status_text = str(first(r, *cols["status"]) or "").strip().lower()
    status = {"won": "won", "1": "won", "lost": "lost", "2": "lost"}.get(status_text, "open")
    created = convert(parse_datetime, first(r, *cols["created"]), "Created On")
    closed = convert(parse_datetime, first(r, *cols["closed"]), "Actual Close Date")
    guid = first(r, *cols["id"])
    if guid:
        deal_id = f"d365-opportunity-{_key(guid)}"
    else:  # no id in the file: the same topic, customer and creation time is the same opportunity
        digest = hashlib.sha1(f"{topic}|{customer}|{first(r, *cols['created'])}".encode()).hexdigest()[:16]
        deal_id = f"d365-opportunity-{digest}"
    if topic:
        ctx.opportunities.setdefault(str(topic).strip().lower(), deal_id)
    currency = str(first(r, *cols["currency"]) or "").strip()
    return {
        "id": deal_id,
        "company_id": company_id,
        "name": topic,
        "stage": first(r, *cols["stage"]),
        "status": status,
        "amount": convert(parse_number, first(r, *cols["amount"]), "Est. revenue"),
        "currency": _CURRENCIES.get(currency.lower(), currency if len(currency) == 3 else None),
        "created_at": created.date() if created else None,
        "closed_at": closed.date() if closed and status != "open" else None,
        "expected_close": closed.date() if closed and status == "open" else None,
        "owner_rep_id": ctx.rep(first(r, *cols["owner"])),
    }


_CURRENCIES = {"us dollar": "USD", "euro": "EUR", "pound sterling": "GBP", "yuan renminbi": "CNY"}


def _connection(r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]], ctx: _Context) -> dict[str, Any]:
    opportunity = first(r, *cols["from"])
    deal_id = ctx.opportunities.get(str(opportunity or "").strip().lower())
    if deal_id is None:
        raise RowError("Connected From", opportunity, "no opportunity of this export has that topic")
    people = ctx.people(first(r, *cols["to"]))
    if not people:
        raise RowError("Connected To", first(r, *cols["to"]), "names no single contact of this export")
    role_value = first(r, *cols["role"])
    role = map_buying_role(role_value)
    if role is None:
        raise RowError("Role (To)", role_value, "not a buying role buyergraph knows")
    return {"deal_id": deal_id, "person_id": people[0], "role": role, "source": "crm"}


def _activity(
    obj: str, r: Mapping[str, str], cols: Mapping[str, tuple[str, ...]], ctx: _Context
) -> dict[str, Any]:
    direction_text = str(first(r, *cols["direction"]) or "").strip().lower()
    inbound = direction_text in ("incoming", "inbound", "0", "false")
    regarding = str(first(r, *cols["regarding"]) or "").strip()
    company_id = ctx.account(regarding)
    if obj == "appointment":
        people = ctx.people(first(r, *cols["attendees"]), company_id)
    elif inbound:
        people = ctx.people(first(r, *cols["from"]), company_id)
    else:
        people = ctx.people(f"{first(r, *cols['to']) or ''};{first(r, *cols['cc']) or ''}", company_id)
    if not people:
        raise RowError(
            "Required Attendees" if obj == "appointment" else ("From" if inbound else "To"),
            None,
            "names no contact of this export (only our own people or unknown addresses)",
        )
    at_value = first(r, *cols["at"])
    minutes = convert(parse_number, first(r, *cols["duration"]), "Duration")
    subject = first(r, *cols["subject"])
    guid = first(r, *cols["id"])
    if guid:
        touch_id = f"d365-{obj}-{_key(guid)}"
    else:
        digest = hashlib.sha1(f"{obj}|{subject}|{at_value}|{';'.join(people)}".encode()).hexdigest()[:16]
        touch_id = f"d365-{obj}-{digest}"
    return {
        "id": touch_id,
        "at": convert(parse_datetime, at_value, "Start Time"),
        "kind": _TOUCH_KIND[obj],
        "person_ids": people,
        "rep_id": ctx.rep(first(r, *cols["owner"])),
        "deal_id": ctx.opportunities.get(regarding.lower()),
        "direction": "inbound" if inbound else "outbound",
        "duration_s": int(minutes * 60) if minutes is not None else None,
        "source": "crm",
        "subject": subject,
    }
