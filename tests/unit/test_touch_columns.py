"""Touches held as columns (graph/touch_columns.py) load exactly as touches read row by row: the
same rejects in the same order, the same summary, the same records written (a repeated id's rows in
the same order), the same changed accounts, online and into a first-load writer."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import ingest.readers.native as native
from graph.model import Alias, Record
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.readers import fastcsv
from ingest.touch_columns import Touches

COMPANIES = ["id,name,domain", "C1,Acme,acme.com", "C2,Beta,beta.com"]
PEOPLE = [
    "id,name,email,company_id",
    "P1,Ann Lee,ann@acme.com,C1",
    "P2,Bo Chen,bo@acme.com,C1",
    "P3,Cy Dee,cy@beta.com,C2",
    "P5,Ann Lee,ANN@acme.com,C1",  # the same person as P1: merged into P1
    "P6,,nobody@acme.com,C1",  # no name: rejected, so touches naming P6 name a rejected person
]
REPS = ["id,name", "R1,Rita Rep"]
DEALS = ["id,company_id,name", "D1,C1,Big deal", "D2,C2,Small deal"]
TOUCH_HEADER = "id,at,kind,person_ids,rep_id,deal_id,direction,duration_s,source,subject"
TOUCHES = [
    "{n}-1,2024-07-21T12:30:00,email,P1,R1,D1,outbound,0,crm,plain",
    "{n}-2,2024-07-21T12:31:00,email,P5,R1,D1,outbound,0,crm,a merged attendee",
    "{n}-3,2024-07-21T12:32:00,meeting,P1;P5,R1,D1,outbound,600,crm,both copies of one person",
    "{n}-4,2024-07-21T12:33:00,meeting,P1;P2;P1,R1,,outbound,600,crm,named twice",
    "{n}-5,2024-07-21T12:34:00,call,PX,R1,,outbound,60,crm,nobody known",
    "{n}-6,2024-07-21T12:35:00,call,P1;PX,R1,,outbound,60,crm,one known",
    "{n}-7,2024-07-21T12:36:00,call,P2,R9,,outbound,60,crm,unknown rep",
    "{n}-8,2024-07-21T12:37:00,call,P3,R1,D9,outbound,60,crm,unknown deal",
    "{n}-9,2024-07-21T12:38:00,call,P6,R1,,outbound,60,crm,a rejected person",
    "{n}-10,2024-07-21T12:39:00,Call,P2,R9,,outbound,60,crm,careful row with an unknown rep",
    "{n}-11,2024-07-21T12:40:00,call,P3,,D2,inbound,,web,",
    "T-again,2024-07-2{d}T12:41:00,call,P{p},R1,D{p},outbound,60,crm,the same id in every copy",
]


def _bundle(folder: Path, copies: int) -> Path:
    folder.mkdir()
    for name, lines in (
        ("companies", COMPANIES),
        ("people", PEOPLE),
        ("reps", REPS),
        ("deals", DEALS),
    ):
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [TOUCH_HEADER]
    for copy in range(copies):
        rows += [
            row.format(n=f"T{copy}", d=copy % 10, p=1 + copy % 2)
            for row in TOUCHES
            if not row.startswith("T-again") or copy % 3 == 0
        ]
    (folder / "touches.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "touches-more.csv").write_text(  # a second file repeating one id of the first
        TOUCH_HEADER + "\n" + "T0-1,2024-08-01T09:00:00,call,P2,R1,D1,outbound,30,crm,later\n" * 2,
        encoding="utf-8",
    )
    return folder


def _load(folder: Path, tmp: Path, columns: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    written: dict[str, list[Any]] = {}

    def capture(by_kind: Mapping[str, Sequence[Record]], aliases: list[Alias]) -> Mapping[str, int]:
        for kind, records in by_kind.items():
            written[kind] = [json.loads(r.model_dump_json()) for r in records]
        # Touches of different ids may come in another order (rows given up by their chunk come
        # before it); the rows of one id must come in the order read (the later one wins).
        written["touches"].sort(key=lambda touch: touch["id"])  # stable
        return {kind: len(records) for kind, records in by_kind.items()}

    with monkeypatch.context() as patch:
        if columns:
            patch.setattr(fastcsv, "MIN_FAST_BYTES", 0)
            patch.setattr(fastcsv, "CHUNK_ROWS", 5)  # many chunks: rows given up cross chunk borders
        else:
            patch.setattr(native, "read_plain_csv", lambda path: None)
        first = ingest_paths([folder], EmbeddedStore(tmp / "first"), progress=False, initial=capture)
        online_store = EmbeddedStore(tmp / "online")
        online = ingest_paths([folder], online_store, progress=False, batch_size=7)
    graph = json.loads((tmp / "online" / "graph.json").read_text(encoding="utf-8"))
    return {
        "rejects": [r.model_dump() for r in first.rejects],
        "summary": first.summary.model_dump(exclude={"elapsed_s", "phases_s"}),
        "merges": first.merges,
        "changed": first.changed_accounts,
        "written": written,
        "online rejects": [r.model_dump() for r in online.rejects],
        "online changed": online.changed_accounts,
        "online touches": sorted(json.dumps(t, sort_keys=True) for t in graph["tables"]["touches"]),
    }


def test_touches_as_columns_load_as_touches_read_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _bundle(tmp_path / "bundle", copies=9)
    fast = _load(folder, tmp_path / "fast", True, monkeypatch)
    slow = _load(folder, tmp_path / "slow", False, monkeypatch)
    assert fast["rejects"] == slow["rejects"]  # the same rejects, in the same order
    assert fast == slow
    reasons = {r["reason"] for r in slow["rejects"]}
    assert any("whose own row" in r for r in reasons) and any("loaded with the others" in r for r in reasons)
    touches = slow["written"]["touches"]
    assert [t["person_ids"] for t in touches if t["id"] == "T0-3"] == [["P1"]]
    assert [t["person_ids"] for t in touches if t["id"] == "T0-2"] == [["P1"]]
    assert len([t for t in touches if t["id"] == "T-again"]) == 3  # every copy, in file order


def test_the_column_path_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is between two paths: the touches reach the writer as columns."""
    folder = _bundle(tmp_path / "bundle", copies=9)
    seen: list[Touches] = []

    def capture(by_kind: Mapping[str, Sequence[Record]], aliases: list[Alias]) -> Mapping[str, int]:
        touches = by_kind["touches"]
        assert isinstance(touches, Touches)
        seen.append(touches)
        return {kind: len(records) for kind, records in by_kind.items()}

    monkeypatch.setattr(fastcsv, "MIN_FAST_BYTES", 0)
    ingest_paths([folder], EmbeddedStore(tmp_path / "store"), progress=False, initial=capture)
    held = sum(len(chunk) for chunk in seen[0].columns())
    assert 0 < held < len(seen[0])
    assert list(seen[0]) == [seen[0][i] for i in range(len(seen[0]))]  # indexing agrees with iterating
