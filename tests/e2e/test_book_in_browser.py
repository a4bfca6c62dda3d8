"""The book of accounts and the deals view in a real Chromium, in English and Chinese, on a phone
(400 px) and a desktop (1,600 px): every row is on screen and readable, amounts carry their currency,
the Chinese pages show Chinese words (never raw values), and nothing spills sideways. With
BUYERGRAPH_UPDATE_DOCS_IMAGES=1 the screenshots also replace the pictures docs/ui.md shows.
"""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from graph.analyses.portfolio import DealFilter
from graph.stores.embedded import EmbeddedStore
from tests.e2e.conftest import REPO, Server, console_errors, screenshot
from tests.e2e.test_map_readable import account_of_size
from viz.formats import Formats

pytestmark = pytest.mark.e2e
CJK = re.compile(r"[\u4e00-\u9fff]")
RAW = re.compile(
    r"\b(former_customer|missing_role|stale_role|single_threaded|no_executive|unengaged_superior)\b"
)
STAGES = re.compile(r"\b(dormant|awareness|consideration|evaluation|decision)\b")
WIDTHS = (400, 1600)
HEIGHT = 900
#: Smallest readable text on screen, CSS pixels.
READABLE_PX = 11

#: What one row shows, measured in the browser: visible, inside the window, and its text sizes.
ROWS_ON_SCREEN = """
const rows = Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'));
const width = window.innerWidth;
return rows.map(function (row) {
  row.scrollIntoView({block: 'center'});
  const link = row.querySelector('a.account-link');
  const box = link.getBoundingClientRect();
  return {
    id: row.dataset.accountId || row.dataset.dealId,
    name: link.innerText,
    shown: box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= width + 1,
    px: parseFloat(getComputedStyle(link).fontSize),
    smallest: Math.min.apply(null, Array.from(row.querySelectorAll('td, td *'))
      .filter(function (e) { return e.childNodes.length && e.innerText && e.innerText.trim(); })
      .map(function (e) { return parseFloat(getComputedStyle(e).fontSize); })),
    text: row.innerText,
  };
});
"""
SPILL = "return document.documentElement.scrollWidth - window.innerWidth;"

#: The screenshots docs/ui.md shows.
DOCS_SHOTS = {"book-en-1600", "book-zh-CN-400", "deals-en-1600", "deals-zh-CN-1600", "deals-en-400"}


def shot(browser: Any, name: str) -> None:
    browser.execute_script("window.scrollTo(0, 0)")
    path = screenshot(browser, name)
    assert path.stat().st_size > 5_000
    if os.environ.get("BUYERGRAPH_UPDATE_DOCS_IMAGES") == "1" and name in DOCS_SHOTS:
        (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, REPO / "docs" / "img" / f"{name}.png")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_book_of_accounts_reads_on_a_phone_and_a_desktop(
    signed_in: Any, server: Server, lang: str, width: int
) -> None:
    browser = signed_in
    browser.set_window_size(width, HEIGHT)
    browser.get(f"{server.base}/?lang={lang}&sort=-gaps_high")
    with EmbeddedStore(server.store_dir) as store:
        names = {a.id: a.name for a in store.list_accounts(limit=100).data}
    sized = {account_of_size(server, n) for n in (5, 100, 2000)}
    rows = browser.execute_script(ROWS_ON_SCREEN, "#account-table")
    assert {r["id"] for r in rows} == set(names) >= sized  # every account, the 5-, 100- and 2,000-person ones
    for row in rows:
        assert row["shown"], (row["id"], width)
        assert row["name"] == names[row["id"]]
        assert row["px"] >= 13 and row["smallest"] >= READABLE_PX, row
    assert len(browser.find_elements(By.CSS_SELECTOR, "#account-table svg.spark")) == len(names)
    assert browser.execute_script(SPILL) <= 1, "the page spills sideways"
    body = browser.find_element(By.TAG_NAME, "body").text
    if lang == "zh-CN":
        assert "截至" in body and "高" in body
        for word in ("覆盖率", "缺口", "采购阶段"):  # column headers, or each cell's label on a phone
            assert f'data-label="{word}"' in browser.page_source
        assert "年" in body and "月" in body  # days written the Chinese way
        assert not STAGES.search(body) and not RAW.search(body)
    else:
        assert "as of" in body and 'data-label="Coverage"' in browser.page_source
    shot(browser, f"book-{lang}-{width}")
    assert console_errors(browser) == []
    browser.delete_cookie("buyergraph_lang")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_deals_view_shows_money_close_dates_and_gaps(
    signed_in: Any, server: Server, lang: str, width: int
) -> None:
    browser = signed_in
    browser.set_window_size(width, HEIGHT)
    browser.get(f"{server.base}/deals?lang={lang}&sort=-amount")
    with EmbeddedStore(server.store_dir) as store:
        open_deals = store.list_deal_results(
            DealFilter(status="open", sort="amount", descending=True), limit=50
        )
    rows = browser.execute_script(ROWS_ON_SCREEN, "#deal-table")
    assert [r["id"] for r in rows] == [item.deal.id for item in open_deals.data]
    f = Formats(lang)
    sized = {account_of_size(server, n) for n in (5, 100, 2000)}
    assert sized & {item.deal.company_id for item in open_deals.data}
    for row, item in zip(rows, open_deals.data, strict=True):
        deal = item.deal
        assert row["shown"] and row["smallest"] >= READABLE_PX, row
        if deal.amount is not None:
            assert f.money(deal.amount, deal.currency) in row["text"]
        close = deal.expected_close or deal.closed_at
        if close is not None:
            assert f.day(close) in row["text"]
    amounts = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#deal-table td.amount")]
    with_currency = [a for a, item in zip(amounts, open_deals.data, strict=True) if item.deal.currency]
    assert with_currency and all(re.search(r"[$¥€£]|[A-Z]{3}", a) for a in with_currency)
    badges = browser.find_elements(By.CSS_SELECTOR, "#deal-table .gap-badges .badge")
    assert badges and all(b.is_displayed() for b in badges)
    assert browser.execute_script(SPILL) <= 1, "the page spills sideways"
    body = browser.find_element(By.TAG_NAME, "body").text
    if lang == "zh-CN":
        assert CJK.search(" ".join(b.text for b in badges))
        for word in ("预计成交日期", "金额"):  # column headers, or each cell's label on a phone
            assert f'data-label="{word}"' in browser.page_source
        assert not RAW.search(body)
    shot(browser, f"deals-{lang}-{width}")
    assert console_errors(browser) == []
    browser.delete_cookie("buyergraph_lang")


