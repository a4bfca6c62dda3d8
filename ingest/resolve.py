"""Identity resolution: one company, one person, however many records and sources name them.

Pure functions over the records of one ingest and what the store already holds (handed in as plain
dicts, looked up by the loader), so that the rules can be tested without a database:

1. **Enrich**: e-mails normalised (`Ann <ANN@Acme.com>` -> `ann@acme.com`) with an identity key
   (Gmail dots and +tags collapsed), company names given a matching key (legal suffixes in English and
   Chinese, case, punctuation and full-width characters removed), domains cleaned, and every title
   classified into seniority and function unless the source gave them.
2. **Companies** merge only on strong evidence: they share a web domain, or a normalised name while
   their domains do not disagree (Acme Inc. and ACME, acme.com). Either way they must not disagree on
   anything that tells two legal entities apart: a geographic qualifier in the name ("United Oil &
   Gas, UK" is not "United Oil & Gas Corp."; 北京分公司; (中国)), the country, or the city when both
   have one. A company is never merged into its own parent or child. A Chinese short name (简称,
   中科能源) becomes the one full registered name of this ingest that contains it (深圳中科能源股份
   有限公司), never one of several (reported instead). A company whose id the store does not hold yet
   but whose domain or name the store knows becomes that stored company, under the same rules.
3. **People** merge when they share an e-mail key and their names are compatible (the same words in
   any order, or one the shorter form of the other), in this ingest or with a stored person: one
   person from two sources (a Salesforce contact and a HubSpot contact) becomes one. People who share
   an address under different names stay apart, and a notice says so once per address.
4. **People without a company** are attached to the company of their e-mail domain; people of a domain
   no company has are rolled into one account created for that domain. Free-mail domains (gmail.com,
   qq.com, 163.com, ...) and placeholder domains (example.com, *.test, localhost, ...) never create or
   match a company.
5. **Aliases**: an id merged away in an earlier ingest (kept by the store as an alias) is the record
   it was merged into, whether it comes back as a record or as a reference.
6. **References** are rewritten to the surviving ids, then checked: a reference to an id that exists
   neither in this ingest nor in the store is a reject (see docs/ingest.md for which ones drop the row
   and which only drop the value).

The first record of a group (in file order) survives; later ones only fill in values it lacks.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import Any

from graph.model import (
    ALIAS_KINDS,
    WRITE_ORDER,
    Alias,
    Company,
    Knows,
    Person,
    Record,
    Reporting,
    Seniority,
    Source,
    Touch,
    domain_account_id,
)
from ingest.normalise import (
    canonical_email_key,
    chinese_short_name_key,
    domain_from_website,
    email_domain,
    geographic_qualifiers,
    is_free_mail,
    is_placeholder_domain,
    normalise_company_name,
    normalise_email,
    normalise_place,
    same_given_name,
)
from ingest.rejects import Reject, SourceRecord
from ingest.titles import TitleClass, classify_title
from ingest.touch_columns import TouchColumns, Touches, spill

__all__ = [
    "Merge",
    "StoredIdentities",
    "aliases_of",
    "companies_agree",
    "person_names_compatible",
    "Resolution",
    "enrich",
    "identity_keys",
    "resolve_identities",
    "referenced_ids",
    "apply_resolution",
    "apply_resolution_columns",
]

#: Node kinds whose ids other records refer to.
NODE_KINDS = ("companies", "people", "reps", "products", "deals", "touches")


@dataclass(frozen=True)
class Merge:
    """One record folded into another (or attached), and why: for the summary and the audit."""

    kind: str
    id: str
    into: str
    reason: str
    #: False for an attachment (a person given a company) or an account created for a domain.
    merged: bool = True


@dataclass
class StoredIdentities:
    """What the store already holds that resolution needs: filled by the loader, empty for a new store."""

    people_by_email_key: dict[str, str] = field(default_factory=dict)
    companies_by_name_key: dict[str, str] = field(default_factory=dict)
    companies_by_domain: dict[str, str] = field(default_factory=dict)
    #: Stored ids per node kind, for the ids this ingest defines or refers to.
    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: The stored records matched above, by id, so that a match is checked as strictly as one within
    #: the ingest (names, places). A match whose record is missing here is checked on what is known.
    companies: dict[str, Company] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    #: Ids of this ingest that an earlier ingest merged away: kind -> {alias id: alias}.
    aliases: dict[str, dict[str, Alias]] = field(default_factory=lambda: defaultdict(dict))


@dataclass
class Resolution:
    """Source id -> surviving id per node kind, the merges made, and records created on the way."""

    ids: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    merges: list[Merge] = field(default_factory=list)
    created: list[SourceRecord] = field(default_factory=list)
    #: Things a user should know about resolution that are not errors (kept-apart look-alikes).
    notices: list[Reject] = field(default_factory=list)

    def reasons(self) -> Counter[str]:
        return Counter(f"{m.kind}: {m.reason}" for m in self.merges)


# --- 1. enrichment ----------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _classify(title: str) -> TitleClass:
    return classify_title(title)


def _enrich_person(person: Person, file: str, row: int, rejects: list[Reject]) -> Person:
    updates: dict[str, Any] = {}
    if person.email is not None:
        clean = normalise_email(person.email)
        if clean is None:
            rejects.append(
                Reject(
                    file=file,
                    row=row,
                    field="email",
                    value=person.email,
                    kind="people",
                    reason="not an e-mail address; the person is loaded without it",
                    action="value_ignored",
                )
            )
            updates["email"] = None
        else:
            updates["email"] = clean
            updates["email_key"] = canonical_email_key(clean)
    if person.seniority is not None or person.function is not None:
        if person.seniority_source is None:
            updates["seniority_source"] = Source.CRM
        if person.title and (person.seniority is None or person.function is None):
            guess = _classify(person.title)
            if person.seniority is None and guess.seniority is not Seniority.UNKNOWN:
                updates["seniority"] = guess.seniority
            if person.function is None:
                updates["function"] = guess.function
            updates["seniority_rule"] = guess.rule
    elif person.title:
        guess = _classify(person.title)
        updates.update(
            seniority=guess.seniority,
            function=guess.function,
            seniority_source=Source.INFERRED,
            seniority_confidence=round(guess.confidence, 3),
            seniority_rule=guess.rule,
        )
    return person.model_copy(update=updates) if updates else person


def _enrich_company(company: Company) -> Company:
    domain = domain_from_website(company.domain) if company.domain else None
    if is_placeholder_domain(domain):
        domain = None  # a placeholder web site is no evidence of who the company is
    return company.model_copy(
        update={"name_key": normalise_company_name(company.name) or None, "domain": domain}
    )


def enrich(items: Iterable[SourceRecord]) -> tuple[list[SourceRecord], list[Reject]]:
    """Normalised e-mails, identity keys, clean domains and classified titles (see module doc, step 1)."""
    rejects: list[Reject] = []
    out: list[SourceRecord] = []
    for item in items:
        if item.kind == "people":
            assert isinstance(item.record, Person)
            item = SourceRecord(
                "people",
                _enrich_person(item.record, item.file, item.row, rejects),
                item.file,
                item.row,
                item.columns,
            )
        elif item.kind == "companies":
            assert isinstance(item.record, Company)
            item = SourceRecord("companies", _enrich_company(item.record), item.file, item.row, item.columns)
        out.append(item)
    return out, rejects


def identity_keys(items: Iterable[SourceRecord]) -> tuple[set[str], set[str], set[str]]:
    """The e-mail keys, company name keys and domains to look up in the store before resolving."""
    email_keys: set[str] = set()
    name_keys: set[str] = set()
    domains: set[str] = set()
    for item in items:
        record = item.record
        if isinstance(record, Person) and record.email_key:
            email_keys.add(record.email_key)
            domain = email_domain(record.email)
            if domain and not is_free_mail(domain) and not is_placeholder_domain(domain):
                domains.add(domain)
        elif isinstance(record, Company):
            if record.name_key:
                name_keys.add(record.name_key)
            if record.domain:
                domains.add(record.domain)
    return email_keys, name_keys, domains


# --- 2-4. identities -------------------------------------------------------------------------


def _fill(survivor: Record, other: Record) -> Record:
    """The survivor with the values it lacks taken from a duplicate."""
    missing = {k: v for k, v in other.model_dump().items() if v is not None and getattr(survivor, k) is None}
    return survivor.model_copy(update=missing) if missing else survivor


def _related(a: Company, b: Company) -> bool:
    return a.parent_id == b.id or b.parent_id == a.id


def _disagree(a: str | None, b: str | None) -> bool:
    place_a, place_b = normalise_place(a), normalise_place(b)
    return place_a is not None and place_b is not None and place_a != place_b


def companies_agree(a: Company, b: Company) -> bool:
    """Whether nothing tells two companies apart that a shared domain or name cannot outweigh: a
    parent link, another geographic qualifier in the name, another country, another city."""
    return not (
        _related(a, b)
        or geographic_qualifiers(a.name) != geographic_qualifiers(b.name)
        or _disagree(a.region, b.region)
        or _disagree(a.city, b.city)
    )


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _names_compatible(a: str | None, b: str | None) -> bool:
    """Whether two names sharing a web domain may be one company.

    Equal keys, or one key inside the other (云帆制造 / 广州云帆制造, Acme / Acme Group), or names in
    different scripts (Huaxin Co., Ltd. / 华信科技有限公司) where the domain is the only evidence.
    Branches of one group in different cities (成都恒通制造 / 上海恒通制造) share a domain but are kept
    apart: each is its own account.
    """
    if not a or not b:
        return True
    if a == b or a in b or b in a:
        return True
    return _has_cjk(a) != _has_cjk(b)


def _resolve_companies(items: list[SourceRecord], stored: StoredIdentities, resolution: Resolution) -> None:
    mapping = resolution.ids["companies"]
    survivors: dict[str, SourceRecord] = {}
    by_domain: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    stored_companies = stored.ids.get("companies", set())
    # Ids of this ingest: a stored match that is one of them was written by an earlier (perhaps
    # interrupted) run of the same files, so the rules below decide, exactly as in a clean run.
    own_ids = {getattr(i.record, "id") for i in items if i.kind == "companies"}  # noqa: B009
    for item in items:
        if item.kind != "companies":
            continue
        company = item.record
        assert isinstance(company, Company)
        if company.id in mapping:  # the same id twice: a later row updates the first
            if mapping[company.id] == company.id:
                survivors[company.id] = SourceRecord("companies", company, item.file, item.row, item.columns)
            continue
        target: str | None = None
        reason = ""
        for candidate_id in by_domain.get(company.domain or "", []):
            candidate = survivors[candidate_id].record
            assert isinstance(candidate, Company)
            if _names_compatible(company.name_key, candidate.name_key) and companies_agree(
                company, candidate
            ):
                target, reason = candidate_id, "same web domain"
                break
        if target is None and company.name_key:
            for candidate_id in by_name.get(company.name_key, []):
                candidate = survivors[candidate_id].record
                assert isinstance(candidate, Company)
                if not (
                    company.domain and candidate.domain and company.domain != candidate.domain
                ) and companies_agree(company, candidate):
                    target, reason = candidate.id, "same normalised name"
                    break
        alias = stored.aliases.get("companies", {}).get(company.id)
        if target is None and alias is not None and company.id not in stored_companies:
            target, reason = alias.into, alias.reason  # the reason of the first merge, kept
        if target is None and company.id not in stored_companies:
            by_stored_domain = stored.companies_by_domain.get(company.domain or "")
            by_stored_name = stored.companies_by_name_key.get(company.name_key or "")
            if (
                by_stored_domain
                and by_stored_domain not in own_ids
                and _agrees_with_stored(company, by_stored_domain, stored, by_domain=True)
            ):
                target, reason = by_stored_domain, "same web domain as a stored company"
            elif (
                by_stored_name
                and by_stored_name not in own_ids
                and _agrees_with_stored(company, by_stored_name, stored, by_domain=False)
            ):
                target, reason = by_stored_name, "same name as a stored company"
            if target == company.id:
                target = None
        if target is not None and target != company.id:
            _merge_into("companies", company, target, reason, mapping, survivors, resolution)
            continue
        mapping[company.id] = company.id
        survivors[company.id] = item
        if company.domain:
            by_domain[company.domain].append(company.id)
        if company.name_key:
            by_name[company.name_key].append(company.id)
    _match_chinese_short_names(survivors, mapping, resolution)
    _replace_survivors(items, "companies", survivors, mapping)


def _agrees_with_stored(
    company: Company, stored_id: str, stored: StoredIdentities, *, by_domain: bool
) -> bool:
    other = stored.companies.get(stored_id)
    if other is None:
        return True  # nothing more is known than the key that matched
    if by_domain and not _names_compatible(company.name_key, other.name_key):
        return False
    if not by_domain and company.domain and other.domain and company.domain != other.domain:
        return False
    return companies_agree(company, other)


def _is_short_name(company: Company) -> bool:
    """A Chinese name without a legal form (中科能源, not 中科能源有限公司): a short name (简称)."""
    key = company.name_key or ""
    return bool(key) and _has_cjk(key) and key == "".join(company.name.split()) and len(key) >= 2


def _match_chinese_short_names(
    survivors: dict[str, SourceRecord], mapping: dict[str, str], resolution: Resolution
) -> None:
    """Fold each short name into the one full registered name that contains it; report ambiguity."""
    full: list[tuple[str, Company]] = []
    for survivor in survivors.values():
        company = survivor.record
        assert isinstance(company, Company)
        if not _is_short_name(company) and chinese_short_name_key(company.name):
            full.append((chinese_short_name_key(company.name), company))
    if not full:
        return
    for short_id in list(survivors):
        if short_id not in survivors or mapping.get(short_id) != short_id:
            continue
        item = survivors[short_id]
        short = item.record
        assert isinstance(short, Company)
        if not _is_short_name(short):
            continue
        core = chinese_short_name_key(short.name)
        matches = [c for key, c in full if core and core in key and c.id != short.id]
        if (
            len(matches) == 1
            and companies_agree(short, matches[0])
            and not (short.domain and matches[0].domain and short.domain != matches[0].domain)
        ):
            del survivors[short_id]
            for merged_id, into in mapping.items():
                if into == short_id:
                    mapping[merged_id] = matches[0].id
            _merge_into(
                "companies",
                short,
                matches[0].id,
                "Chinese short name of one full name",
                mapping,
                survivors,
                resolution,
            )
        elif len(matches) > 1:
            resolution.notices.append(
                Reject(
                    file=item.file,
                    row=item.row,
                    field=(item.columns or {}).get("name", "name"),
                    value=short.name,
                    kind="companies",
                    action="notice",
                    reason=f"a short name that {len(matches)} full company names contain; "
                    "not merged with any of them",
                )
            )


def _replace_survivors(
    items: list[SourceRecord], kind: str, survivors: Mapping[str, SourceRecord], mapping: Mapping[str, str]
) -> None:
    """Keep one record per surviving id (the filled-in one), in the position of its first row."""
    placed: set[str] = set()
    for index, item in enumerate(items):
        if item.kind != kind:
            continue
        record_id = getattr(item.record, "id")  # noqa: B009 - every node record has an id
        target = mapping.get(record_id, record_id)
        if target != record_id or target in placed:
            items[index] = SourceRecord("_dropped", item.record, item.file, item.row, item.columns)
            continue
        placed.add(target)
        items[index] = survivors.get(target, item)


def _resolve_people(items: list[SourceRecord], stored: StoredIdentities, resolution: Resolution) -> None:
    mapping = resolution.ids["people"]
    survivors: dict[str, SourceRecord] = {}
    by_key: dict[str, list[str]] = defaultdict(list)
    records_by_key: Counter[str] = Counter()
    kept_apart: dict[str, SourceRecord] = {}
    stored_people = stored.ids.get("people", set())
    own_ids = {getattr(i.record, "id") for i in items if i.kind == "people"}  # noqa: B009
    for item in items:
        if item.kind != "people":
            continue
        person = item.record
        assert isinstance(person, Person)
        if person.id in mapping:
            if mapping[person.id] == person.id:
                survivors[person.id] = item
            continue
        target: str | None = None
        reason = ""
        key = person.email_key
        if key:
            records_by_key[key] += 1
        for candidate_id in by_key.get(key or "", []):
            candidate = survivors[candidate_id].record
            assert isinstance(candidate, Person)
            if person_names_compatible(person.name, candidate.name):
                target, reason = candidate_id, "same e-mail address"
                break
        alias = stored.aliases.get("people", {}).get(person.id)
        if target is None and alias is not None and person.id not in stored_people:
            target, reason = alias.into, alias.reason  # the reason of the first merge, kept
        stored_match = stored.people_by_email_key.get(key or "")
        if (
            target is None
            and key
            and person.id not in stored_people
            and stored_match is not None
            and stored_match not in own_ids
        ):
            other = stored.people.get(stored_match)
            if other is None or person_names_compatible(person.name, other.name):
                target, reason = stored_match, "same e-mail address as a stored person"
            else:
                kept_apart.setdefault(key, item)
        if target is not None and target != person.id:
            _merge_into("people", person, target, reason, mapping, survivors, resolution)
            continue
        if key and by_key.get(key):
            kept_apart.setdefault(key, item)
        mapping[person.id] = person.id
        survivors[person.id] = item
        if key:
            by_key[key].append(person.id)
    for key, item in kept_apart.items():
        assert isinstance(item.record, Person)
        resolution.notices.append(
            Reject(
                file=item.file,
                row=item.row,
                field=(item.columns or {}).get("email", "email"),
                value=item.record.email,
                kind="people",
                action="notice",
                reason=_shared_email_reason(records_by_key[key], len(by_key.get(key, []))),
            )
        )
    _replace_survivors(items, "people", survivors, mapping)


def _shared_email_reason(records: int, people: int) -> str:
    """The notice for an address shared under different names (never the address itself: the
    report's value column holds it, and the report is the user's own file)."""
    if people <= 1:
        return "shares this e-mail address with a stored person of another name; kept apart"
    return (
        f"{records} records of this ingest share this e-mail address with different names; "
        f"kept apart as {people} people"
    )


def _name_words(name: str | None) -> list[str]:
    if not name or "@" in name:
        return []  # no name, or an address standing in for one
    text = unicodedata.normalize("NFKC", name).lower()
    words = re.findall(r"\w+", text)
    if len(words) == 1 and _has_cjk(words[0]):
        return [words[0]]
    return words


def person_names_compatible(a: str | None, b: str | None) -> bool:
    """Whether two names may be one person sharing an address: either unknown, the same words in any
    order ("Lee, Ann" / "Ann Lee"), or every word of the shorter name in the longer one, initials
    matching a word they begin ("A. Lee" / "Ann Lee", "Ann" / "Ann Lee"), a common short form matching
    its given name ("Bob Smith" / "Robert Smith")."""
    words_a, words_b = _name_words(a), _name_words(b)
    if not words_a or not words_b:
        return True
    shorter, longer = sorted((words_a, words_b), key=len)
    remaining = list(longer)
    for word in shorter:
        match = next(
            (
                w
                for w in remaining
                if same_given_name(w, word)
                or (len(word) == 1 and w.startswith(word))
                or (len(w) == 1 and word.startswith(w))
            ),
            None,
        )
        if match is None:
            return False
        remaining.remove(match)
    return True


def _merge_into(
    kind: str,
    record: Company | Person,
    target: str,
    reason: str,
    mapping: dict[str, str],
    survivors: dict[str, SourceRecord],
    resolution: Resolution,
) -> None:
    """Map a duplicate onto the record that survives, filling that record's blanks from it."""
    mapping[record.id] = target
    resolution.merges.append(Merge(kind, record.id, target, reason))
    if target in survivors:
        kept = survivors[target]
        survivors[target] = SourceRecord(kind, _fill(kept.record, record), kept.file, kept.row, kept.columns)


