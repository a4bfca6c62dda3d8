"""`buyergraph serve`: run the HTTP API (and the pages) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for all).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Server processes (each opens its own store connection).")
    ] = 1,
    log_level: Annotated[
        str, typer.Option("--log-level", help="critical, error, warning, info or debug.")
    ] = "info",
) -> None:
    """Serve the HTTP API under /api/v1 (OpenAPI at /docs) using the configured store."""
    import logging
    import os

    import uvicorn

    from api.app import create_app
    from api.cli import store_label
    from api.commands.demo import check_port_free, page_address
    from api.commands.text import say
    from api.runtime import check_service_store
    from api.settings import get_settings
    from graph.errors import InvalidInputError

    level = log_level.upper()
    if level not in ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"):
        raise InvalidInputError(
            f"--log-level must be critical, error, warning, info or debug, got {log_level!r}"
        )
    from api.serving import LOG_FORMAT, NEO4J_LOG_LEVEL

    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger("neo4j").setLevel(NEO4J_LOG_LEVEL)
    override = (ctx.find_root().obj or {}).get("store")
    settings = get_settings()
    # Settings that cannot work end here, as one line without credentials, not in a traceback of
    # the server's start-up.
    check_service_store(settings, override)
    check_port_free(host, port)
    address = page_address(host, port)
    typer.echo(say("serve.pages", address=address))
    typer.echo(say("serve.api", api=f"{address}api/v1", docs=f"{address}docs"))
    typer.echo(say("serve.store", store=store_label(ctx)))
    typer.echo(say("serve.keys", path=settings.home.expanduser() / "keys.json"))
    if workers > 1:
        if override:
            os.environ["BUYERGRAPH_STORE"] = override
        from api.serving import run_workers

        run_workers(
            "api.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=False,
            server_header=False,
        )
        return
    uvicorn.run(
        create_app(settings, store_override=override),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
    )
