"""The Dask worker plugin of `buyergraph refresh` (imported only where Dask runs)."""

from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from api.refresh import close_worker_stores, warm_up

__all__ = ["RefreshWorkerPlugin"]


class RefreshWorkerPlugin(WorkerPlugin):
    """Warms each worker once when registered (imports the analyses, loads the title classifier, runs
    one tiny analysis) so that its first task runs at full speed, and closes the stores its tasks
    kept open when the worker stops. Needs buyergraph installed on every worker."""

    name = "buyergraph-refresh"

    def setup(self, worker: Any) -> None:
        warm_up()

    def teardown(self, worker: Any) -> None:
        close_worker_stores()
