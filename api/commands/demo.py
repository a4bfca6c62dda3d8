"""`buyergraph demo`: a sample world, loaded and served, in one command on a fresh machine.

It generates a synthetic world dated today into a temporary folder, loads it into an embedded store
in its own folder (`<BUYERGRAPH_HOME>/demo` unless `--home` says otherwise, so a real store is never
touched), creates a read key, starts the server and prints the address of the account list. A browser
is opened only where there is a display. Ctrl-C stops the server cleanly.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import time
import webbrowser
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from api.commands.text import say
from graph.errors import ConfigurationError, InvalidInputError

#: The demo's key name in the demo folder's key ring (replaced on every run).
DEMO_KEY_NAME = "demo"
#: A file that marks a folder as the demo's own, so that its store may be replaced.
DEMO_MARKER = ".buyergraph-demo"


def has_display() -> bool:
    """True where a browser window can open: an X11 or Wayland display, or macOS."""
    return sys.platform == "darwin" or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def check_port_free(host: str, port: int) -> None:
    """Refuse a port that something already listens on, before any slow work (the demo generates
    and loads a whole world first: finding the port busy after that wastes the user's minute)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigurationError(
                say("demo.port_busy", port=port, host=host, reason=exc.strerror or exc)
            ) from None


def page_address(host: str, port: int) -> str:
    """The address a browser on this machine opens for a server listening on host:port."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def demo_home(home: Path | None) -> Path:
    """Where the demo keeps its store and keys: `--home`, else `<BUYERGRAPH_HOME>/demo`."""
    if home is not None:
        return home.expanduser()
    from api.settings import get_settings

    return get_settings().home.expanduser() / "demo"


def prepare_demo(home: Path, *, accounts: int, seed: int, as_of: date, progress: bool | None = None) -> str:
    """Generate a world, load it into a fresh embedded store in `home`, and return a new read key."""
    from api.config_file import load_config
    from api.keys import KeyRing
    from api.refresh import compute_results
    from graph.stores.embedded import EmbeddedStore
    from ingest.loader import ingest_paths
    from ingest.synthetic.generator import generate_world

    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="buyergraph-demo-") as work:
        world = Path(work) / "world"
        typer.echo(say("demo.generating", accounts=accounts, seed=seed, as_of=as_of))
        generate_world(world, accounts, seed=seed, as_of=as_of, progress=progress)
        typer.echo(say("demo.loading", home=home))
        with EmbeddedStore(home) as store:
            store.clear()  # the demo folder holds only the demo: start from the same world each time
            result = ingest_paths([world], store, progress=progress)
            # The account list and the deals view read the kept results of a refresh.
            ids = store.accounts_to_refresh(everything=True)
            store.write_results(compute_results(store, ids, as_of=as_of, config=load_config()))
        summary = result.summary
        loaded = sum(k.loaded for k in summary.kinds.values())
        typer.echo(
            say(
                "demo.loaded",
                loaded=f"{loaded:,}",
                seconds=f"{summary.elapsed_s:.1f}",
                rejected=f"{summary.rejected_rows:,}",
            )
        )
    ring = KeyRing.for_home(home)
    for key in ring.list_keys():
        if key.name == DEMO_KEY_NAME and key.active:
            ring.revoke(key.id)
    return ring.create(DEMO_KEY_NAME, "read")


def demo(
    ctx: typer.Context,
    accounts: Annotated[
        int, typer.Option("--accounts", "-n", min=1, max=5000, help="How many sample accounts to generate.")
    ] = 30,
    seed: Annotated[
        int,
        typer.Option("--seed", help="Random seed of the sample world (the README tour's names come from 0)."),
    ] = 0,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="The last day of the sample world; default today, so its engagement is live.",
            show_default=False,
        ),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser, even when there is a display.")
    ] = False,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="Folder for the demo's store and keys (default: <BUYERGRAPH_HOME>/demo). The demo "
            "replaces its store on every run, so it refuses a folder holding a store it did not create.",
        ),
    ] = None,
) -> None:
    """Try buyergraph in one command: a sample world, loaded and served, with its account list."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    folder = demo_home(home)
    if (ctx.find_root().obj or {}).get("store"):
        typer.echo(say("demo.store_ignored", folder=folder))
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(say("demo.not_a_folder", folder=folder))
    ours = (folder / DEMO_MARKER).exists()
    if not ours and any((folder / name).exists() for name in ("graph.json", "keys.json")):
        # The demo replaces its store and key on every run: never touch data it did not put there.
        raise ConfigurationError(say("demo.not_ours", folder=folder))
    check_port_free(host, port)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEMO_MARKER).write_text("this folder is managed by `buyergraph demo`\n", encoding="utf-8")
    day = date.today() if as_of is None else as_of.date()
    key = prepare_demo(folder, accounts=accounts, seed=seed, as_of=day)

    settings = Settings(home=folder)
    app = create_app(settings, store_override=str(folder))
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, server_header=False
    )
    server = uvicorn.Server(config)
    address = page_address(host, port)

    def announce() -> None:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline and not server.should_exit:
            time.sleep(0.05)
        if not server.started:
            return
        typer.echo("")
        typer.secho(say("demo.running", address=address), bold=True)
        typer.echo(say("demo.key", key=key))
        typer.echo(say("demo.curl", command=f"curl -H 'X-API-Key: {key}' {address}api/v1/accounts"))
        typer.echo(say("serve.api", api=f"{address}api/v1", docs=f"{address}docs"))
        typer.echo(say("demo.where", folder=folder))
        if not no_browser and has_display():
            webbrowser.open(f"{address}login")

    threading.Thread(target=announce, name="buyergraph-demo-announce", daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        raise ConfigurationError(say("demo.cannot_start", host=host, port=port))
    typer.echo(say("demo.stopped"))
