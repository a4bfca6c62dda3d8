"""Key decision-makers on hand-built accounts: every signal, missing signals, and volume vs power."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from graph.analyses import AnalysisConfig, analyze_account, key_people_of
from graph.analyses.config import DEFAULT_CONFIG, InfluenceWeights
from graph.analyses.key_people import centrality_scores, structure_scores
from graph.model import AccountGraph, Company, Knows, Person, Reporting

AS_OF = date(2026, 6, 30)


def tree_account(with_titles: bool = True) -> AccountGraph:
    """ceo <- vp <- (m1 <- a, b), (m2 <- c); ceo <- assistant."""
    levels = {
        "ceo": "c_level",
        "vp": "vp",
        "m1": "manager",
        "m2": "manager",
        "a": "individual",
        "b": "individual",
        "c": "individual",
        "assistant": "individual",
    }
    managers = {"vp": "ceo", "m1": "vp", "m2": "vp", "a": "m1", "b": "m1", "c": "m2", "assistant": "ceo"}
    people = [
        Person(id=pid, name=pid, seniority=level if with_titles else None) for pid, level in levels.items()
    ]
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=people,
        reporting=[Reporting(person_id=p, manager_id=m) for p, m in managers.items()],
    )


def test_structure_counts_everyone_below_and_log_scales() -> None:
    org = nx.DiGraph([("ceo", "vp"), ("vp", "m1"), ("vp", "m2"), ("m1", "a"), ("m1", "b"), ("m2", "c")])
    scores, below = structure_scores(org)
    assert below == {"ceo": 6, "vp": 5, "m1": 2, "m2": 1, "a": 0, "b": 0, "c": 0}
    assert scores["ceo"] == 1.0
    assert scores["m1"] == pytest.approx(math.log(3) / math.log(7))
    with pytest.raises(nx.NetworkXNotImplemented):
        structure_scores(nx.Graph())  # type: ignore[arg-type]


def test_shares_sum_to_one_and_weights_are_renormalised() -> None:
    result = analyze_account(tree_account(), as_of=AS_OF)
    top = result.key_people[0]
    assert [k.person_id for k in result.key_people[:2]] == ["ceo", "vp"]
    assert {c.name for c in top.components} == {"structure", "seniority"}
    # Only structure (0.30) and seniority (0.35) exist here: renormalised to 0.30/0.65 and 0.35/0.65.
    weights = {c.name: c.weight for c in top.components}
    assert weights == {
        "structure": pytest.approx(0.30 / 0.65, abs=1e-4),
        "seniority": pytest.approx(0.35 / 0.65, abs=1e-4),
    }
    for kp in result.key_people:
        if kp.score > 0:
            assert sum(c.share for c in kp.components) == pytest.approx(1.0, abs=1e-3)
        expected = sum(c.weight * c.value for c in kp.components)
        assert kp.score == pytest.approx(expected, abs=1e-3)
    assert any("centrality was left out" in note for note in result.notes)


@pytest.mark.parametrize("n", [12, 300], ids=["small-dense", "large-sparse"])
def test_centrality_is_networkx_pagerank_on_small_and_large_graphs(n: int) -> None:
    """Both ways the PageRank iterates (dense below a size, sparse above) give networkx's scores."""
    g = nx.gnm_random_graph(n, 3 * n, seed=n)
    g.add_node(n)  # an isolated person: dangling mass is spread evenly
    for i, (u, v) in enumerate(g.edges):
        g.edges[u, v]["weight"] = 1.0 + (i % 7) / 3
    expected = nx.pagerank(g, weight="weight")  # the same stopping rule as ours
    top = max(expected.values())
    ours = centrality_scores(g)
    assert ours.keys() == expected.keys()
    for node, value in expected.items():
        assert ours[node] == pytest.approx(value / top, rel=1e-9), node


def test_centrality_on_arcs_is_the_lower_of_directed_and_undirected_pagerank() -> None:
    """Who is sought out: networkx's PageRank on the arcs, capped by PageRank on the ties both ways."""
    g = nx.gnp_random_graph(150, 0.04, seed=3, directed=True)
    g.add_edges_from([(0, 1), (1, 0)])  # a reciprocated pair is one tie in the undirected view
    nx.set_edge_attributes(g, 1.0, "weight")
    sought = nx.pagerank(g, weight="weight")
    connected = nx.pagerank(g.to_undirected(), weight="weight")
    top_s, top_c = max(sought.values()), max(connected.values())
    ours = centrality_scores(g)
    for node in g:
        expected = min(sought[node] / top_s, connected[node] / top_c)
        assert ours[node] == pytest.approx(expected, rel=1e-5, abs=1e-9), node


def test_being_turned_to_counts_not_turning_to_others() -> None:
    """Five people turn to the boss; the boss turns to an aide; a busy sender turns to everyone."""
    asks = nx.DiGraph()
    asks.add_edges_from((f"p{i}", "boss") for i in range(5))
    asks.add_edge("boss", "aide")
    asks.add_edges_from(("sender", f"p{i}") for i in range(5))
    scores = centrality_scores(asks)
    assert max(scores, key=scores.__getitem__) == "boss"
    assert scores["sender"] < 0.5 * scores["boss"] and scores["aide"] < 0.5 * scores["boss"]


