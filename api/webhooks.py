"""Webhooks: every change of the book's change log, POSTed as signed JSON to the URLs an admin registered.

The registered URLs and the outbox of deliveries live in `<BUYERGRAPH_HOME>/webhooks.json` (owner-only,
replaced atomically under a file lock, like keys.json), shared by every server process and by
`buyergraph webhooks deliver`. A round of delivery (`deliver_round`):

1. enqueue: each webhook's changes after the cursor it reached (graph store `list_changes`) become
   deliveries in the outbox, and the cursor moves on (a webhook starts at the change log's end);
2. send: each due delivery is claimed (its next attempt moved a lease ahead, so that another process
   does not send it too), POSTed, and recorded: delivered on a 2xx answer, else retried after an
   exponential back-off (`backoff_s`), and failed for good after `max_attempts`. Every attempt is in
   the delivery's log.

A POST's body is the delivery (`{"delivery_id", "webhook_id", "change"}`), with headers
`X-Buyergraph-Timestamp: <unix seconds>` and `X-Buyergraph-Signature: sha256=<hex>`, the HMAC-SHA256
with the webhook's secret of `<timestamp>.<raw body>`: a receiver recomputes it over the raw bytes it
got, compares in constant time and refuses timestamps older than a few minutes (replays); see
`verify_signature` and docs/api.md. The secret is shown once, when the webhook is registered; it is
kept in the file (it has to be, to sign) and never logged, nor is a URL (it may carry a token).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from api.shared_file import SharedJsonFile
from graph.analyses.changes import CHANGE_KINDS, REDACTED_SUMMARY
from graph.errors import InvalidInputError, NotFoundError
from graph.stores.base import GraphStore

__all__ = [
    "DELIVERY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Delivery",
    "DeliveryRound",
    "Webhook",
    "WebhookBook",
    "backoff_s",
    "deliver_round",
    "sign",
    "start_deliverer",
    "verify_signature",
]

log = logging.getLogger("buyergraph.webhooks")

FILE_NAME = "webhooks.json"
SIGNATURE_HEADER = "X-Buyergraph-Signature"
TIMESTAMP_HEADER = "X-Buyergraph-Timestamp"
DELIVERY_HEADER = "X-Buyergraph-Delivery"
EVENT_HEADER = "X-Buyergraph-Event"
#: Attempts before a delivery is given up (failed), and the first retry's delay; each retry waits
#: twice as long as the one before, at most BACKOFF_MAX_S.
MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 30.0
BACKOFF_MAX_S = 6 * 3600.0
#: Seconds a receiver has to answer.
TIMEOUT_S = 10.0
#: Deliveries claimed (and recorded) at a time: one file write for the claim, one for the outcomes.
CLAIM_BATCH = 20
#: How long a claimed delivery is left to the process sending it before another may try: long enough
#: for a whole batch of receivers that time out.
LEASE_S = CLAIM_BATCH * TIMEOUT_S + 30.0
#: Batches one round sends at most (a round continues while batches come back full).
MAX_BATCHES = 50
#: Finished deliveries (delivered or failed) kept in the log per webhook; older ones are dropped.
KEEP_FINISHED = 500
#: Changes read from the log per webhook per round.
ENQUEUE_BATCH = 200
#: How old a signed timestamp a receiver should accept (the documented default).
DEFAULT_TOLERANCE_S = 300


def _now() -> datetime:
    return datetime.now(UTC)


class Webhook(BaseModel):
    """A registered receiver. `secret` signs its deliveries; the API shows it only when registering."""

    id: str
    url: str
    secret: str
    #: The change kinds it receives; empty: every kind.
    kinds: list[str] = []
    created_at: datetime
    #: The last change (cursor) put in its outbox.
    cursor: int = 0


class Attempt(BaseModel):
    at: datetime
    #: The receiver's HTTP status, None when there was no answer.
    status_code: int | None = None
    #: Why the attempt failed (no answer: the kind of error), None on success.
    error: str | None = None
    duration_ms: int = 0


class Delivery(BaseModel):
    """One change for one webhook: its body (signed anew at each attempt) and its attempts."""

    id: str
    webhook_id: str
    change_cursor: int
    kind: str
    body: str
    status: Literal["pending", "delivered", "failed"] = "pending"
    attempts: int = 0
    created_at: datetime
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    log: list[Attempt] = []


class _Document(BaseModel):
    format: int = 1
    webhooks: list[Webhook] = Field(default_factory=list)
    deliveries: list[Delivery] = Field(default_factory=list)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: `sha256=` and the HMAC-SHA256 of `<timestamp>.<body>`."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float | None = None,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> bool:
    """What a receiver does: the timestamp is recent and the signature matches the raw body."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature.strip())


