"""Writers of the synthetic world: the native bundle and a Salesforce Data Export.

Both keep one text buffer per file and write one account at a time with `writerows`, so memory is
bounded by the largest account and the per-row cost is one list build. Like every CSV buyergraph writes,
cells pass through `spreadsheet_csv`; a generated world holds no formula-like text (its numbers and
phone numbers are left as they are), so it reads back exactly as generated. Each returns, per account, the
data-row numbers of the broken rows it wrote, so that the truth can point at them exactly.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ingest.readers.salesforce import SALESFORCE_OBJECTS
from ingest.spreadsheet import spreadsheet_csv
from ingest.synthetic import names as N
from ingest.synthetic.world import Account, WorldBuilder, sf_id, written_amount

NATIVE_HEADERS: dict[str, tuple[str, ...]] = {
    "companies": ("id", "name", "domain", "industry", "employees", "region", "status", "parent_id"),
    "people": (
        "id",
        "name",
        "email",
        "company_id",
        "title",
        "department",
        "seniority",
        "function",
        "reports_to_id",
        "location",
        "lead_status",
        "converted_on",
    ),
    "reps": ("id", "name", "email", "team", "kind"),
    "products": ("id", "name", "family"),
    "deals": (
        "id",
        "company_id",
        "name",
        "stage",
        "status",
        "amount",
        "currency",
        "created_at",
        "closed_at",
        "expected_close",
        "owner_rep_id",
        "stage_history",
    ),
    "deal_products": ("deal_id", "product_id", "quantity", "amount"),
    "holdings": ("company_id", "product_id", "since", "seats", "status"),
    "committee": ("deal_id", "person_id", "role", "source", "confidence", "asserted_at"),
    "touches": (
        "id",
        "at",
        "kind",
        "person_ids",
        "rep_id",
        "deal_id",
        "direction",
        "duration_s",
        "source",
        "subject",
    ),
    "knows": ("person_id", "other_id", "strength", "source"),
    "reporting": ("person_id", "manager_id", "since", "until", "kind", "source"),
    "employment": ("person_id", "company_id", "title", "since", "until"),
}

#: The Salesforce objects and API fields written: exactly the table the Salesforce reader reads.
SALESFORCE_HEADERS: dict[str, tuple[str, ...]] = SALESFORCE_OBJECTS

#: Our buying roles as Salesforce contact-role values. Champion, Procurement and Legal are not in the
#: standard picklist; real orgs add them as custom values, and so does this export.
SF_ROLE = {
    "decision_maker": "Decision Maker",
    "economic_buyer": "Economic Buyer",
    "champion": "Champion",
    "influencer": "Influencer",
    "technical_evaluator": "Technical Buyer",
    "end_user": "Business User",
    "procurement": "Procurement",
    "legal_compliance": "Legal",
    "executive_sponsor": "Executive Sponsor",
    "blocker": "Other",
    "gatekeeper": "Other",
    "other": "Other",
}
SF_ACCOUNT_TYPE = {
    "customer": "Customer - Direct",
    "prospect": "Prospect",
    "former_customer": "Former Customer",
    "partner": "Technology Partner",
}
SF_ASSET_STATUS = {"active": "Installed", "trial": "Registered", "churned": "Obsolete"}
TOUCH_SOURCE = {
    "meeting": "calendar",
    "demo": "calendar",
    "visit": "calendar",
    "call": "crm",
    "email": "email_sync",
    "web_visit": "web",
    "content_download": "marketing",
    "webinar": "marketing",
    "product_usage": "product",
}
INBOUND = frozenset({"webinar", "content_download", "web_visit", "product_usage"})


class Sink:
    """One in-memory buffer of CSV text per file; counts data rows per file.

    Accounts are rendered into a sink (in a worker process or not) and the text is appended to the real
    files in account order, so the output does not depend on how many processes rendered it.
    """

    def __init__(self, headers: dict[str, tuple[str, ...]]) -> None:
        self.buffers = {stem: io.StringIO() for stem in headers}
        self.rows: dict[str, int] = dict.fromkeys(headers, 0)

    def write(self, stem: str, rows: list[Any]) -> None:
        if rows:
            self.buffers[stem].write(spreadsheet_csv(rows, lineterminator="\n"))
            self.rows[stem] += len(rows)

    def texts(self) -> dict[str, str]:
        return {stem: buf.getvalue() for stem, buf in self.buffers.items()}


def header_text(header: tuple[str, ...]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(header)
    return buf.getvalue()


class _Dates:
    """ISO strings of day offsets, cached: a few thousand distinct days serve millions of rows."""

    def __init__(self, builder: WorldBuilder) -> None:
        self.builder = builder
        self.cache: dict[int, str] = {}

    def __call__(self, off: int) -> str:
        s = self.cache.get(off)
        if s is None:
            s = self.cache[off] = self.builder.day(off).isoformat()
        return s


class NativeWriter:
    """The native bundle (design.md §1): twelve CSV files with the model's field names."""

    files_of = NATIVE_HEADERS

    def __init__(self, builder: WorldBuilder) -> None:
        self.b = builder
        self.day = _Dates(builder)

    def preamble(self, f: Sink) -> None:
        """Rows that belong to no account: our reps and the product catalogue."""
        b = self.b
        f.write("reps", [(r.id, r.name, r.email, N.REP_TITLES[r.kind][0], r.kind) for r in b.reps])
        f.write("products", [(p.id, p.name, p.family) for p in b.products])

    def write(self, acc: Account, f: Sink) -> list[dict[str, Any]]:
        """Render one account; broken rows are numbered within this sink (the caller offsets them)."""
        b, day = self.b, self.day
        prof = acc.profile
        cid = acc.company_id
        zh = prof.lang == "zh"
        f.write(
            "companies",
            [
                (
                    cid,
                    prof.name,
                    prof.domain,
                    prof.industry,
                    prof.employees,
                    prof.country,
                    acc.status,
                    acc.parent_id or "",
                )
            ]
            + [
                (d_id, name, dom or "", prof.industry, prof.employees, prof.country, acc.status, "")
                for d_id, name, dom in acc.company_dups
            ],
        )
        people = acc.people
        prow = []
        emp = []
        for p in people:
            dept = N.DEPARTMENTS[p.function][1 if zh else 0]
            if p.leave is not None:
                prow.append(
                    (
                        p.id,
                        p.name,
                        p.new_email or "",
                        p.new_company or "",
                        p.new_title,
                        "",
                        p.seniority,
                        p.function,
                        "",
                        "",
                        "",
                        "",
                    )
                )
                emp.append((p.id, cid, p.title, day(p.since), day(p.leave)))
                if p.new_company:
                    emp.append((p.id, p.new_company, p.new_title, day(p.new_since), ""))
                continue
            title, sen, fun = (p.title, p.seniority, p.function) if p.show_title else ("", "", "")
            prow.append(
                (
                    p.id,
                    p.name,
                    p.email,
                    cid,
                    title,
                    dept,
                    sen,
                    fun,
                    people[p.mgr].id if p.mgr >= 0 else "",
                    p.location,
                    p.lead_status,
                    day(p.converted_off) if p.converted_off is not None else "",
                )
            )
            if p.prior is not None:
                emp.append((p.id, p.prior[0], p.prior[1], day(p.prior[2]), day(p.prior[3])))
            emp.append((p.id, cid, title, day(p.since), ""))
        for dup, _, _ in acc.duplicates:
            title, sen, fun = (dup.title, dup.seniority, dup.function) if dup.show_title else ("", "", "")
            prow.append(
                (
                    dup.id,
                    dup.name,
                    dup.email,
                    cid,
                    title,
                    N.DEPARTMENTS[dup.function][1 if zh else 0],
                    sen,
                    fun,
                    "",
                    dup.location,
                    "",
                    "",
                )
            )
        broken: list[dict[str, Any]] = []
        for kind, bid, problem in acc.broken:
            if kind == "people":
                prow.append((bid, "", "", cid, "", "", "", "", "", "", "", ""))
                broken.append(
                    {"file": "people.csv", "row": f.rows["people"] + len(prow), "id": bid, "problem": problem}
                )
        f.write("people", prow)
        f.write("employment", emp)

        deals = []
        dprods = []
        for d in acc.deals:
            deals.append(
                (
                    d.id,
                    cid,
                    d.name,
                    d.stage,
                    d.status,
                    written_amount(d.amount, d.currency),
                    d.currency,
                    day(d.created_off),
                    day(d.closed_off) if d.status != "open" else "",
                    day(d.expected_close) if d.status == "open" else "",
                    d.owner,
                    "; ".join(f"{day(off)} {stage}" for off, stage in d.stages),
                )
            )
            share = round(written_amount(d.amount, d.currency) / len(d.products), 2)
            for pr in d.products:
                dprods.append((d.id, b.products[pr].id, max(1, d.amount // (len(d.products) * 1000)), share))
        for kind, bid, problem in acc.broken:
            if kind == "deals":
                deals.append(
                    (
                        bid,
                        cid,
                        f"{prof.brand} - renewal",
                        "Closed Lost",
                        "lost",
                        -5000,
                        "USD",
                        day(400),
                        day(380),
                        "",
                        acc.deals[0].owner if acc.deals else "",
                        "",
                    )
                )
                broken.append(
                    {"file": "deals.csv", "row": f.rows["deals"] + len(deals), "id": bid, "problem": problem}
                )
        f.write("deals", deals)
        f.write("deal_products", dprods)
        f.write(
            "holdings",
            [(cid, b.products[pr].id, day(since), seats, st) for pr, since, seats, st in acc.holdings],
        )
        dj = {d.j: d.id for d in acc.deals}
        f.write(
            "committee",
            [
                (dj[j], people[i].id, role, src, conf, f"{day(off)}T09:00:00")
                for j, i, role, src, conf, off in acc.committee
            ],
        )
        a = acc.index
        trows = []
        for k, (off, tm, kind, who, rep, deal, dur, subj) in enumerate(acc.touches):
            trows.append(
                (
                    f"T{a:07d}-{k:06d}",
                    day(off) + tm,
                    kind,
                    people[who[0]].id if len(who) == 1 else ";".join(people[i].id for i in who),
                    rep or "",
                    dj[deal] if deal >= 0 else "",
                    "inbound" if kind in INBOUND else "outbound",
                    dur,
                    TOUCH_SOURCE[kind],
                    subj,
                )
            )
        for kind, _, problem in acc.broken:
            if kind == "touches":
                tid = f"T{a:07d}-{len(acc.touches):06d}"
                trows.append((tid, "2025-13-45T25:61:00", "call", "", "", "", "outbound", 60, "crm", "Call"))
                broken.append(
                    {
                        "file": "touches.csv",
                        "row": f.rows["touches"] + len(trows),
                        "id": tid,
                        "problem": problem,
                    }
                )
        f.write("touches", trows)
        f.write("knows", [(people[x].id, people[y].id, s, src) for x, y, s, src in acc.knows])
        f.write(
            "reporting",
            [
                (people[p].id, people[m].id, day(since), day(until) if until is not None else "", kind, src)
                for p, m, since, until, kind, src in acc.reporting
            ],
        )
        return broken


class SalesforceWriter:
    """A Salesforce Data Export: one CSV per object with API field names and 18-character ids.

    What Salesforce cannot express is absent: KNOWS ties, dated reporting and employment history,
    inbound behaviour (web visits, downloads, webinars, product usage), and the source of a contact
    role (only CRM-asserted roles are exported).
    """

    files_of = SALESFORCE_HEADERS

    def __init__(self, builder: WorldBuilder) -> None:
        self.b = builder
        self.day = _Dates(builder)

    def preamble(self, f: Sink) -> None:
        """Rows that belong to no account: our reps (User) and the product catalogue (Product2)."""
        b = self.b
        f.write("User", [(r.id, r.name, r.email, *N.REP_TITLES[r.kind]) for r in b.reps])
        f.write("Product2", [(p.id, p.name, p.family) for p in b.products])

    def write(self, acc: Account, f: Sink) -> list[dict[str, Any]]:
        """Render one account; broken rows are numbered within this sink (the caller offsets them)."""
        b, day = self.b, self.day
        prof = acc.profile
        cid = acc.company_id
        a = acc.index
        zh = prof.lang == "zh"
        f.write(
            "Account",
            [
                (
                    cid,
                    prof.name,
                    f"www.{prof.domain}",
                    prof.industry,
                    prof.employees,
                    acc.parent_id or "",
                    SF_ACCOUNT_TYPE[acc.status],
                    prof.country,
                )
            ]
            + [
                (
                    d_id,
                    name,
                    f"www.{dom}" if dom else "",
                    prof.industry,
                    prof.employees,
                    "",
                    SF_ACCOUNT_TYPE[acc.status],
                    prof.country,
                )
                for d_id, name, dom in acc.company_dups
            ],
        )
        people = acc.people
        crow = []
        for p in people:
            dept = N.DEPARTMENTS[p.function][1 if zh else 0]
            crow.append(
                (
                    p.id,
                    cid,
                    p.first,
                    p.last,
                    p.email,
                    p.title if p.show_title else "",
                    dept,
                    people[p.mgr].id if p.mgr >= 0 else "",
                )
            )
            if p.leave is not None and p.new_company:
                crow.append(
                    (
                        b.ids.person(a, p.new_local),
                        p.new_company,
                        p.first,
                        p.last,
                        p.new_email,
                        p.new_title,
                        "",
                        "",
                    )
                )
        for dup, _, _ in acc.duplicates:
            crow.append(
                (
                    dup.id,
                    cid,
                    dup.first,
                    dup.last,
                    dup.email,
                    dup.title if dup.show_title else "",
                    N.DEPARTMENTS[dup.function][1 if zh else 0],
                    "",
                )
            )
        broken: list[dict[str, Any]] = []
        for kind, bid, problem in acc.broken:
            if kind == "people":
                crow.append((bid, cid, "", "", "", "", "", ""))
                broken.append(
                    {
                        "file": "Contact.csv",
                        "row": f.rows["Contact"] + len(crow),
                        "id": bid,
                        "problem": problem,
                    }
                )
        f.write("Contact", crow)

        opps = []
        items = []
        history: list[tuple[str, str, str, str]] = []
        for d in acc.deals:
            closed = d.status != "open"
            opps.append(
                (
                    d.id,
                    cid,
                    d.owner,
                    d.name,
                    d.stage,
                    written_amount(d.amount, d.currency),
                    d.currency,
                    day(d.closed_off if closed else d.expected_close),
                    "true" if closed else "false",
                    "true" if d.status == "won" else "false",
                    f"{day(d.created_off)}T09:00:00.000Z",
                    f"{day(d.stages[-1][0])}T09:00:00.000Z" if d.stages else "",
                )
            )
            history += [(d.id, f"{day(off)}T09:00:00.000Z", stage, "false") for off, stage in d.stages]
            share = round(written_amount(d.amount, d.currency) / len(d.products), 2)
            for pr in d.products:
                items.append((d.id, b.products[pr].id, max(1, d.amount // (len(d.products) * 1000)), share))
        for kind, bid, problem in acc.broken:
            if kind == "deals":
                opps.append(
                    (
                        bid,
                        cid,
                        acc.deals[0].owner if acc.deals else "",
                        f"{prof.brand} - renewal",
                        "Closed Lost",
                        -5000,
                        "USD",
                        day(380),
                        "true",
                        "false",
                        f"{day(400)}T09:00:00.000Z",
                        "",
                    )
                )
                broken.append(
                    {
                        "file": "Opportunity.csv",
                        "row": f.rows["Opportunity"] + len(opps),
                        "id": bid,
                        "problem": problem,
                    }
                )
        f.write("Opportunity", opps)
        f.write("OpportunityHistory", history)
        f.write("OpportunityLineItem", items)
        dj = {d.j: d.id for d in acc.deals}
        ocr = []
        primary_done: set[int] = set()
        for k, (j, i, role, src, _, _) in enumerate(acc.committee):
            if src != "crm":
                continue
            primary = role in ("decision_maker", "champion") and j not in primary_done
            if primary:
                primary_done.add(j)
            ocr.append(
                (sf_id("00K", a, k), dj[j], people[i].id, SF_ROLE[role], "true" if primary else "false")
            )
        f.write("OpportunityContactRole", ocr)
        f.write(
            "Asset",
            [
                (cid, b.products[pr].id, day(since), seats, SF_ASSET_STATUS[st])
                for pr, since, seats, st in acc.holdings
            ],
        )
        tasks: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        trel: list[tuple[str, str, str]] = []
        erel: list[tuple[str, str, str]] = []
        for k, (off, tm, kind, who, rep, deal, dur, subj) in enumerate(acc.touches):
            if rep is None:
                continue
            what = dj[deal] if deal >= 0 else cid
            if kind in ("call", "email"):
                tid = sf_id("00T", a, k)
                sub = "Call" if kind == "call" else "Email"
                tasks.append((tid, people[who[0]].id, what, rep, day(off), subj, sub, sub))
                if len(who) > 1:
                    trel.extend((tid, people[i].id, "false") for i in who)
            else:
                eid = sf_id("00U", a, k)
                events.append(
                    (
                        eid,
                        people[who[0]].id,
                        what,
                        rep,
                        f"{day(off)}{tm}.000Z",
                        dur // 60,
                        subj,
                        kind.capitalize(),
                    )
                )
                if len(who) > 1:
                    erel.extend((eid, people[i].id, "false") for i in who)
        for kind, _, problem in acc.broken:
            if kind == "touches":
                tid = sf_id("00T", a, len(acc.touches))
                tasks.append(
                    (
                        tid,
                        "",
                        cid,
                        acc.deals[0].owner if acc.deals else b.reps[0].id,
                        "2025-13-45",
                        "Call",
                        "Call",
                        "Call",
                    )
                )
                broken.append(
                    {"file": "Task.csv", "row": f.rows["Task"] + len(tasks), "id": tid, "problem": problem}
                )
        f.write("Task", tasks)
        f.write("Event", events)
        f.write("TaskRelation", trel)
        f.write("EventRelation", erel)
        return broken
