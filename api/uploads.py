"""Uploaded files on disk: safe names, and ZIP archives unpacked into the upload's own folder.

An archive is untrusted input. Its members land flat in the upload folder under their base names,
checked like uploaded names; a member whose path is absolute or climbs out (`..`) refuses the upload,
as do encrypted or damaged archives. The bytes actually unpacked are counted against the upload limit
while they are written (an archive's stated sizes are not trusted), so a ZIP bomb stops at the limit.
Names stored without the archive's UTF-8 flag are read as UTF-8 when they are, else as GB 18030 (what
Chinese Windows writes), else as the ZIP standard's code page 437.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from graph.errors import InvalidInputError

_SAFE_NAME = re.compile(r"^[\w.\- ()\u0080-\uffff]+$")
#: Longest file name (in UTF-8 bytes) common file systems store; longer ones cannot be saved.
MAX_NAME_BYTES = 255
#: Most members one archive may hold (many tiny members are a bomb of another kind).
MAX_ARCHIVE_MEMBERS = 10_000
ARCHIVE_SUFFIX = ".zip"
_CHUNK = 1 << 20
#: ZIP general-purpose flag bits (APPNOTE 4.4.4): encrypted, and names stored as UTF-8.
_ENCRYPTED = 0x1
_UTF8_NAMES = 0x800


def safe_name(raw: str | None, where: str) -> str:
    """The file's own name (no folders), refusing names that could escape the upload folder."""
    name = Path((raw or "").replace("\\", "/")).name.strip()
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        # Not quoted: a name this long is noise in an error message.
        raise InvalidInputError(
            f"{where}: the file name is longer than {MAX_NAME_BYTES} bytes; rename the file"
        )
    if not name or name in (".", "..") or name.startswith(".") or not _SAFE_NAME.match(name):
        raise InvalidInputError(f"{where}: {raw!r} is not a usable file name")
    return name


def expand_archives(folder: Path, names: list[str], limit: int) -> int:
    """Unpack every `.zip` among the uploaded `names` (in upload order) into `folder` and delete it;
    return the size of the files the loader will read, refusing more than `limit` bytes in all."""
    archives = {name for name in names if name.lower().endswith(ARCHIVE_SUFFIX)}
    # Archive names stay taken too: a member named like an uploaded archive must not overwrite it.
    taken = set(names)
    total = sum((folder / name).stat().st_size for name in taken - archives)
    for index, name in enumerate(names):
        if name in archives:
            total = _unpack(folder / name, f"file {index + 1} ({name})", folder, taken, total, limit)
            (folder / name).unlink()
    return total


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & _UTF8_NAMES:
        return info.filename
    raw = info.filename.encode("cp437")  # zipfile decoded these names as code page 437
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unpack(archive: Path, where: str, folder: Path, taken: set[str], total: int, limit: int) -> int:
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise InvalidInputError(f"{where}: more than {MAX_ARCHIVE_MEMBERS:,} members")
            for info in members:
                path = _member_name(info).replace("\\", "/")
                parts = PurePosixPath(path).parts
                if path.startswith("/") or ".." in parts or (parts and parts[0].endswith(":")):
                    raise InvalidInputError(f"{where}: member {path!r} points outside the archive")
                if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts):
                    continue  # folders are flattened; hidden files and macOS resource forks hold no data
                if info.flag_bits & _ENCRYPTED:
                    raise InvalidInputError(f"{where}: member {path!r} is encrypted; upload it unencrypted")
                name = safe_name(parts[-1] if parts else "", f"{where}, member {path!r}")
                if name in taken:
                    raise InvalidInputError(
                        f"{where}: member {path!r} has the same name as another file of this upload"
                    )
                taken.add(name)
                with zipped.open(info) as source, (folder / name).open("wb") as target:
                    while chunk := source.read(_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise InvalidInputError(
                                f"{where}: the upload unpacks to more than the limit of {limit:,} bytes"
                            )
                        target.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InvalidInputError(f"{where}: not a readable ZIP archive ({type(exc).__name__})") from None
    except NotImplementedError:
        raise InvalidInputError(f"{where}: uses a compression method buyergraph cannot unpack") from None
    return total
