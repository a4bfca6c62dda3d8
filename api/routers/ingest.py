"""`/api/v1/ingest`: upload files in any format `buyergraph ingest` reads.

Small uploads are loaded while the client waits and answered with the summary and the reject report.
Uploads larger than the job threshold are answered at once with 202 and a job to poll at
`GET /api/v1/ingest/jobs/{id}` from any server process (see api/jobs.py).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from functools import partial
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
from api.uploads import expand_archives, safe_name
from graph.errors import InvalidInputError
from graph.model import Record
from graph.stores.base import DEFAULT_INGEST_WAIT_S, GraphStore, IngestLockHolder, OnLockWait
from ingest.loader import ingest_paths
from ingest.readers import FORMATS
from ingest.readers.excel import EXCEL_SUFFIXES

router = APIRouter(prefix="/ingest", tags=["ingest"])

_CHUNK = 1 << 20
#: Every upload gets a fresh temporary folder named so; only such a folder is ever ingested.
_UPLOAD_PREFIX = "buyergraph-upload-"


def _new_upload_folder() -> Path:
    """A fresh, private temporary folder for one upload's files."""
    return Path(tempfile.mkdtemp(prefix=_UPLOAD_PREFIX)).resolve()


def _is_upload_folder(folder: Path) -> bool:
    """Whether `folder` is one made by `_new_upload_folder` (never the working directory or a data folder)."""
    return (
        folder.is_absolute()
        and folder.name.startswith(_UPLOAD_PREFIX)
        and folder.parent == Path(tempfile.gettempdir()).resolve()
        and folder.is_dir()
    )


async def _save(files: list[UploadFile], folder: Path, limit: int) -> list[str]:
    """Write the uploads into `folder`; return their names in upload order. Never more than `limit` bytes."""
    total = 0
    seen: list[str] = []
    for index, upload in enumerate(files):
        name = safe_name(upload.filename, f"file {index + 1}")
        if name in seen:
            raise InvalidInputError(f"file {index + 1}: {name!r} was uploaded twice")
        seen.append(name)
        with (folder / name).open("wb") as out:
            while chunk := await upload.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise InvalidInputError(f"the upload is larger than the limit of {limit:,} bytes")
                await run_in_threadpool(out.write, chunk)  # disk writes stay off the event loop
    return seen


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
    if not _is_upload_folder(folder):
        # A guard against a bug here ever loading someone else's files (say, the working directory).
        raise RuntimeError("refusing to ingest a folder that is not an upload's own temporary folder")
    store: GraphStore = runtime.store
    # A client waiting on its answer waits for another ingest only briefly, then is told to retry
    # (503); a background job waits as long as the loader does and says so in its progress.
    wait_s = runtime.settings.ingest_lock_wait_s
    on_wait: OnLockWait | None = None
    if progress is not None:
        report = progress
        progress("reading and resolving files", 0, None)
        store = cast(GraphStore, _CountingStore(store, progress))
        wait_s = DEFAULT_INGEST_WAIT_S

        def on_wait(_holder: IngestLockHolder | None) -> None:
            report("waiting for another ingest", 0, None)

    try:
        result = ingest_paths(
            sorted(folder.iterdir()),
            store,
            format=fmt,
            strict=strict,
            progress=False,
            wait_s=wait_s,
            on_wait=on_wait,
            headers=runtime.settings.headers_file,
            expanded_limit=_workbook_budget(folder, runtime.settings.max_upload_bytes),
        )
    finally:
        runtime.store_changed()
    return IngestResultPublic.model_validate(result.model_dump()).model_dump(mode="json")


def _workbook_budget(folder: Path, limit: int) -> int:
    """What the upload limit leaves for Excel workbooks' sheets once expanded: a workbook counts by
    the size of its cells, like a ZIP archive by its unpacked files, not by its compressed size."""
    others = sum(
        p.stat().st_size for p in folder.iterdir() if p.is_file() and p.suffix.lower() not in EXCEL_SUFFIXES
    )
    return max(0, limit - others)


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
        list[UploadFile],
        File(
            description=(
                "One or more files (CSV, JSON Lines, Excel .xlsx, exports); "
                "a .zip is unpacked and its files read."
            )
        ),
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
    folder = _new_upload_folder()
    handed_to_job = False
    try:
        names = await _save(files, folder, settings.max_upload_bytes)
        size = await run_in_threadpool(expand_archives, folder, names, settings.max_upload_bytes)
        if size > settings.ingest_job_threshold_bytes:
            # The job gets the folder's value bound now (no closure over a variable that may change)
            # and owns it from here on: it removes the folder when it ends.
            work = partial(_ingest, runtime, folder, format, strict)
            # Submitting writes the job's file: off the event loop like the other disk work.
            job = await run_in_threadpool(runtime.jobs.submit, "ingest", work, cleanup=folder)
            handed_to_job = True
            return JSONResponse(
                job.model_dump(mode="json"),
                status_code=202,
                headers={"Location": request.url_for("get_job", job_id=job.id).path},
            )
        result = await run_in_threadpool(_ingest, runtime, folder, format, strict, None)
        return IngestResultPublic.model_validate(result)
    finally:
        if not handed_to_job:
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
    holds the summary and reject report once it succeeded. Every server process answers for every job."""
    return runtime.jobs.get(job_id)
