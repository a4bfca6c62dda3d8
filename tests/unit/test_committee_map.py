"""The committee map's data and pages, without a browser: encodings, layout, escaping, size handling."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from graph.analyses import AccountAnalysis
from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.portfolio import AccountListing, DealListing, account_result, summary_of
from graph.model import AccountGraph, BuyingRole
from tests.unit.map_world import AS_OF, CHINESE, HOSTILE, large_account, small_account
from viz.account_list import AccountRow, account_row, deal_row, monthly_touches
from viz.committee_map import (
    CLUSTER_ABOVE,
    DEPARTED_FILL,
    ENGAGEMENT_BORDERS,
    LABEL_MAX,
    ROLE_COLORS,
    STATIC_LAYOUT_ABOVE,
    UNCLUSTERED_KEY_PEOPLE,
    CommitteeMap,
    Engagement,
    build_committee_map,
    ink_on,
    role_label,
)
from viz.layout import break_cycles, tidy_tree_layout
from viz.pages import render_account_list, render_committee_map, render_login, script_json


@pytest.fixture(scope="module")
def small_map() -> CommitteeMap:
    account, analysis = small_account()
    return build_committee_map(account, analysis, as_of=AS_OF)


@pytest.fixture(scope="module")
def large_map() -> CommitteeMap:
    account, analysis = large_account(2000)
    return build_committee_map(account, analysis, as_of=AS_OF)


def node(m: CommitteeMap, node_id: str):  # type: ignore[no-untyped-def]
    return next(n for n in m.nodes if n.id == node_id)


class _ScriptCollector(HTMLParser):
    """Collects what a browser would see: script bodies, script sources, stylesheet links, text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.links: list[dict[str, str | None]] = []
        self.elements: list[str] = []
        self._in_script: dict[str, str | None] | None = None
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)
        if tag == "script":
            self._in_script, self._buffer = dict(attrs), ""
        elif tag == "link":
            self.links.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, self._buffer))
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._buffer += data


# --- layout ------------------------------------------------------------------------------------


def test_managers_sit_above_their_reports_and_centred_over_them(small_map: CommitteeMap) -> None:
    ceo, cto = node(small_map, "ceo"), node(small_map, "cto")
    engineers = [node(small_map, f"eng{i}") for i in (1, 2, 3)]
    assert ceo.y < cto.y < min(e.y for e in engineers)
    assert min(e.x for e in engineers) <= cto.x <= max(e.x for e in engineers)
    assert len({(e.x, e.y) for e in engineers}) == 3  # nobody drawn on top of anybody


def test_no_two_people_share_a_position_in_a_large_org(large_map: CommitteeMap) -> None:
    people = [n for n in large_map.nodes if n.kind == "person"]
    assert len(people) == 2000
    assert len({(round(n.x), round(n.y)) for n in people}) == 2000


def test_every_report_is_below_their_manager_in_a_large_org() -> None:
    account, _ = large_account(800)
    lines = {r.person_id: r.manager_id for r in account.reporting}
    layout = tidy_tree_layout([p.id for p in account.people], lines, sort_key=lambda n: (n,))
    assert all(layout.positions[c][1] > layout.positions[m][1] for c, m in lines.items())


def test_large_layouts_stay_screen_shaped(large_map: CommitteeMap) -> None:
    xs = [n.x for n in large_map.nodes]
    ys = [n.y for n in large_map.nodes]
    ratio = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert 0.3 < ratio < 4, ratio


def test_reporting_cycles_are_cut_not_followed_forever() -> None:
    tree = break_cycles({"a": "b", "b": "c", "c": "a", "d": "a"}, ["a", "b", "c", "d"])
    assert len(tree) == 3 and tree["d"] == "a"
    layout = tidy_tree_layout(
        ["a", "b", "c", "d"], {"a": "b", "b": "c", "c": "a", "d": "a"}, sort_key=str.split
    )
    assert set(layout.positions) == {"a", "b", "c", "d"}


def test_reps_stand_in_a_column_left_of_the_org(small_map: CommitteeMap) -> None:
    reps = [n for n in small_map.nodes if n.kind == "rep"]
    people = [n for n in small_map.nodes if n.kind == "person"]
    assert {r.id for r in reps} == {"rep:r1", "rep:r2"}
    assert len({r.x for r in reps}) == 1
    assert max(r.x for r in reps) < min(p.x for p in people)


# --- encodings -----------------------------------------------------------------------------------