def _attach_by_domain(items: list[SourceRecord], stored: StoredIdentities, resolution: Resolution) -> None:
    companies: dict[str, str] = {}
    for item in items:
        if item.kind == "companies" and isinstance(item.record, Company) and item.record.domain:
            companies.setdefault(item.record.domain, item.record.id)
    created: dict[str, str] = {}
    for index, item in enumerate(items):
        if item.kind != "people":
            continue
        person = item.record
        assert isinstance(person, Person)
        if person.company_id or not person.email:
            continue
        domain = email_domain(person.email)
        if not domain or is_free_mail(domain) or is_placeholder_domain(domain):
            continue
        company_id = companies.get(domain) or stored.companies_by_domain.get(domain)
        reason = "attached by e-mail domain"
        if company_id is None:
            company_id = created.get(domain)
            if company_id is None:
                company_id = created[domain] = domain_account_id(domain)
                company = Company(
                    id=company_id, name=domain, domain=domain, name_key=normalise_company_name(domain)
                )
                resolution.created.append(
                    SourceRecord("companies", company, item.file, item.row, item.columns)
                )
                resolution.merges.append(
                    Merge(
                        "companies",
                        company_id,
                        company_id,
                        "account created for an e-mail domain no company has",
                        merged=False,
                    )
                )
            reason = "rolled into the account of their e-mail domain"
        items[index] = SourceRecord(
            "people", person.model_copy(update={"company_id": company_id}), item.file, item.row, item.columns
        )
        resolution.merges.append(Merge("people", person.id, company_id, reason, merged=False))


