"""The map page's account summary (class, trend, split risk, usage) and the suggested members, in a
real Chromium, in English and Chinese, at phone and desktop width."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from graph.analyses import analyze_account
from graph.analyses.messages import render
from graph.stores.embedded import EmbeddedStore
from tests.e2e.conftest import AS_OF, REPO, Server, console_errors, screenshot, wait_for
from tests.e2e.test_pages_in_browser import open_map, richest_account

pytestmark = pytest.mark.e2e

CLASS_WORDS = {
    "en": {
        "at_risk": "At risk",
        "expand": "Expand",
        "cash_cow": "Cash cow",
        "key_target": "Key target",
        "nurture": "Nurture",
    },
    "zh-CN": {
        "at_risk": "有风险",
        "expand": "扩展",
        "cash_cow": "稳定收入",
        "key_target": "重点目标",
        "nurture": "培育",
    },
}


@pytest.mark.parametrize(("lang", "width"), [("en", 1600), ("zh-CN", 400)])
def test_the_account_summary_shows_class_trend_and_risks_in_the_readers_language(
    signed_in: Any, server: Server, lang: str, width: int
) -> None:
    account_id, _ = richest_account(server)
    with EmbeddedStore(server.store_dir) as store:
        analysis = analyze_account(store.account_graph(account_id), as_of=AS_OF)
    browser = signed_in
    browser.set_window_size(width, 900)
    browser.get(f"{server.base}/accounts/{account_id}?lang={lang}")
    open_map(browser, server, account_id)
    box = wait_for(lambda: browser.find_elements(By.ID, "account-summary"), "the account summary")[0]
    badge = box.find_element(By.CSS_SELECTOR, ".badge")
    assert badge.is_displayed() and badge.text == CLASS_WORDS[lang][analysis.account_class.value]
    assert badge.size["height"] >= 12  # readable, not squeezed
    text = box.text
    if analysis.engagement.deal_risk:
        assert ("Deal risk" if lang == "en" else "商机风险") in text
    if lang == "zh-CN":
        assert "rising" not in text and "steady" not in text and "falling" not in text  # no raw values
    # The class's reason in the reader's language (the catalogue's text, not an English sentence).
    assert analysis.account_class_reason_message is not None
    assert render(analysis.account_class_reason_message, lang) in text
    suggested = [d for d in analysis.deals if d.suggested_members]
    if suggested:
        panel = browser.find_element(By.CSS_SELECTOR, f'.deal-panel[data-deal-id="{suggested[0].deal_id}"]')
        assert ("Suggested members" if lang == "en" else "建议成员") in panel.get_attribute("textContent")
    path = screenshot(browser, f"map-summary-{lang}-{width}")
    if os.environ.get("BUYERGRAPH_UPDATE_DOCS_IMAGES") == "1":  # the pictures docs/ui.md shows
        shutil.copyfile(path, REPO / "docs" / "img" / path.name)
    assert not console_errors(browser)
