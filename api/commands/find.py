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

from api.commands.text import cli_lang, display_width, pad, say
from graph.analyses.messages import status_name
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
    exact = [h for h in hits if fold(h.name) == wanted or fold(getattr(h, "email", None) or "") == wanted]
    if len(exact) == 1 and count <= len(hits):
        return exact[0]
    if count == 1:
        return hits[0]
    if count == 0:
        typer.echo(say("find.none", kind=say(f"kind.{kind}"), command=plural), err=True)
        raise NotFoundError(kind, text)
    typer.echo(say("find.several", count=count, kind=say(f"kind.{plural}")), err=True)
    shown = hits[:CANDIDATES_SHOWN]
    width = max(display_width(h.id) for h in shown)
    for h in shown:
        typer.echo(f"  {pad(h.id, width)}  {_describe(h)}", err=True)
    if count > CANDIDATES_SHOWN:
        typer.echo(say("find.more", count=count - CANDIDATES_SHOWN), err=True)
    raise InvalidInputError(say("find.ambiguous", count=count, kind=say(f"kind.{plural}")))


def _say_merged(what: str, alias: Alias) -> None:
    """On stderr, so that --json output stays one document."""
    typer.secho(
        say(
            "find.merged",
            kind=say(f"kind.{what}"),
            id=repr(alias.id),
            into=repr(alias.into),
            reason=alias.reason,
        ),
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
    lang = cli_lang()
    if isinstance(record, Company):
        extra = [record.domain, record.industry, status_name(record.status, lang) if record.status else None]
    else:
        extra = [record.title, record.email]
    details = ("，" if lang == "zh-CN" else ", ").join(x for x in extra if x)
    if not details:
        return record.name
    return f"{record.name}  （{details}）" if lang == "zh-CN" else f"{record.name}  ({details})"


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
        typer.echo(say("list.empty", kind=say(f"kind.{plural}")))
        return
    width = max(display_width(r.id) for r in records)
    for record in records:
        typer.echo(f"{pad(record.id, width)}  {_describe(record)}")
    noun = say(f"kind.{kind}" if count == 1 else f"kind.{plural}")
    if count > len(records):
        typer.echo(say("list.some", shown=len(records), count=f"{count:,}", kind=noun))
    else:
        typer.echo(say("list.all", count=f"{count:,}", kind=noun))