def test_structure_alone_when_titles_are_missing() -> None:
    result = analyze_account(tree_account(with_titles=False), as_of=AS_OF)
    order = [k.person_id for k in result.key_people]
    # People below: ceo 7, vp 5, m1 2, m2 1; nobody else has anyone below.
    assert order[:4] == ["ceo", "vp", "m1", "m2"]
    assert [c.name for c in result.key_people[0].components] == ["structure"]
    assert any("seniority was left out" in note for note in result.notes)


def test_titles_and_interactions_without_an_org_chart() -> None:
    people = [
        Person(id="boss", name="Boss", seniority="vp"),
        Person(id="x", name="X", seniority="individual"),
        Person(id="y", name="Y", seniority="individual"),
        Person(id="z", name="Z", seniority="individual"),
    ]
    knows = [Knows(person_id="x", other_id=o) for o in ("boss", "y", "z")]
    result = analyze_account(
        AccountGraph(company=Company(id="c", name="C"), people=people, knows=knows), as_of=AS_OF
    )
    # boss: seniority 0.8, centrality PR(boss)/PR(x); x: seniority 0.1, centrality 1 -> boss wins.
    assert result.key_people[0].person_id == "boss"
    assert result.key_people[1].person_id == "x"
    # No reporting line: an org chart is inferred (everyone under the VP) and said so.
    assert {(line.person_id, line.manager_id) for line in result.inferred_lines} == {
        ("x", "boss"),
        ("y", "boss"),
        ("z", "boss"),
    }
    assert any("were inferred" in note for note in result.notes)
    # Without inference the structure signal is left out, and the note says that instead.
    plain = analyze_account(
        AccountGraph(company=Company(id="c", name="C"), people=people, knows=knows),
        as_of=AS_OF,
        config=DEFAULT_CONFIG.model_copy(update={"infer_org_chart": False}),
    )
    assert plain.inferred_lines == [] and plain.key_people[0].person_id == "boss"
    assert any("org chart was left out" in note for note in plain.notes)


def test_one_person_account() -> None:
    account = AccountGraph(company=Company(id="c", name="C"), people=[Person(id="solo", name="Solo")])
    result = analyze_account(account, as_of=AS_OF)
    assert [(k.person_id, k.rank) for k in result.key_people] == [("solo", 1)]
    assert any("one person" in note for note in result.notes)


def test_volume_is_not_power() -> None:
    """An assistant who mails two people all day loses to an executive tied to four colleagues."""
    g = nx.Graph()
    counts = {("assistant", "a"): 500, ("assistant", "b"): 500, ("exec", "a"): 1, ("exec", "b"): 1}
    counts |= {("exec", "c"): 1, ("exec", "d"): 1}
    for (u, v), n in counts.items():
        g.add_edge(u, v, weight=1.0, volume=n)
    ours = centrality_scores(g)
    assert ours["exec"] == 1.0 and ours["assistant"] < 1.0
    by_volume = nx.pagerank(g, weight="volume")
    assert by_volume["assistant"] > by_volume["exec"]  # the naive measure is fooled

    people = [Person(id=p, name=p) for p in ("assistant", "exec", "a", "b", "c", "d")]
    knows = [Knows(person_id=u, other_id=v, strength=float(n)) for (u, v), n in counts.items()]
    result = analyze_account(
        AccountGraph(company=Company(id="c", name="C"), people=people, knows=knows), as_of=AS_OF
    )
    assert result.key_people[0].person_id == "exec"


def test_departed_people_are_not_key_people() -> None:
    account = tree_account()
    from graph.model import Employment

    account.employment = [Employment(person_id="ceo", company_id="c", until=date(2026, 1, 1))]
    result = analyze_account(account, as_of=AS_OF)
    assert "ceo" not in [k.person_id for k in result.key_people]
    assert result.key_people[0].person_id == "vp"


def test_weights_come_from_the_configuration() -> None:
    seniority_only = AnalysisConfig(influence=InfluenceWeights(structure=0, seniority=1))
    result = analyze_account(tree_account(), as_of=AS_OF, config=seniority_only)
    # With structure weighing nothing, the ceo's assistant-free subtree no longer matters: m1 and m2 tie
    # on seniority with the same score, and every individual scores the same.
    scores = {k.person_id: k.score for k in result.key_people}
    assert scores["m1"] == scores["m2"] == pytest.approx(0.35)
    assert scores["a"] == scores["assistant"] == pytest.approx(0.1)


def test_key_people_alone_equal_those_of_the_full_analysis(tmp_path: Path) -> None:
    """key_people_of skips everything but the ranking; what it returns must not differ."""
    from ingest.titles import classify_title
    from tests.unit.generated_world import loaded_world

    store, as_of, accounts = loaded_world(tmp_path, 12, seed=5)
    for t in accounts:
        account = store.account_graph(t["account_id"])
        full = analyze_account(account, as_of=as_of, classify=classify_title)
        alone, notes = key_people_of(account, as_of=as_of, classify=classify_title)
        assert alone == full.key_people
        assert alone, t["account_id"]
        assert set(notes) <= set(full.notes)
