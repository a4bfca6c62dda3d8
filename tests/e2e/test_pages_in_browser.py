"""The pages in a real headless Chromium: they render, stay offline, and the map answers clicks."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from graph.analyses import GapKind, analyze_account, warm_paths
from graph.analyses.portfolio import AccountFilter
from graph.stores.embedded import EmbeddedStore
from tests.e2e.conftest import (
    AS_OF,
    HOSTILE_ID,
    HOSTILE_NAME,
    REPO,
    Server,
    console_errors,
    screenshot,
    urlpath,
    wait_for,
)

pytestmark = pytest.mark.e2e
DAY = AS_OF.isoformat()


def map_state(browser: Any, key: str) -> str:
    return str(browser.execute_script(f"return document.getElementById('map').dataset.{key} || ''"))


def open_map(browser: Any, server: Server, account_id: str) -> None:
    browser.get(f"{server.base}/accounts/{account_id}?as_of={DAY}")
    wait_for(
        lambda: map_state(browser, "state") == "ready", f"the committee map of {account_id} to settle", 60
    )


def resources_from_elsewhere(browser: Any, server: Server) -> list[str]:
    names = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    return [name for name in names if not name.startswith(server.base + "/")]


def richest_account(server: Server) -> tuple[str, str]:
    """The generated account with the most people, and one person our reps touched there."""
    with EmbeddedStore(server.store_dir) as store:
        accounts = [a for a in store.list_accounts(limit=100).data if a.id != server.large_account]
        graphs = [store.account_graph(a.id) for a in accounts]
    best = max(graphs, key=lambda g: (len(g.people), len(g.deals)))
    people = {p.id for p in best.people}
    days, reps = best.touch_days, {r.id for r in best.reps}
    touched = sorted(
        days.names[p]
        for a, p, pair in zip(days.actor.tolist(), days.person.tolist(), days.pair.tolist(), strict=True)
        if not pair and a >= 0 and p >= 0 and days.names[a] in reps and days.names[p] in people
    )
    assert touched, "the generated world should have touches"
    return best.company.id, touched[len(touched) // 2]


def test_account_list_renders_sorts_filters_and_links(signed_in: Any, server: Server) -> None:
    browser = signed_in
    browser.get(f"{server.base}/?lang=en")
    with EmbeddedStore(server.store_dir) as store:
        companies = store.list_accounts(limit=100).count
    rows = browser.find_elements(By.CSS_SELECTOR, "#account-table tbody tr")
    assert len(rows) == companies > 10
    assert len(browser.find_elements(By.CSS_SELECTOR, "#account-table svg.spark")) == companies

    # The Gaps header sorts every account on the server, most high-severity gaps first.
    browser.find_element(By.CSS_SELECTOR, "#account-table th a[href*='gaps_high']").click()
    wait_for(lambda: "sort=-gaps_high" in browser.current_url, "the list sorted by gaps")
    with EmbeddedStore(server.store_dir) as store:
        expected = (
            store.list_account_results(AccountFilter(sort="gaps_high", descending=True), offset=0, limit=50)
            .data[0]
            .company.id
        )
    first = browser.find_element(By.CSS_SELECTOR, "#account-table tbody tr").get_attribute("data-account-id")
    assert first == expected

    search = browser.find_element(By.ID, "account-search")
    search.clear()
    search.send_keys("Big Corp")
    search.submit()
    wait_for(lambda: "q=Big" in browser.current_url, "the search")
    visible = [
        r for r in browser.find_elements(By.CSS_SELECTOR, "#account-table tbody tr") if r.is_displayed()
    ]
    assert [r.get_attribute("data-account-id") for r in visible] == [server.large_account]
    screenshot(browser, "account-list")
    assert console_errors(browser) == []
    assert resources_from_elsewhere(browser, server) == []

    visible[0].find_element(By.CSS_SELECTOR, "a.account-link").click()
    wait_for(lambda: urlpath(browser.current_url) == f"/accounts/{server.large_account}", "the map link")


def test_committee_map_renders_and_a_click_highlights_the_warm_path(signed_in: Any, server: Server) -> None:
    browser = signed_in
    account_id, person = richest_account(server)
    open_map(browser, server, account_id)
    assert browser.find_element(By.CSS_SELECTOR, "#map canvas").is_displayed()
    count = browser.execute_script("return window.buyergraphMap.nodes.length")
    assert count > 10
    assert console_errors(browser) == []
    assert resources_from_elsewhere(browser, server) == []

    # Bring the person into view and click their node where it is drawn, like a user would
    # (on a focused map the person may be folded into their department: open it first; the
    # screen point must be theirs, not a neighbour card's).
    assert browser.execute_script(
        "const m = window.buyergraphMap; m.revealNode(arguments[0]);"
        "m.network.focus(arguments[0], {scale: 1.3, animation: false});"
        "const dom = m.network.canvasToDOM(m.network.getPositions([arguments[0]])[arguments[0]]);"
        "return m.network.getNodeAt(dom) === arguments[0];",
        person,
    ), f"{person} is covered by another node where it is drawn"
    point = browser.execute_script(
        """
        const net = window.buyergraphMap.network;
        const dom = net.canvasToDOM(net.getPositions([arguments[0]])[arguments[0]]);
        const box = document.querySelector('#map canvas').getBoundingClientRect();
        return {x: dom.x - box.width / 2, y: dom.y - box.height / 2};
        """,
        person,
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#map canvas")
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(point["x"]), int(point["y"])
    ).click().perform()
    wait_for(lambda: map_state(browser, "pathState") in ("found", "none", "error"), "the warm path answer")
    assert map_state(browser, "pathState") == "found", browser.find_element(By.ID, "path-result").text

    path_nodes = map_state(browser, "pathNodes").split(",")
    path_edges = map_state(browser, "pathEdges").split(",")
    assert path_nodes[0].startswith("rep:") and path_nodes[-1] == person
    assert len(path_edges) == len(path_nodes) - 1
    drawn = browser.execute_script(
        "return arguments[0].map(function (id) { const e = window.buyergraphMap.edges.get(id);"
        " return e ? [e.from, e.to, e.color.color] : null; })",
        path_edges,
    )
    assert [d[0] for d in drawn] == path_nodes[:-1] and [d[1] for d in drawn] == path_nodes[1:]
    highlighted = browser.execute_script(
        "return arguments[0].map(function (id) { return window.buyergraphMap.nodes.get(id).borderWidth; })",
        path_nodes,
    )
    assert all(width >= 7 for width in highlighted)
    steps = browser.find_elements(By.CSS_SELECTOR, "#path-result .chosen .path-steps li")
    assert len(steps) == len(path_edges)
    shot = screenshot(browser, "committee-map-path")
    assert shot.stat().st_size > 10_000
    assert console_errors(browser) == []


def test_choosing_a_deal_shows_its_committee_and_gaps(signed_in: Any, server: Server) -> None:
    browser = signed_in
    account_id, _ = richest_account(server)
    with EmbeddedStore(server.store_dir) as store:
        open_deals = [
            d for d in store.account_graph(account_id).deals if d.status is None or d.status == "open"
        ]
    open_map(browser, server, account_id)
    select = Select(browser.find_element(By.ID, "deal-select"))
    options = [o.get_attribute("value") for o in select.options]
    assert options and set(options) <= {d.id for d in open_deals}
    for deal_id in options:
        select.select_by_value(deal_id)
        assert map_state(browser, "dealId") == deal_id
        panels = [p for p in browser.find_elements(By.CSS_SELECTOR, ".deal-panel") if p.is_displayed()]
        assert [p.get_attribute("data-deal-id") for p in panels] == [deal_id]
        placeholders = browser.execute_script(
            "return window.buyergraphMap.nodes.get({filter: function (n) {"
            " return n.kind === 'placeholder'; }}).map(function (n) { return n.deal_id; })"
        )
        assert set(placeholders) <= {deal_id}
        missing = panels[0].find_elements(By.CSS_SELECTOR, ".gap strong")
        missing_roles = [m.text for m in missing if m.text.startswith("missing role")]
        assert len(placeholders) == len(missing_roles)
    screenshot(browser, "committee-map")
    assert console_errors(browser) == []


def test_a_two_thousand_person_account_opens_clustered_by_department(signed_in: Any, server: Server) -> None:
    browser = signed_in
    open_map(browser, server, server.large_account)
    state = browser.execute_script(
        """
        const m = window.buyergraphMap;
        const ids = m.network.body.nodeIndices;
        return {
          visible: ids.length,
          clusters: ids.filter(function (id) { return m.network.isCluster(id); }),
          physics: m.network.physics.physicsEnabled,
        };
        """
    )
    assert len(state["clusters"]) >= 5
    assert state["visible"] < 300  # 2,000 people, but only departments and the people who matter
    assert state["physics"] is False
    screenshot(browser, "committee-map-large")
    # Opening a department shows its people where its cluster was.
    first = state["clusters"][0]
    browser.execute_script("window.buyergraphMap.network.openCluster(arguments[0])", first)
    assert (
        browser.execute_script("return window.buyergraphMap.network.body.nodeIndices.length")
        > state["visible"]
    )
    assert console_errors(browser) == []


def test_hostile_text_stays_text_in_the_browser(signed_in: Any, server: Server) -> None:
    """A name and title that are markup show as text everywhere and run nothing."""
    browser = signed_in
    open_map(browser, server, server.large_account)
    links = browser.find_elements(By.CSS_SELECTOR, f'.person-link[data-person-id="{HOSTILE_ID}"]')
    assert [link.text for link in links] == [HOSTILE_NAME]
    links[0].click()  # focus the node and draw the path: the path panel shows the name too
    wait_for(lambda: map_state(browser, "pathState") in ("found", "none", "error"), "the warm path answer")
    assert HOSTILE_NAME in browser.find_element(By.ID, "path-result").text
    browser.execute_script(
        "const m = window.buyergraphMap; const n = m.nodes.get(arguments[0]);"
        "document.body.appendChild(n.title);",  # the tooltip element, as vis-network would show it
        HOSTILE_ID,
    )
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "img[src=x]") == []
    assert console_errors(browser) == []


def showcase_account(server: Server) -> tuple[str, str, str]:
    """A small generated account that shows every encoding: a missing role with candidates, ideally a
    departed member, and a person reached over more than one hop. Returns (account, deal, person)."""
    choices = []
    with EmbeddedStore(server.store_dir) as store:
        for company in store.list_accounts(limit=100).data:
            account = store.account_graph(company.id)
            if not 6 <= len(account.people) <= 20:
                continue
            analysis = analyze_account(account, as_of=AS_OF)
            for deal in analysis.deals:
                missing = [g for g in deal.gaps if g.kind == GapKind.MISSING_ROLE and g.people]
                if not missing:
                    continue
                departed = sum(1 for e in account.employment if e.until is not None)
                paths = {p.id: warm_paths(account, p.id, as_of=AS_OF, k=1) for p in account.people}
                hops = {pid: len(found[0].hops) for pid, found in paths.items() if found}
                if not hops:
                    continue
                person = max(sorted(hops), key=lambda pid: hops[pid])
                choices.append(
                    ((departed > 0, min(hops[person], 3), len(missing)), company.id, deal.deal_id, person)
                )
    assert choices, "the generated world should hold an account with a missing role"
    _, account_id, deal_id, person = max(choices)
    return account_id, deal_id, person


def test_committee_map_screenshot_for_the_readme(signed_in: Any, server: Server) -> None:
    """The README's picture: a deal with a placeholder, a departed member, a warm path drawn."""
    browser = signed_in
    account_id, deal_id, person = showcase_account(server)
    browser.set_window_size(1400, 820)
    try:
        browser.get(f"{server.base}/accounts/{account_id}?as_of={DAY}&deal={deal_id}")
        wait_for(lambda: map_state(browser, "state") == "ready", "the showcase map", 60)
        assert map_state(browser, "dealId") == deal_id
        assert browser.execute_script(
            "return window.buyergraphMap.nodes.get({filter: function (n) {"
            " return n.kind === 'placeholder'; }}).length"
        )
        browser.execute_script("window.buyergraphMap.focusPerson(arguments[0])", person)
        wait_for(lambda: map_state(browser, "pathState") == "found", "the showcase warm path")
        # The whole small account at a size its cards can be read (the path stays drawn).
        browser.execute_script("const m = window.buyergraphMap; m.frame(m.nodes.getIds(), true);")
        browser.execute_script("window.buyergraphMap.network.redraw()")
        shot = screenshot(browser, "committee-map-readme")
        assert 20_000 < shot.stat().st_size < 500_000
        if os.environ.get("BUYERGRAPH_UPDATE_DOCS_IMAGES") == "1":
            (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, REPO / "docs" / "img" / "committee-map.png")
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1500, 950)
