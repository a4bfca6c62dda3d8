"""Page sessions: what the login form exchanges an API key for, so that the browser never holds the key.

A session id is a random token that lives only in the browser's HttpOnly cookie; the server keeps its
SHA-256 in `sessions.json` in `BUYERGRAPH_HOME` (mode 0600, replaced atomically under a lock), so every
worker process of `buyergraph serve --workers N` sees a sign-in and a sign-out at once. A session
carries the key's id, name and scope: revoking the key ends its sessions at their next request.

Cookies are ambient credentials (the browser sends them with requests that another page makes), so a
state-changing request authenticated by a session needs its CSRF token too: an HMAC of the session id,
which only a page this server rendered for that session knows.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, Field

from api.keys import ApiKey, Scope
from api.shared_file import SharedJsonFile

FILE_NAME = "sessions.json"
FORMAT_VERSION = 1
#: Every session id starts with this, so that it is never mistaken for an API key (`bg_`).
SESSION_PREFIX = "bgs_"
#: How long a page session lives; signing out ends it sooner.
SESSION_LIFETIME = timedelta(hours=8)
_CSRF_LABEL = b"buyergraph page csrf v1"


class PageSession(BaseModel):
    """One stored session: everything but its id, which only the browser holds."""

    sha256: str
    key_id: str
    key_name: str
    scope: Scope
    created_at: datetime
    expires_at: datetime


class _SessionFile(BaseModel):
    format: int = FORMAT_VERSION
    sessions: list[PageSession] = Field(default_factory=list)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def csrf_token(session_id: str) -> str:
    """The CSRF token of a session: derivable only by whoever holds the session id (the server)."""
    return hmac.new(session_id.encode("utf-8"), _CSRF_LABEL, hashlib.sha256).hexdigest()


def csrf_matches(session_id: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(session_id), (presented or "").strip())


class SessionStore:
    """The page sessions of one deployment, kept in `<home>/sessions.json`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        path = Path(path)
        self.path = path / FILE_NAME if path.suffix != ".json" else path
        self._mutex = threading.Lock()
        self._file = SharedJsonFile(self.path, _SessionFile, what="session file")

    @classmethod
    def for_home(cls, home: str | os.PathLike[str]) -> SessionStore:
        return cls(Path(home).expanduser() / FILE_NAME)

    def create(self, key: ApiKey) -> str:
        """A new session for this key; returns the session id, which is stored only as a hash."""
        session_id = SESSION_PREFIX + secrets.token_urlsafe(32)
        now = _now()
        with self._mutex, self._file.locked():
            doc = self._file.read().model_copy(deep=True)
            doc.sessions = [s for s in doc.sessions if s.expires_at > now]  # forget expired ones
            doc.sessions.append(
                PageSession(
                    sha256=_digest(session_id),
                    key_id=key.id,
                    key_name=key.name,
                    scope=key.scope,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
            self._file.write(doc)
        return session_id

    def lookup(self, session_id: str) -> PageSession | None:
        """The live session with this id, or None (unknown, signed out or expired)."""
        if not session_id.startswith(SESSION_PREFIX):
            return None
        digest = _digest(session_id)
        sessions = self._file.read().sessions  # no lock: a `stat`, re-read only when it changed
        now = _now()
        found: PageSession | None = None
        for session in sessions:
            if hmac.compare_digest(session.sha256, digest) and session.expires_at > now:
                found = session
        return found

    def delete(self, session_id: str) -> bool:
        """End a session (sign-out); False when there was none."""
        digest = _digest(session_id)
        with self._mutex, self._file.locked():
            doc = self._file.read().model_copy(deep=True)
            kept = [s for s in doc.sessions if s.sha256 != digest]
            if len(kept) == len(doc.sessions):
                return False
            doc.sessions = kept
            self._file.write(doc)
        return True
