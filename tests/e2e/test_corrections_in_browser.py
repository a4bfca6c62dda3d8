"""A seller's correction through the committee map in a real headless Chromium: sign in with a write
key, choose a committee member, mark them as left, see the map grey them out, undo it from the panel."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from api.keys import KeyRing
from graph.stores.embedded import EmbeddedStore
from tests.e2e.conftest import AS_OF, Server, console_errors, screenshot, urlpath, wait_for
from tests.e2e.test_pages_in_browser import map_state, open_map, richest_account

pytestmark = pytest.mark.e2e


def _sign_in(browser: Any, server: Server, key: str) -> None:
    browser.delete_all_cookies()
    browser.get(server.base + "/login")
    browser.find_element(By.ID, "api-key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(lambda: urlpath(browser.current_url) == "/", "the account list after signing in")


def _node(browser: Any, person_id: str) -> dict[str, Any]:
    node: dict[str, Any] = browser.execute_script(
        "const n = window.buyergraphMap.nodes.get(arguments[0]);"
        "return n ? {departed: !!n.departed, fill: n.color.background} : null;",
        person_id,
    )
    return node


def _wait_reloaded(browser: Any, what: str) -> None:
    wait_for(
        lambda: (
            browser.execute_script("return window.__beforeFix === undefined")
            and map_state(browser, "state") == "ready"
        ),
        what,
        60,
    )


def test_mark_as_left_on_the_map_then_undo(signed_in: Any, server: Server) -> None:
    browser = signed_in
    home = server.store_dir.parent / "home"
    writer = KeyRing.for_home(home).create("e2e-writer", "write")
    account_id, _ = richest_account(server)
    try:
        _sign_in(browser, server, writer)
        open_map(browser, server, account_id)
        link = browser.find_element(By.CSS_SELECTOR, ".deal-panel:not([hidden]) .person-link")
        person_id = link.get_attribute("data-person-id")
        assert _node(browser, person_id)["departed"] is False
        link.click()  # chooses the person: the corrections panel now names them
        wait_for(
            lambda: map_state(browser, "fixPerson") == person_id, "the panel to follow the chosen person"
        )
        assert browser.find_element(By.ID, "fix-person").text.endswith(link.text)
        day = AS_OF.replace(day=1).isoformat()
        browser.execute_script("document.getElementById('fix-left-on').value = arguments[0];", day)
        browser.execute_script("window.__beforeFix = 1;")
        browser.find_element(By.ID, "fix-left").click()
        _wait_reloaded(browser, "the map to reload with the correction")
        assert _node(browser, person_id)["departed"] is True  # greyed out as departed
        listed = browser.find_elements(By.CSS_SELECTOR, "#fix-list li[data-kind=left]")
        assert len(listed) == 1 and "e2e-writer" in listed[0].text
        with EmbeddedStore(server.store_dir) as store:
            [fix] = store.list_corrections(company_id=account_id).data
        assert (fix.kind.value, fix.person_id, fix.author, fix.on.isoformat() if fix.on else None) == (
            "left",
            person_id,
            "e2e-writer",
            day,
        )
        # Screenshots of the panel with its correction, narrow and wide, in English and Chinese.
        for lang in ("en", "zh-CN"):
            for width in (400, 1600):
                browser.set_window_size(width, 950)
                browser.get(f"{server.base}/accounts/{account_id}?as_of={AS_OF.isoformat()}&lang={lang}")
                wait_for(lambda: map_state(browser, "state") == "ready", "the map", 60)
                browser.execute_script("window.buyergraphMap.focusPerson(arguments[0]);", person_id)
                browser.execute_script(
                    "document.getElementById('correct-panel').scrollIntoView({block: 'start'});"
                )
                screenshot(browser, f"map-corrections-{lang}-{width}")
        browser.set_window_size(1500, 950)
        open_map(browser, server, account_id)
        browser.execute_script("window.__beforeFix = 1;")
        browser.find_element(By.CSS_SELECTOR, f".fix-undo[data-correction-id='{fix.id}']").click()
        _wait_reloaded(browser, "the map to reload without the correction")
        assert _node(browser, person_id)["departed"] is False
        assert not browser.find_elements(By.CSS_SELECTOR, "#fix-list li[data-kind=left]")
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1500, 950)
        with EmbeddedStore(server.store_dir) as store:
            for fix in store.list_corrections(company_id=account_id).data:
                store.undo_correction(fix.id, by="e2e cleanup")
        _sign_in(browser, server, server.key)


def test_drop_a_candidate_on_a_missing_roles_box(signed_in: Any, server: Server) -> None:
    browser = signed_in
    home = server.store_dir.parent / "home"
    writer = KeyRing.for_home(home).create("e2e-dropper", "write")
    account_id, _ = richest_account(server)
    try:
        _sign_in(browser, server, writer)
        # Today's map: a role asserted now counts from now on (a map of an earlier day does not show it).
        browser.get(f"{server.base}/accounts/{account_id}")
        wait_for(lambda: map_state(browser, "state") == "ready", "today's committee map", 60)
        found = browser.execute_script(
            "const m = window.buyergraphMap;"
            "const box = m.nodes.get({filter: function (n) { return n.kind === 'placeholder'; }})[0];"
            "if (!box) return null;"
            "const cand = m.edges.get({filter: function (e) {"
            "  return e.kind === 'candidate' && e.from === box.id; }})[0];"
            "return cand ? [box.id, box.deal_id, box.role, cand.to] : null;"
        )
        assert found, "the richest account's chosen deal should miss a role with a candidate"
        box_id, deal_id, role, person_id = found
        # Both on screen, then drag the candidate's card onto the dashed box (confirming the question).
        browser.execute_script(
            "const m = window.buyergraphMap; m.revealNode(arguments[1]);"
            "m.network.fit({nodes: [arguments[0], arguments[1]], animation: false});"
            "m.network.moveTo({scale: m.network.getScale() * 0.8, animation: false});"
            "window.confirm = function () { return true; }; window.__beforeFix = 1;",
            box_id,
            person_id,
        )
        spots = browser.execute_script(
            "const m = window.buyergraphMap; const ids = arguments[0]; const p = m.network.getPositions(ids);"
            "return ids.map(function (id) { return m.network.canvasToDOM(p[id]); });",
            [person_id, box_id],
        )
        canvas = browser.find_element(By.CSS_SELECTOR, "#map canvas")
        width, height = canvas.size["width"], canvas.size["height"]
        start, end = spots

        def offset(spot: dict[str, float]) -> tuple[int, int]:
            return int(spot["x"] - width / 2), int(spot["y"] - height / 2)

        sx, sy = offset(start)
        ex, ey = offset(end)
        (
            ActionChains(browser)
            .move_to_element_with_offset(canvas, sx, sy)
            .click_and_hold()
            .move_by_offset((ex - sx) // 2, (ey - sy) // 2)
            .move_by_offset(ex - sx - (ex - sx) // 2, ey - sy - (ey - sy) // 2)
            .release()
            .perform()
        )
        _wait_reloaded(browser, "the map to reload after the drop")
        roles = browser.execute_script(
            "const want = arguments[0];"
            "const d = window.buyergraphMap.payload.deals.find(function (x) { return x.id === want; });"
            "return d.roles;",
            deal_id,
        )
        assert roles.get(person_id) == role
        with EmbeddedStore(server.store_dir) as store:
            [fix] = store.list_corrections(company_id=account_id).data
        assert (fix.kind.value, fix.deal_id, fix.person_id, fix.role, fix.author) == (
            "role",
            deal_id,
            person_id,
            role,
            "e2e-dropper",
        )
        assert console_errors(browser) == []
    finally:
        with EmbeddedStore(server.store_dir) as store:
            for fix in store.list_corrections(company_id=account_id).data:
                store.undo_correction(fix.id, by="e2e cleanup")
        _sign_in(browser, server, server.key)