def resolve_identities(items: list[SourceRecord], stored: StoredIdentities) -> Resolution:
    """Merge duplicate companies and people, attach company-less people; edits `items` in place
    (merged-away records become kind "_dropped") and returns the id mapping and the merges."""
    from ingest.leads import resolve_leads  # here: leads build on this module's types

    resolution = Resolution()
    _resolve_companies(items, stored, resolution)
    resolve_leads(items, stored, resolution)
    _resolve_people(items, stored, resolution)
    _attach_by_domain(items, stored, resolution)
    return resolution


def aliases_of(resolution: Resolution) -> list[Alias]:
    """The source ids this ingest merged into another record, as aliases the store keeps."""
    return [
        Alias(kind=m.kind, id=m.id, into=resolution.ids[m.kind].get(m.into, m.into), reason=m.reason)
        for m in resolution.merges
        if m.merged and m.kind in ALIAS_KINDS and m.id != m.into
    ]


# --- 5. references ---------------------------------------------------------------------------

#: (field, node kind, whether an unknown id drops the whole row) for every reference, per kind.
REFERENCES: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "companies": (("parent_id", "companies", False),),
    "people": (("company_id", "companies", True), ("reports_to_id", "people", False)),
    "deals": (("company_id", "companies", True), ("owner_rep_id", "reps", False)),
    "touches": (("rep_id", "reps", False), ("deal_id", "deals", False)),
    "deal_products": (("deal_id", "deals", True), ("product_id", "products", True)),
    "holdings": (("company_id", "companies", True), ("product_id", "products", True)),
    "committee": (("deal_id", "deals", True), ("person_id", "people", True)),
    "knows": (("person_id", "people", True), ("other_id", "people", True)),
    "reporting": (("person_id", "people", True), ("manager_id", "people", True)),
    "employment": (("person_id", "people", True), ("company_id", "companies", True)),
}
_SINGULAR = {
    "companies": "company",
    "people": "person",
    "reps": "rep",
    "products": "product",
    "deals": "deal",
}
_TARGET_KIND = {
    "companies": "companies",
    "people": "people",
    "reps": "reps",
    "products": "products",
    "deals": "deals",
}


