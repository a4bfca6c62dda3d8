"""ZIP uploads: unpacked into the upload's own folder, never outside it, never past the upload limit."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import ApiEnv, embedded_app

COMPANIES = b"id,name\nc-1,Acme\n"
PEOPLE = b"id,name,email,company_id\np-1,Ann Lee,ann@acme.example,c-1\n"
LIMIT = 1_048_576


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ApiEnv]:
    with embedded_app(tmp_path, None, max_upload_bytes=LIMIT) as env:
        yield env


def _upload(env: ApiEnv, *files: tuple[str, bytes]) -> Any:
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    return env.client.post("/api/v1/ingest", files=parts, headers=env.headers("write"))


def _refused(env: ApiEnv, response: Any, *words: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    for word in words:
        assert word in response.json()["detail"], response.json()["detail"]
    assert env.store.counts().nodes.get("Company", 0) == 0  # nothing half-written


def test_zip_with_nested_folders_is_unpacked_and_loaded(env: ApiEnv) -> None:
    archive = _zip(
        {
            "export/": b"",
            "export/2026/companies.csv": COMPANIES,
            "export/people.csv": PEOPLE,
            "__MACOSX/export/._people.csv": b"\x00\x05\x16\x07 resource fork",
            ".DS_Store": b"\x00\x00",
        }
    )
    response = _upload(env, ("crm-export.zip", archive))
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    assert summary["kinds"]["companies"]["loaded"] == 1 and summary["kinds"]["people"]["loaded"] == 1
    assert sorted(f["file"] for f in summary["files"]) == ["companies.csv", "people.csv"]
    assert env.store.get_person("p-1").name == "Ann Lee"


def test_zip_next_to_plain_files(env: ApiEnv) -> None:
    response = _upload(env, ("companies.csv", COMPANIES), ("more.zip", _zip({"people.csv": PEOPLE})))
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["kinds"]["people"]["loaded"] == 1


@pytest.mark.parametrize(
    "member", ["../companies.csv", "a/../../companies.csv", "/etc/companies.csv", "C:/x.csv"]
)
def test_member_pointing_outside_is_refused(env: ApiEnv, member: str) -> None:
    response = _upload(env, ("people.csv", PEOPLE), ("evil.zip", _zip({member: COMPANIES})))
    _refused(env, response, "file 2 (evil.zip)", "points outside the archive")


def test_zip_bomb_stops_at_the_upload_limit(env: ApiEnv) -> None:
    bomb = _zip({"companies.csv": COMPANIES + b"x" * (4 * LIMIT)})
    assert len(bomb) < LIMIT // 50
    response = _upload(env, ("bomb.zip", bomb))
    _refused(env, response, "file 1 (bomb.zip)", f"more than the limit of {LIMIT:,} bytes")


def test_members_colliding_with_uploaded_names_are_refused(env: ApiEnv) -> None:
    response = _upload(env, ("companies.csv", COMPANIES), ("a.zip", _zip({"x/companies.csv": COMPANIES})))
    _refused(env, response, "file 2 (a.zip)", "same name as another file")
    twice = _upload(env, ("a.zip", _zip({"x/companies.csv": COMPANIES, "y/companies.csv": COMPANIES})))
    _refused(env, twice, "same name as another file")


def test_damaged_archive_is_refused(env: ApiEnv) -> None:
    _refused(
        env,
        _upload(env, ("broken.zip", b"PK\x03\x04 not really a zip")),
        "file 1 (broken.zip)",
        "not a readable",
    )
    truncated = _zip({"companies.csv": COMPANIES * 1000})[:-40]
    _refused(env, _upload(env, ("cut.zip", truncated)), "not a readable")


def test_member_names_without_the_utf8_flag(env: ApiEnv) -> None:
    """Chinese Windows stores names in GB 18030 without the UTF-8 flag; they read back as written."""
    placeholder = "XXXXXXXX.csv"
    gbk_name = "客户公司.csv"
    assert len(gbk_name.encode("gb18030")) == len(placeholder)
    archive = _zip({placeholder: COMPANIES, "people.csv": PEOPLE})
    archive = archive.replace(placeholder.encode(), gbk_name.encode("gb18030"))
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert not zipped.infolist()[0].flag_bits & 0x800
        assert zipped.namelist()[0] != gbk_name  # what a naive reader shows
    response = _upload(env, ("export.zip", archive))
    assert response.status_code == 200, response.text
    assert gbk_name in response.text  # the file is named as its author named it


def test_openapi_says_zip_files_are_unpacked(env: ApiEnv) -> None:
    openapi = env.client.get("/openapi.json").json()
    text = str(openapi["components"]["schemas"])
    assert "a .zip is unpacked" in text
