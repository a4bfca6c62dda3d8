"""Issue 22: `GET /api/v1/changes` pages the change log; webhooks get each change as a signed POST,
retried with back-off, with a delivery log. A real HTTP receiver on 127.0.0.1 takes the POSTs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from api.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookBook,
    _attempt,
    backoff_s,
    deliver_round,
    post,
    verify_signature,
)
from graph.analyses.changes import Change, ChangeKind
from graph.stores.base import GraphStore
from tests.api.conftest import ApiEnv, embedded_app

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)


def changes(n: int, kind: ChangeKind = ChangeKind.GAP_OPENED, account: str = "acc-1") -> list[Change]:
    return [
        Change(
            kind=kind,
            account_id=account,
            deal_id="d-1",
            as_of=date(2026, 6, 1),
            detected_at=T0 + timedelta(minutes=i),
            summary=f"change {i}",
            data={"i": i},
        )
        for i in range(n)
    ]


class Receiver:
    """A real HTTP server on 127.0.0.1 that records each POST and fails the first `failures` ones."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append((dict(self.headers.items()), body))
                failing = len(receiver.received) <= receiver.failures
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=t0ps3cret"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ApiEnv]:
    """An app on an empty embedded store; deliveries only when the test runs a round, no back-off."""
    with embedded_app(tmp_path, None, webhook_interval_s=0, webhook_backoff_s=0) as e:
        yield e


def book(env: ApiEnv) -> WebhookBook:
    return WebhookBook.for_home(env.settings.home, backoff_base_s=0)


def register(env: ApiEnv, url: str, **body: Any) -> dict[str, Any]:
    answer = env.client.post("/api/v1/webhooks", json={"url": url, **body}, headers=env.headers("admin"))
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


# --- the change log over HTTP ---------------------------------------------------------------------


