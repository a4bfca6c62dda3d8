"""Hostile or damaged input files found in review: each is a row or file reject, never a crash (500)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from api.shared_file import SharedJsonFile
from api.uploads import expand_archives
from graph.errors import InvalidInputError
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.normalise import parse_number


def test_a_number_too_large_for_a_float_is_refused_not_infinite() -> None:
    with pytest.raises(InvalidInputError, match="too large"):
        parse_number("9" * 400)
    assert parse_number("9" * 20) == pytest.approx(1e20)


def test_one_bad_byte_deep_in_a_chinese_header_file_costs_its_row(tmp_path: Path) -> None:
    good = "".join(f"联系人{i},华东精密制造有限公司,经理,p{i}@hdjm.example.cn\n" for i in range(400))
    content = "姓名,客户名称,职务,邮箱\n".encode() + good.encode() + b"\xff\xfe,bad,x,y@hdjm.example.cn\n"
    assert len(content) > 8192  # past the sample the encoding is detected from
    export = tmp_path / "联系人.csv"
    export.write_bytes(content)
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([export], store, progress=False)
    assert store.counts().nodes["Person"] == 400
    [reject] = [r for r in result.rejects if r.row == 402]
    assert (reject.file, reject.field) == ("联系人.csv", "姓名")
    assert "not valid" in reject.reason


def test_a_zip_member_named_like_an_uploaded_archive_does_not_overwrite_it(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zipped:
        zipped.writestr("companies.csv", "id,name\nc1,Acme\n")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as zipped:
        zipped.writestr("b.zip", b"not the archive the user uploaded")
    (tmp_path / "a.zip").write_bytes(outer.getvalue())
    (tmp_path / "b.zip").write_bytes(inner.getvalue())
    with pytest.raises(InvalidInputError, match="member 'b.zip' has the same name as another file"):
        expand_archives(tmp_path, ["a.zip", "b.zip"], limit=1 << 20)


def test_a_shared_file_rewritten_with_the_same_size_in_one_clock_tick_is_read_again(tmp_path: Path) -> None:
    from pydantic import BaseModel

    class Doc(BaseModel):
        value: str = ""

    path = tmp_path / "doc.json"
    writer = SharedJsonFile(path, Doc, what="test file")
    reader = SharedJsonFile(path, Doc, what="test file")
    writer.write(Doc(value="aaaa"))
    assert reader.read().value == "aaaa"
    before = path.stat()
    writer.write(Doc(value="bbbb"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same tick, the same size
    assert reader.read().value == "bbbb"


def test_the_erasure_audit_reference_needs_the_deployments_secret(tmp_path: Path) -> None:
    """An unkeyed hash of an id (often an e-mail) can be checked against a list of candidates."""
    import hashlib

    from api.routers.people import erasure_reference
    from api.shared_file import deployment_secret

    secret = deployment_secret(tmp_path / "audit.secret")
    assert deployment_secret(tmp_path / "audit.secret") == secret  # made once, then read
    assert oct((tmp_path / "audit.secret").stat().st_mode & 0o777) == "0o600"
    other = deployment_secret(tmp_path / "elsewhere" / "audit.secret")
    reference = erasure_reference("ann@acme.example", secret)
    assert reference == erasure_reference("ann@acme.example", secret)
    assert reference != erasure_reference("ann@acme.example", other)
    unkeyed = hashlib.sha256(b"buyergraph erasure\x00ann@acme.example").hexdigest()[:16]
    assert reference != unkeyed and "ann" not in reference
