"""A local Neo4j 5.26 Community server for development, tests and small installs.

`buyergraph neo4j start` fetches the server jars from Maven Central with Maven (the `pom.xml`
beside this file), starts the real server entry point on 127.0.0.1 with Bolt only, waits until
Bolt answers and replaces the initial password with a random one kept in the server folder.
Users who already run Neo4j (Docker, a server, Aura) set `NEO4J_URI` instead and never need this.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import cypher
from graph.errors import ConfigurationError, WriteFailedError

NEO4J_VERSION = "5.26.30"
DEFAULT_PORT = 7687
USERNAME = "neo4j"
_INITIAL_PASSWORD = "neo4j"

#: JVM flags from the `server.jvm.additional` lines of Neo4j's default neo4j.conf.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)

_USE_EXISTING = (
    "To use a Neo4j you already run instead (Docker, a server, Aura), set NEO4J_URI, "
    "NEO4J_USERNAME and NEO4J_PASSWORD; buyergraph then never starts its own."
)


def default_dir() -> Path:
    """`BUYERGRAPH_NEO4J_DIR`, else `.neo4j` in the current folder (git-ignored in a checkout)."""
    return Path(os.environ.get("BUYERGRAPH_NEO4J_DIR") or ".neo4j").resolve()


@dataclass(frozen=True)
class Status:
    running: bool
    uri: str
    pid: int | None
    folder: Path
    password_file: Path

    def describe(self) -> str:
        if self.running:
            return (
                f"Neo4j {NEO4J_VERSION} is running at {self.uri} (pid {self.pid}); "
                f"user {USERNAME}, password in {self.password_file}; files in {self.folder}"
            )
        return f"Neo4j is not running (files in {self.folder})"


class LocalNeo4j:
    """The files and process of one local server: `lib/` jars, `home/`, `neo4j.pid`, `password`."""

    def __init__(self, folder: Path | None = None, port: int | None = None) -> None:
        self.folder = (folder or default_dir()).resolve()
        self.port = port or int(os.environ.get("BUYERGRAPH_NEO4J_PORT", DEFAULT_PORT))
        self.lib = self.folder / "lib"
        self.home = self.folder / "home"
        self.pid_file = self.folder / "neo4j.pid"
        self.password_file = self.folder / "password"
        self.log_file = self.folder / "server.log"
        #: Seconds per step of the last `import_full` (importer, stop, start).
        self.timings: dict[str, float] = {}

    @property
    def uri(self) -> str:
        return f"neo4j://127.0.0.1:{self.port}"

    # --- public operations -------------------------------------------------------------------

    def status(self) -> Status:
        pid = self._pid()
        running = pid is not None and self._bolt_answers()
        return Status(running, self.uri, pid, self.folder, self.password_file)

    def start(self, *, timeout: float = 180.0, echo: bool = True) -> Status:
        """Fetch (once), configure and start the server; return when Bolt accepts our password."""
        current = self.status()
        if current.running:
            return current
        if self._port_taken():
            raise ConfigurationError(
                f"port {self.port} on 127.0.0.1 is taken by another program; choose another with "
                f"--port or BUYERGRAPH_NEO4J_PORT. {_USE_EXISTING}"
            )
        java = self._require_tools()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fetch(echo=echo)
        self._write_config()
        password = self._password()
        self._launch(java)
        if echo:
            print(f"Starting Neo4j {NEO4J_VERSION} on {self.uri} ...", file=sys.stderr)
        self._wait_for_bolt(timeout)
        self._secure(password, timeout)
        return self.status()

    def stop(self, *, timeout: float = 60.0) -> bool:
        """SIGTERM the server and wait for it to exit (SIGKILL after `timeout`); False if none ran."""
        pid = self._pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def import_full(self, arguments: list[str], *, cwd: Path, database: str = "neo4j") -> Path:
        """Load a database with Neo4j's offline importer (`neo4j-admin database import full`) and
        put it in place of `database`; return the importer's report.

        The importer writes into a fresh store folder beside the server's. A first load only ever
        replaces an empty database, so the server is stopped while the importer runs (its shutdown
        costs no time of its own then); when the import succeeded, the old store is moved aside, the
        new one moved in and the server started. A failed import, or a new store the server will not
        start on, leaves the old store in place and the server started on it again. Seconds per step
        (importer, stop, start) are kept in `timings`.
        """
        if database != "neo4j":
            raise ConfigurationError(
                f"the local Neo4j (Community) has one database, neo4j; got NEO4J_DATABASE={database!r}"
            )
        off_heap = _import_memory()  # a bad setting is refused before anything is touched
        java = self._require_tools()
        self._fetch(echo=False)
        self.timings = {}
        scratch = self.folder / "import"
        if scratch.exists():
            shutil.rmtree(scratch)
        (scratch / "conf").mkdir(parents=True)
        (scratch / "conf" / "neo4j.conf").write_text("dbms.usage_report.enabled=false\n", encoding="utf-8")
        report = self.folder / "import.log"
        heap = _memory_setting("BUYERGRAPH_NEO4J_IMPORT_HEAP", "1g")
        command = [
            java,
            f"-Xmx{heap}",
            *JVM_FLAGS,
            "-cp",
            f"{self.lib}/*",
            "org.neo4j.cli.AdminTool",
            "database",
            "import",
            "full",
            f"--max-off-heap-memory={off_heap}",
            *arguments,
        ]
        env = {**os.environ, "NEO4J_HOME": str(scratch), "NEO4J_CONF": str(scratch / "conf")}
        was_running = self._pid() is not None
        started = time.monotonic()
        try:
            with report.open("wb") as log:
                process = subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd, env=env
                )
                try:
                    stopping = time.monotonic()
                    self.stop()
                    self.timings["stop"] = round(time.monotonic() - stopping, 3)
                    returncode = process.wait()
                finally:
                    if process.poll() is None:  # interrupted: the importer's half-written store is of no use
                        process.kill()
                        process.wait()
            self.timings["importer"] = round(time.monotonic() - started, 3)
            if returncode != 0:
                # The importer's messages may quote the data (personal data): they stay in its report.
                raise WriteFailedError(
                    f"Neo4j's importer failed (exit {returncode}); the database was not changed. "
                    f"Its report: {report}"
                )
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            if was_running:
                self.start(echo=False)
            raise
        self._swap_in(scratch, database, restart_old=was_running)
        shutil.rmtree(scratch, ignore_errors=True)
        return report

    def _swap_in(self, scratch: Path, database: str, *, restart_old: bool) -> None:
        """Put the imported store in place of the old one (the server stopped) and start the server;
        put the old store back, and start the server on it if `restart_old`, when the server will
        not start on the new one."""
        parts = [Path("data") / "databases" / database, Path("data") / "transactions" / database]
        backup = self.folder / "before-import"
        if backup.exists():
            shutil.rmtree(backup)
        self.stop()
        moved: list[Path] = []
        try:
            for part in parts:
                (backup / part).parent.mkdir(parents=True, exist_ok=True)
                if (self.home / part).exists():
                    (self.home / part).rename(backup / part)
                    moved.append(part)
                (self.home / part).parent.mkdir(parents=True, exist_ok=True)
                (scratch / part).rename(self.home / part)
            starting = time.monotonic()
            self.start(echo=False)
            self.timings["start"] = round(time.monotonic() - starting, 3)
        except BaseException:
            self.stop()
            for part in parts:
                if (self.home / part).exists():
                    shutil.rmtree(self.home / part)
                if part in moved:
                    (backup / part).rename(self.home / part)
            if restart_old:
                self.start(echo=False)
            raise
        shutil.rmtree(backup, ignore_errors=True)

    def password(self) -> str:
        if not self.password_file.exists():
            raise ConfigurationError(
                f"no local Neo4j password yet in {self.password_file}; run `buyergraph neo4j start`"
            )
        return self.password_file.read_text(encoding="utf-8").strip()

    # --- steps ---------------------------------------------------------------------------------

    def _require_tools(self) -> str:
        java = shutil.which("java")
        mvn = shutil.which("mvn")
        missing = [name for name, path in (("java (JDK 17 or 21)", java), ("mvn (Maven)", mvn)) if not path]
        if missing and not (self.lib / ".complete").exists():
            raise ConfigurationError(
                f"the local Neo4j needs {' and '.join(missing)} on PATH "
                f"(Debian/Ubuntu: apt-get install openjdk-17-jre-headless maven). {_USE_EXISTING}"
            )
        if not java:
            raise ConfigurationError(f"the local Neo4j needs java (JDK 17 or 21) on PATH. {_USE_EXISTING}")
        return java

    def _fetch(self, *, echo: bool) -> None:
        """Copy the Neo4j jars from Maven Central into `lib/` (Maven caches them in ~/.m2 too)."""
        marker = self.lib / ".complete"
        if marker.exists() and marker.read_text().strip() == NEO4J_VERSION:
            return
        pom = self.folder / "pom.xml"
        pom.write_bytes(resources.files("api.localneo4j").joinpath("pom.xml").read_bytes())
        if self.lib.exists():
            shutil.rmtree(self.lib)
        if echo:
            print(f"Fetching Neo4j {NEO4J_VERSION} from Maven Central (once) ...", file=sys.stderr)
        command = [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={self.lib}",
            "-DincludeScope=runtime",
            f"-Dneo4j.version={NEO4J_VERSION}",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise ConfigurationError(f"Maven could not fetch Neo4j {NEO4J_VERSION}:\n{tail}\n{_USE_EXISTING}")
        marker.write_text(NEO4J_VERSION)

    def _write_config(self) -> None:
        conf = self.home / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "neo4j.conf").write_text(
            "\n".join(
                [
                    "# Written by `buyergraph neo4j start`; edits are overwritten at the next start.",
                    "server.default_listen_address=127.0.0.1",
                    "server.bolt.enabled=true",
                    f"server.bolt.listen_address=127.0.0.1:{self.port}",
                    "server.http.enabled=false",
                    "server.https.enabled=false",
                    "dbms.usage_report.enabled=false",
                    "dbms.security.auth_enabled=true",
                    # Store files Neo4j keeps in memory: below the store's size every write pays
                    # for page faults (a 1M-touch world is about 1 GB on disk).
                    f"server.memory.pagecache.size={_memory_setting('BUYERGRAPH_NEO4J_PAGECACHE', '1g')}",
                    "db.transaction.timeout=0s",
                    # Transaction logs are for recovery here, not for backups or clusters: keep
                    # about 1 GB of them instead of two days' worth (17 GB after a few big loads).
                    "db.tx_log.rotation.retention_policy=1G size",
                    "",
                ]
            ),
            encoding="utf-8",
        )

    def _password(self) -> str:
        if not self.password_file.exists():
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(24))
        return self.password()

    def _launch(self, java: str) -> None:
        heap = _memory_setting("BUYERGRAPH_NEO4J_HEAP", "2g")
        command = [
            java,
            f"-Xms{heap}",
            f"-Xmx{heap}",
            *JVM_FLAGS,
            "-cp",
            f"{self.lib}/*",
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={self.home}",
            f"--config-dir={self.home / 'conf'}",
        ]
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.folder,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))

    def _wait_for_bolt(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self._pid()
            if pid is None:
                raise ConfigurationError(
                    f"Neo4j exited while starting; see {self.log_file} and {self.home / 'logs'}"
                )
            if self._bolt_answers():
                return
            time.sleep(0.1)
        self.stop()
        raise ConfigurationError(f"Neo4j did not open Bolt within {timeout:.0f}s; see {self.log_file}")

    def _secure(self, password: str, timeout: float) -> None:
        """Log in with our password; on a fresh server, replace the initial one first."""
        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable

        deadline = time.monotonic() + timeout
        while True:
            try:
                with neo4j.GraphDatabase.driver(self.uri, auth=(USERNAME, password)) as driver:
                    driver.verify_connectivity()
                    driver.execute_query(cypher.query("ping"), database_="neo4j")
                return
            except AuthError:
                with neo4j.GraphDatabase.driver(self.uri, auth=(USERNAME, _INITIAL_PASSWORD)) as driver:
                    driver.execute_query(
                        cypher.query("change_initial_password"),
                        old=_INITIAL_PASSWORD,
                        new=password,
                        database_="system",
                    )
            except ServiceUnavailable:
                if time.monotonic() > deadline:
                    raise ConfigurationError(
                        f"Neo4j did not answer on {self.uri}; see {self.log_file}"
                    ) from None
                time.sleep(0.1)

    # --- probes ------------------------------------------------------------------------------

    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def _bolt_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def _port_taken(self) -> bool:
        return self._bolt_answers()


def _memory_setting(variable: str, default: str) -> str:
    """A memory size from the environment (like 512m or 2g), checked before Neo4j sees it."""
    value = os.environ.get(variable, default).strip()
    if not re.fullmatch(r"[1-9][0-9]*[kKmMgG]?", value):
        raise ConfigurationError(f"{variable} must be a size such as 512m or 2g, got {value!r}")
    return value


def _import_memory() -> str:
    """The importer's off-heap memory: `BUYERGRAPH_NEO4J_IMPORT_MEMORY`, else half the memory the
    machine has available (MemAvailable: free plus reclaimable page cache), 512m to 4g.

    The importer's own default is 90% of *free* memory, which on a machine whose page cache holds
    the files just written can be almost nothing: measured here, 119 MiB that way against 2 GiB
    given, the 10,000-account world's "linking" stage took 10.3 s against 3.6 s and the whole
    import 61 s of CPU against 55 s."""
    if os.environ.get("BUYERGRAPH_NEO4J_IMPORT_MEMORY", "").strip():
        value = _memory_setting("BUYERGRAPH_NEO4J_IMPORT_MEMORY", "2g")
        scale = {"k": 1 / 1024, "m": 1, "g": 1024}.get(value[-1].lower(), 1 / 1024 / 1024)
        if float(value.rstrip("kKmMgG")) * scale < 128:
            raise ConfigurationError(
                "BUYERGRAPH_NEO4J_IMPORT_MEMORY (the importer's off-heap memory) must be at least 128m, "
                f"got {value!r}"
            )
        return value
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kib = next(int(line.split()[1]) for line in fh if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return "2g"
    return f"{max(512, min(4096, kib // 2 // 1024))}m"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child is not alive
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True
