"""API keys: random tokens shown once, stored only as SHA-256 hashes in `keys.json`.

Scopes are hierarchical (admin ⊇ write ⊇ read). The file is replaced atomically under a lock, so a
`buyergraph keys revoke` in a terminal takes effect in a running server at its next request (the
server re-reads the file when it changes). Plain keys are never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field

from api.shared_file import SharedJsonFile
from graph.errors import ConfigurationError, InvalidInputError, NotFoundError

#: Every key starts with this, so that a leaked key is recognisable (e.g. by secret scanners).
KEY_PREFIX = "bg_"
FILE_NAME = "keys.json"
FORMAT_VERSION = 1
#: How often (seconds) a key's `last_used` is written back; more often would write on every request.
LAST_USED_EVERY_S = 60.0


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


_SCOPE_RANK = {Scope.READ: 0, Scope.WRITE: 1, Scope.ADMIN: 2}


def scope_allows(granted: Scope, needed: Scope) -> bool:
    """admin ⊇ write ⊇ read."""
    return _SCOPE_RANK[granted] >= _SCOPE_RANK[needed]


class ApiKey(BaseModel):
    """One stored key: everything but the key itself."""

    id: str
    name: str
    scope: Scope
    #: The first characters of the key, to recognise it in a list; not enough to use it.
    hint: str
    sha256: str
    created_at: datetime
    last_used: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class _KeyFile(BaseModel):
    format: int = FORMAT_VERSION
    keys: list[ApiKey] = Field(default_factory=list)


def _digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class KeyRing:
    """The keys of one deployment, kept in `<home>/keys.json`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        path = Path(path)
        self.path = path / FILE_NAME if path.suffix != ".json" else path
        self._mutex = threading.Lock()
        self._file = SharedJsonFile(self.path, _KeyFile, what="key file")
        self._last_written: dict[str, float] = {}

    @classmethod
    def for_home(cls, home: str | os.PathLike[str]) -> KeyRing:
        return cls(Path(home).expanduser() / FILE_NAME)

    # --- operations ------------------------------------------------------------------------

    def create(self, name: str, scope: Scope | str) -> str:
        """Create a key and return it in plain text: the only time it is ever shown."""
        name = name.strip()
        if not name or len(name) > 100:
            raise InvalidInputError("a key name must be 1 to 100 characters")
        try:
            scope = Scope(scope)
        except ValueError:
            raise InvalidInputError(f"scope must be read, write or admin, got {scope!r}") from None
        plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._mutex, self._file.locked():
            doc = self._file.read().model_copy(deep=True)
            if any(k.name == name and k.active for k in doc.keys):
                raise InvalidInputError(
                    f"an active key named {name!r} exists; revoke it or pick another name"
                )
            doc.keys.append(
                ApiKey(
                    id=secrets.token_hex(4),
                    name=name,
                    scope=scope,
                    hint=plaintext[: len(KEY_PREFIX) + 4],
                    sha256=_digest(plaintext),
                    created_at=_now(),
                )
            )
            self._file.write(doc)
        return plaintext

    def list_keys(self) -> list[ApiKey]:
        return list(self._file.read().keys)

    def revoke(self, name_or_id: str) -> ApiKey:
        """Revoke the active key with this name or id; revoked keys stay listed."""
        with self._mutex, self._file.locked():
            doc = self._file.read().model_copy(deep=True)
            matches = [k for k in doc.keys if k.active and name_or_id in (k.name, k.id)]
            if not matches:
                raise NotFoundError("active key", name_or_id)
            for key in matches:
                key.revoked_at = _now()
            self._file.write(doc)
            return matches[0]

    def active_by_id(self, key_id: str) -> ApiKey | None:
        """The active key with this id (a page session's key), or None once it is revoked. Takes no
        lock and never blocks beyond a `stat` of the file (it is re-read only when it changed)."""
        keys = self._file.read().keys
        return next((k for k in keys if k.id == key_id and k.active), None)

    def find(self, plaintext: str) -> ApiKey | None:
        """The active key this text is, or None; compares digests in constant time. Writes nothing,
        takes no lock and never blocks beyond a `stat` of the file (re-read only when it changed, so
        a revoked key is refused at its next request): the API's key check calls it on the event
        loop, then `use_due` / `record_use` off it."""
        if not plaintext.startswith(KEY_PREFIX):
            return None
        digest = _digest(plaintext)
        found: ApiKey | None = None
        for key in self._file.read().keys:
            if hmac.compare_digest(key.sha256, digest) and key.active:
                found = key
        return found

    def verify(self, plaintext: str) -> ApiKey | None:
        """`find`, and the key's `last_used` recorded (at most once a minute) in this thread."""
        found = self.find(plaintext)
        if found is not None and self.use_due(found):
            self.record_use(found)
        return found

    def use_due(self, key: ApiKey) -> bool:
        """Whether this key's `last_used` should be written now (at most once a minute per key and
        process); True marks it written, so that the caller then calls `record_use`."""
        now = time.monotonic()
        if now - self._last_written.get(key.id, -LAST_USED_EVERY_S) < LAST_USED_EVERY_S:
            return False
        self._last_written[key.id] = now
        return True

    def record_use(self, key: ApiKey) -> None:
        """Write the key's `last_used` (a locked read-change-write of the file, with an fsync: never
        on the event loop), never failing the request."""
        try:
            with self._mutex, self._file.locked():
                doc = self._file.read().model_copy(deep=True)
                for stored in doc.keys:
                    if stored.id == key.id:
                        stored.last_used = _now()
                self._file.write(doc)
        except (OSError, ConfigurationError):
            pass
