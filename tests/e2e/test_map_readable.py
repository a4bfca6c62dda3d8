"""The committee map reads at first sight at 5, 100 and 2,000 people, on a phone and on a desktop.

What a person sees is measured in the browser through vis-network's own state: where each committee
member is drawn, the size their label has on screen, and whether vis-network draws it at all. With
BUYERGRAPH_UPDATE_DOCS_IMAGES=1 the screenshots also replace the pictures under docs/img/.
"""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from graph.stores.embedded import EmbeddedStore
from tests.e2e.conftest import AS_OF, REPO, Server, console_errors, screenshot, wait_for

pytestmark = pytest.mark.e2e
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Raw enum values ("c_level", "economic_buyer") must never reach a Chinese page.
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b")
DAY = AS_OF.isoformat()
WIDTHS = (400, 1600)
HEIGHT = 900


def account_of_size(server: Server, size: int) -> str:
    """The account whose head count is closest to `size` among those with an open deal and a committee."""
    if size >= 1000:
        return server.large_account
    with EmbeddedStore(server.store_dir) as store:
        graphs = [store.account_graph(a.id) for a in store.list_accounts(limit=100).data]
    graphs = [g for g in graphs if g.committee and g.company.id != server.large_account]
    return min(graphs, key=lambda g: (abs(len(g.people) - size), g.company.id)).company.id


def open_map(browser: Any, server: Server, account_id: str, width: int, lang: str = "en") -> None:
    browser.set_window_size(width, HEIGHT)
    browser.get(f"{server.base}/accounts/{account_id}?as_of={DAY}&lang={lang}")
    state = "const m = document.getElementById('map'); return m ? m.dataset.state : document.body.innerText;"
    wait_for(
        lambda: browser.execute_script(state) == "ready",
        f"the map of {account_id} at {width} px (the page shows: {browser.execute_script(state)[:300]!r})",
        60,
    )


#: Where each of the chosen deal's committee members is drawn, how big their label is on screen, and
#: whether vis-network draws it (its semantic zoom skips labels too small to read).
COMMITTEE_ON_SCREEN = """
const m = window.buyergraphMap, net = m.network;
const deal = document.getElementById('map').dataset.dealId;
const panel = document.querySelector('.deal-panel[data-deal-id="' + deal + '"]');
const ids = Array.from(panel.querySelectorAll('ul.committee .person-link'))
  .map(function (a) { return a.dataset.personId; });
const canvas = document.querySelector('#map canvas').getBoundingClientRect();
return ids.map(function (id) {
  const body = net.body.nodes[id];
  if (!body || !net.body.nodeIndices.includes(id)) return {id: id, drawn: false};
  const p = net.canvasToDOM({x: body.x, y: body.y});
  return {
    id: id, drawn: true, label: body.options.label,
    px: body.options.font.size * net.getScale(),
    labelShown: body.labelModule.visible(),
    onScreen: p.x >= 0 && p.y >= 0 && p.x <= canvas.width && p.y <= canvas.height,
  };
});
"""

#: Every label vis-network draws, with its size on screen: none may be drawn below the readable size.
DRAWN_LABELS = """
const net = window.buyergraphMap.network;
return net.body.nodeIndices.map(function (id) { return net.body.nodes[id]; })
  .filter(function (n) { return n.labelModule.visible() && n.options.label; })
  .map(function (n) { return n.options.font.size * net.getScale(); });
"""


def committee_text(server: Server, account_id: str, browser: Any) -> dict[str, tuple[str, str | None]]:
    """person id -> (name, title) of the chosen deal's committee, from the store (not from the page)."""
    deal = browser.execute_script("return document.getElementById('map').dataset.dealId")
    with EmbeddedStore(server.store_dir) as store:
        account = store.account_graph(account_id)
    members = {c.person_id for c in account.committee if c.deal_id == deal}
    return {p.id: (p.name, p.title) for p in account.people if p.id in members}


