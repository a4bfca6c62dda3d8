"""One error family for the whole product; the API maps these onto HTTP problem details."""

from __future__ import annotations

import re


class BuyerGraphError(Exception):
    """Base class of every error buyergraph raises on purpose."""


class NotFoundError(BuyerGraphError):
    """An id that names nothing in the store (an account, person or deal)."""

    def __init__(self, kind: str, id_: str) -> None:
        super().__init__(f"{kind} {id_!r} not found")
        self.kind = kind
        self.id = id_


class InvalidInputError(BuyerGraphError):
    """Input that cannot be used: a bad parameter, a malformed file, an unknown field."""


class InputTooLargeError(InvalidInputError):
    """Input larger than a configured limit once unpacked (an archive, a workbook's sheets): the whole
    ingest is refused before anything is written, not only the one file."""


class StoreUnavailableError(BuyerGraphError):
    """The store cannot be reached right now; the same call may succeed later."""


class IngestBusyError(StoreUnavailableError):
    """Another ingest held the store's ingest lock for longer than this one was willing to wait."""


class WriteFailedError(BuyerGraphError):
    """The store refused or lost a write in the middle of an ingest; running it again completes it."""


class ConfigurationError(BuyerGraphError):
    """Settings that cannot work, e.g. a default secret or a missing Java for the local Neo4j."""


class ForbiddenQueryError(BuyerGraphError):
    """A console query that would write, or touch something outside the allow-list."""


_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/\s'\"]*@")


def redact_uris(text: str) -> str:
    """`text` with the `user:password@` part of every URI in it removed.

    The one place that keeps credentials out of messages, logs and reprs: a password written into
    NEO4J_URI must never be echoed back, whether the text is the URI itself or an error quoting it.
    """
    return _USERINFO.sub(r"\g<scheme>", text)
