"""Leads are people: where each belongs, decided once the accounts of an ingest are resolved.

A CRM lead (Salesforce Lead, a warehouse's `sf_lead_data`) is a person who is not yet a contact of
an account; the CRM only knows the company name they typed. Readers yield each lead as a `Person`
(with its LeadSource and Status) plus a `LeadLink` that says which company or contact it belongs to.
`resolve_leads` then, after companies are merged and before people are:

1. A **converted** lead is the same person as its converted contact: the lead id becomes an alias of
   the contact (touches on the lead land on the contact), and the contact keeps the lead's source
   and status (a converted status counts as a conversion, graph/analyses/lead_weights.py).
   Without that contact in the ingest, the lead stays a person of its converted account (or, when
   the export does not hold that account either, is placed like an unconverted lead).
2. An **unconverted** lead is rolled up into the account of its company: the account whose id the
   Company field holds, else the one account with the same normalised name (English or Chinese, in
   this ingest or in the store; a Chinese short name such as 中科能源 also matches the one account
   whose registered name holds it), else the one account of the lead's e-mail domain (never a
   free-mail domain), else a **prospect** account created for the company name (one per normalised
   name). A lead with neither is left to the e-mail domain rule of identity resolution.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import ClassVar

from pydantic import Field

from graph.model import Company, CompanyStatus, NonEmptyId, Person, Record
from ingest.normalise import email_domain, is_free_mail, normalise_company_name
from ingest.rejects import SourceRecord
from ingest.resolve import Merge, Resolution, StoredIdentities

__all__ = ["LEAD_LINKS", "LeadLink", "lead_name_keys", "prospect_id", "resolve_leads"]

#: The record kind of lead links: read and resolved, never stored.
LEAD_LINKS = "lead_links"
_CJK = re.compile(r"[\u3400-\u9fff]")
#: Id prefix of an account created for a lead's company that no account matches.
PROSPECT_PREFIX = "lead-company:"


class LeadLink(Record):
    """Where a lead belongs: its company as typed, and its converted contact. Not stored."""

    KIND: ClassVar[str] = "LeadLink"
    id: NonEmptyId
    company: str | None = Field(default=None)
    country: str | None = None
    industry: str | None = None
    converted_contact_id: str | None = None


def prospect_id(name_key: str) -> str:
    """The id of the prospect account for a lead company's normalised name (the same in every run)."""
    return PROSPECT_PREFIX + name_key


def lead_name_keys(items: Iterable[SourceRecord]) -> set[str]:
    """Normalised company names of the leads of an ingest, to look up in the store."""
    keys = set()
    for item in items:
        if isinstance(item.record, LeadLink) and item.record.company:
            key = normalise_company_name(item.record.company)
            if key:
                keys.add(key)
    return keys


def _accounts(
    items: list[SourceRecord], resolution: Resolution
) -> tuple[set[str], dict[str, set[str]], dict[str, set[str]], dict[str, str | None]]:
    """Surviving account ids of the ingest, by normalised name and by domain, with their regions."""
    mapping = resolution.ids["companies"]
    ids: set[str] = set()
    by_key: dict[str, set[str]] = defaultdict(set)
    by_domain: dict[str, set[str]] = defaultdict(set)
    regions: dict[str, str | None] = {}
    for item in items:
        company = item.record
        if item.kind != "companies" or not isinstance(company, Company):
            continue
        survivor = mapping.get(company.id, company.id)
        ids.add(survivor)
        regions.setdefault(survivor, company.region)
        if company.name_key:
            by_key[company.name_key].add(survivor)
        if company.domain:
            by_domain[company.domain].add(survivor)
    return ids, by_key, by_domain, regions


def _one(candidates: set[str], regions: dict[str, str | None], country: str | None) -> str | None:
    """The single candidate, or the single one in the lead's country; None when ambiguous."""
    if len(candidates) == 1:
        return next(iter(candidates))
    if country:
        same = {c for c in candidates if (regions.get(c) or "").strip().lower() == country.strip().lower()}
        if len(same) == 1:
            return next(iter(same))
    return None


