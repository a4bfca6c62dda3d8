"""`buyergraph accounts [SEARCH]` and `buyergraph people [SEARCH]`: find ids by what a user knows.

Also the one rule by which `analyze ACCOUNT` and `--path-to PERSON` turn a typed name or e-mail into
an id: an exact id wins; then an id that ingest merged into another record (said on stderr);
otherwise the store's search (case, accents and width ignored); one exact name or e-mail among the
hits, or a single hit, is the answer; several are listed, never guessed.
"""

from __future__ import annotations

import json
from typing import Annotated, TypeVar

import typer

from graph.errors import InvalidInputError, NotFoundError
from graph.model import Alias, Company, Person
from graph.search import fold
from graph.stores.base import GraphStore

#: How many candidates an ambiguous name lists.
CANDIDATES_SHOWN = 10

_Found = TypeVar("_Found", Company, Person)


def _pick(text: str, hits: list[_Found], count: int, kind: str, plural: str) -> _Found:
    """The one hit meant by `text`, or an error (the candidates are printed first)."""
    wanted = fold(text.strip())
    exact = [
        h for h in hits if fold(h.name) == wanted or fold(getattr(h, "email", None) or "") == wanted
    ]
    if len(exact) == 1 and count <= len(hits):
        return exact[0]
    if count == 1:
        return hits[0]
    if count == 0:
        typer.echo(f"No {kind} has that id, name or e-mail: list them with `buyergraph {plural}`.", err=True)
        raise NotFoundError(kind, text)
    typer.echo(f"{count} {plural} match; give one of these ids:", err=True)
    for h in hits[:CANDIDATES_SHOWN]:
        typer.echo(f"  {h.id}  {_describe(h)}", err=True)
    if count > CANDIDATES_SHOWN:
        typer.echo(f"  ... and {count - CANDIDATES_SHOWN} more", err=True)
    raise InvalidInputError(f"that name matches {count} {plural} (listed above); pass one of their ids")


def _say_merged(what: str, alias: Alias) -> None:
    """On stderr, so that --json output stays one document."""
    typer.secho(
        f"{what} {alias.id!r} was merged into {alias.into!r} ({alias.reason}); showing {alias.into!r}",
        err=True,
        fg=typer.colors.YELLOW,
    )


def resolve_account(store: GraphStore, text: str) -> Company:
    """The account named by an id, an id merged into it at ingest, a name or a domain (see the
    module's rule)."""
    try:
        return store.get_company(text)
    except NotFoundError:
        pass
    alias = store.resolve_alias("companies", text)
    if alias is not None:
        _say_merged("account", alias)
        return store.get_company(alias.into)
    page = store.search_accounts(text, limit=CANDIDATES_SHOWN + 1)
    return _pick(text, page.data, page.count, "account", "accounts")


def resolve_person(store: GraphStore, text: str, *, company_id: str | None = None) -> Person:
    """The person named by an id, a name or an e-mail, within one account when given."""
    try:
        person = store.get_person(text)
    except NotFoundError:
        pass
    else:
        return person
    alias = store.resolve_alias("people", text)
    if alias is not None:
        _say_merged("person", alias)
        return store.get_person(alias.into)
    page = store.search_people(text, company_id=company_id, limit=CANDIDATES_SHOWN + 1)
    return _pick(text, page.data, page.count, "person", "people")


def _describe(record: Company | Person) -> str:
    if isinstance(record, Company):
        extra = [record.domain, record.industry, record.status.value if record.status else None]
    else:
        extra = [record.title, record.email]
    details = ", ".join(x for x in extra if x)
    return f"{record.name}" + (f"  ({details})" if details else "")


SearchArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[SEARCH]",
        help="Part of a name, e-mail, domain or id; case and accents are ignored. Omit to list all.",
        show_default=False,
    ),
]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=10_000, help="Show at most this many.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (id and fields of each match).")]


def accounts(
    ctx: typer.Context, search: SearchArgument = None, limit: LimitOption = 50, as_json: JsonOption = False
) -> None:
    """List accounts with their ids, optionally only those matching SEARCH."""
    from api.cli import store_from

    with store_from(ctx) as store:
        page = store.search_accounts(search, limit=limit)
    if as_json:
        data = [c.model_dump(mode="json", exclude_none=True) for c in page.data]
        typer.echo(json.dumps({"count": page.count, "data": data}, indent=2, ensure_ascii=False))
        return
    _echo_page(page.data, page.count, "account", "accounts")


def people(
    ctx: typer.Context,
    search: SearchArgument = None,
    account: Annotated[
        str | None,
        typer.Option(
            "--account", metavar="ACCOUNT", help="Only people of this account (id, name or domain)."
        ),
    ] = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """List people with their ids, optionally only those matching SEARCH or of one account."""
    from api.cli import store_from

    with store_from(ctx) as store:
        company_id = resolve_account(store, account).id if account is not None else None
        page = store.search_people(search, company_id=company_id, limit=limit)
    if as_json:
        data = [p.model_dump(mode="json", exclude_none=True) for p in page.data]
        typer.echo(json.dumps({"count": page.count, "data": data}, indent=2, ensure_ascii=False))
        return
    _echo_page(page.data, page.count, "person", "people")


def _echo_page(records: list[Company] | list[Person], count: int, kind: str, plural: str) -> None:
    if not records:
        typer.echo(f"no {plural} found")
        return
    width = max(len(r.id) for r in records)
    for record in records:
        typer.echo(f"{record.id:<{width}}  {_describe(record)}")
    noun = kind if count == 1 else plural
    if count > len(records):
        typer.echo(f"({len(records)} of {count:,} {noun}; show more with --limit)")
    else:
        typer.echo(f"({count:,} {noun})")