def test_the_person_box_finds_chinese_names_by_pinyin(signed_in: Any, server: Server) -> None:
    """ "li na" finds 李娜 on the map: the server adds each Chinese name's pinyin (graph/search.py)."""
    from selenium.webdriver.common.keys import Keys

    from graph.search import pinyin
    from tests.e2e.test_map_readable import open_map

    browser = signed_in
    with EmbeddedStore(server.store_dir) as store:
        graphs = [store.account_graph(a.id) for a in store.list_accounts(limit=100).data]
    account = next(g for g in graphs if g.committee and any(CJK.search(p.name) for p in g.people))
    person = next(p for p in account.people if CJK.search(p.name) and len(p.name) >= 2)
    key = pinyin(person.name)
    assert key
    typed = " ".join(key[i : i + 3] for i in range(0, len(key), 3))  # spaces anywhere are ignored
    open_map(browser, server, account.company.id, 1600, "zh-CN")
    box = browser.find_element(By.ID, "person-search")
    box.clear()
    box.send_keys(typed)
    hits = browser.find_elements(By.CSS_SELECTOR, "#person-hits button")
    assert person.id in [h.get_attribute("data-person-id") for h in hits], typed
    box.send_keys(Keys.ESCAPE)
    browser.delete_cookie("buyergraph_lang")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_account_list_and_deals_find_chinese_names_by_pinyin(
    signed_in: Any, server: Server, lang: str
) -> None:
    """Typing an account's pinyin into the list's search box finds it (the stores' search key,
    graph/search.py); the deals view's name field finds its deals the same way."""
    from graph.search import pinyin

    browser = signed_in
    with EmbeddedStore(server.store_dir) as store:
        accounts = store.list_accounts(limit=500).data
        chinese = next(a for a in accounts if CJK.search(a.name))
        deals = store.list_deal_results(DealFilter(account_id=chinese.id, status=None)).data
    key = pinyin(chinese.name)
    assert key
    typed = " ".join(key[i : i + 4] for i in range(0, min(len(key), 12), 4))  # spaces are ignored
    browser.set_window_size(1600, HEIGHT)
    browser.get(f"{server.base}/?lang={lang}")
    box = browser.find_element(By.ID, "account-search")
    box.clear()
    box.send_keys(typed)
    box.submit()
    # The form is a GET: wait for the old page to go, or its rows are read (and go stale) meanwhile.
    WebDriverWait(browser, 30).until(expected_conditions.staleness_of(box))
    ids = [r.get_attribute("data-account-id") for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert chinese.id in ids, (typed, ids)
    assert len(ids) < len(accounts)  # it filtered
    if deals:
        browser.get(f"{server.base}/deals?status=all&q={typed.replace(' ', '+')}&lang={lang}")
        shown = [r.get_attribute("data-deal-id") for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
        assert {d.deal.id for d in deals} <= set(shown), (typed, shown)
    assert console_errors(browser) == []
    browser.delete_cookie("buyergraph_lang")
