"""`/api/v1/people`: a person with their relationships and history, warm paths to them, and erasure."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import ConfigDict

from api.deps import AdminKey, ReadKey, RuntimeDep, StoreDep
from api.errors import problem_responses
from api.listing import CSV_RESPONSE, ListFormatQuery, csv_response, wants_csv
from api.params import PageLimit, check_limit
from api.routers._analysis import (
    AsOfQuery,
    account_graph_cached,
    analysis_of,
    as_of_or_today,
    run_limited,
)
from api.schemas import (
    AccountPublic,
    CommitteeSeat,
    ErasurePublic,
    HopEndKind,
    HopPublic,
    KnowsTie,
    PersonDetailPublic,
    PersonRef,
    TouchPublic,
    WarmPathPublic,
    WarmPathsPublic,
)
from api.shared_file import deployment_secret
from graph.analyses import WarmPath, warm_paths
from graph.analyses.directory import PEOPLE_SORTS, PeopleFilter
from graph.analyses.engagement import domain_flag
from graph.analyses.rules import EngagementState
from graph.errors import InvalidInputError, NotFoundError
from graph.model import FROM_STORE, AccountGraph, BuyingRole, Function, Page, Person, Seniority, Touch
from ingest.titles import classify_title

router = APIRouter(prefix="/people", tags=["people"])
log = logging.getLogger("buyergraph.api")


#: The deployment's secret for audit references, in BUYERGRAPH_HOME.
AUDIT_SECRET_FILE = "audit.secret"


def erasure_reference(person_id: str, secret: bytes) -> str:
    """A short one-way reference to an erased person for the audit line: the same id gives the same
    reference (so a request can be matched to its audit line), the line never holds the id itself, and
    without the deployment's secret nobody can test a list of candidate ids (e-mails) against it."""
    return hmac.new(secret, person_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


PersonId = Annotated[str, Path(min_length=1, max_length=256, description="The person id.")]
_READ_ERRORS = problem_responses(401, 403, 404, 408, 422, 503)


class PersonListItemPublic(Person):
    """A person with what the people list filters on: buying roles on any deal's committee, the last
    touch and engagement state on `as_of`, and the best kept key-person rank with its influence."""

    roles: list[BuyingRole] = []
    last_touch: date | None = None
    engagement: EngagementState = EngagementState.NEVER
    rank: int | None = None
    influence: float | None = None
    #: competitor or partner when the e-mail domain is a configured one (lead_domains): their lead
    #: score is interest, not intent.
    lead_flag: str | None = None


class PeoplePublic(Page[PersonListItemPublic]):
    """One page of people; `count` is the total that matched; engagement is judged on `as_of`."""

    as_of: date
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "id": "p-17",
                            "name": "Dana Lee",
                            "title": "CFO",
                            "company_id": "acme",
                            "seniority": "c_level",
                            "function": "finance",
                            "roles": ["economic_buyer"],
                            "last_touch": "2026-06-12",
                            "engagement": "engaged",
                            "rank": 1,
                            "influence": 0.82,
                        }
                    ],
                    "count": 1,
                    "offset": 0,
                    "limit": 50,
                    "as_of": "2026-06-30",
                }
            ]
        }
    )


_PEOPLE_SORT_PATTERN = "^-?(" + "|".join(PEOPLE_SORTS) + ")$"


