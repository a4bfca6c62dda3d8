"""The fault suite's registry, arguments, plan, comparison and verdicts, without running a fault."""

from __future__ import annotations

import pytest

from bench import faults
from bench.faults import FAULTS, Fingerprint, Outcome, Store, Suite, compare, main, parse_args, plan

ISSUE_FAULTS = [
    "kill9-ingest",
    "concurrent-ingest",
    "neo4j-stopped",
    "neo4j-frozen",
    "upload-over-inline-limit",
    "cross-site-request",
    "cypher-console",
    "erasure-two-workers",
    "formula-injection",
    "bad-input",
]


def test_registry_holds_every_fault_of_the_issue_in_order() -> None:
    assert list(FAULTS) == ISSUE_FAULTS
    for name, item in FAULTS.items():
        assert item.name == name and item.summary and callable(item.run)
    neo4j_only = {name for name, item in FAULTS.items() if item.stores == ("neo4j",)}
    assert neo4j_only == {"neo4j-stopped", "neo4j-frozen", "cypher-console"}
    assert all(
        item.stores == ("embedded", "neo4j") for name, item in FAULTS.items() if name not in neo4j_only
    )


def test_defaults_run_everything_on_both_stores_with_a_small_world() -> None:
    options = parse_args([])
    assert options.stores == ("embedded", "neo4j")
    assert options.only == tuple(ISSUE_FAULTS)
    assert options.accounts == 40 and not options.as_json and not options.keep_neo4j
    pairs = plan(options)
    assert len(pairs) == 2 * len(ISSUE_FAULTS) - 3
    assert [(f.name, s) for f, s in pairs][:3] == [
        ("kill9-ingest", "embedded"),
        ("kill9-ingest", "neo4j"),
        ("concurrent-ingest", "embedded"),
    ]


def test_only_and_stores_narrow_the_plan() -> None:
    options = parse_args(
        ["--stores", "embedded", "--only", "bad-input,neo4j-frozen", "--accounts", "7", "--json"]
    )
    assert options.stores == ("embedded",) and options.accounts == 7 and options.as_json
    assert [(f.name, s) for f, s in plan(options)] == [("bad-input", "embedded")]
    neo4j = parse_args(["--stores", "neo4j", "--only", "neo4j-frozen,kill9-ingest"])
    assert [(f.name, s) for f, s in plan(neo4j)] == [("kill9-ingest", "neo4j"), ("neo4j-frozen", "neo4j")]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--only", "kill9-ingest,frobnicate"], "unknown frobnicate"),
        (["--stores", "sqlite"], "unknown sqlite"),
        (["--stores", ","], "unknown (empty)"),
        (["--accounts", "0"], "--accounts must be at least 1"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def _print(nodes: dict[str, int], people: dict[str, str]) -> Fingerprint:
    return Fingerprint(nodes, {"WORKS_AT": nodes.get("Person", 0)}, {"c1": "a"}, people)


def test_compare_names_counts_and_ids_but_never_values() -> None:
    clean = _print({"Company": 1, "Person": 2}, {"p1": "aaaa", "p2": "bbbb"})
    assert compare(clean, _print({"Company": 1, "Person": 2}, {"p1": "aaaa", "p2": "bbbb"})) == []
    duplicated = _print({"Company": 1, "Person": 3, "Touch": 5}, {"p1": "aaaa", "p2": "cccc", "p9": "dddd"})
    assert compare(clean, duplicated) == [
        "Person nodes: 3 instead of 2",
        "Touch nodes: 5 instead of 0",
        "WORKS_AT relationships: 3 instead of 2",
        "1 people a clean load does not have (e.g. p9)",
        "1 people with other values than a clean load (e.g. p2)",
    ]
    assert (
        compare(clean, _print({"Company": 1, "Person": 1}, {"p1": "aaaa"}))[-1]
        == "1 people missing (e.g. p2)"
    )


def test_outcome_line_says_lost_nothing_or_what() -> None:
    outcome = Outcome("kill9-ingest", "neo4j", tried="kill -9 mid-ingest")
    assert (
        outcome.ok and outcome.line() == "FAULT kill9-ingest [neo4j]: tried kill -9 mid-ingest; lost: nothing"
    )
    outcome.lost += ["Person nodes: 3 instead of 2", "1 people missing (e.g. p2)"]
    assert not outcome.ok
    assert outcome.line().endswith("; LOST: Person nodes: 3 instead of 2; 1 people missing (e.g. p2)")


def test_a_failing_or_broken_fault_makes_the_exit_code_non_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def holds(suite: Suite, store: Store, outcome: Outcome) -> None:
        outcome.tried = "nothing harmful"

    def loses(suite: Suite, store: Store, outcome: Outcome) -> None:
        outcome.tried = "a lossy thing"
        outcome.lost.append("2 people missing (e.g. p1)")

    def breaks(suite: Suite, store: Store, outcome: Outcome) -> None:
        raise RuntimeError("buyergraph serve did not start")

    for name, function in (("holds", holds), ("loses", loses), ("breaks", breaks)):
        monkeypatch.setitem(FAULTS, name, faults.Fault(name, ("embedded",), function, name))
    assert main(["--stores", "embedded", "--only", "holds"]) == 0
    assert "FAULT holds [embedded]: tried nothing harmful; lost: nothing" in capsys.readouterr().out
    assert main(["--stores", "embedded", "--only", "holds,loses,breaks"]) == 1
    out = capsys.readouterr().out
    assert "FAULT loses [embedded]: tried a lossy thing; LOST: 2 people missing (e.g. p1)" in out
    assert (
        "FAULT breaks [embedded]: tried (nothing: it stopped early); LOST: check failed: RuntimeError" in out
    )
    assert "1 of 3 faults lost nothing" in out
