"""Benchmark: the committee map of a 2,000-person account, on the server and in a real browser.

Server side, it times

- buyergraph: `build_committee_map()` (tidy org layout, department clusters, deal panels) plus
  rendering the page;
- baseline: pyvis's own `Network` with the same people and edges and `generate_html()` (its default
  physics on, no positions), the usual way to draw a NetworkX graph in a page.

With `--browser` it also opens both pages in headless Chromium (Debian's `chromium` and
`chromedriver`) and times until the map is usable: buyergraph's page until it has drawn
(`#map[data-state=ready]`; positions come from the server, physics stays off), pyvis's page until its
physics stabilisation finishes (or `--browser-timeout` seconds, reported as "> N s").

    python bench/bench_map.py [--people 2000] [--runs 5] [--browser]

Prints the median, min and max of each over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pyvis.network import Network

from graph.analyses import analyze_account
from graph.model import AccountGraph
from viz.committee_map import build_committee_map
from viz.pages import render_committee_map, static_dir, vis_network_dir

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.unit.map_world import AS_OF, large_account, large_account_touches  # noqa: E402


def timed(work: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def describe(label: str, times: list[float]) -> str:
    return (
        f"{label:<46} median {statistics.median(times) * 1000:8.1f} ms   "
        f"min {min(times) * 1000:8.1f}   max {max(times) * 1000:8.1f}"
    )


def pyvis_page(account: AccountGraph) -> str:
    touches = large_account_touches(len(account.people))
    """The baseline: everyone and every tie in a pyvis Network with its default physics."""
    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line")
    for person in account.people:
        net.add_node(person.id, label=person.name, title=person.title or "")
    for rep in account.reps:
        net.add_node(f"rep:{rep.id}", label=rep.name, shape="box")
    for line in account.reporting:
        net.add_edge(line.manager_id, line.person_id)
    seen = set()
    for touch in touches:
        for pid in touch.person_ids:
            if touch.rep_id and (touch.rep_id, pid) not in seen:
                seen.add((touch.rep_id, pid))
                net.add_edge(f"rep:{touch.rep_id}", pid)
    html: str = net.generate_html()
    return html


def browser_times(ours: str, theirs: str, runs: int, timeout: float) -> tuple[list[float], list[float]]:
    """Seconds until each page's map is usable in headless Chromium."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    root = Path(tempfile.mkdtemp(prefix="bench-map-"))
    (root / "ours.html").write_text(ours, encoding="utf-8")
    (root / "pyvis.html").write_text(
        theirs.replace(
            "network = new vis.Network(container, data, options);",
            "network = new vis.Network(container, data, options);"
            "network.once('stabilizationIterationsDone', function () { document.title = 'stable'; });",
        ),
        encoding="utf-8",
    )
    static = root / "static"
    shutil.copytree(static_dir(), static)
    shutil.copytree(vis_network_dir(), static / "vendor" / "vis-network")
    handler = partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def fresh_driver() -> webdriver.Chrome:
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "chromium"
        profile = tempfile.mkdtemp(prefix="profile-", dir=root)
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1500,950",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(flag)
        service = Service(shutil.which("chromedriver") or "chromedriver")
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(timeout)
        driver.set_script_timeout(timeout)
        return driver

    page_ready: list[float] = []

    def measure(url: str, condition: str, own_figure: bool = False) -> float:
        # A fresh browser each time: a page still busy with physics would slow the next one down.
        driver = fresh_driver()
        try:
            seconds = _until(driver, url, condition, timeout)
            if own_figure and seconds != float("inf"):
                # The page's own clock: navigation start to first drawing, without WebDriver's polling.
                page_ready.append(
                    float(driver.execute_script("return document.getElementById('map').dataset.readyMs"))
                    / 1000
                )
            return seconds
        finally:
            driver.quit()

    try:
        ours_t = [
            measure(
                f"{base}/ours.html", "return document.getElementById('map').dataset.state === 'ready'", True
            )
            for _ in range(runs)
        ]
        theirs_t = [measure(f"{base}/pyvis.html", "return document.title === 'stable'") for _ in range(runs)]
        if page_ready:
            print(describe("browser: buyergraph page, its own clock", page_ready))
        return ours_t, theirs_t
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        return


def _until(driver: object, url: str, condition: str, timeout: float) -> float:
    """Seconds from navigation until `condition` holds; inf when the page stays busy past `timeout`."""
    from selenium.common.exceptions import TimeoutException

    start = time.perf_counter()
    try:
        driver.get(url)  # type: ignore[attr-defined]
        while time.perf_counter() - start < timeout:
            # A page busy with physics answers late: the wait counts, as it does for a person.
            if driver.execute_script(condition):  # type: ignore[attr-defined]
                return time.perf_counter() - start
            time.sleep(0.02)
    except TimeoutException:
        pass
    return float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time both pages in headless Chromium")
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--browser-timeout", type=float, default=60.0)
    args = parser.parse_args()

    account, _ = large_account(args.people)
    analysis = analyze_account(account, as_of=AS_OF)
    print(
        f"account: {len(account.people):,} people, {len(account.reporting):,} reporting lines, "
        f"{account.touch_days.touch_count():,} touches, {len(account.reps)} reps"
    )

    def ours() -> str:
        return render_committee_map(build_committee_map(account, analysis, as_of=AS_OF))

    build = timed(lambda: build_committee_map(account, analysis, as_of=AS_OF), args.runs)
    page = timed(ours, args.runs)
    baseline = timed(lambda: pyvis_page(account), args.runs)
    html, base_html = ours(), pyvis_page(account)
    print(describe("buyergraph: map data", build))
    print(describe("buyergraph: map data + page", page) + f"   page {len(html) / 1e6:.2f} MB")
    print(
        describe("baseline: pyvis Network + generate_html", baseline)
        + f"   page {len(base_html) / 1e6:.2f} MB"
    )
    if args.browser:
        ours_t, theirs_t = browser_times(html, base_html, args.browser_runs, args.browser_timeout)

        def show(label: str, times: list[float]) -> None:
            finite = [t for t in times if t != float("inf")]
            if len(finite) < len(times):
                slow = len(times) - len(finite)
                print(f"{label:<46} > {args.browser_timeout:g} s in {slow} of {len(times)} runs")
            if finite:
                print(describe(label, finite))

        show("browser: buyergraph page until drawn", ours_t)
        show("browser: pyvis page until physics stable", theirs_t)


if __name__ == "__main__":
    main()
