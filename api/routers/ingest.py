"""`/api/v1/ingest`: upload files in any format `buyergraph ingest` reads.

Small uploads are loaded while the client waits and answered with the summary and the reject report.
Uploads larger than the job threshold are answered at once with 202 and a job to poll at
`GET /api/v1/ingest/jobs/{id}`. Jobs live in the server process (see api/jobs.py).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import RuntimeDep, WriteKey
from api.errors import problem_responses
from api.jobs import Job, ProgressCallback
from api.runtime import Runtime
from api.schemas import IngestResultPublic
from graph.errors import InvalidInputError
from graph.model import Record
from graph.stores.base import GraphStore
from ingest.loader import ingest_paths
from ingest.readers import FORMATS

router = APIRouter(prefix="/ingest", tags=["ingest"])

_SAFE_NAME = re.compile(r"^[\w.\- ()\u0080-\uffff]+$")
_CHUNK = 1 << 20


def _safe_name(raw: str | None, index: int) -> str:
    """The file's own name (no folders), refusing names that could escape the upload folder."""
    name = Path((raw or "").replace("\\", "/")).name.strip()
    if not name or name in (".", "..") or name.startswith(".") or not _SAFE_NAME.match(name):
        raise InvalidInputError(f"file {index + 1}: {raw!r} is not a usable file name")
    return name


async def _save(files: list[UploadFile], folder: Path, limit: int) -> int:
    """Write the uploads into `folder`; return the total size. Never more than `limit` bytes."""
    total = 0
    seen: set[str] = set()
    for index, upload in enumerate(files):
        name = _safe_name(upload.filename, index)
        if name in seen:
            raise InvalidInputError(f"file {index + 1}: {name!r} was uploaded twice")
        seen.add(name)
        with (folder / name).open("wb") as out:
            while chunk := await upload.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise InvalidInputError(f"the upload is larger than the limit of {limit:,} bytes")
                await run_in_threadpool(out.write, chunk)  # disk writes stay off the event loop
    return total


class _CountingStore:
    """The runtime's store, reporting how many records each batch wrote (the job's progress)."""

    def __init__(self, store: GraphStore, progress: ProgressCallback) -> None:
        self._store = store
        self._progress = progress
        self._written = 0

    def upsert(self, kind: str, records: Sequence[Record]) -> int:
        written = self._store.upsert(kind, records)
        self._written += written
        self._progress(f"writing {kind}", self._written, None)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _ingest(
    runtime: Runtime, folder: Path, fmt: str, strict: bool, progress: ProgressCallback | None
) -> dict[str, Any]:
    """Run the loader on the saved files; the result holds the summary and the reject report."""
    store: GraphStore = runtime.store
    if progress is not None:
        progress("reading and resolving files", 0, None)
        store = cast(GraphStore, _CountingStore(store, progress))
    try:
        result = ingest_paths(sorted(folder.iterdir()), store, format=fmt, strict=strict, progress=False)
    finally:
        runtime.store_changed()
    return IngestResultPublic.model_validate(result.model_dump()).model_dump(mode="json")


@router.post(
    "",
    response_model=IngestResultPublic,
    status_code=200,
    summary="Upload files to ingest",
    responses={
        202: {"model": Job, "description": "A large upload: the job to poll for progress and the result"},
        **problem_responses(401, 403, 413, 422, 503),
    },
)
async def ingest_files(
    request: Request,
    runtime: RuntimeDep,
    _key: WriteKey,
    files: Annotated[
        list[UploadFile], File(description="One or more files (CSV, JSON Lines, Excel .xlsx, exports, ZIP).")
    ],
    format: Annotated[str, Form(description=f"One of {', '.join(FORMATS)}.")] = "auto",
    strict: Annotated[bool, Form(description="Refuse the whole upload when any row is rejected.")] = False,
) -> Any:
    """Loads the files like `buyergraph ingest`. Answers 200 with the summary and reject report, or
    202 with a job (and a Location header) when the upload is larger than the job threshold."""
    if format not in FORMATS:
        raise InvalidInputError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    if not files:
        raise InvalidInputError("upload at least one file")
    settings = runtime.settings
    folder = Path(tempfile.mkdtemp(prefix="buyergraph-upload-"))
    try:
        size = await _save(files, folder, settings.max_upload_bytes)
        if size > settings.ingest_job_threshold_bytes:
            job = runtime.jobs.submit(
                "ingest",
                lambda progress: _ingest(runtime, folder, format, strict, progress),
                cleanup=folder,
            )
            folder = Path()  # the job owns the folder now
            return JSONResponse(
                job.model_dump(mode="json"),
                status_code=202,
                headers={"Location": request.url_for("get_job", job_id=job.id).path},
            )
        result = await run_in_threadpool(_ingest, runtime, folder, format, strict, None)
        return IngestResultPublic.model_validate(result)
    finally:
        if folder != Path():
            shutil.rmtree(folder, ignore_errors=True)


@router.get(
    "/jobs/{job_id}",
    response_model=Job,
    summary="Progress and result of an ingest job",
    responses=problem_responses(401, 403, 404, 422),
)
def get_job(
    job_id: Annotated[str, PathParam(min_length=1, max_length=64)], runtime: RuntimeDep, _key: WriteKey
) -> Job:
    """`state` is queued, running, succeeded or failed; `progress` says how far it is; `result`
    holds the summary and reject report once it succeeded. Jobs are kept by this server process only."""
    return runtime.jobs.get(job_id)