def test_fill_is_the_role_on_the_chosen_deal_and_size_the_influence(small_map: CommitteeMap) -> None:
    assert node(small_map, "ceo").color["background"] == ROLE_COLORS[BuyingRole.DECISION_MAKER]
    assert node(small_map, "cto").color["background"] == ROLE_COLORS[BuyingRole.CHAMPION]
    assert node(small_map, "eng2").role is None
    assert node(small_map, "ceo").size > node(small_map, "cto").size > node(small_map, "eng2").size


def test_border_shows_engagement_recency(small_map: CommitteeMap) -> None:
    expected = {
        "cto": Engagement.ENGAGED,
        "eng1": Engagement.ENGAGED,
        "cfo": Engagement.COOLING,
        "eng2": Engagement.NEVER,
    }
    for pid, state in expected.items():
        n = node(small_map, pid)
        assert n.engagement == state
        assert (n.color["border"], n.borderWidth) == ENGAGEMENT_BORDERS[state]


def test_departed_members_are_greyed_out(small_map: CommitteeMap) -> None:
    gone = node(small_map, "gone")
    assert gone.departed and gone.info is not None and gone.info.departed_on is not None
    assert gone.color["background"] == DEPARTED_FILL
    assert gone.opacity is not None and gone.opacity < 1
    assert gone.label.endswith("left the company")
    assert not any(e.to == "gone" and e.kind == "reports_to" for e in small_map.edges)  # line ended


def test_touch_edges_are_wider_for_stronger_ties(small_map: CommitteeMap) -> None:
    touches = {e.to: e for e in small_map.edges if e.kind == "touch"}
    assert touches["cto"].source == "rep:r1"
    # two recent two-way meetings beat one e-mail eight months ago
    assert touches["cto"].width > touches["cfo"].width
    assert "strength" in (touches["cfo"].title or "")


def test_missing_roles_are_dashed_placeholders_next_to_the_likeliest_candidate(
    small_map: CommitteeMap,
) -> None:
    panel = small_map.deals[0]
    placeholders = {p.role: p for p in panel.placeholders}
    buyer = placeholders[BuyingRole.ECONOMIC_BUYER]
    assert buyer.shapeProperties == {"borderDashes": [6, 4]}
    cfo = node(small_map, "cfo")
    assert abs(buyer.x - cfo.x) < 200 and abs(buyer.y - cfo.y) < 200  # beside the first candidate
    candidates = [e.to for e in panel.placeholder_edges if e.source == buyer.id]
    assert candidates == ["cfo", "ceo"]
    assert all(e.dashes for e in panel.placeholder_edges)
    # a role with no candidate still shows, away from everybody
    assert BuyingRole.PROCUREMENT in placeholders


def test_deal_panel_lists_committee_and_gaps_by_severity(small_map: CommitteeMap) -> None:
    panel = small_map.deals[0]
    assert {m.person_id for m in panel.committee} == {"ceo", "cto"}
    assert [g.severity for g in panel.gaps] == ["high", "medium"]
    assert panel.colors["cto"] == ROLE_COLORS[BuyingRole.CHAMPION]


def test_tooltip_data_carries_title_role_score_explanation_and_last_touch(small_map: CommitteeMap) -> None:
    info = node(small_map, "cto").info
    assert info is not None
    assert info.title == "CTO & <b>boss</b>" and info.roles == ["Champion"]
    assert info.score == 0.6 and info.rank == 2 and info.explanation
    assert info.last_touch is not None and info.last_touch.isoformat() == "2026-06-21"


def test_small_maps_curve_edges_and_keep_everyone_unclustered(small_map: CommitteeMap) -> None:
    assert small_map.options["physics"]["enabled"] is False
    assert small_map.options["edges"]["smooth"] is not False
    assert not small_map.clustered and all(n.cluster is None for n in small_map.nodes)


def test_large_maps_turn_physics_off_and_cluster_by_department(large_map: CommitteeMap) -> None:
    assert large_map.people > STATIC_LAYOUT_ABOVE > CLUSTER_ABOVE
    assert large_map.options["physics"]["enabled"] is False
    assert large_map.options["edges"]["smooth"] is False
    assert large_map.options["layout"]["improvedLayout"] is False
    assert large_map.clustered
    clustered = [n for n in large_map.nodes if n.cluster]
    assert len({n.cluster for n in clustered}) >= 5
    # the committee and the key people stay visible on their own
    for pid in ("p0", "p1", "p2", "p15", "p24"):
        assert node(large_map, pid).cluster is None
    assert set(large_map.department_boxes) >= {n.cluster for n in clustered}