@router.get(
    "",
    response_model=PeoplePublic,
    summary="List people across every account, filtered and paged on the server",
    responses={**problem_responses(401, 403, 422, 503), **CSV_RESPONSE},
)
def list_people(
    request: Request,
    store: StoreDep,
    runtime: RuntimeDep,
    _key: ReadKey,
    search: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Part of the name, e-mail, title or id, ignoring case, accents and spaces; a name "
            "in Chinese characters is also found by its pinyin ('li na' finds 李娜).",
        ),
    ] = None,
    account_id: Annotated[
        str | None, Query(max_length=256, description="Only people who work or worked at this account.")
    ] = None,
    role: Annotated[
        list[BuyingRole] | None,
        Query(
            max_length=20,
            description="Holds this buying role on some deal's committee (repeat for any of several).",
        ),
    ] = None,
    seniority: Annotated[
        list[Seniority] | None,
        Query(max_length=20, description="This seniority (repeatable); a person without one is `unknown`."),
    ] = None,
    function: Annotated[
        list[Function] | None, Query(max_length=20, description="This function (repeatable).")
    ] = None,
    engagement: Annotated[
        list[EngagementState] | None,
        Query(
            max_length=3,
            description="engaged (touched within the engaged window before as_of), cooling (touched "
            "before it) or never (repeatable).",
        ),
    ] = None,
    max_rank: Annotated[
        int | None,
        Query(
            ge=1, le=100_000, description="Only key people ranked this high or higher by the latest refresh."
        ),
    ] = None,
    as_of: AsOfQuery = None,
    sort: Annotated[
        str,
        Query(
            pattern=_PEOPLE_SORT_PATTERN,
            description=f"One of {', '.join(PEOPLE_SORTS)}; a leading '-' sorts descending. People "
            "without the figure come last.",
        ),
    ] = "name",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: PageLimit = 50,
    format_: ListFormatQuery = None,
) -> PeoplePublic | Response:
    check_limit(limit, runtime.settings.max_page_size)
    day = as_of_or_today(as_of)
    query = PeopleFilter(
        roles=role or [],
        seniorities=seniority or [],
        functions=function or [],
        engagement=engagement or [],
        max_rank=max_rank,
        account_id=account_id or None,
        search=search or None,
        as_of=day,
        engaged_days=runtime.config.engaged_days,
        sort=sort.removeprefix("-"),
        descending=sort.startswith("-"),
    )
    page = store.list_people_filtered(query, offset=offset, limit=limit)
    items = [
        PersonListItemPublic.model_validate(
            {
                **item.person.model_dump(),
                **item.model_dump(exclude={"person"}),
                "lead_flag": flag.kind if (flag := domain_flag(item.person.email, runtime.config)) else None,
            },
            context=FROM_STORE,
        )
        for item in page.data
    ]
    if wants_csv(request, format_):
        return csv_response(items, PersonListItemPublic, "people.csv")
    return PeoplePublic(data=items, count=page.count, offset=page.offset, limit=page.limit, as_of=day)


def _person_detail(
    person: Person, account: AccountGraph | None, as_of: date, touches: list[Touch]
) -> PersonDetailPublic:
    if account is None:
        return PersonDetailPublic(person=person)
    people = {p.id: p for p in account.people}

    def ref(pid: str) -> tuple[str | None, str | None]:
        other = people.get(pid)
        return (other.name, other.title) if other else (None, None)

    managers, reports = [], []
    for line in account.reporting:
        if line.since is not None and line.since > as_of:
            continue
        if line.person_id == person.id:
            name, title = ref(line.manager_id)
            managers.append(
                PersonRef(
                    id=line.manager_id,
                    name=name,
                    title=title,
                    line=line.kind,
                    since=line.since,
                    until=line.until,
                )
            )
        elif line.manager_id == person.id:
            name, title = ref(line.person_id)
            reports.append(
                PersonRef(
                    id=line.person_id,
                    name=name,
                    title=title,
                    line=line.kind,
                    since=line.since,
                    until=line.until,
                )
            )
    knows = []
    for tie in account.knows:
        if person.id in (tie.person_id, tie.other_id):
            other_id = tie.other_id if tie.person_id == person.id else tie.person_id
            knows.append(
                KnowsTie(id=other_id, name=ref(other_id)[0], strength=tie.strength, source=tie.source)
            )
    deal_names = {d.id: d.name for d in account.deals}
    committee = [
        CommitteeSeat.model_validate({**c.model_dump(), "deal_name": deal_names.get(c.deal_id)})
        for c in account.committee
        if c.person_id == person.id
    ]
    return PersonDetailPublic(
        person=person,
        company=AccountPublic.model_validate(account.company.model_dump()),
        employment=[e for e in account.employment if e.person_id == person.id],
        managers=managers,
        reports=reports,
        knows=knows,
        committee=committee,
        touches=[TouchPublic.model_validate(t.model_dump()) for t in touches if t.at.date() <= as_of],
        conflicts=[c for c in account.conflicts if c.person_id == person.id],
    )