def resolve_leads(items: list[SourceRecord], stored: StoredIdentities, resolution: Resolution) -> None:
    """Give each lead of `items` its account or contact (see the module doc); edits `items` in place
    like the other resolution steps and records every decision in `resolution.merges`."""
    links = {item.record.id: item.record for item in items if isinstance(item.record, LeadLink)}
    if not links:
        return
    ids, by_key, by_domain, regions = _accounts(items, resolution)
    people = {item.record.id: index for index, item in enumerate(items) if isinstance(item.record, Person)}
    # A lead with a contact's e-mail address is left to the people merge of resolve_identities (the
    # contact's account wins), so no prospect account is made for a person who will not be in it.
    contact_keys = {
        item.record.email_key
        for item in items
        if isinstance(item.record, Person) and item.record.email_key and item.record.id not in links
    }
    prospects: dict[str, str] = {}
    sources: dict[str, Person] = {}
    for index, item in enumerate(items):
        lead = item.record
        if item.kind != "people" or not isinstance(lead, Person) or lead.id not in links:
            continue
        link = links[lead.id]
        contact = link.converted_contact_id
        if contact and contact != lead.id and contact in people and contact not in links:
            resolution.ids["people"][lead.id] = contact
            resolution.merges.append(
                Merge("people", lead.id, contact, "converted lead: the same person as its contact")
            )
            sources[contact] = lead
            items[index] = SourceRecord("_dropped", lead, item.file, item.row, item.columns)
            continue
        converted_into = resolution.ids["companies"].get(lead.company_id or "", lead.company_id)
        if (
            converted_into in ids
            or lead.company_id in stored.ids.get("companies", set())
            or lead.company_id in stored.aliases.get("companies", {})
        ):
            continue  # converted into an account (perhaps merged into another), without its contact
        if lead.company_id is not None:  # converted into an account the export does not hold
            lead = lead.model_copy(update={"company_id": None})
            items[index] = SourceRecord("people", lead, item.file, item.row, item.columns)
        if lead.email_key and lead.email_key in contact_keys:
            continue
        company_id, reason = _company_of(lead, link, ids, by_key, by_domain, regions, stored)
        if company_id is None and link.company:
            key = normalise_company_name(link.company)
            if key:
                company_id = prospects.get(key)
                if company_id is None:
                    company_id = prospects[key] = prospect_id(key)
                    company = Company(
                        id=company_id,
                        name=link.company,
                        region=link.country,
                        industry=link.industry,
                        status=CompanyStatus.PROSPECT,
                        name_key=key,
                    )
                    resolution.created.append(SourceRecord("companies", company, item.file, item.row))
                    resolution.merges.append(
                        Merge(
                            "companies",
                            company_id,
                            company_id,
                            "prospect account created for a lead's company no account has",
                            merged=False,
                        )
                    )
                reason = "lead rolled into the prospect account of its company"
        if company_id is None:
            continue  # left to the e-mail domain rule of resolve_identities
        items[index] = SourceRecord(
            "people", lead.model_copy(update={"company_id": company_id}), item.file, item.row, item.columns
        )
        resolution.merges.append(Merge("people", lead.id, company_id, reason, merged=False))
    for contact, lead in sources.items():
        index = people[contact]
        kept = items[index]
        assert isinstance(kept.record, Person)
        missing = {
            field: getattr(lead, field)
            for field in ("lead_source", "lead_status", "converted_on", "email", "title")
            if getattr(kept.record, field) is None and getattr(lead, field) is not None
        }
        if missing:
            items[index] = SourceRecord(
                kept.kind, kept.record.model_copy(update=missing), kept.file, kept.row, kept.columns
            )


def _company_of(
    lead: Person,
    link: LeadLink,
    ids: set[str],
    by_key: dict[str, set[str]],
    by_domain: dict[str, set[str]],
    regions: dict[str, str | None],
    stored: StoredIdentities,
) -> tuple[str | None, str]:
    """The existing account a lead belongs to, and why; (None, "") when none is certain."""
    typed = (link.company or "").strip()
    if typed and (typed in ids or typed in stored.ids.get("companies", set())):
        return typed, "lead rolled into the account its Company field names by id"
    key = normalise_company_name(typed) if typed else ""
    if key:
        found = _one(by_key.get(key, set()), regions, link.country)
        if found is not None:
            return found, "lead rolled into the account of the same company name"
        if not by_key.get(key) and key in stored.companies_by_name_key:
            return stored.companies_by_name_key[key], "lead rolled into the stored account of the same name"
        if _CJK.search(key) and len(key) >= 2:
            # A Chinese short name (中科能源) inside one registered name (深圳中科能源股份有限公司).
            holders = {c for other, found in by_key.items() if key in other for c in found}
            short = _one(holders, regions, link.country)
            if short is not None:
                return short, "lead rolled into the one account whose registered name holds its short name"
    domain = email_domain(lead.email)
    if domain and not is_free_mail(domain):
        found = _one(by_domain.get(domain, set()), regions, link.country)
        if found is not None:
            return found, "lead rolled into the account of their e-mail domain"
        if not by_domain.get(domain) and domain in stored.companies_by_domain:
            return stored.companies_by_domain[
                domain
            ], "lead rolled into the stored account of their e-mail domain"
    return None, ""
