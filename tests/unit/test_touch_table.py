"""TouchTable: an account's touches as columns, with models built only for the touches looked at."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.model import AccountGraph, Company, Direction, Person, Touch, TouchKind, TouchTable
from ingest.readers import plan, read_paths
from ingest.rejects import Reject


def _touch(i: int, **fields: object) -> Touch:
    return Touch.model_validate(
        {"id": f"t{i}", "at": datetime(2026, 1, i + 1), "kind": "call", "person_ids": ["p"], **fields}
    )


def _columns() -> TouchTable:
    return TouchTable.from_columns(
        ids=["t1", "t2"],
        ats=[datetime(2026, 1, 2), datetime(2026, 1, 1)],
        kinds=[TouchKind.MEETING, TouchKind.EMAIL],
        person_ids=[["a", "b"], ["b"]],
        rep_ids=["r", None],
        deal_ids=[None, "d"],
        directions=[None, Direction.INBOUND],
        durations=[1800, None],
        sources=[None, "crm"],
        subjects=["Kick-off", None],
    )


def test_columns_become_models_only_when_looked_at_and_then_stay() -> None:
    table = _columns()
    assert len(table) == 2 and table.kinds == [TouchKind.MEETING, TouchKind.EMAIL]
    assert table._models == [None, None]
    second = table[-1]
    assert second == Touch(
        id="t2",
        at=datetime(2026, 1, 1),
        kind="email",
        person_ids=["b"],
        deal_id="d",
        direction="inbound",
        source="crm",
    )
    assert table[1] is second and table._models[0] is None
    assert [t.id for t in table] == ["t1", "t2"] and table[0].subject == "Kick-off"
    with pytest.raises(IndexError):
        table[2]


def test_a_view_reorders_lazily_and_shares_the_models() -> None:
    table = _columns()
    view = table.take([1, 0])
    assert view._columns == {}  # nothing copied yet
    assert view.ids == ["t2", "t1"] and set(view._columns) == {"id"}
    assert view[0] is table[1]
    assert view == [table[1], table[0]] and view != table
    # changing a view leaves the table alone
    view.append(_touch(5))
    view[0] = _touch(6)
    assert [t.id for t in view] == ["t6", "t1", "t5"] and [t.id for t in table] == ["t1", "t2"]


def test_a_view_of_a_view_reads_the_table_underneath_and_instants_copy_nothing() -> None:
    table = TouchTable([_touch(i) for i in range(6)])
    reordered = table.take([5, 3, 1, 0, 2, 4])
    assert [reordered.instant(i).day for i in range(6)] == [6, 4, 2, 1, 3, 5]
    assert reordered._columns == {}  # instants were read from the table, no column copied
    assert reordered.take(range(1, 4)).ids == ["t3", "t1", "t0"]
    assert reordered.take(range(0, 6, 2)).ids == ["t5", "t1", "t2"]
    assert reordered.take([4, 0]).ids == ["t2", "t5"]
    assert reordered._columns == {}  # the views above read the table, not a copy of the middle view
    assert reordered.take([4, 0])[1] is table[5]  # models are still shared
    assert reordered.take(range(6, 6)).ids == []


def test_an_account_wraps_a_list_keeps_a_table_and_serialises_a_list() -> None:
    touches = [_touch(1), _touch(2, direction="inbound")]
    account = AccountGraph(company=Company(id="c", name="C"), touches=touches)
    assert isinstance(account.touches, TouchTable) and account.touches == touches
    assert account.touches[0] is touches[0]  # the models themselves, not copies
    table = _columns()
    assert AccountGraph(company=Company(id="c", name="C"), touches=table).touches is table
    again = AccountGraph.model_validate_json(account.model_dump_json())
    assert again == account and account.model_dump()["touches"][1]["direction"] == Direction.INBOUND
    account.touches = [_touch(3)]  # assignment is validated too
    assert isinstance(account.touches, TouchTable) and account.touches.ids == ["t3"]
    with pytest.raises(ValueError, match="different lengths"):
        TouchTable.from_columns(
            ids=["x"],
            ats=[],
            kinds=[],
            person_ids=[],
            rep_ids=[],
            deal_ids=[],
            directions=[],
            durations=[],
            sources=[],
            subjects=[],
        )


def test_ids_refuse_control_characters_and_touch_text_loses_them() -> None:
    with pytest.raises(ValidationError):
        Person(id="p\x1f1", name="P")
    with pytest.raises(ValidationError, match="control characters"):
        _touch(1, person_ids=["a", "b\x1fc"])
    with pytest.raises(ValidationError, match="control characters"):
        _touch(1, rep_id="r\x00")
    assert Person(id=" 张三 ", name="P").id == "张三"
    touch = _touch(1, subject="Pricing\x1fcall\tnotes\r\nnext", source="crm\x07")
    assert (touch.subject, touch.source) == ("Pricing call\tnotes\r\nnext", "crm ")


def test_a_bundle_row_with_a_control_character_in_an_id_is_a_reject(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text('id,name\np-1,Ann\n"p-\x1f2",Bob\n', encoding="utf-8")
    items = list(read_paths(plan([tmp_path], "native")))
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r.row, r.field, r.reason) for r in rejects] == [
        (3, "id", "an id must not contain control characters")
    ]
    assert [i.record.id for i in items if not isinstance(i, Reject)] == ["p-1"]


def test_a_whole_view_shares_the_columns_until_changed() -> None:
    table = _columns()
    view = table.view()
    assert view.ids is table.ids and view[1] is table[1]
    view.append(_touch(7))
    assert view.ids == ["t1", "t2", "t7"] and table.ids == ["t1", "t2"]


def test_the_embedded_store_hands_out_views_its_cache_survives_a_caller_changing_one(tmp_path: Path) -> None:
    from graph.stores.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path)
    store.upsert("companies", [Company(id="c", name="C")])
    store.upsert("people", [Person(id="p", name="P", company_id="c")])
    store.upsert("touches", [_touch(1), _touch(2)])
    first = store.account_graph("c")
    first.touches.append(_touch(9))
    first.touches[0] = _touch(8)
    assert store.account_graph("c").touches.ids == ["t1", "t2"]
    store.upsert("touches", [_touch(3)])  # a write drops the cached table
    assert store.account_graph("c").touches.ids == ["t1", "t2", "t3"]


def test_derived_values_are_worked_out_once_per_table_and_again_after_a_change() -> None:
    table = _columns()
    calls: list[int] = []

    def count(t: TouchTable) -> int:
        calls.append(len(t))
        return len(t)

    assert table.memo("n", count) == 2 and table.view().memo("n", count) == 2 and calls == [2]
    reordered = table.take([1])
    assert reordered.memo("n", count) == 1 and calls == [2, 1]  # a part of the table: its own
    table.append(_touch(4))
    assert table.memo("n", count) == 3 and calls == [2, 1, 3]


def _packed(touch: Touch, *, first_layout: bool = False) -> str:
    """A touch as Neo4j packs it (cypher/create_touches.cypher), in the current or the first layout."""
    head = [
        touch.id,
        touch.at.isoformat(),
        touch.kind.value,
        touch.direction.value if touch.direction else "",
    ]
    head += [str(touch.duration_s or ""), touch.source or "", touch.subject or ""]
    head += [touch.rep_id or "", touch.deal_id or ""]
    if first_layout:
        return "\x1f".join(head + touch.person_ids)
    return "\x1f".join([*head, "".join("\x1e" + p for p in touch.person_ids)])


@pytest.mark.parametrize(
    "first_layout",
    [set(), {0, 1, 2}, {1}, {0, 2}, {2}],
    ids=["current", "first", "first-one-attendee", "first-none-and-several", "mixed"],
)
def test_packed_touches_of_either_layout_read_the_same(first_layout: set[int]) -> None:
    from graph.stores.neo4j import _touch_table

    touches = [
        _touch(
            0, person_ids=["a", "b", "c"], rep_id="r", direction="inbound", duration_s=60, subject="Hi; x"
        ),
        _touch(1, person_ids=["b"], deal_id="d", source="crm"),
        _touch(2, person_ids=["a", "c"], kind="meeting"),
    ]
    packed = [_packed(t, first_layout=i in first_layout) for i, t in enumerate(touches)]
    assert _touch_table(packed[::-1], []) == touches  # and back in id order
    # a touch left with no attendee (all of them erased) still reads, in either layout
    lonely = touches[1].model_copy(update={"person_ids": []})
    packed[1] = _packed(lonely, first_layout=1 in first_layout)
    table = _touch_table(packed, [])
    assert table.person_ids == [["a", "b", "c"], [], ["a", "c"]] and table.ids == ["t0", "t1", "t2"]
    assert table.deal_ids == [None, "d", None] and table[0] == touches[0] and table[2] == touches[2]


def test_first_layout_touches_whose_field_counts_add_up_to_ten_each_are_still_told_apart() -> None:
    from graph.stores.neo4j import _touch_table

    none = _touch(0).model_copy(update={"person_ids": []})  # 9 fields in the first layout
    several = _touch(1, person_ids=["a", "b"])  # 11 fields
    table = _touch_table([_packed(none, first_layout=True), _packed(several, first_layout=True)], [])
    assert table.person_ids == [[], ["a", "b"]] and table[1] == several


def _micros(at: datetime) -> int:
    return (at - datetime(1970, 1, 1)) // timedelta(microseconds=1)


def test_instants_as_microseconds_are_worked_out_or_taken_from_the_store_and_follow_changes() -> None:
    import numpy as np

    table = _columns()
    micros = [_micros(at) for at in table.ats]
    assert table.at_micros().tolist() == micros
    given = np.array(micros, dtype=np.int64)
    columns = {name: getattr(table, name) for name in ("ids", "ats", "kinds", "person_ids", "rep_ids")}
    rest = {"deal_ids": table.deal_ids, "directions": table.directions, "durations": table.durations}
    text = {"sources": [None, "crm"], "subjects": ["Kick-off", None]}
    from_store = TouchTable.from_columns(**columns, **rest, **text, at_micros=given)
    assert from_store.at_micros() is given
    from_store.append(_touch(9))
    assert from_store.at_micros().tolist() == [*micros, _micros(datetime(2026, 1, 10))]
    with pytest.raises(ValueError, match="different lengths"):
        TouchTable.from_columns(**columns, **rest, **text, at_micros=given[:1])


def _lazy_text_columns(reads: list[tuple[str, int | None]]) -> TouchTable:
    """Two touches whose sources and subjects are LazyColumns that log what they convert."""
    from graph.model import LazyColumn

    def lazy(name: str, raw: list[str]) -> LazyColumn:
        def whole() -> list[str | None]:
            reads.append((name, None))
            return [value or None for value in raw]

        def item(i: int) -> str | None:
            reads.append((name, i))
            return raw[i] or None

        return LazyColumn(whole=whole, item=item, size=len(raw))

    table = _columns()
    eager = {name: getattr(table, name) for name in ("ids", "ats", "kinds", "person_ids", "rep_ids")}
    rest = {"deal_ids": table.deal_ids, "directions": table.directions, "durations": table.durations}
    return TouchTable.from_columns(
        **eager, **rest, sources=lazy("source", ["", "crm"]), subjects=lazy("subject", ["Kick-off", ""])
    )


def test_a_lazy_column_is_converted_when_read_and_a_view_converts_only_its_positions() -> None:
    reads: list[tuple[str, int | None]] = []
    table = _lazy_text_columns(reads)
    assert reads == [] and len(table) == 2 and table.ids == ["t1", "t2"]
    view = table.take([1])
    assert view[0].source == "crm" and view[0].subject is None  # one model: one value of each
    assert sorted(reads) == [("source", 1), ("subject", 1)]
    reads.clear()
    assert table.take([0]).take([0])._column("subject") == ["Kick-off"] and reads == [("subject", 0)]
    reads.clear()
    assert table._column("source") == [None, "crm"] and reads == [("source", None)]
    assert table._column("source") == [None, "crm"] and reads == [("source", None)]  # converted once
    assert table == _columns()  # the models read the lazy columns too


def test_changing_a_table_with_lazy_columns_converts_them_first() -> None:
    reads: list[tuple[str, int | None]] = []
    table = _lazy_text_columns(reads)
    table.append(_touch(9, source="web"))
    assert sorted(reads) == [("source", None), ("subject", None)]
    assert table._column("source") == [None, "crm", "web"] and table._column("subject") == [
        "Kick-off",
        None,
        None,
    ]
    table[0] = _touch(0, subject="Changed")
    assert table[0].subject == "Changed" and len(table) == 3


def test_attendance_lists_every_attendee_end_to_end_worked_out_or_from_the_store() -> None:
    import numpy as np

    table = _columns()
    flat, sizes = table.attendance()
    assert flat == ["a", "b", "b"] and sizes.tolist() == [2, 1]
    assert table.take([1, 0]).attendance()[0] == ["b", "a", "b"]  # a reordered view: its own
    columns = {name: getattr(table, name) for name in ("ids", "ats", "kinds", "person_ids", "rep_ids")}
    rest = {"deal_ids": table.deal_ids, "directions": table.directions, "durations": table.durations}
    text = {"sources": [None, "crm"], "subjects": ["Kick-off", None]}
    given = (["a", "b", "b"], np.array([2, 1], dtype=np.intp))
    from_store = TouchTable.from_columns(**columns, **rest, **text, attendance=given)
    assert from_store.attendance() is given
    from_store.append(_touch(9, person_ids=["c"]))
    assert from_store.attendance()[0] == ["a", "b", "b", "c"]
    with pytest.raises(ValueError, match="different lengths"):
        TouchTable.from_columns(**columns, **rest, **text, attendance=(["a"], np.array([1], dtype=np.intp)))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([], ([], [])),
        (["", "\x1ea", "\x1eb\x1ec", ""], (["a", "b", "c"], [0, 1, 2, 0])),
        (["\x1e客户甲\x1e王伟", "\x1eb"], (["客户甲", "王伟", "b"], [2, 1])),  # ids in UTF-8 of several bytes
        (["\x1ea", "b"], None),  # an id where an attendee field should be: the first layout
        (["", "a\x1eb"], None),
    ],
)
def test_attendee_fields_parse_all_at_once_or_tell_the_first_layout(
    fields: list[str], expected: tuple[list[str], list[int]] | None
) -> None:
    from graph.stores.neo4j import _attendance

    parsed = _attendance(fields)
    assert (None if parsed is None else (parsed[0], parsed[1].tolist())) == expected


def test_rep_and_kind_codes_are_worked_out_or_taken_from_the_store_and_follow_changes() -> None:
    import numpy as np

    from graph.model import TOUCH_KINDS

    table = _columns()
    names, codes = table.rep_codes()
    assert names == ["r", None] and codes.tolist() == [0, 1]
    assert [TOUCH_KINDS[k] for k in table.kind_codes().tolist()] == table.kinds
    assert table.take([1, 0]).rep_codes()[1].tolist() == [0, 1]  # a reordered view codes its own order
    columns = {name: getattr(table, name) for name in ("ids", "ats", "kinds", "person_ids", "rep_ids")}
    rest = {"deal_ids": table.deal_ids, "directions": table.directions, "durations": table.durations}
    text = {"sources": [None, "crm"], "subjects": ["Kick-off", None]}
    given = ([None, "r"], np.array([1, 0], dtype=np.intp))
    kinds = np.array([TOUCH_KINDS.index(k) for k in table.kinds], dtype=np.intp)
    from_store = TouchTable.from_columns(**columns, **rest, **text, rep_codes=given, kind_codes=kinds)
    assert from_store.rep_codes() is given and from_store.kind_codes() is kinds
    from_store.append(_touch(9, rep_id="s", kind="demo"))
    assert from_store.rep_codes()[0] == ["r", None, "s"] and from_store.rep_codes()[1].tolist() == [0, 1, 2]
    assert TOUCH_KINDS[from_store.kind_codes()[2]] is TouchKind.DEMO
    with pytest.raises(ValueError, match="different lengths"):
        TouchTable.from_columns(**columns, **rest, **text, rep_codes=(["r"], np.array([0], dtype=np.intp)))
