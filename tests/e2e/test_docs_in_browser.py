"""`/docs` renders the OpenAPI 3.1 document in a real browser, from buyergraph's own files."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By

from tests.e2e.conftest import Server, console_errors, screenshot, wait_for


def test_docs_page_renders_the_api_paths(browser: Any, server: Server) -> None:
    console_errors(browser)
    browser.get(server.base + "/docs")

    def paths_on_page() -> list[str]:
        return [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]

    paths = wait_for(paths_on_page, "the operations of the API document")
    assert "/api/v1/accounts" in paths
    assert "/api/v1/accounts/{account_id}" in paths
    errors = browser.find_elements(By.CSS_SELECTOR, ".errors-wrapper, .loading-container .errors")
    assert not [e.text for e in errors if e.text.strip()]
    assert "does not specify a valid version field" not in browser.page_source
    title = browser.find_element(By.CSS_SELECTOR, ".info .title").text
    assert title.startswith("buyergraph")
    screenshot(browser, "api-docs")
    assert not console_errors(browser)
