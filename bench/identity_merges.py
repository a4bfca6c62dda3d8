"""Merges by reason on every real CRM export case: the "no false merge" check of identity resolution.

    .venv/bin/python -m bench.identity_merges [DATASETS_DIR]

Ingests each case of `crm-exports` into a fresh embedded store and prints, per case, the companies
and people loaded, every merge reason with its count, the notices (look-alikes kept apart) and the
merges themselves with the names on both sides, so that a reader can judge each one. DATASETS_DIR
defaults to BUYERGRAPH_DATASETS or the `shared/datasets` folder next to the repository.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from graph.errors import NotFoundError
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths

REPO = Path(__file__).resolve().parent.parent


def _name(store: EmbeddedStore, kind: str, record_id: str, names: dict[str, str]) -> str:
    if record_id in names:
        return names[record_id]
    try:
        record = store.get_company(record_id) if kind == "companies" else store.get_person(record_id)
    except NotFoundError:
        return "?"
    return record.name


def main() -> int:
    default = Path(os.environ.get("BUYERGRAPH_DATASETS", REPO.parent / "shared" / "datasets"))
    root = (Path(sys.argv[1]) if len(sys.argv) > 1 else default) / "crm-exports"
    for case in sorted(p for p in root.iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory() as home:
            store = EmbeddedStore(home)
            result = ingest_paths([case], store, progress=False)
            kinds = result.summary.kinds
            counts = ", ".join(f"{k} {kinds[k].loaded}" for k in ("companies", "people") if k in kinds)
            notices = [r for r in result.rejects if r.action == "notice"]
            print(f"{case.name}: {counts or 'nothing loaded'}; notices {len(notices)}")
            merged = Counter(f"{m['kind']}: {m['reason']}" for m in result.merges)
            for reason, n in sorted(merged.items()):
                print(f"    {n:>5}  {reason}")
            names: dict[str, str] = {}
            for merge in result.merges:
                if merge["kind"] == "companies" and merge["id"] != merge["into"]:
                    into = _name(store, "companies", merge["into"], names)
                    print(f"      company {merge['id']} -> {merge['into']} ({into}): {merge['reason']}")
            for notice in notices:
                print(f"      notice: {notice.short()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