def test_changes_page_by_cursor_and_filter(api: ApiEnv) -> None:
    store: GraphStore = api.store
    logged = store.append_changes(changes(3) + changes(1, ChangeKind.REORG, "acc-2"))
    first = api.get("/api/v1/changes", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [c["cursor"] for c in page["data"]] == [c.cursor for c in logged[:2]]
    assert page["count"] == 2 and page["next_cursor"] == logged[1].cursor
    rest = api.get("/api/v1/changes", params={"since": page["next_cursor"]}).json()
    assert [c["cursor"] for c in rest["data"]] == [c.cursor for c in logged[2:]]
    assert rest["data"][-1]["kind"] == "reorg" and rest["data"][0]["data"] == {"i": 2}
    empty = api.get("/api/v1/changes", params={"since": rest["next_cursor"]}).json()
    assert empty["data"] == [] and empty["next_cursor"] == rest["next_cursor"]
    by_kind = api.get("/api/v1/changes", params={"kind": "reorg"}).json()
    assert [c["account_id"] for c in by_kind["data"]] == ["acc-2"]
    by_account = api.get("/api/v1/changes", params={"account_id": "acc-1"}).json()
    assert by_account["count"] == 3
    by_time = api.get("/api/v1/changes", params={"since": (T0 + timedelta(minutes=2)).isoformat()}).json()
    assert [c["data"].get("i") for c in by_time["data"]] == [2]  # the reorg was at T0


def test_a_correction_refreshes_its_account_and_the_change_log_hears_of_it(api: ApiEnv) -> None:
    """A seller marks a committee member as left: the refresh the correction runs logs `member_left`
    (it keeps its result through the same `keep_results` as `buyergraph refresh`)."""
    from api.refresh import compute_results, keep_results
    from tests.api.conftest import AS_OF

    store: GraphStore = api.store
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    ids = store.accounts_to_refresh(everything=True)
    keep_results(store, compute_results(store, ids, as_of=AS_OF, config=runtime.config))
    kept = store.read_results(ids)
    account_id, person_id = next(
        (r.account_id, person)
        for r in kept.values()
        if r.detail is not None
        for deal in r.detail.deals
        for person in sorted(deal.committee)
    )
    since = store.last_change_cursor()
    answer = api.client.post(
        "/api/v1/corrections",
        json={"kind": "left", "person_id": person_id, "on": (AS_OF - timedelta(days=10)).isoformat()},
        headers=api.headers("write"),
    )
    assert answer.status_code == 201, answer.text
    page = api.get("/api/v1/changes", params={"since": since, "account_id": account_id}).json()
    left = [c for c in page["data"] if c["kind"] == "member_left"]
    assert [c["person_id"] for c in left] == [person_id]


@pytest.mark.parametrize(
    "params",
    [{"since": "yesterday"}, {"kind": "everything"}, {"account": "acc-1"}, {"limit": 0}, {"since": "9" * 20}],
)
def test_bad_change_queries_are_422(embedded_env: ApiEnv, params: dict[str, Any]) -> None:
    answer = embedded_env.get("/api/v1/changes", params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


# --- webhooks -------------------------------------------------------------------------------------


def test_webhooks_need_the_admin_scope_and_show_the_secret_once(env: ApiEnv) -> None:
    body = {"url": "https://hooks.example.com/x"}
    assert env.client.post("/api/v1/webhooks", json=body, headers=env.headers("write")).status_code == 403
    assert env.client.get("/api/v1/webhooks", headers=env.headers("read")).status_code == 403
    created = register(env, "https://hooks.example.com/x", kinds=["job_change"])
    assert created["secret"].startswith("whsec_") and created["kinds"] == ["job_change"]
    listed = env.client.get("/api/v1/webhooks", headers=env.headers("admin")).json()
    assert listed["count"] == 1 and "secret" not in listed["data"][0]
    assert created["secret"] not in json.dumps(listed)
    bad = env.client.post("/api/v1/webhooks", json={"url": "ftp://x.example"}, headers=env.headers("admin"))
    assert bad.status_code == 422
    gone = env.client.delete(f"/api/v1/webhooks/{created['id']}", headers=env.headers("admin"))
    assert gone.status_code == 204
    assert (
        env.client.delete(f"/api/v1/webhooks/{created['id']}", headers=env.headers("admin")).status_code
        == 404
    )


def test_a_change_reaches_a_real_receiver_as_a_signed_post(env: ApiEnv) -> None:
    env.store.append_changes(changes(1))  # before the webhook: not sent
    with Receiver() as receiver:
        created = register(env, receiver.url)
        logged = env.store.append_changes(changes(2, ChangeKind.JOB_CHANGE))
        outcome = deliver_round(env.store, book(env))
        assert (outcome.enqueued, outcome.delivered) == (2, 2)
    assert len(receiver.received) == 2
    for (headers, body), change in zip(receiver.received, logged, strict=True):
        assert verify_signature(created["secret"], body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
        assert not verify_signature("whsec_wrong", body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
        assert not verify_signature(
            created["secret"], body + b" ", headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
        )
        # A replay long after the timestamp is refused.
        later = int(headers[TIMESTAMP_HEADER]) + 3600
        assert not verify_signature(
            created["secret"], body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=later
        )
        payload = json.loads(body)
        assert payload["change"]["cursor"] == change.cursor and payload["change"]["kind"] == "job_change"
        assert payload["webhook_id"] == created["id"]
    # Nothing new: the next round sends nothing again.
    assert deliver_round(env.store, book(env)).attempted == 0
    log = env.client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=env.headers("admin")).json()
    assert [d["status"] for d in log["data"]] == ["delivered", "delivered"]
    assert all(d["attempts"] == 1 and d["log"][0]["status_code"] == 204 for d in log["data"])


def test_a_receiver_that_fails_twice_gets_the_change_on_the_third_attempt(env: ApiEnv) -> None:
    with Receiver(failures=2) as receiver:
        created = register(env, receiver.url)
        env.store.append_changes(changes(1))
        rounds = [deliver_round(env.store, book(env)) for _ in range(4)]
    assert [r.attempted for r in rounds] == [1, 1, 1, 0]
    assert [r.delivered for r in rounds] == [0, 0, 1, 0]
    assert len(receiver.received) == 3
    assert len({body for _, body in receiver.received}) == 1  # the same body each time
    log = env.client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=env.headers("admin")).json()
    (delivery,) = log["data"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["log"]] == [500, 500, 204]
    assert [a["error"] for a in delivery["log"]] == ["HTTP 500", "HTTP 500", None]


def test_retries_wait_for_their_back_off_and_give_up_at_last(env: ApiEnv, tmp_path: Path) -> None:
    assert [backoff_s(n, 30) for n in (1, 2, 3)] == [30, 60, 120]
    slow = WebhookBook.for_home(env.settings.home, backoff_base_s=3600, max_attempts=2)
    with Receiver(failures=10) as receiver:
        register(env, receiver.url)
        env.store.append_changes(changes(1))
        assert deliver_round(env.store, slow).attempted == 1
        assert deliver_round(env.store, slow).attempted == 0  # waits an hour
        (pending,) = slow.deliveries()
        assert pending.status == "pending" and pending.next_attempt_at is not None
        assert pending.next_attempt_at - pending.log[0].at >= timedelta(seconds=3599)
        # Once the back-off is over, the last allowed attempt fails for good.
        due = pending.next_attempt_at + timedelta(seconds=1)
        for delivery, hook in slow.claim_due(now=due):
            slow.record(delivery.id, _attempt(delivery, hook, post))
    (failed,) = slow.deliveries()
    assert failed.status == "failed" and failed.attempts == 2 and len(receiver.received) == 2


def test_a_receiver_nobody_answers_is_a_failed_attempt_without_the_url(env: ApiEnv) -> None:
    created = register(env, "http://127.0.0.1:9/hook?token=t0ps3cret")  # the discard port: refused
    env.store.append_changes(changes(1))
    assert deliver_round(env.store, book(env)).delivered == 0
    log = env.client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=env.headers("admin")).json()
    attempt = log["data"][0]["log"][0]
    assert attempt["status_code"] is None and attempt["error"]
    assert "t0ps3cret" not in json.dumps(log)


def test_serve_delivers_in_the_background(tmp_path: Path) -> None:
    with embedded_app(tmp_path, None, webhook_interval_s=0.2) as env, Receiver() as receiver:
        created = register(env, receiver.url, kinds=["reorg"])
        env.store.append_changes(changes(1) + changes(1, ChangeKind.REORG))
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(receiver.received) == 1  # only the kind it asked for
        headers, body = receiver.received[0]
        assert json.loads(body)["change"]["kind"] == "reorg"
        assert verify_signature(created["secret"], body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])