@router.get(
    "/{person_id}",
    response_model=PersonDetailPublic,
    summary="A person with their relationships and history at their account",
    responses=_READ_ERRORS,
)
async def get_person(
    person_id: PersonId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> PersonDetailPublic:
    """The person, their employment at the account, managers and reports, KNOWS ties, committee
    seats, touches (newest first) and engagement as of `as_of`."""
    store = runtime.store
    day = as_of_or_today(as_of)
    person = await run_limited(runtime, lambda: store.get_person(person_id), what="person lookup")
    flag = domain_flag(person.email, runtime.config)
    if not person.company_id:
        return PersonDetailPublic(person=person, lead_flag=flag)
    try:
        account, analysis = await analysis_of(runtime, person.company_id, day)
    except NotFoundError:
        return PersonDetailPublic(person=person, lead_flag=flag)
    # The person's own touches, read by themselves (the account carries daily aggregates only).
    touches = await run_limited(runtime, lambda: store.person_touches(person_id), what="person touches")
    detail = _person_detail(person, account, day, touches)
    detail.engagement = next((e for e in analysis.engagement.people if e.person_id == person_id), None)
    detail.lead_flag = flag
    return detail


@router.get(
    "/{person_id}/warm-paths",
    response_model=WarmPathsPublic,
    summary="The warmest introduction chains from our reps to this person",
    responses=_READ_ERRORS,
)
async def get_warm_paths(
    person_id: PersonId,
    runtime: RuntimeDep,
    _key: ReadKey,
    as_of: AsOfQuery = None,
    k: Annotated[int, Query(ge=1, le=20, description="How many paths, cheapest first.")] = 3,
) -> WarmPathsPublic:
    store = runtime.store
    day = as_of_or_today(as_of)
    person = await run_limited(runtime, lambda: store.get_person(person_id), what="person lookup")
    if not person.company_id:
        raise InvalidInputError(f"person {person_id!r} has no account, so there is no graph to find paths in")
    account_id = person.company_id

    def compute() -> list:  # type: ignore[type-arg]
        account = account_graph_cached(runtime, account_id)
        return runtime.analysis_cache.get_or_compute(
            ("warm_paths", account_id, person_id, day, k),
            lambda: warm_paths(
                account, person_id, as_of=day, config=runtime.config, k=k, classify=classify_title
            ),
        )

    paths = await run_limited(runtime, compute, what="warm-path search")
    account = await run_limited(
        runtime, lambda: account_graph_cached(runtime, account_id), what="account read"
    )
    named = [named_path(account, path) for path in paths]
    return WarmPathsPublic(
        person_id=person_id, account_id=account_id, as_of=day, data=named, count=len(named)
    )


def named_path(account: AccountGraph, path: WarmPath) -> WarmPathPublic:
    """A warm path whose hops name both ends (name and title of a person; name and team of a rep)."""
    people = {p.id: p for p in account.people}
    reps = {r.id: r for r in account.reps}

    def end(node_id: str) -> tuple[HopEndKind, str, str | None]:
        if node_id in people:
            return HopEndKind.PERSON, people[node_id].name, people[node_id].title
        if node_id in reps:
            return HopEndKind.REP, reps[node_id].name, reps[node_id].team
        return HopEndKind.PERSON, node_id, None  # not in the account's records: its id stands in

    hops = []
    for hop in path.hops:
        source_kind, source_name, source_title = end(hop.source)
        target_kind, target_name, target_title = end(hop.target)
        hops.append(
            HopPublic(
                **hop.model_dump(),
                source_kind=source_kind,
                source_name=source_name,
                source_title=source_title,
                target_kind=target_kind,
                target_name=target_name,
                target_title=target_title,
            )
        )
    return WarmPathPublic(
        target_id=path.target_id,
        nodes=path.nodes,
        hops=hops,
        cost=path.cost,
        explanation=path.explanation,
        explanation_message=path.explanation_message,
    )


@router.delete(
    "/{person_id}",
    response_model=ErasurePublic,
    summary="Erase a person and everything that concerns only them",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def erase_person(person_id: PersonId, store: StoreDep, runtime: RuntimeDep, key: AdminKey) -> ErasurePublic:
    """Removes the person, their relationships, touches with nobody else, and an account that ingest
    created only for their e-mail domain (GDPR-style erasure). The erasure moves the store version in
    its own transaction, so every worker process stops answering from its caches at once."""
    name = store.get_person(person_id).name
    report = store.erase_person(person_id)
    runtime.store_changed(mark_store=False)
    # Issue 22: deliveries not yet sent lose what named the person, as the change log did.
    from api.routers.webhooks import book_of

    book_of(runtime).forget_person(person_id, name)
    secret = deployment_secret(runtime.settings.home.expanduser() / AUDIT_SECRET_FILE)
    # An audit line without the person (an id may be an e-mail address): who erased, a reference
    # that cannot be read back, and how much went.
    log.info(
        "erasure by key %r (%s) of person ref %s: %d nodes (%s), %d relationships removed",
        key.name,
        key.id,
        erasure_reference(person_id, secret),
        sum(report.removed_nodes.values()),
        ", ".join(f"{label} {n}" for label, n in sorted(report.removed_nodes.items())),
        report.removed_relationships,
    )
    return ErasurePublic.model_validate(report.model_dump())
