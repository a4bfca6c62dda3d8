"""`buyergraph refresh`: analyse every account that changed (or all) and keep the results in the store.

`buyergraph refresh --all` for today's date is the daily job (engagement decays with time, so a
result computed yesterday is a day old even when no data changed).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from api.commands.analyze import _parse_day
from api.config_file import load_config
from api.refresh import SCHEDULER_ENV, StoreAddress
from api.refresh import refresh as run_refresh
from api.settings import get_settings


def refresh(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Analyse as of this day (YYYY-MM-DD); default today (UTC).")
    ] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Refresh every account, not only those changed since their last refresh."),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help=f"Address of an existing Dask scheduler (tcp://host:8786); default ${SCHEDULER_ENV}, "
            "else this process (or --workers). Its workers need buyergraph and the same NEO4J_* settings.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Start N local Dask worker processes (default and 0: analyse in this process, "
            "which was as fast or faster on a 2-core machine; see docs/refresh.md).",
            min=0,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Analysis settings file (TOML or JSON); default $BUYERGRAPH_CONFIG."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Analyse the accounts whose data changed since their last refresh (or --all) and keep the results."""
    from api.cli import store_from

    day = _parse_day(as_of)
    settings = load_config(config)
    override = (ctx.find_root().obj or {}).get("store")
    with store_from(ctx) as store:
        summary = run_refresh(
            store,
            StoreAddress.of(get_settings(), override),
            as_of=day,
            config=settings,
            everything=everything,
            scheduler=scheduler,
            workers=workers,
        )
    if as_json:
        typer.echo(json.dumps({**asdict(summary), "as_of": summary.as_of.isoformat()}, indent=2))
        return
    typer.echo(
        f"refreshed {summary.written:,} of {summary.accounts:,} account(s) as of {summary.as_of.isoformat()} "
        f"on {summary.workers} in {summary.elapsed_s:.1f} s"
    )
