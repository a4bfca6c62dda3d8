"""`buyergraph export --for salesforce|hubspot [--out DIR]`: the kept scores as CRM update files.

What the files hold, the custom fields to create and the import steps: docs/crm-export.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.crm_export import Crm, export_scores


def export(
    ctx: typer.Context,
    crm: Annotated[
        Crm, typer.Option("--for", help="The CRM whose importer reads the files: salesforce or hubspot.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder to write the files into; default ./buyergraph-<crm>.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Write the scores of the last refresh (influence, suggested roles, lead score, engagement per contact;
    coverage, completeness, win likelihood and the top gap per opportunity) as files the CRM imports,
    keyed by the CRM's own record ids."""
    from api.cli import store_from

    folder = out or Path(f"buyergraph-{crm.value}")
    with store_from(ctx) as store:
        summary = export_scores(store, crm, folder)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "crm": summary.crm,
                    "folder": str(summary.folder),
                    "files": summary.files,
                    "accounts": summary.accounts,
                    "skipped_contacts": summary.skipped_contacts,
                    "skipped_deals": summary.skipped_deals,
                },
                indent=2,
            )
        )
        return
    if not summary.accounts:
        typer.echo("no kept results: run `buyergraph refresh` first", err=True)
    for name, rows in summary.files.items():
        typer.echo(f"{summary.folder / name}: {rows:,} row(s)")
    typer.echo(
        f"{summary.accounts:,} account(s); skipped {summary.skipped_contacts:,} contact(s) and "
        f"{summary.skipped_deals:,} deal(s) without a {crm.value} id"
    )
