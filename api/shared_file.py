"""A small JSON document that every server process of a deployment shares (keys, page sessions).

It is read again only when it changed on disk, changed only under an exclusive file lock, and replaced
atomically (a temporary file, fsync, rename), owner-readable only: a reader in another process sees the
old document or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from graph.errors import ConfigurationError

Document = TypeVar("Document", bound=BaseModel)


def replace_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old content or the new one (mode 0600)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SharedJsonFile(Generic[Document]):
    """One JSON document of type `model` at `path`; `what` names it in errors ("key file")."""

    def __init__(self, path: Path, model: type[Document], *, what: str) -> None:
        self.path = path
        self._model = model
        self._what = what
        # The stamp of the file and the document read from it, replaced together in one assignment:
        # `read` takes no lock, and a thread (or the event loop) never sees one's stamp with another's
        # document, so a change on disk is never missed (a revoked key stays refused).
        self._state: tuple[tuple[int, int, int] | None, Document] = (None, model())

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the document's lock (across processes) for a read-change-write."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock = open(folder / f".{self.path.stem}.lock", "a")  # noqa: SIM115 - held for the block
        except OSError as exc:
            raise ConfigurationError(f"cannot open the {self._what} folder {folder}: {exc}") from None
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def read(self) -> Document:
        """The document as it is on disk now (an empty one when there is no file); re-read only when
        the file changed: otherwise one `stat`. Safe without a lock, from any thread. Callers copy it
        before changing it."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            empty = self._model()
            self._state = (None, empty)
            return empty
        # The inode too: every replace makes a new one, so two writes in one clock tick with the same
        # size (a sign-out, then a sign-in) still count as a change.
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached_stamp, cached = self._state
        if stamp != cached_stamp:
            try:
                cached = self._model.model_validate_json(self.path.read_bytes())
            except (OSError, ValidationError, ValueError):
                raise ConfigurationError(f"the {self._what} {self.path} is unreadable or damaged") from None
            # The stamp taken before the bytes were read: if the file changed in between, the next
            # read sees another stamp and reads it again.
            self._state = (stamp, cached)
        return cached

    def write(self, doc: Document) -> None:
        replace_atomically(self.path, json.dumps(doc.model_dump(mode="json"), indent=1).encode("utf-8"))


def deployment_secret(path: Path) -> bytes:
    """A random secret of this deployment, kept in `path` (0600) and the same for every process:
    made once, by whichever process comes first (a link cannot replace an existing file)."""
    try:
        return bytes.fromhex(path.read_text("ascii").strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        raise ConfigurationError(f"the secret file {path} is unreadable or damaged") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return bytes.fromhex(path.read_text("ascii").strip())