def test_erasure_redacts_pending_deliveries_and_delivered_bodies_are_not_kept(env: ApiEnv) -> None:
    from graph.model import Company, Person

    env.store.upsert("companies", [Company(id="acc-1", name="Acme")])
    env.store.upsert("people", [Person(id="p-gone", name="Gina Gone", company_id="acc-1")])
    with Receiver(failures=1) as receiver:
        created = register(env, receiver.url)
        named = changes(1, ChangeKind.MEMBER_LEFT)[0].model_copy(
            update={"person_id": "p-gone", "summary": "Gina Gone left account acc-1"}
        )
        other = changes(1, ChangeKind.REORG, "acc-2")[0]
        env.store.append_changes([named, other])
        deliver_round(env.store, book(env))  # the first fails (pending), the second is delivered
        erased = env.client.delete("/api/v1/people/p-gone", headers=env.headers("admin"))
        assert erased.status_code == 200, erased.text
        deliver_round(env.store, book(env))  # the retry sends the redacted change
    bodies = [body.decode() for _, body in receiver.received]
    assert "Gina Gone" in bodies[0]  # sent before the erasure
    assert "Gina Gone" not in bodies[-1] and "p-gone" not in bodies[-1]
    assert json.loads(bodies[-1])["change"]["kind"] == "member_left"
    stored = (env.settings.home / "webhooks.json").read_text()
    assert "Gina Gone" not in stored and "p-gone" not in stored
    assert created["secret"] in stored  # kept to sign with (owner-only file)


@pytest.mark.parametrize(
    "url", ["https://[::1", "https://x]", "http://example.com:99999/", "https://\U0001f600]"]
)
def test_webhook_urls_that_do_not_parse_are_422(env: ApiEnv, url: str) -> None:
    answer = env.client.post("/api/v1/webhooks", json={"url": url}, headers=env.headers("admin"))
    assert answer.status_code == 422, answer.text
