"""The API document at /docs loads with no internet: every script and style comes from buyergraph."""

from __future__ import annotations

import re

from tests.api.conftest import ApiEnv


def test_docs_page_uses_only_local_assets(embedded_env: ApiEnv) -> None:
    client = embedded_env.client
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger" in page.text.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources, "the page names its assets"
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 100
    assert client.get("/openapi.json").json()["info"]["title"] == "buyergraph"


def test_redoc_is_not_served_from_a_cdn(embedded_env: ApiEnv) -> None:
    assert embedded_env.client.get("/redoc").status_code == 404