def test_mid_size_maps_straighten_edges() -> None:
    account, analysis = large_account(STATIC_LAYOUT_ABOVE + 100)
    m = build_committee_map(account, analysis, as_of=AS_OF)
    assert m.options["edges"]["smooth"] is False


def test_a_hundred_person_account_opens_focused_on_who_decides() -> None:
    """Committee, key people and their managers up to the top stay out; the rest fold into departments."""
    account, analysis = large_account(100)
    m = build_committee_map(account, analysis, as_of=AS_OF)
    assert m.clustered
    managers = {r.person_id: r.manager_id for r in account.reporting}
    head = set()
    for pid in {"p1", "p2", "p15"} | {k.person_id for k in analysis.key_people[:UNCLUSTERED_KEY_PEOPLE]}:
        while pid is not None and pid not in head:
            head.add(pid)
            pid = managers.get(pid)
    for pid in head:
        assert node(m, pid).cluster is None and node(m, pid).shape == "box", pid
    folded = [n for n in m.nodes if n.kind == "person" and n.cluster]
    assert folded and all(n.id not in head and n.shape == "dot" for n in folded)
    # The first view frames the deal's committee and our reps, not the whole org.
    assert set(m.deals[0].focus) == {"p0", "p1", "p2", "p15"}


def test_people_are_cards_with_name_title_role_and_engagement(small_map: CommitteeMap) -> None:
    for n in small_map.nodes:
        if n.kind != "person":
            continue
        assert n.shape == "box" and n.info is not None
        lines = n.label.split("\n")
        assert lines[0] == n.info.name[:LABEL_MAX] or lines[0].endswith("…")
        if n.info.title:
            assert lines[1] == n.info.title or lines[1].endswith("…")
        if n.role is not None:
            assert lines[-1].startswith(role_label(n.role))
    deal = small_map.deals[0]
    # Switching deals relabels the cards: the role on that deal, or none.
    for pid, label in deal.labels.items():
        role = deal.roles.get(pid)
        if role:
            assert label.split("\n")[-1].startswith(role_label(role))


def test_card_text_contrasts_with_its_fill(small_map: CommitteeMap) -> None:
    dark, light = ROLE_COLORS[BuyingRole.DECISION_MAKER], ROLE_COLORS[BuyingRole.END_USER]
    fonts = {n.color["background"]: n.font["color"] for n in small_map.nodes if n.kind == "person" and n.font}
    fonts.update({small_map.deals[0].colors[pid]: c for pid, c in small_map.deals[0].fonts.items()})
    assert ink_on(dark) == "#ffffff" and ink_on(light) != "#ffffff"
    for fill, color in fonts.items():
        if fill != DEPARTED_FILL:
            assert color == ink_on(fill)


def test_labels_too_small_to_read_are_not_drawn(small_map: CommitteeMap) -> None:
    assert small_map.options["nodes"]["scaling"]["label"]["drawThreshold"] == small_map.readable_px >= 9


def test_a_deal_can_be_chosen_and_an_unknown_one_falls_back() -> None:
    account, analysis = small_account()
    assert build_committee_map(account, analysis, as_of=AS_OF, deal_id="nope").selected_deal == "d1"
    analysis.deals = []
    m = build_committee_map(account, analysis, as_of=AS_OF)
    assert m.selected_deal is None and all(n.role is None for n in m.nodes)


# --- pages: escaping and self-hosting -------------------------------------------------------------


def test_hostile_names_are_escaped_in_html_and_in_embedded_json(small_map: CommitteeMap) -> None:
    html = render_committee_map(small_map)
    assert HOSTILE not in html
    assert "<b>boss</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the committee list shows it as text
    parser = _ScriptCollector()
    parser.feed(html)
    data = [body for attrs, body in parser.scripts if attrs.get("id") == "map-data"]
    assert len(data) == 1
    assert "<" not in data[0] and ">" not in data[0]
    payload = json.loads(data[0])
    names = {n["info"]["name"] for n in payload["nodes"] if n.get("info")}
    assert HOSTILE in names and CHINESE in names  # intact once parsed, Chinese not mangled
    assert CHINESE in html  # readable in the page, not \\u-escaped into noise
    assert "b" not in parser.elements  # the hostile title's <b> never became markup


def test_script_json_cannot_end_a_script_element() -> None:
    text = script_json({"a": "</script><script>alert(1)</script>", "b": "x\u2028y & z"})
    assert "</" not in text and "<" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "x\u2028y & z"}


def kept_row(account: AccountGraph, analysis: AccountAnalysis, lang: str = "en") -> AccountRow:
    """The account list's row of an account from its kept result, as the page builds it."""
    kept = account_result(account, analysis, computed_at=datetime(2026, 6, 30, tzinfo=UTC))
    listing = AccountListing(company=account.company, result=summary_of(kept))
    return account_row(listing, account, lang=lang)


