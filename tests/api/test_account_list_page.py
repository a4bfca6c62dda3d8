"""The account list page orders and filters every account on the server, as `GET /api/v1/accounts` does."""

from __future__ import annotations

import re

from api.refresh import compute_results
from tests.api.conftest import AS_OF, ApiEnv


def test_the_page_sorts_every_account_by_high_gaps_on_the_server(api: ApiEnv) -> None:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    ids = api.store.accounts_to_refresh(everything=True)
    api.store.write_results(compute_results(api.store, ids, as_of=AS_OF, config=runtime.config))
    listed = api.get("/api/v1/accounts", params={"sort": "-gaps_high", "limit": 50}).json()["data"]
    page = api.get("/", params={"as_of": AS_OF.isoformat(), "sort": "-gaps_high"})
    assert page.status_code == 200
    rows = re.findall(r'<tr data-account-id="([^"]+)"', page.text)
    assert rows == [a["id"] for a in listed]
    assert 'href="/?sort=gaps_high"' in page.text  # the Gaps link now sorts ascending

    kind = next(k for a in listed for k, n in a["result"]["gaps_by_kind"].items() if n)
    filtered = api.get("/", params={"as_of": AS_OF.isoformat(), "gap_kind": kind})
    rows = re.findall(r'<tr data-account-id="([^"]+)"', filtered.text)
    assert set(rows) == {a["id"] for a in listed if a["result"]["gaps_by_kind"][kind]}
    assert api.get("/", params={"sort": "password"}).status_code == 422
