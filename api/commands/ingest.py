"""`buyergraph ingest PATH...`: load CRM exports (native bundle, Salesforce, HubSpot) into the store.

Exit codes: 0 everything loaded; 0 with rejects listed (without --strict), and 0 for files that hold
only a header; 3 with --strict when anything was rejected (nothing is written then); 2 for bad
arguments or when none of the paths exists; 6 when the store refused a write half-way (running the
ingest again completes it); 7 when another ingest held the store for longer than --wait; 8 when
nothing was loaded: no file of an object buyergraph reads was recognised, or rows were present and
every one was rejected; other buyergraph errors keep the codes of `buyergraph` (see api/cli.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from graph.errors import BuyerGraphError, IngestBusyError, InvalidInputError, WriteFailedError
from graph.stores.base import DEFAULT_INGEST_WAIT_S, GraphStore, IngestLockHolder
from ingest.loader import DEFAULT_BATCH, IngestResult, NotUsedFile, ingest_paths
from ingest.readers import FORMATS
from ingest.rejects import write_rejects

if TYPE_CHECKING:
    from api.initial_load import InitialLoad

#: Exit code when --strict finds any reject.
EXIT_REJECTS = 3
#: Exit code when the store refused a write in the middle of the ingest.
EXIT_WRITE_FAILED = 6
#: Exit code when another ingest held the store for longer than --wait.
EXIT_BUSY = 7
#: Exit code when nothing was loaded: no usable file was recognised, or every row was rejected.
EXIT_NOTHING_LOADED = 8
#: How many files of one reason the "not used" list names before folding the rest into a count.
_SHOWN_NOT_USED = 8
#: How many rejects the terminal shows when no --rejects file is asked for.
_SHOWN_REJECTS = 10


def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders to load (a folder: every .csv, .tsv and .jsonl file in it)."),
    ],
    format: Annotated[
        str,
        typer.Option("--format", "-f", help=f"Input format: {', '.join(FORMATS)} (auto detects each file)."),
    ] = "auto",
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Write every reject (file, row, field, value, reason) here: .csv, or .jsonl for JSON Lines.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Write nothing and exit 3 if any row or file is rejected (files not used do not count).",
        ),
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Records per write transaction.", min=1)
    ] = DEFAULT_BATCH,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            help="Seconds to wait while another ingest writes to the same store, then give up (exit 7).",
            min=0,
        ),
    ] = DEFAULT_INGEST_WAIT_S,
    initial: Annotated[
        bool,
        typer.Option(
            "--initial",
            help="First load into an empty Neo4j database through Neo4j's offline importer (bulk speed; "
            "see docs/ingest.md). Refuses a database that holds data.",
        ),
    ] = False,
    import_dir: Annotated[
        Path | None,
        typer.Option(
            "--import-dir",
            help="With --initial: where to write the import files (default: a folder beside the local "
            "Neo4j, removed after the import; ./buyergraph-import for a server buyergraph does not manage).",
        ),
    ] = None,
    no_refresh: Annotated[
        bool,
        typer.Option(
            "--no-refresh",
            help="Do not refresh the kept analyses of the accounts this ingest changed (they stay stale "
            "until `buyergraph refresh`).",
        ),
    ] = False,
) -> None:
    """Load CRM data: a native bundle, a Salesforce Data Export or HubSpot exports, in any mix."""
    from api.cli import store_from, store_label
    from api.settings import get_settings

    if format not in FORMATS:
        raise InvalidInputError(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    if import_dir is not None and not initial:
        raise InvalidInputError("--import-dir goes with --initial")
    loader: InitialLoad | None = None
    try:
        with store_from(ctx) as store:
            if initial:
                loader = _initial_load(ctx, store, import_dir, batch_size)
            result = ingest_paths(
                paths,
                store,
                format=format,
                strict=strict,
                batch_size=batch_size,
                wait_s=wait,
                on_wait=_say_waiting,
                headers=get_settings().headers_file,
                initial=loader,
            )
            if loader is not None:
                _finish_initial(loader, import_dir, quiet=as_json)
            if result.changed_accounts and not no_refresh and not (strict and result.blocking_rejects):
                _refresh_changed(ctx, store, result.changed_accounts, quiet=as_json)
    except (IngestBusyError, WriteFailedError) as exc:
        _fail(exc, EXIT_BUSY if isinstance(exc, IngestBusyError) else EXIT_WRITE_FAILED)
    if rejects is not None:
        write_rejects(rejects, result.rejects)
    if as_json:
        typer.echo(json.dumps(result.summary.model_dump(), indent=2, ensure_ascii=False))
    else:
        _print_summary(result, store_label(ctx), rejects)
    if not result.summary.files:
        raise typer.Exit(2)  # none of the paths exists: a bad argument
    if strict and result.blocking_rejects:
        typer.secho(
            f"--strict: {len(result.blocking_rejects):,} rejects, so nothing was written",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(EXIT_REJECTS)
    if loader is not None and not loader.imported and result.summary.written:
        return  # the files are written; the steps above say how to import them
    if result.nothing_loaded:
        typer.secho(
            "nothing was loaded: " + _why_nothing(result) + " (see the messages above)",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(EXIT_NOTHING_LOADED)


def _initial_load(
    ctx: typer.Context, store: GraphStore, import_dir: Path | None, batch_size: int
) -> InitialLoad:
    """The write step of `--initial` for the chosen store (refuses a store that holds data)."""
    import tempfile

    from api.initial_load import InitialLoad, local_server_of, refuse_non_empty
    from api.settings import get_settings
    from api.stores import neo4j_uri_of

    settings = get_settings()
    uri = neo4j_uri_of(settings, (ctx.find_root().obj or {}).get("store"))
    refuse_non_empty(store)  # before reading any file
    assert uri is not None  # refuse_non_empty accepts Neo4j stores only
    server = local_server_of(uri)
    if import_dir is None:
        if server is not None:
            import_dir = Path(tempfile.mkdtemp(prefix="import-files-", dir=server.folder))
        else:
            import_dir = Path("buyergraph-import").resolve()
    if import_dir.exists() and any(import_dir.iterdir()) and server is None:
        raise InvalidInputError(f"--import-dir {import_dir} is not empty; name a new or empty folder")
    return InitialLoad(store, uri, import_dir, database=settings.neo4j_database, batch_size=batch_size)


def _finish_initial(loader: InitialLoad, import_dir: Path | None, *, quiet: bool) -> None:
    """After a first load: remove the files of a local import, or print the steps for another server."""
    import shutil

    if loader.imported:
        if import_dir is None and loader.files is not None:
            shutil.rmtree(loader.files.folder, ignore_errors=True)
        if not quiet:
            steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in loader.phases_s.items())
            typer.echo(f"imported with Neo4j's importer ({steps})", err=True)
        return
    if loader.files is None:
        return
    typer.echo(
        f"wrote the import files ({loader.files.node_count:,} nodes, {loader.files.relationship_count:,} "
        f"relationships) to {loader.files.folder}; this server is not the local Neo4j buyergraph manages, "
        "so import them there:",
        err=True,
    )
    for step in loader.steps():
        typer.echo(f"  {step}", err=True)


def _why_nothing(result: IngestResult) -> str:
    used = [f for f in result.summary.files if f.error is None and f.not_used is None]
    if used:
        return "every row was rejected"
    if any(f.not_used for f in result.summary.files):
        return "no file of an object buyergraph reads was recognised, only files it does not use"
    return "no file was recognised or readable"


def _refresh_changed(ctx: typer.Context, store: GraphStore, account_ids: list[str], *, quiet: bool) -> None:
    """Refresh the kept results of the accounts the ingest changed, as of today."""
    from datetime import UTC, datetime

    from api.config_file import load_config
    from api.refresh import StoreAddress, refresh
    from api.settings import get_settings

    override = (ctx.find_root().obj or {}).get("store")
    summary = refresh(
        store,
        StoreAddress.of(get_settings(), override),
        as_of=datetime.now(UTC).date(),
        config=load_config(),
        account_ids=account_ids,
    )
    if not quiet:  # --json prints the summary alone
        typer.echo(f"refreshed the analyses of {summary.written:,} changed account(s)", err=True)


def _say_waiting(holder: IngestLockHolder | None) -> None:
    who = holder.describe() if holder else "holder unknown"
    typer.secho(f"waiting for another ingest ({who}) to finish", err=True, fg=typer.colors.YELLOW)


def _fail(exc: BuyerGraphError, code: int) -> NoReturn:
    typer.secho(f"buyergraph: {exc}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _print_not_used(files: list[NotUsedFile]) -> None:
    """Files of objects buyergraph does not use: a count, then the names by reason, folded when many."""
    if not files:
        return
    typer.echo(f"  not used ({len(files):,} files, not read and not rejects):")
    by_reason: dict[str, list[str]] = {}
    for item in files:
        by_reason.setdefault(item.reason, []).append(item.file)
    for reason, names in by_reason.items():
        shown = ", ".join(names[:_SHOWN_NOT_USED])
        more = f" and {len(names) - _SHOWN_NOT_USED:,} more" if len(names) > _SHOWN_NOT_USED else ""
        typer.echo(f"    {shown}{more}: {reason}")


def _print_summary(result: IngestResult, where: str, rejects_path: Path | None) -> None:
    summary = result.summary
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.phases_s.items())
    typer.echo(f"ingest into {where} ({summary.elapsed_s:.1f} s: {phases})")
    for note in summary.files:
        if note.not_used:
            continue  # listed together below
        if note.error:
            typer.secho(f"  {note.file}: NOT READ: {note.error}", fg=typer.colors.RED)
            continue
        why = "; ".join(f"{reason}: {count:,}" for reason, count in note.skip_reasons.items())
        extra = f", {note.skipped:,} skipped ({why or 'not touches'})" if note.skipped else ""
        if note.deleted:
            extra += f", {note.deleted:,} skipped (deleted in the CRM)"
        if note.joined:
            typer.echo(
                f"  {note.file}: {note.format} {note.object}, {note.rows:,} rows, joined into the others"
            )
            continue
        if not note.rows and not note.deleted:
            typer.echo(f"  {note.file}: {note.format} {note.object}: header only, no rows{extra}")
            continue
        encoding = (
            f"{note.encoding}, {'tab' if note.delimiter == chr(9) else note.delimiter!r}"
            if note.delimiter
            else note.encoding
        )
        typer.echo(f"  {note.file}: {note.format} {note.object}, {note.rows:,} rows ({encoding}){extra}")
        if note.ignored_columns:
            typer.echo(f"    ignored columns: {', '.join(note.ignored_columns)}")
    _print_not_used(summary.not_used)
    typer.echo("")
    typer.echo(f"  {'kind':<14} {'read':>10} {'merged':>10} {'rejected':>10} {'loaded':>10}")
    for kind, k in summary.kinds.items():
        typer.echo(f"  {kind:<14} {k.read:>10,} {k.merged:>10,} {k.rejected:>10,} {k.loaded:>10,}")
    if summary.merges:
        typer.echo("")
        typer.echo("  merges and attachments:")
        for reason, count in summary.merges.items():
            typer.echo(f"    {count:>8,}  {reason}")
    if summary.notices:
        typer.echo("")
        typer.echo(f"  {summary.notices:,} notice(s): look-alikes kept apart (report action 'notice')")
        if rejects_path is not None and not summary.reject_entries:
            typer.echo(f"  reject report: {rejects_path}")
    if summary.reject_entries:
        typer.echo("")
        typer.echo(
            f"  {summary.reject_entries:,} rejects ({summary.rejected_rows:,} rows not loaded, "
            f"{summary.files_skipped:,} files not read)"
        )
        if rejects_path is not None:
            typer.echo(f"  reject report: {rejects_path}")
        else:
            shown = result.blocking_rejects
            for reject in shown[:_SHOWN_REJECTS]:
                typer.echo(f"    {reject.short()}")
            if len(shown) > _SHOWN_REJECTS:
                typer.echo("    ... use --rejects FILE for the full report")
    if not summary.written:
        typer.secho("  nothing was written (--strict)", fg=typer.colors.YELLOW)