#: The screenshots docs/ui.md shows.
DOCS_SHOTS = {
    "map-5-en-1600",
    "map-100-en-1600",
    "map-100-zh-CN-400",
    "map-2000-zh-CN-1600",
    "map-path-2000-en-1600",
}


def shot(browser: Any, name: str) -> None:
    path = screenshot(browser, name)
    assert path.stat().st_size > 5_000
    if os.environ.get("BUYERGRAPH_UPDATE_DOCS_IMAGES") == "1" and name in DOCS_SHOTS:
        (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, REPO / "docs" / "img" / f"{name}.png")


def rects_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("size", [5, 100, 2000])
def test_the_committee_reads_at_first_sight(
    signed_in: Any, server: Server, size: int, width: int, lang: str
) -> None:
    browser = signed_in
    account_id = account_of_size(server, size)
    try:
        open_map(browser, server, account_id, width, lang)
        assert browser.execute_script("return document.documentElement.lang") == lang
        payload = "return JSON.parse(document.getElementById('map-data').textContent)"
        floor = browser.execute_script(payload)["readable_px"]
        members = browser.execute_script(COMMITTEE_ON_SCREEN)
        expected = committee_text(server, account_id, browser)
        assert members and {m["id"] for m in members} == set(expected)
        for member in members:
            assert member["drawn"], f"{member['id']} is folded away though on the committee"
        shown = [m for m in members if m["onScreen"]]
        if width >= 1000:
            # A desktop shows the whole committee, every card readable: name, title and role.
            assert shown == members, [m["id"] for m in members if not m["onScreen"]]
        else:
            # A phone frames the committee at a readable size: at least the first cards are on screen.
            assert shown
        for member in shown:
            assert member["labelShown"] and member["px"] >= floor, member
            name, title = expected[member["id"]]
            lines = member["label"].split("\n")
            assert lines[0] == name or (lines[0].endswith("…") and name.startswith(lines[0][:-1]))
            if title:
                assert lines[1] == title or (lines[1].endswith("…") and title.startswith(lines[1][:-1]))
            assert "·" in lines[-1]  # role on this deal · engagement
            if lang == "zh-CN":
                assert CJK.search(lines[-1]), lines[-1]
                assert not RAW.search(lines[-1]), lines[-1]
        # Semantic zoom: whatever is drawn is readable; zoomed far out, names are not drawn at all.
        assert all(px >= floor - 1 for px in browser.execute_script(DRAWN_LABELS))
        browser.execute_script("window.buyergraphMap.network.moveTo({scale: 0.2, animation: false})")
        assert browser.execute_script(DRAWN_LABELS) == [] or size >= 1000  # department names stay big
        browser.execute_script("document.getElementById('focus-button').click()")

        # The panel beside the map: the legend is visible without scrolling past the gaps, and the map's
        # buttons never cover it.
        layout = browser.execute_script(
            """
            function r(el) { const b = el.getBoundingClientRect();
              return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width}; }
            const side = document.querySelector('.side');
            return {side: r(side), legend: r(document.getElementById('legend')),
              gaps: Array.from(document.querySelectorAll('.deal-panel:not([hidden]) .gaps')).map(r),
              tools: Array.from(document.querySelectorAll('.map-tools > *')).map(r),
              map: r(document.getElementById('map'))};
            """
        )
        for tool in layout["tools"]:
            assert not rects_overlap(tool, layout["side"]), (tool, layout["side"])
            assert layout["map"]["left"] <= tool["left"] and tool["right"] <= layout["map"]["right"]
            if width < 760:  # a phone: the buttons have their own bar above the map, off the top cards
                assert tool["bottom"] <= layout["map"]["top"] + 1, (tool, layout["map"])
        assert all(layout["legend"]["top"] < gaps["top"] for gaps in layout["gaps"])
        assert layout["side"]["width"] >= min(300, width - 40)
        if width >= 1000:
            assert layout["legend"]["top"] < HEIGHT
        if lang == "zh-CN":
            panel = browser.find_element(By.CSS_SELECTOR, ".deal-panel:not([hidden])").text
            assert CJK.search(panel) and not RAW.search(panel), panel
        shot(browser, f"map-{size}-{lang}-{width}")
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1500, 950)
        browser.delete_cookie("buyergraph_lang")  # the language chosen here is remembered: forget it


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("size", [100, 2000])
def test_a_clicked_persons_whole_path_is_framed(
    signed_in: Any, server: Server, size: int, width: int
) -> None:
    browser = signed_in
    account_id = account_of_size(server, size)
    try:
        open_map(browser, server, account_id, width)
        members = browser.execute_script(COMMITTEE_ON_SCREEN)
        target = next(m for m in members if m["onScreen"])["id"]
        # Click the card where it is drawn, like a person would.
        point = browser.execute_script(
            """
            const net = window.buyergraphMap.network;
            const dom = net.canvasToDOM(net.getPositions([arguments[0]])[arguments[0]]);
            const box = document.querySelector('#map canvas').getBoundingClientRect();
            return {x: dom.x - box.width / 2, y: dom.y - box.height / 2};
            """,
            target,
        )
        canvas = browser.find_element(By.CSS_SELECTOR, "#map canvas")
        ActionChains(browser).move_to_element_with_offset(
            canvas, int(point["x"]), int(point["y"])
        ).click().perform()
        state = lambda: browser.execute_script("return document.getElementById('map').dataset.pathState")  # noqa: E731
        wait_for(lambda: state() in ("found", "none", "error"), "the warm path answer")
        if state() == "none":
            pytest.fail(f"no warm path to {target}: {browser.find_element(By.ID, 'path-result').text}")
        assert state() == "found"
        off = browser.execute_script(
            """
            const net = window.buyergraphMap.network;
            const ids = document.getElementById('map').dataset.pathNodes.split(',');
            const canvas = document.querySelector('#map canvas').getBoundingClientRect();
            return ids.filter(function (id) {
              const box = net.getBoundingBox(id);
              const a = net.canvasToDOM({x: box.left, y: box.top});
              const b = net.canvasToDOM({x: box.right, y: box.bottom});
              return a.x < 0 || a.y < 0 || b.x > canvas.width || b.y > canvas.height;
            });
            """
        )
        assert off == []
        ActionChains(browser).move_to_element(browser.find_element(By.CSS_SELECTOR, ".brand")).perform()
        shot(browser, f"map-path-{size}-en-{width}")
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1500, 950)
        browser.delete_cookie("buyergraph_lang")  # the language chosen here is remembered: forget it


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_person_box_finds_typed_names_in_both_scripts(signed_in: Any, server: Server, lang: str) -> None:
    """A name typed as it is written (汉字 or Latin, any case, words in any order) finds the person."""
    browser = signed_in
    with EmbeddedStore(server.store_dir) as store:
        graphs = [store.account_graph(a.id) for a in store.list_accounts(limit=100).data]
    han = next(g for g in graphs if g.committee and any(CJK.search(p.name) for p in g.people))
    latin = next(
        g for g in graphs if g.committee and any(" " in p.name and not CJK.search(p.name) for p in g.people)
    )
    cases = [
        (han, next(p for p in han.people if CJK.search(p.name)), None),
        (latin, next(p for p in latin.people if " " in p.name and not CJK.search(p.name)), "reversed"),
    ]
    for account, person, how in cases:
        open_map(browser, server, account.company.id, 1600, lang)
        typed = " ".join(reversed(person.name.lower().split())) if how else person.name
        box = browser.find_element(By.ID, "person-search")
        box.clear()
        box.send_keys(typed)
        hits = browser.find_elements(By.CSS_SELECTOR, "#person-hits button")
        assert person.id in [h.get_attribute("data-person-id") for h in hits], typed
        box.send_keys(Keys.ENTER)
        wait_for(
            lambda: (
                browser.execute_script("return document.getElementById('map').dataset.pathState")
                in ("found", "none", "error")
            ),
            f"the path answer for a typed name ({lang})",
        )
        assert browser.find_element(By.CSS_SELECTOR, "#path-result .path-target").text.startswith(person.name)
    browser.delete_cookie("buyergraph_lang")