def backoff_s(attempts: int, base_s: float = BACKOFF_BASE_S) -> float:
    """The wait before the next attempt after `attempts` failed ones: base, 2 x base, 4 x base ..."""
    return float(min(base_s * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


def check_url(url: str) -> str:
    """An http(s) URL with a host; anything else is refused."""
    text = url.strip()
    refused = InvalidInputError("a webhook URL is an http:// or https:// address with a host")
    try:
        parts = urlsplit(text)
        host, _ = parts.hostname, parts.port  # either may raise ValueError (a bad IPv6 host, a bad port)
    except ValueError:
        raise refused from None
    if parts.scheme not in ("http", "https") or not host or len(text) > 2000:
        raise refused
    return text


def check_kinds(kinds: list[str]) -> list[str]:
    unknown = sorted(set(kinds) - set(CHANGE_KINDS))
    if unknown:
        raise InvalidInputError(
            f"unknown change kind(s) {', '.join(unknown)}; known kinds: {', '.join(CHANGE_KINDS)}"
        )
    return sorted(set(kinds))


class WebhookBook:
    """The webhooks and the outbox of one deployment, in `<home>/webhooks.json`."""

    def __init__(
        self,
        path: str | Path,
        *,
        backoff_base_s: float = BACKOFF_BASE_S,
        max_attempts: int = MAX_ATTEMPTS,
        lease_s: float = LEASE_S,
    ) -> None:
        self._file = SharedJsonFile(Path(path), _Document, what="webhook file")
        self._mutex = threading.Lock()
        self.backoff_base_s = backoff_base_s
        self.max_attempts = max_attempts
        self.lease_s = lease_s

    @classmethod
    def for_home(cls, home: str | Path, **options: float) -> WebhookBook:
        return cls(Path(home) / FILE_NAME, **options)  # type: ignore[arg-type]

    def _change(self, edit: Callable[[_Document], None]) -> _Document:
        with self._mutex, self._file.locked():
            doc = self._file.read().model_copy(deep=True)
            edit(doc)
            self._file.write(doc)
            return doc

    # --- registration -----------------------------------------------------------------------

    def register(self, url: str, *, kinds: list[str], start_after: int) -> Webhook:
        """A new webhook for `url`, receiving the changes logged after cursor `start_after`."""
        hook = Webhook(
            id="wh_" + secrets.token_hex(8),
            url=check_url(url),
            secret="whsec_" + secrets.token_urlsafe(32),
            kinds=check_kinds(kinds),
            created_at=_now().replace(microsecond=0),
            cursor=start_after,
        )
        self._change(lambda doc: doc.webhooks.append(hook))
        return hook

    def webhooks(self) -> list[Webhook]:
        with self._mutex:
            return list(self._file.read().webhooks)

    def get(self, webhook_id: str) -> Webhook:
        for hook in self.webhooks():
            if hook.id == webhook_id:
                return hook
        raise NotFoundError("webhook", webhook_id)

    def delete(self, webhook_id: str) -> Webhook:
        """Remove a webhook with its outbox and log."""
        hook = self.get(webhook_id)

        def edit(doc: _Document) -> None:
            doc.webhooks = [h for h in doc.webhooks if h.id != webhook_id]
            doc.deliveries = [d for d in doc.deliveries if d.webhook_id != webhook_id]

        self._change(edit)
        return hook

    def deliveries(
        self, *, webhook_id: str | None = None, status: str | None = None, limit: int = 100
    ) -> list[Delivery]:
        """The outbox and the log, newest first."""
        with self._mutex:
            found = [
                d
                for d in self._file.read().deliveries
                if (webhook_id is None or d.webhook_id == webhook_id)
                and (status is None or d.status == status)
            ]
        found.sort(key=lambda d: (d.created_at, d.change_cursor), reverse=True)
        return found[:limit]

    def forget_person(self, person_id: str, name: str | None) -> int:
        """Erasure: pending deliveries whose change names the person (by id or name) send the change
        redacted as the store's log now holds it. Returns how many were redacted."""
        quoted = json.dumps(person_id, ensure_ascii=False)
        redacted = 0

        def names_them(body: str) -> bool:
            return quoted in body or (name is not None and len(name) > 1 and name in body)

        def edit(doc: _Document) -> None:
            nonlocal redacted
            for delivery in doc.deliveries:
                if delivery.status != "pending" or not names_them(delivery.body):
                    continue
                payload = json.loads(delivery.body)
                payload["change"].update(person_id=None, summary=REDACTED_SUMMARY, data={})
                delivery.body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
                redacted += 1

        with self._mutex:
            pending = [d.body for d in self._file.read().deliveries if d.status == "pending"]
        if any(names_them(body) for body in pending):
            self._change(edit)
        return redacted

    # --- delivery ---------------------------------------------------------------------------

    def enqueue(self, store: GraphStore) -> int:
        """Put each webhook's new changes in the outbox; returns how many deliveries were added."""
        hooks = self.webhooks()
        if not hooks:
            return 0
        new: dict[str, tuple[int, list[Delivery]]] = {}
        now = _now()
        for hook in hooks:
            changes = store.list_changes(after=hook.cursor, limit=ENQUEUE_BATCH)
            if not changes:
                continue
            wanted = [c for c in changes if not hook.kinds or c.kind.value in hook.kinds]
            deliveries = []
            for change in wanted:
                delivery_id = f"dl_{hook.id.removeprefix('wh_')}_{change.cursor}"
                body = json.dumps(
                    {
                        "delivery_id": delivery_id,
                        "webhook_id": hook.id,
                        "change": change.model_dump(mode="json"),
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                deliveries.append(
                    Delivery(
                        id=delivery_id,
                        webhook_id=hook.id,
                        change_cursor=change.cursor,
                        kind=change.kind.value,
                        body=body,
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
            new[hook.id] = (changes[-1].cursor, deliveries)
        if not new:
            return 0
        added = 0

        def edit(doc: _Document) -> None:
            nonlocal added
            known = {d.id for d in doc.deliveries}
            for hook in doc.webhooks:
                if hook.id not in new:
                    continue
                cursor, deliveries = new[hook.id]
                if cursor <= hook.cursor:  # another process enqueued them meanwhile
                    continue
                fresh = [d for d in deliveries if d.id not in known and d.change_cursor > hook.cursor]
                doc.deliveries.extend(fresh)
                added += len(fresh)
                hook.cursor = cursor

        self._change(edit)
        return added

    def claim_due(
        self, *, now: datetime | None = None, limit: int = CLAIM_BATCH
    ) -> list[tuple[Delivery, Webhook]]:
        """Up to `limit` deliveries due now, oldest change first, each claimed for `lease_s` seconds
        (other processes skip them)."""
        at = now or _now()
        claimed: list[tuple[Delivery, Webhook]] = []

        def edit(doc: _Document) -> None:
            hooks = {h.id: h for h in doc.webhooks}
            for delivery in sorted(doc.deliveries, key=lambda d: d.change_cursor):
                due = delivery.next_attempt_at is None or delivery.next_attempt_at <= at
                if delivery.status != "pending" or not due or delivery.webhook_id not in hooks:
                    continue
                if len(claimed) >= limit:
                    break
                delivery.next_attempt_at = at + timedelta(seconds=self.lease_s)
                claimed.append((delivery.model_copy(deep=True), hooks[delivery.webhook_id]))

        with self._mutex:
            pending = any(d.status == "pending" for d in self._file.read().deliveries)
        if pending:
            self._change(edit)
        return claimed

    def record(self, delivery_id: str, attempt: Attempt) -> Delivery | None:
        """Write down one attempt (see `record_all`)."""
        done = self.record_all([(delivery_id, attempt)])
        return done[0] if done else None

    def record_all(self, outcomes: list[tuple[str, Attempt]]) -> list[Delivery]:
        """Write down attempts, in one write: delivered on a 2xx, else the next attempt after the
        back-off, or failed after the last one allowed. Returns the deliveries as they are now."""
        done: list[Delivery] = []
        attempts = dict(outcomes)

        def edit(doc: _Document) -> None:
            for delivery in doc.deliveries:
                attempt = attempts.get(delivery.id)
                if attempt is None or delivery.status != "pending":
                    continue
                delivery.attempts += 1
                delivery.log.append(attempt)
                if attempt.error is None:
                    delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                        "delivered",
                        attempt.at,
                        None,
                    )
                elif delivery.attempts >= self.max_attempts:
                    delivery.status, delivery.next_attempt_at, delivery.body = "failed", None, ""
                else:
                    wait = backoff_s(delivery.attempts, self.backoff_base_s)
                    delivery.next_attempt_at = attempt.at + timedelta(seconds=wait)
                done.append(delivery.model_copy(deep=True))
            _prune(doc)

        self._change(edit)
        return done


def _prune(doc: _Document) -> None:
    """Keep the newest KEEP_FINISHED finished deliveries per webhook (pending ones all stay)."""
    finished: dict[str, int] = {}
    kept: list[Delivery] = []
    for delivery in sorted(doc.deliveries, key=lambda d: d.change_cursor, reverse=True):
        if delivery.status != "pending":
            finished[delivery.webhook_id] = finished.get(delivery.webhook_id, 0) + 1
            if finished[delivery.webhook_id] > KEEP_FINISHED:
                continue
        kept.append(delivery)
    kept.reverse()
    doc.deliveries = kept


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx (the body would not follow it): a failed attempt."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)

#: Sends one POST: (url, body, headers, timeout) -> HTTP status. Raises OSError when nobody answers.
Poster = Callable[[str, bytes, dict[str, str], float], int]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass(frozen=True)
class DeliveryRound:
    enqueued: int
    attempted: int
    delivered: int
    failed: int


def _attempt(delivery: Delivery, hook: Webhook, send: Poster) -> Attempt:
    body = delivery.body.encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "buyergraph-webhooks",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(hook.secret, timestamp, body),
        DELIVERY_HEADER: delivery.id,
        EVENT_HEADER: delivery.kind,
    }
    started, at = time.monotonic(), _now()
    try:
        status = send(hook.url, body, headers, TIMEOUT_S)
    except (OSError, ValueError) as exc:  # no answer: refused, timed out, name not found ...
        error = type(exc).__name__
        reason = getattr(exc, "reason", None)
        if reason is not None:
            error += f": {type(reason).__name__ if not isinstance(reason, str) else reason}"
        return Attempt(at=at, error=error, duration_ms=int((time.monotonic() - started) * 1000))
    elapsed = int((time.monotonic() - started) * 1000)
    if 200 <= status < 300:
        return Attempt(at=at, status_code=status, duration_ms=elapsed)
    return Attempt(at=at, status_code=status, error=f"HTTP {status}", duration_ms=elapsed)


def deliver_round(store: GraphStore, book: WebhookBook, *, send: Poster = post) -> DeliveryRound:
    """One round: enqueue the new changes, then attempt every due delivery once (in batches of
    CLAIM_BATCH, while batches come back full)."""
    enqueued = delivered = failed = attempted = 0
    for _ in range(MAX_BATCHES):
        enqueued += book.enqueue(store)
        claimed = book.claim_due()
        if not claimed:
            break
        outcomes = [(delivery.id, _attempt(delivery, hook, send)) for delivery, hook in claimed]
        attempted += len(outcomes)
        for after in book.record_all(outcomes):
            delivered += after.status == "delivered"
            failed += after.status == "failed"
            last = after.log[-1]
            # Ids and status only: a URL may carry a token, a body personal data.
            log.info(
                "webhook %s delivery %s attempt %d: %s",
                after.webhook_id,
                after.id,
                after.attempts,
                last.status_code if last.error is None else last.error,
            )
        if len(claimed) < CLAIM_BATCH:
            break
    return DeliveryRound(enqueued=enqueued, attempted=attempted, delivered=delivered, failed=failed)


@cache
def book_for_home(home: Path, backoff_base_s: float = BACKOFF_BASE_S) -> WebhookBook:
    """The one WebhookBook of this process for a deployment's home."""
    return WebhookBook.for_home(home, backoff_base_s=backoff_base_s)


def start_deliverer(store: GraphStore, book: WebhookBook, every_s: float) -> Callable[[], None]:
    """Run `deliver_round` every `every_s` seconds on a background thread (inside `serve`); returns
    the function that stops it. A failing round is logged (its kind only) and the next one runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            if not book.webhooks():
                continue
            try:
                deliver_round(store, book)
            except Exception as exc:  # noqa: BLE001 - the loop must survive an outage
                log.warning("webhook delivery round failed: %s", type(exc).__name__)

    thread = threading.Thread(target=loop, name="buyergraph-webhooks", daemon=True)
    thread.start()

    def stopper() -> None:
        stop.set()
        thread.join(timeout=2.0)  # a round in flight finishes on its own (daemon)

    return stopper
