"""Helpers for tests on generated worlds: write one, load it into a store, read its truth."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.model import BUNDLE_KINDS, Record
from graph.stores.base import GraphStore

AS_OF = date(2026, 6, 30)


def generate(out_dir: Path, accounts: int, seed: int) -> Path:
    """Write a native-bundle world with its truth into out_dir."""
    from ingest.synthetic.generator import generate_world

    generate_world(out_dir, accounts, seed=seed, fmt="native", as_of=AS_OF, force=True, workers=1)
    return out_dir


def read_bundle(folder: Path) -> Iterator[tuple[str, list[Record]]]:
    """Every valid record of a native bundle, by kind in loading order (broken rows are left out)."""
    for kind, model in BUNDLE_KINDS.items():
        path = folder / f"{kind}.csv"
        if not path.exists():
            continue
        records: list[Record] = []
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                try:
                    records.append(model.model_validate(row))
                except ValidationError:
                    continue
        yield kind, records


def load(folder: Path, store: GraphStore) -> None:
    """Load a bundle with the real loader when it exists, else record by record in bundle order."""
    try:
        from ingest.loader import ingest_paths
    except ImportError:
        store.upsert_all(read_bundle(folder))
        return
    files = [folder / f"{kind}.csv" for kind in BUNDLE_KINDS if (folder / f"{kind}.csv").exists()]
    ingest_paths(files, store, format="native", progress=False)


def truth(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(truth.json, one truth line per account)."""
    doc = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    lines = (folder / "truth" / "accounts.jsonl").read_text(encoding="utf-8").splitlines()
    return doc, [json.loads(line) for line in lines if line.strip()]


def loaded_world(tmp_path: Path, accounts: int, seed: int) -> tuple[GraphStore, date, list[dict[str, Any]]]:
    """A world generated into tmp_path and loaded into an embedded store there: (the store, the
    world's as_of, one truth line per account)."""
    from graph.stores.embedded import EmbeddedStore

    folder = generate(tmp_path / "world", accounts, seed=seed)
    store = EmbeddedStore(tmp_path / "store")
    load(folder, store)
    doc, lines = truth(folder)
    return store, date.fromisoformat(doc["parameters"]["as_of"]), lines
