"""`buyergraph webhooks deliver [--loop] | list`: send the book's changes to the registered webhooks.

`serve` delivers in the background (every BUYERGRAPH_WEBHOOK_INTERVAL_S seconds); this command is the
same round for cron, or for a deployment that runs no server. Webhooks are registered through the API
(`POST /api/v1/webhooks`, admin scope); they live in `webhooks.json` in BUYERGRAPH_HOME.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

import typer

from api.settings import get_settings
from api.webhooks import book_for_home, deliver_round


class WebhookAction(StrEnum):
    DELIVER = "deliver"
    LIST = "list"


def webhooks(
    ctx: typer.Context,
    action: Annotated[WebhookAction, typer.Argument(help="deliver or list.")],
    loop: Annotated[
        bool, typer.Option("--loop", help="deliver: keep delivering, a round every --every seconds.")
    ] = False,
    every: Annotated[
        float, typer.Option("--every", min=0.5, help="deliver --loop: seconds between rounds.")
    ] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Deliver the changes not yet sent to each webhook (retrying failed ones whose back-off ended), or
    list the webhooks (never their secrets)."""
    from api.cli import store_from

    settings = get_settings()
    book = book_for_home(settings.home, settings.webhook_backoff_s)
    if action is WebhookAction.LIST:
        hooks = [h.model_dump(mode="json", exclude={"secret"}) for h in book.webhooks()]
        if as_json:
            typer.echo(json.dumps(hooks, indent=2))
        for hook in [] if as_json else hooks:
            kinds = ",".join(hook["kinds"]) or "every kind"
            typer.echo(f"{hook['id']}  {hook['url']}  {kinds}  up to change {hook['cursor']}")
        return
    with store_from(ctx) as store:
        while True:
            outcome = deliver_round(store, book)
            if as_json:
                typer.echo(json.dumps(asdict(outcome)))
            else:
                typer.echo(
                    f"{outcome.enqueued} new, {outcome.attempted} attempted, {outcome.delivered} delivered, "
                    f"{outcome.failed} given up"
                )
            if not loop:
                return
            time.sleep(every)
