"""`buyergraph generate OUT_DIR --accounts N`: write a synthetic B2B world with its ground truth."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from graph.errors import InvalidInputError
from ingest.synthetic.generator import DEFAULT_AS_OF, FORMATS, generate_world


def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the data files and truth into (empty).")],
    accounts: Annotated[
        int, typer.Option("--accounts", "-n", help="How many accounts (companies) to generate.")
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same arguments give identical files.")
    ] = 0,
    format: Annotated[
        str,
        typer.Option(
            "--format", help="Output format: native (buyergraph bundle) or salesforce (Data Export)."
        ),
    ] = "native",
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="The last day of the world (its 'today'): touches and deals run up to it. Default: today, "
            f"so a fresh world shows live engagement; give a date (e.g. {DEFAULT_AS_OF}) for a world that "
            "is the same on every run.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a non-empty folder, overwriting.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option("--workers", help="Build processes; 0 = one per CPU (output is identical)."),
    ] = 0,
    outcome_signal: Annotated[
        str,
        typer.Option(
            "--outcome-signal",
            help="planted: closed deals are won or lost by the outcome model in truth.json (engagement "
            "of the economic buyer and the committee); none: every closed deal has the same chance, so "
            "nothing predicts the outcome.",
        ),
    ] = "planted",
) -> None:
    """Generate a realistic synthetic CRM world at any scale, with truth.json for checking analyses."""
    if format not in FORMATS:
        typer.echo(f"error: --format must be one of {', '.join(FORMATS)}, got {format!r}", err=True)
        raise typer.Exit(2)
    day = date.today() if as_of is None else as_of.date()
    try:
        doc = generate_world(
            out_dir,
            accounts,
            seed=seed,
            fmt=format,
            as_of=day,
            force=force,
            workers=workers,
            outcome_signal=outcome_signal,
        )
    except InvalidInputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    rows = doc["rows"]
    typer.echo(
        f"wrote {accounts:,} accounts, {sum(rows.values()):,} rows in {len(rows)} files "
        f"({format}) and truth.json to {out_dir}"
    )
