"""How console results become JSON (no database needed): every driver value type has a JSON form."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

import neo4j.time

from graph.stores.console import to_json_value


def test_plain_values_pass_through_and_odd_floats_become_text() -> None:
    assert to_json_value([1, "a", None, True, 2.5]) == [1, "a", None, True, 2.5]
    assert to_json_value(math.nan) == "nan" and to_json_value(math.inf) == "inf"
    assert to_json_value({"k": (1, 2)}) == {"k": [1, 2]}
    assert to_json_value(b"\x01\xff") == "01ff"


def test_temporal_values_become_iso_text() -> None:
    assert to_json_value(neo4j.time.Date(2026, 6, 30)) == "2026-06-30"
    assert to_json_value(neo4j.time.DateTime(2026, 6, 30, 9, 15, 0)) == "2026-06-30T09:15:00"
    assert to_json_value(date(2026, 1, 2)) == "2026-01-02"
    assert to_json_value(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05"
    assert to_json_value(timedelta(minutes=2)) == 120.0


def test_everything_serialises() -> None:
    value = {
        "when": neo4j.time.DateTime(2026, 6, 30, 9, 0, 0),
        "nested": [{"d": neo4j.time.Date(2026, 1, 1)}],
    }
    assert json.loads(json.dumps(to_json_value(value))) == {
        "when": "2026-06-30T09:00:00",
        "nested": [{"d": "2026-01-01"}],
    }


def test_parameters_neo4j_cannot_hold_are_refused_by_name() -> None:
    import pytest

    from graph.errors import InvalidInputError
    from graph.stores.console import _check_parameter

    _check_parameter("ok", {"n": [1, 2.5, "text", None, True, {"deep": -(2**63)}]})
    with pytest.raises(InvalidInputError, match=r"parameter p\.n\[1\]: integers must fit in 64 bits"):
        _check_parameter("p", {"n": [1, 2**64]})
    with pytest.raises(InvalidInputError, match="not valid Unicode") as caught:
        _check_parameter("bad\ud800", "x\udc00")
    str(caught.value).encode("utf-8")  # the message itself is always valid text