def _moved(ids: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The ids that resolution changes (source id -> a different survivor), per kind: `_remap` looks
    only at these, so the records nobody merged cost one look each."""
    return {kind: {old: new for old, new in mapping.items() if old != new} for kind, mapping in ids.items()}


def _remap(record: Record, kind: str, moved: Mapping[str, Mapping[str, str]]) -> Record:
    """The record with its references to merged ids pointing at their survivors (`moved`, from `_moved`)."""
    updates: dict[str, Any] = {}
    values = record.__dict__
    for field_name, target, _ in REFERENCES.get(kind, ()):
        mapping = moved.get(target)
        if mapping:
            value = values[field_name]
            if value is not None and value in mapping:
                updates[field_name] = mapping[value]
    if isinstance(record, Touch):
        people = moved.get("people") or {}
        person_ids = record.person_ids
        # Attendees merged into one person, or named twice, are listed once.
        if (people and not people.keys().isdisjoint(person_ids)) or (
            len(person_ids) > 1 and len(set(person_ids)) != len(person_ids)
        ):
            remapped = list(dict.fromkeys(people.get(p, p) for p in person_ids))
            if remapped != person_ids:
                updates["person_ids"] = remapped
    return record.model_copy(update=updates) if updates else record


def referenced_ids(
    items: Iterable[SourceRecord], resolution: Resolution, columns: Iterable[TouchColumns] = ()
) -> dict[str, set[str]]:
    """Ids referred to (after merging) that this ingest does not define: the store must have them.
    `columns` are touches held as columns (ingest/touch_columns.py), looked at a column at a time."""
    defined: dict[str, set[str]] = defaultdict(set)
    wanted: dict[str, set[str]] = defaultdict(set)
    all_items = [*items, *resolution.created]
    moved = _moved(resolution.ids)
    for item in all_items:
        if item.kind in NODE_KINDS:
            defined[item.kind].add(getattr(item.record, "id"))  # noqa: B009
    touch_refs = tuple(
        (field_name, moved.get(target) or {}, defined[target], wanted[target])
        for field_name, target, _ in REFERENCES["touches"]
    )
    moved_people, defined_people, wanted_people = (
        moved.get("people") or {},
        defined["people"],
        wanted["people"],
    )
    for item in all_items:
        if type(item.record) is Touch:  # the bulk of a load: the same as below, in fewer steps
            values = item.record.__dict__
            for field_name, mapping, known, into in touch_refs:
                value = values[field_name]
                if value is not None:
                    value = mapping.get(value, value)
                    if value not in known:
                        into.add(value)
            for person_id in values["person_ids"]:
                person_id = moved_people.get(person_id, person_id)
                if person_id not in defined_people:
                    wanted_people.add(person_id)
            continue
        record = _remap(item.record, item.kind, moved)
        for field_name, target, _ in REFERENCES.get(item.kind, ()):
            value = getattr(record, field_name)
            if value is not None and value not in defined[target]:
                wanted[target].add(value)
        if isinstance(record, Touch):
            wanted["people"].update(p for p in record.person_ids if p not in defined["people"])
    for chunk in columns:  # each distinct value once
        for field_name, mapping, known, into in touch_refs:
            for reference in {ref for ref in getattr(chunk, field_name) if ref is not None}:
                reference = mapping.get(reference, reference)
                if reference not in known:
                    into.add(reference)
        for person_id in set(chain.from_iterable(chunk.person_ids)):
            person_id = moved_people.get(person_id, person_id)
            if person_id not in defined_people:
                wanted_people.add(person_id)
    return wanted


def apply_resolution(
    items: list[SourceRecord],
    resolution: Resolution,
    stored_ids: Mapping[str, set[str]],
    rejected_ids: Mapping[str, set[str]] | None = None,
) -> tuple[list[SourceRecord], list[Reject]]:
    """Records with references rewritten to surviving ids, in loading order, and the reference rejects.

    A row whose required reference is unknown is dropped (and so, in turn, are rows that refer to
    it); an unknown optional reference is dropped from the row, which still loads.
    """
    return _apply_resolution(items, None, resolution, stored_ids, rejected_ids)


def apply_resolution_columns(
    items: list[SourceRecord],
    touches: Sequence[SourceRecord | TouchColumns],
    resolution: Resolution,
    stored_ids: Mapping[str, set[str]],
    rejected_ids: Mapping[str, set[str]] | None = None,
) -> tuple[list[SourceRecord], Touches, list[Reject]]:
    """`apply_resolution` for a load whose touches are `touches` (touch records and column chunks in
    the order read; the touches among `items` are not looked at): the other records, the touches,
    and the rejects, the same as `apply_resolution` gives for the same rows as records.

    Column chunks are settled a column at a time (`_settle_columns`); the rows that need a look of
    their own go the row-by-row way, in row order among the other rows of their file.
    """
    parts: list[Touch | TouchColumns] = []
    out, rejects = _apply_resolution(items, touches, resolution, stored_ids, rejected_ids, parts)
    return out, Touches(parts), rejects


def _settle_columns(
    chunk: TouchColumns, moved: Mapping[str, Mapping[str, str]], accepted: Mapping[str, set[str]]
) -> tuple[list[SourceRecord], TouchColumns]:
    """The rows of `chunk` that the row-by-row way must look at (as records: an unknown or rejected
    reference, attendees merged into one another or named twice), and the others with their
    references rewritten to the surviving ids. Each distinct value is looked at once."""
    spilled_rows: set[int] = set()
    for field_name, target, _ in REFERENCES["touches"]:
        column: list[str | None] = getattr(chunk, field_name)
        mapping = moved.get(target) or {}
        known = accepted[target]
        distinct = {v for v in column if v is not None}
        bad = {v for v in distinct if mapping.get(v, v) not in known}
        if bad:
            spilled_rows.update(i for i, v in enumerate(column) if v in bad)
    people = moved.get("people") or {}
    known_people = accepted["people"]
    attendees = set(chain.from_iterable(chunk.person_ids))
    bad_people = {p for p in attendees if people.get(p, p) not in known_people}
    merged_people = attendees & people.keys()
    for index, present in enumerate(chunk.person_ids):
        if len(present) > 1 and (len(set(present)) != len(present) or not merged_people.isdisjoint(present)):
            spilled_rows.add(index)  # attendees merged into one, or named twice: listed once
    if bad_people:
        spilled_rows.update(i for i, p in enumerate(chunk.person_ids) if not bad_people.isdisjoint(p))
    spilled, rest = spill(chunk, sorted(spilled_rows))
    for field_name, target, _ in REFERENCES["touches"]:
        mapping = moved.get(target) or {}
        column = getattr(rest, field_name)
        if mapping and not mapping.keys().isdisjoint(column):
            setattr(rest, field_name, [v if v is None else mapping.get(v, v) for v in column])
    if merged_people:  # one attendee each here: the survivor instead
        rest.person_ids = [[people[p[0]]] if p[0] in merged_people else p for p in rest.person_ids]
    return spilled, rest


def _in_row_order(
    touches: Sequence[SourceRecord | TouchColumns],
    moved: Mapping[str, Mapping[str, str]],
    accepted: Mapping[str, set[str]],
) -> list[SourceRecord | TouchColumns]:
    """The touches with every chunk settled (`_settle_columns`): the rows it gives up placed among
    the row records of their file by row, before what is left of the chunk."""
    ordered: list[SourceRecord | TouchColumns] = []
    for part in touches:
        if not isinstance(part, TouchColumns):
            ordered.append(part)
            continue
        spilled, rest = _settle_columns(part, moved, accepted)
        if spilled:
            # The row records of this chunk's file read since its last chunk come right before it.
            tail: list[SourceRecord] = []
            while ordered and not isinstance(ordered[-1], TouchColumns) and ordered[-1].file == part.file:
                last = ordered.pop()
                assert isinstance(last, SourceRecord)
                tail.append(last)
            tail.reverse()
            ordered.extend(heapq.merge(tail, spilled, key=attrgetter("row")))
        if len(rest):
            ordered.append(rest)
    return ordered


def _apply_resolution(
    items: list[SourceRecord],
    touches: Sequence[SourceRecord | TouchColumns] | None,
    resolution: Resolution,
    stored_ids: Mapping[str, set[str]],
    rejected_ids: Mapping[str, set[str]] | None = None,
    touch_parts: list[Touch | TouchColumns] | None = None,
) -> tuple[list[SourceRecord], list[Reject]]:
    """`apply_resolution`, and with `touches` `apply_resolution_columns` (the touches go to
    `touch_parts`)."""
    by_kind: dict[str, list[SourceRecord]] = defaultdict(list)
    for item in [*resolution.created, *items]:
        if item.kind != "_dropped" and (touches is None or item.kind != "touches"):
            by_kind[item.kind].append(item)
    accepted: dict[str, set[str]] = {kind: set(ids) for kind, ids in stored_ids.items()}
    for kind in NODE_KINDS:
        accepted.setdefault(kind, set())
    # Ids defined in this ingest count as known for references between records of the same kind
    # (a manager later in the file, a parent company further down).
    for kind in ("companies", "people"):
        accepted[kind].update(getattr(i.record, "id") for i in by_kind.get(kind, []))  # noqa: B009
    rejected: dict[str, set[str]] = defaultdict(set)
    for kind, ids in (rejected_ids or {}).items():
        rejected[kind] |= ids
    rejects: list[Reject] = []
    out: list[SourceRecord] = []
    moved = _moved(resolution.ids)
    for kind in WRITE_ORDER:
        kept_ids: set[str] = set()
        kind_items: Sequence[SourceRecord | TouchColumns] = by_kind.get(kind, [])
        if kind == "touches" and touches is not None:
            kind_items = _in_row_order(touches, moved, accepted)
        for part in kind_items:
            if isinstance(part, TouchColumns):
                assert touch_parts is not None
                touch_parts.append(part)
                continue
            item = part
            record = _remap(item.record, kind, moved)
            updates: dict[str, Any] = {}
            dropped = False
            if isinstance(record, Person) and record.reports_to_id and record.reports_to_id == record.id:
                if isinstance(item.record, Person) and item.record.reports_to_id == item.record.id:
                    rejects.append(
                        _self_report_reject(item, kind, "reports_to_id", "; loaded without a manager")
                    )
                # else a duplicate merged into their own manager: nothing wrong in the row itself
                record = record.model_copy(update={"reports_to_id": None})
            for field_name, target, required in REFERENCES.get(kind, ()):
                value = getattr(record, field_name)
                if value is None or value in accepted[target]:
                    continue
                column = item.columns.get(field_name, field_name) if item.columns else field_name
                why = _missing_reason(target, value, rejected)
                if required:
                    rejects.append(
                        Reject(
                            file=item.file,
                            row=item.row,
                            field=column,
                            value=value,
                            kind=kind,
                            reason=why,
                            record_id=getattr(record, "id", None),
                        )
                    )
                    dropped = True
                    break
                rejects.append(
                    Reject(
                        file=item.file,
                        row=item.row,
                        field=column,
                        value=value,
                        kind=kind,
                        action="value_ignored",
                        reason=f"{why}; loaded without it",
                    )
                )
                updates[field_name] = None
            if dropped:
                record_id = getattr(record, "id", None)
                if kind in _TARGET_KIND and record_id not in stored_ids.get(kind, set()):
                    accepted[kind].discard(record_id)
                    rejected[kind].add(str(record_id))
                continue
            if isinstance(record, Touch) and not accepted["people"].issuperset(record.person_ids):
                known = [p for p in record.person_ids if p in accepted["people"]]
                unknown = [p for p in record.person_ids if p not in accepted["people"]]
                if not known:
                    rejects.append(
                        Reject(
                            file=item.file,
                            row=item.row,
                            field="person_ids",
                            value=";".join(unknown),
                            kind=kind,
                            reason=_attendees_reason(unknown, rejected),
                        )
                    )
                    continue
                if unknown:
                    rejects.append(
                        Reject(
                            file=item.file,
                            row=item.row,
                            field="person_ids",
                            value=";".join(unknown),
                            kind=kind,
                            action="value_ignored",
                            reason="some attendees exist neither in this ingest nor in the "
                            "store; loaded with the others",
                        )
                    )
                    updates["person_ids"] = known
            if isinstance(record, Knows | Reporting) and _self_loop(record):
                if isinstance(item.record, Reporting) and _self_loop(item.record):
                    rejects.append(_self_report_reject(item, kind, "manager_id", ""))
                continue
            if updates:
                record = record.model_copy(update=updates)
            if kind in _TARGET_KIND:
                kept_ids.add(getattr(record, "id"))  # noqa: B009
            if touch_parts is not None and kind == "touches":
                assert isinstance(record, Touch)
                touch_parts.append(record)
                continue
            if record is not item.record:
                item = SourceRecord(kind, record, item.file, item.row, item.columns)
            out.append(item)
        if kind in _TARGET_KIND:
            accepted[kind] |= kept_ids
        if kind == "people":
            # people.reports_to_id again as REPORTS_TO records once every person exists: the store
            # links a manager only when it already holds them. Before reporting.csv, whose dated
            # values then win.
            derived = [
                SourceRecord(
                    "reporting",
                    Reporting(person_id=i.record.id, manager_id=i.record.reports_to_id),
                    i.file,
                    i.row,
                )
                for i in out
                if i.kind == "people"
                and isinstance(i.record, Person)
                and i.record.reports_to_id
                and i.record.reports_to_id != i.record.id
            ]
            listed = {
                (i.record.person_id, i.record.manager_id)
                for i in by_kind.get("reporting", [])
                if isinstance(i.record, Reporting)
            }
            derived = [
                i
                for i in derived
                if isinstance(i.record, Reporting) and (i.record.person_id, i.record.manager_id) not in listed
            ]
            by_kind["reporting"] = derived + by_kind.get("reporting", [])
    return out, rejects


def _missing_reason(target: str, value: str, rejected: Mapping[str, set[str]]) -> str:
    what = _SINGULAR[target]
    if value in rejected.get(target, set()):
        return f"refers to {what} {value!r}, whose own row was rejected"
    return f"refers to {what} {value!r}, which exists neither in this ingest nor in the store"


def _attendees_reason(unknown: list[str], rejected: Mapping[str, set[str]]) -> str:
    if all(p in rejected.get("people", set()) for p in unknown):
        return "refers only to people whose own rows were rejected"
    return "refers only to people who exist neither in this ingest nor in the store"


def _self_report_reject(item: SourceRecord, kind: str, field_name: str, consequence: str) -> Reject:
    """A row that names a person as their own manager: a reporting line that cannot be."""
    column = item.columns.get(field_name, field_name) if item.columns else field_name
    return Reject(
        file=item.file,
        row=item.row,
        field=column,
        value=str(getattr(item.record, field_name)),
        kind=kind,
        action="value_ignored" if consequence else "row_skipped",
        reason=f"a person cannot report to themselves{consequence}",
        record_id=None,
    )


def _self_loop(record: Knows | Reporting) -> bool:
    """A duplicate who 'knows' or 'reports to' their own survivor after merging."""
    other = record.other_id if isinstance(record, Knows) else record.manager_id
    return other == record.person_id
