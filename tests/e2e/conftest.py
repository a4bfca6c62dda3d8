"""A real `buyergraph serve` on a free port with a synthetic world, and a real headless Chromium.

Chromium and chromedriver are Debian's packages (`apt-get install chromium chromium-driver`;
scripts/test.sh installs them when missing). Nothing is skipped: without them these tests fail with
a message saying what to install. Screenshots go to `test-artifacts/` (git-ignored); with
BUYERGRAPH_UPDATE_DOCS_IMAGES=1 the committee-map screenshot also replaces docs/img/committee-map.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from api.keys import KeyRing
from api.refresh import compute_results
from graph.analyses.config import DEFAULT_CONFIG
from graph.model import AccountGraph, BuyingRole, CommitteeRole, Person, Touch, TouchKind
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.synthetic.generator import DEFAULT_AS_OF, generate_world
from tests.unit.map_world import large_account, large_account_touches

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
AS_OF = DEFAULT_AS_OF
LARGE_ACCOUNT_ID = "big"
#: A committee member of the large account whose name and title are markup that would run if unescaped.
HOSTILE_ID = "hostile"
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
HOSTILE_TITLE = "</script><script>window.__pwned=2</script>"

pytestmark = pytest.mark.e2e


@dataclass
class Server:
    base: str
    key: str
    store_dir: Path
    large_account: str


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _store_account(store: EmbeddedStore, account: AccountGraph, touches: list[Touch]) -> None:
    """Write a hand-built account (records in load order) into a store."""
    batches: list[tuple[str, list[Any]]] = [
        ("companies", [account.company]),
        ("people", account.people),
        ("reps", account.reps),
        ("deals", account.deals),
        ("committee", account.committee),
        ("touches", touches),
        ("reporting", account.reporting),
        ("employment", account.employment),
    ]
    store.upsert_all((kind, records) for kind, records in batches if records)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`buyergraph serve` in a subprocess over an embedded store holding a generated world plus one
    2,000-person account."""
    root = tmp_path_factory.mktemp("e2e")
    world = root / "world"
    generate_world(world, 12, seed=21, progress=False)
    store_dir = root / "store"
    with EmbeddedStore(store_dir) as store:
        ingest_paths([world], store, progress=False)
        big, _ = large_account(2000)
        big.people.append(
            Person(
                id=HOSTILE_ID,
                name=HOSTILE_NAME,
                title=HOSTILE_TITLE,
                company_id=big.company.id,
                department="Sales",
                reports_to_id="p1",
            )
        )
        big.committee.append(CommitteeRole(deal_id="bd", person_id=HOSTILE_ID, role=BuyingRole.CHAMPION))
        touches = large_account_touches(2000)
        touches.append(
            Touch(
                id="t-hostile",
                at=datetime(2026, 6, 1),
                kind=TouchKind.MEETING,
                person_ids=[HOSTILE_ID],
                rep_id="r1",
            )
        )
        _store_account(store, big, touches)
        # The account list and the deals view read the kept results of a refresh.
        store.write_results(
            compute_results(
                store, store.accounts_to_refresh(everything=True), as_of=AS_OF, config=DEFAULT_CONFIG
            )
        )
    home = root / "home"
    key = KeyRing.for_home(home).create("e2e", "read")
    port = _free_port()
    env = {**os.environ, "BUYERGRAPH_HOME": str(home)}
    env.pop("NEO4J_URI", None)
    log = (root / "server.log").open("wb")
    command = Path(sys.executable).parent / "buyergraph"
    process = subprocess.Popen(
        [str(command), "--store", str(store_dir), "serve", "--port", str(port), "--log-level", "warning"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"buyergraph serve did not start: {(root / 'server.log').read_text()[-2000:]}")
        time.sleep(0.2)
    try:
        yield Server(base, key, store_dir, LARGE_ACCOUNT_ID)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail(
            "the browser tests need Chromium and chromedriver: "
            "apt-get install -y chromium chromium-driver (scripts/test.sh does this when it can)"
        )
    return browser, driver


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium, isolated from the network except this machine, with its console log."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="buyergraph-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1500,950",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def signed_in(browser: Any, server: Server) -> Any:
    """The browser after signing in through the login form (the cookie then holds a page session)."""
    from selenium.webdriver.common.by import By

    browser.get(server.base + "/")
    assert "/login" in browser.current_url
    browser.find_element(By.ID, "api-key").send_keys(server.key)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(lambda: urlpath(browser.current_url) == "/", "the account list after signing in")
    console_errors(browser)  # start the next test with an empty console log
    return browser


def urlpath(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).path


def wait_for(condition: Any, what: str, timeout: float = 30.0) -> Any:
    """Poll until `condition()` is truthy; fail naming `what` when it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:g} s waiting for {what}")


def console_errors(browser: Any) -> list[str]:
    """SEVERE entries of the browser console since the last call."""
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(browser: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path