def test_pages_load_nothing_from_other_hosts(small_map: CommitteeMap) -> None:
    account, analysis = small_account()
    pages = [
        render_committee_map(small_map),
        render_account_list([kept_row(account, analysis)], search=None, total=1, offset=0, limit=50),
        render_login(next_url="/", login_token="t0ken"),
    ]
    for html in pages:
        parser = _ScriptCollector()
        parser.feed(html)
        for attrs, _body in parser.scripts:
            src = attrs.get("src")
            assert src is None or src.startswith("/static/"), src
            assert attrs.get("type") == "application/json" or src is not None  # no inline code
        for link in parser.links:
            assert (link.get("href") or "").startswith("/static/")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_account_list_escapes_names_and_search(small_map: CommitteeMap) -> None:
    account, analysis = small_account()
    row = kept_row(account, analysis)
    html = render_account_list([row], search='"><img src=x onerror=alert(1)>', total=1, offset=0, limit=50)
    assert "Acme &amp; Sons &lt;Ltd&gt;" in html
    assert "<img src=x" not in html


def test_account_row_summarises_coverage_gaps_risk_and_trend() -> None:
    account, analysis = small_account()
    row = kept_row(account, analysis)
    assert row.coverage == 0.5 and row.gaps_high == 1 and row.gaps_total == 2 and row.at_risk
    assert row.gaps_high + row.gaps_medium + row.gaps_low == row.gaps_total
    assert len(row.touches_by_month) == 12 and sum(row.touches_by_month) == 4
    assert row.touches_by_month[-1] == 2  # the two June meetings
    assert len(row.bars) == 12 and max(b.height for b in row.bars) > 0
    assert row.refreshed and row.as_of == analysis.as_of and row.as_of_text == "Jun 30, 2026"


def test_account_row_speaks_chinese_without_raw_values() -> None:
    account, analysis = small_account()
    row = kept_row(account, analysis, lang="zh-CN")
    assert row.as_of_text == "2026年6月30日"
    assert (
        row.stage_text
        and row.stage_text != row.buying_stage
        and re.search(r"[\u4e00-\u9fff]", row.stage_text)
    )
    assert "接触" in row.trend_text
    html = render_account_list([row], search=None, total=1, offset=0, limit=50, lang="zh-CN")
    assert "覆盖率" in html and "采购阶段" in html and "截至 2026年6月30日" in html


def test_a_row_before_any_refresh_shows_no_figures() -> None:
    account, _ = small_account()
    row = account_row(AccountListing(company=account.company), account)
    assert not row.refreshed and row.coverage is None and row.bars == []
    assert "refresh" in row.trend_text


def test_deal_row_shows_amount_with_currency_close_date_and_gap_badges() -> None:
    account, analysis = small_account()
    kept = account_result(account, analysis, computed_at=datetime(2026, 6, 30, tzinfo=UTC))
    deal = next(d for d in account.deals if d.id == kept.deals[0].deal_id)
    deal = deal.model_copy(update={"amount": 1234567.0, "currency": "CNY", "expected_close": AS_OF})
    listing = DealListing(deal=deal, result=kept.deals[0], as_of=AS_OF)
    en, zh = deal_row(listing, "Acme", lang="en"), deal_row(listing, "Acme", lang="zh-CN")
    assert en.amount_text == "CN¥1,234,567" and zh.amount_text == "¥1,234,567"
    assert en.close_text == "Jun 30, 2026" and zh.close_text == "2026年6月30日"
    assert sum(b.count for b in en.badges) == len(kept.deals[0].gaps) > 0
    assert en.badges[0].severity == "high"  # the worst first
    assert {b.text for b in zh.badges} <= {
        "缺少角色",
        "角色久未接触",
        "单线联系",
        "缺少高层",
        "上级未接触",
        "成员已离职",
        "角色冲突",
    }


def test_monthly_touches_ignore_touches_after_as_of() -> None:
    account, _ = small_account()
    series = monthly_touches(account, AS_OF.replace(month=5, day=31))
    assert series[-1] == ("2026-05", 1)


def test_map_uses_the_configured_engagement_window() -> None:
    account, analysis = small_account()
    narrow = DEFAULT_CONFIG.model_copy(update={"engaged_days": 5})
    m = build_committee_map(account, analysis, as_of=AS_OF, config=narrow)
    assert node(m, "cto").engagement == Engagement.COOLING
