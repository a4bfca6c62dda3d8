"""The committee map of one account as vis-network data: nodes, edges, positions, legend, deal panels.

Pure functions of an `AccountGraph` and its `AccountAnalysis`: no I/O, no HTML. The page (viz/pages.py)
embeds the result as JSON and viz/static/committee_map.js draws it. Every visual encoding is decided
here, so that it is tested without a browser:

- position: the org chart top-down along current reporting lines (viz/layout.py), our reps in a
  column on the left;
- fill colour: the person's buying role on the chosen deal; size: influence score;
- border: engagement recency (engaged, cooling, never touched); departed people greyed out;
- touch edges from our reps, width by relationship strength;
- missing committee roles as dashed placeholders beside their likeliest candidates;
- people as cards (name, title, buying role on the chosen deal, engagement) wherever they are drawn on
  their own; labels are not drawn below `READABLE_PX` on screen (semantic zoom);
- accounts above `CLUSTER_ABOVE` people open focused: the deals' committees, the gaps' candidates, the
  key people and their managers up to the top stay on the chart, everyone else is folded into their
  department (a click opens it); the first view frames the chosen deal's committee (`DealPanel.focus`);
- large accounts: physics and curved edges off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.messages import Message, render, role_name, template_name
from graph.analyses.results import AccountAnalysis, DealAnalysis, Gap, GapKind
from graph.analyses.rules import (
    EngagementState,
    RepTie,
    employment_status,
    engagement_state,
    rep_ties,
    touch_stats,
)
from graph.model import AccountGraph, BuyingRole, Person, ReportingKind, seniority_rank
from viz.account_list import WIN_FACTORS_SHOWN
from viz.i18n import Words
from viz.layout import LayoutSpacing, department_layout, tidy_tree_layout

__all__ = [
    "CLUSTER_ABOVE",
    "STATIC_LAYOUT_ABOVE",
    "ROLE_COLORS",
    "ENGAGEMENT_BORDERS",
    "Engagement",
    "CommitteeMap",
    "MapNode",
    "MapEdge",
    "DealPanel",
    "build_committee_map",
    "role_label",
    "ink_on",
    "UNCLUSTERED_KEY_PEOPLE",
    "CARD_FONT_SIZE",
    "READABLE_PX",
]

#: Above this many nodes, edges are drawn straight (curves cost too much to draw).
STATIC_LAYOUT_ABOVE = 500
#: Above this many people the map opens focused: people outside the committee, the gaps' candidates,
#: the key people and their managers are folded into department clusters.
CLUSTER_ABOVE = 60
#: Labels longer than this are shortened on the map (the tooltip shows the full name).
LABEL_MAX = 26
#: Maps with more touch edges than this first show only those to the committee and key people.
TOUCH_EDGES_SHOWN_UP_TO = 40
#: Card text size in pixels at zoom 1.
CARD_FONT_SIZE = 14
#: Widest a card grows (text wraps inside); below the layout's column width so cards never touch.
CARD_WIDTH = 165
#: Distances between cards: a card of up to six wrapped lines never touches its neighbours.
CARD_SPACING = LayoutSpacing(column=195.0, level=190.0, packed_row=115.0)
#: Text smaller than this on screen is not drawn: a blur of 5-pixel names reads as noise.
READABLE_PX = 10
#: How many of the most influential people stay outside department clusters.
UNCLUSTERED_KEY_PEOPLE = 25

#: Fill colour per buying role; chosen to stay apart from each other and from the engagement borders.
ROLE_COLORS: dict[BuyingRole, str] = {
    BuyingRole.DECISION_MAKER: "#c0392b",
    BuyingRole.ECONOMIC_BUYER: "#8e44ad",
    BuyingRole.EXECUTIVE_SPONSOR: "#1a237e",
    BuyingRole.CHAMPION: "#00838f",
    BuyingRole.INFLUENCER: "#2980b9",
    BuyingRole.TECHNICAL_EVALUATOR: "#7986cb",
    BuyingRole.END_USER: "#90caf9",
    BuyingRole.PROCUREMENT: "#8d6e63",
    BuyingRole.LEGAL_COMPLIANCE: "#546e7a",
    BuyingRole.BLOCKER: "#212121",
    BuyingRole.GATEKEEPER: "#d81b60",
    BuyingRole.OTHER: "#bcaaa4",
}
NO_ROLE_COLOR = "#d5dde3"
DEPARTED_FILL = "#eceff1"
DEPARTED_BORDER = "#b0bec5"
REP_COLOR = "#34495e"
PATH_COLOR = "#ff6f00"
INK = "#1f2d3a"
LIGHT_INK = "#ffffff"
DEPARTED_INK = "#78909c"


#: How recently our side touched a person (the node border): the analyses' engagement state.
Engagement = EngagementState


#: (border colour, border width) per engagement state.
ENGAGEMENT_BORDERS: dict[Engagement, tuple[str, float]] = {
    Engagement.ENGAGED: ("#00b050", 5.0),
    Engagement.COOLING: ("#ffa000", 4.0),
    Engagement.NEVER: ("#90a4ae", 1.0),
}


def role_label(role: BuyingRole | str) -> str:
    """'economic_buyer' -> 'Economic buyer'."""
    text = str(role).replace("_", " ")
    return text[:1].upper() + text[1:]


class PersonInfo(BaseModel):
    """What the tooltip shows about a person; rendered as text (never HTML) by the page script."""

    name: str
    title: str | None = None
    department: str | None = None
    roles: list[str] = []
    rank: int | None = None
    score: float | None = None
    explanation: str | None = None
    last_touch: date | None = None
    engagement: Engagement = Engagement.NEVER
    engagement_text: str = ""
    departed: bool = False
    departed_on: date | None = None
    #: Where a seller's correction disagrees with the CRM, in words (the correction wins).
    conflicts: list[str] = []


class MapNode(BaseModel):
    """One vis-network node. Field names are vis-network's own, plus our data fields."""

    id: str
    kind: str  # person, rep, placeholder
    label: str
    x: float
    y: float
    size: float = 14.0
    shape: str = "dot"
    color: dict[str, Any]
    borderWidth: float = 1.0  # noqa: N815 - vis-network's name
    shapeProperties: dict[str, Any] | None = None  # noqa: N815
    margin: dict[str, int] | None = None
    font: dict[str, Any] | None = None
    opacity: float | None = None
    widthConstraint: dict[str, float] | None = None  # noqa: N815
    #: The card's text when the chosen deal gives this person no role (the page switches deals).
    plain_label: str | None = None
    #: Department cluster this node joins on large maps; None keeps it visible on its own.
    cluster: str | None = None
    role: BuyingRole | None = None
    engagement: Engagement | None = None
    departed: bool = False
    info: PersonInfo | None = None
    #: For placeholders: the deal they belong to.
    deal_id: str | None = None


class MapEdge(BaseModel):
    id: str
    kind: str  # reports_to, touch, candidate
    to: str
    width: float = 1.0
    color: dict[str, Any]
    dashes: bool | list[int] = False
    arrows: str | None = None
    #: None: the map's default (curved on small maps); False: straight.
    smooth: bool | None = None
    #: Drawn even when the map shows only the important touches (ties to the committee and key people).
    important: bool | None = None
    #: A plain-text tooltip.
    title: str | None = None
    deal_id: str | None = None
    # `from` is a Python keyword; the page receives it as "from" (see `vis_edges`).
    source: str = Field(serialization_alias="from")


class LegendItem(BaseModel):
    label: str
    color: str
    border: str | None = None
    border_width: float = 1.0
    shape: str = "dot"
    dashed: bool = False


class Legend(BaseModel):
    roles: list[LegendItem]
    engagement: list[LegendItem]
    other: list[LegendItem]


class CommitteeEntry(BaseModel):
    person_id: str
    name: str
    title: str | None = None
    roles: list[str]
    engaged: bool
    departed: bool


class GapEntry(BaseModel):
    kind: str
    severity: str
    role: str | None = None
    detail: str
    next_step: str
    people: list[str]


class SuggestedEntry(BaseModel):
    """A suggested member (not on the committee): name, role, confidence and evidence in words."""

    person_id: str
    name: str
    role: str
    confidence: float
    evidence: str


class DealPanel(BaseModel):
    """What the panel beside the map shows for one deal, and what the map redraws for it."""

    id: str
    name: str
    stage: str | None = None
    amount: float | None = None
    #: ISO code of `amount`, and the day the deal is expected to close.
    currency: str | None = None
    expected_close: date | None = None
    template: str
    required_roles: list[str]
    coverage: float
    coverage_text: str
    committee: list[CommitteeEntry]
    gaps: list[GapEntry]
    suggested: list[SuggestedEntry] = []
    #: The deal's win likelihood from the learned model in use (None: the configuration, no model),
    #: the model's id, and its factors in words, strongest first (as /deals shows them).
    win_likelihood: float | None = None
    win_model: str | None = None
    win_factors: list[str] = []
    #: person_id -> the role that colours them while this deal is chosen.
    colors: dict[str, str]
    roles: dict[str, str]
    placeholders: list[MapNode]
    placeholder_edges: list[MapEdge]
    #: person_id -> the card text while this deal is chosen (its role on the deal on the third line).
    labels: dict[str, str] = {}
    #: person_id -> the card's text colour on its role fill (light text on dark fills).
    fonts: dict[str, str] = {}
    #: What the first view frames: the committee, the candidates of its gaps and the placeholders.
    focus: list[str] = []


class CorrectionEntry(BaseModel):
    """A seller's active correction as the map's corrections panel lists it (with an undo button)."""

    id: str
    kind: str
    person_id: str | None = None
    text: str
    author: str
    at: date


class AccountSummaryBox(BaseModel):
    """The account's class (with why), engagement trend, split risk and product usage, as shown."""

    account_class: str
    account_class_label: str
    reason: str = ""
    trend: str
    trend_label: str
    usage_risk: bool = False
    deal_risk: bool = False
    risk_text: str = ""
    usage_text: str = ""


class CommitteeMap(BaseModel):
    account_id: str
    account_name: str
    as_of: date
    nodes: list[MapNode]
    edges: list[MapEdge]
    deals: list[DealPanel]
    selected_deal: str | None
    legend: Legend
    #: vis-network options.
    options: dict[str, Any]
    clustered: bool
    #: department -> how many people it holds, for cluster labels.
    departments: dict[str, int]
    #: department -> [centre x, centre y, width, height] of its block (large accounts): where its
    #: cluster is drawn and how big, so that opening it shows its people in the same place.
    department_boxes: dict[str, list[float]] = {}
    people: int
    #: The account's class, engagement trend and risks, in the page's language.
    summary: AccountSummaryBox | None = None
    notes: list[str] = []
    #: What the first view frames when no deal is chosen: the key people (everyone on small maps).
    focus: list[str] = []
    #: Our reps' node ids: the first view frames them with the committee when that stays readable.
    reps: list[str] = []
    #: Labels smaller than this many pixels on screen are not drawn (the page's semantic zoom).
    readable_px: int = READABLE_PX
    card_font_px: int = CARD_FONT_SIZE
    #: The page's language (BCP 47) and the page script's words in it.
    lang: str = "en"
    text: dict[str, str] = {}
    #: The account's active corrections (newest first), and [id, name] of its current people.
    corrections: list[CorrectionEntry] = []
    people_list: list[list[str]] = []
    #: Whether the page may offer corrections (a page session whose key has the write scope).
    can_correct: bool = False
    #: Above this many touch edges the map first shows only the important ones (a toggle shows all).
    touch_edges_shown_up_to: int = TOUCH_EDGES_SHOWN_UP_TO
    #: Colours the page script needs when it recolours nodes.
    palette: dict[str, str] = Field(
        default_factory=lambda: {
            "no_role": NO_ROLE_COLOR,
            "departed": DEPARTED_FILL,
            "path": PATH_COLOR,
            "ink": INK,
            "departed_ink": DEPARTED_INK,
        }
    )

    def vis_payload(self) -> dict[str, Any]:
        """The JSON the page script reads (edges with vis-network's `from`)."""
        # The people list only fills the corrections panel's select (rendered by the template).
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"people_list"})
        return data


def _as_day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _department(person: Person) -> str:
    """The group a person is clustered in: their department, else their function."""
    return person.department or (str(person.function).capitalize() if person.function else None) or "Other"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _departed(account: AccountGraph, as_of: date) -> dict[str, date]:
    """People who have left the account by as_of, with the day they left: the analyses' rule."""
    _, departed = employment_status(
        account.company.id, (p.id for p in account.people), account.employment, as_of=as_of
    )
    return departed


def _current_managers(account: AccountGraph, as_of: date) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Solid current reporting lines (child -> manager) for the layout, and the dotted ones to draw."""
    people = {p.id for p in account.people}
    solid: dict[str, str] = {}
    dotted: set[tuple[str, str]] = set()
    dated = set()
    for line in sorted(account.reporting, key=lambda r: (r.since or date.min, r.manager_id)):
        if line.person_id not in people or line.manager_id not in people or line.person_id == line.manager_id:
            continue
        dated.add(line.person_id)
        if line.until is not None and line.until <= as_of:
            continue
        if line.since is not None and line.since > as_of:
            continue
        if line.kind == ReportingKind.DOTTED:
            dotted.add((line.person_id, line.manager_id))
        else:
            solid[line.person_id] = line.manager_id
    for person in account.people:
        manager = person.reports_to_id
        if manager and manager in people and manager != person.id and person.id not in dated:
            solid[person.id] = manager
    dotted -= set(solid.items())
    return solid, dotted


def _touch_strengths(
    account: AccountGraph, as_of: date, config: AnalysisConfig
) -> dict[tuple[str, str], RepTie]:
    """(rep, current person) -> the tie, by the analyses' strength rule and their current-employee
    rule (graph/analyses/rules.py): a tie to someone who left is no way in, as on the warm paths."""
    current, _ = employment_status(
        account.company.id, (p.id for p in account.people), account.employment, as_of=as_of
    )
    return rep_ties(account.touch_days, [r.id for r in account.reps], current, as_of=as_of, config=config)


def _last_touches(account: AccountGraph, as_of: date, config: AnalysisConfig) -> dict[str, date]:
    """Each person's last touch up to as_of (the analyses' touch statistics)."""
    stats = touch_stats(account.touch_days, as_of=as_of, engaged_days=config.engaged_days)
    return {pid: st.last for pid, st in stats.items() if st.last is not None}


def _node_color(fill: str, border: str) -> dict[str, Any]:
    return {
        "background": fill,
        "border": border,
        "highlight": {"background": fill, "border": PATH_COLOR},
        "hover": {"background": fill, "border": PATH_COLOR},
    }


def _person_fill(role: BuyingRole | None, departed: bool) -> str:
    if departed:
        return DEPARTED_FILL
    return ROLE_COLORS[role] if role is not None else NO_ROLE_COLOR


def _primary_role(roles: list[BuyingRole], config: AnalysisConfig) -> BuyingRole | None:
    """The role that colours a person holding several: the weightiest, by the analyses' role values."""
    if not roles:
        return None
    values = config.role_values
    return max(roles, key=lambda r: (values.get(r, 0.0), -list(BuyingRole).index(r)))


def build_committee_map(
    account: AccountGraph,
    analysis: AccountAnalysis,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    deal_id: str | None = None,
    spacing: LayoutSpacing | None = None,
    lang: str = "en",
    wins: Mapping[str, Mapping[str, Any]] | None = None,
) -> CommitteeMap:
    """Everything the committee-map page draws for one account, its texts in `lang` (en, zh-CN).

    `deal_id` chooses the deal whose roles colour the map first (default: the largest open deal).
    `wins`: deal id -> its win likelihood, model and factors as the API gives them
    (api/routers/_analysis.py `win_of_sync`); each deal's panel shows them.
    """
    words = Words(lang)
    card_spacing = spacing or CARD_SPACING
    spacing = spacing or LayoutSpacing()
    people = {p.id: p for p in account.people}
    departed = _departed(account, as_of)
    managers, dotted = _current_managers(account, as_of)
    # An account without reporting lines is laid out along the inferred ones, drawn dotted.
    inferred = {line.person_id: line for line in analysis.inferred_lines if line.person_id in people}
    if not managers and inferred:
        managers = {pid: line.manager_id for pid, line in inferred.items()}
    last_touch = _last_touches(account, as_of, config)
    key_people = {k.person_id: k for k in analysis.key_people}
    corrections, conflict_texts = _corrections(account, words)
    large = len(people) > STATIC_LAYOUT_ABOVE
    clustered = len(people) > CLUSTER_ABOVE

    def sort_key(pid: str) -> tuple[object, ...]:
        person = people[pid]
        return (
            pid in departed,
            seniority_rank(person.seniority) if person.seniority else 5,
            person.name,
            pid,
        )

    deals = sorted(analysis.deals, key=lambda d: (-(d.amount or 0.0), d.name or "", d.deal_id))
    selected = deal_id if any(d.deal_id == deal_id for d in deals) else (deals[0].deal_id if deals else None)
    selected_roles: dict[str, BuyingRole] = {}
    for deal in deals:
        if deal.deal_id == selected:
            for pid, roles in deal.committee.items():
                role = _primary_role(roles, config)
                if role is not None:
                    selected_roles[pid] = role

    # People outside clusters: any committee member, gap candidate or path stop, and the top influencers.
    pinned: set[str] = set(list(key_people)[:UNCLUSTERED_KEY_PEOPLE])
    for deal in deals:
        pinned.update(deal.committee)
        for gap in deal.gaps:
            pinned.update(gap.people)
            if gap.person_id:
                pinned.add(gap.person_id)
        for paths in deal.paths.values():
            for path in paths:
                pinned.update(path.nodes)

    department_of = {pid: _department(person) for pid, person in people.items()}
    if clustered:
        layout = department_layout(
            people,
            managers,
            department=department_of,
            top=pinned,
            sort_key=sort_key,
            spacing=spacing,
            head_spacing=card_spacing,
        )
        # Their managers up to the top stand in the head chart too: keep them out of the clusters.
        head = _with_managers(pinned, managers) & set(people)
    else:
        layout = tidy_tree_layout(people, managers, sort_key=sort_key, spacing=card_spacing)
        head = set(people)

    departments: dict[str, int] = defaultdict(int)
    nodes: list[MapNode] = []
    engagement_of: dict[str, Engagement] = {}
    for pid, person in people.items():
        x, y = layout.positions[pid]
        is_departed = pid in departed
        engagement = engagement_state(last_touch.get(pid), as_of, config)
        engagement_of[pid] = engagement
        border, border_width = ENGAGEMENT_BORDERS[engagement]
        if is_departed:
            border, border_width = DEPARTED_BORDER, 1.0
        role = selected_roles.get(pid)
        key = key_people.get(pid)
        department = department_of[pid]
        departments[department] += 1
        all_roles = sorted({str(r) for d in deals for r in d.committee.get(pid, [])})
        info = PersonInfo(
            name=person.name,
            title=person.title,
            department=person.department,
            roles=[words.role(r) for r in all_roles],
            rank=key.rank if key else None,
            score=round(key.score, 3) if key else None,
            explanation=words.message(key.explanation_message, key.explanation) if key else None,
            last_touch=last_touch.get(pid),
            engagement=engagement,
            engagement_text=words(f"engagement.{engagement}", days=config.engaged_days),
            departed=is_departed,
            departed_on=departed.get(pid),
            conflicts=conflict_texts.get(pid, []),
        )
        score = key.score if key else 0.0
        fill = _person_fill(role, is_departed)
        is_card = pid in head
        plain = _card_label(person, None, engagement, is_departed, words)
        nodes.append(
            MapNode(
                id=pid,
                kind="person",
                label=_card_label(person, role, engagement, is_departed, words)
                if is_card
                else _short(person.name),
                plain_label=plain if is_card else None,
                x=x,
                y=y,
                size=10.0 + 26.0 * max(0.0, min(1.0, score)),
                shape="box" if is_card else "dot",
                color=_node_color(fill, border),
                borderWidth=border_width,
                font=_card_font(fill, is_departed) if is_card else _dot_font(is_departed),
                margin=_CARD_MARGIN if is_card else None,
                widthConstraint={"maximum": CARD_WIDTH} if is_card else None,
                opacity=0.55 if is_departed else None,
                cluster=department if pid not in head else None,
                role=role,
                engagement=engagement,
                departed=is_departed,
                info=info,
            )
        )

    edges: list[MapEdge] = []
    for child, manager in sorted(managers.items()):
        guess = inferred.get(child)
        if guess is not None and guess.manager_id == manager:
            edges.append(
                _reporting_edge(
                    child,
                    manager,
                    dotted=True,
                    title=words(
                        "edge.inferred",
                        confidence=f"{guess.confidence:.0%}",
                        reason=words.message(guess.reason_message, guess.reason),
                    ),
                )
            )
        else:
            edges.append(_reporting_edge(child, manager, dotted=False))
    for child, manager in sorted(dotted):
        edges.append(_reporting_edge(child, manager, dotted=True, words=words))

    # Our reps stand left of the people drawn on their own (the head chart on a focused map).
    head_x = [layout.positions[pid][0] for pid in head] or [layout.min_x]
    head_y = [layout.positions[pid][1] for pid in head] or [layout.min_y]
    reps = _rep_nodes_and_edges(
        account, as_of, config, min(head_x), min(head_y), card_spacing, edges, pinned, words
    )
    nodes.extend(reps)

    positions = {n.id: (n.x, n.y) for n in nodes}
    # Placeholders without a candidate stand right of what is visible first (the head on clustered maps).
    visible_x = [n.x for n in nodes if n.kind == "person" and n.cluster is None] or [layout.max_x]
    panels = [
        _with_win(
            _deal_panel(
                d, people, departed, positions, max(visible_x), card_spacing, config, engagement_of, words
            ),
            (wins or {}).get(d.deal_id),
            words,
        )
        for d in deals
    ]
    top_people = [k.person_id for k in analysis.key_people[:8] if k.person_id in people]
    focus = (top_people or sorted(head)[:8]) if clustered else sorted(head)

    return CommitteeMap(
        account_id=account.company.id,
        account_name=account.company.name,
        as_of=as_of,
        nodes=nodes,
        edges=edges,
        deals=panels,
        selected_deal=selected,
        legend=_legend(config, words),
        options=_vis_options(large),
        clustered=clustered,
        departments=dict(sorted(departments.items())),
        department_boxes={
            name: [round((x0 + x1) / 2, 1), round((y0 + y1) / 2, 1), round(x1 - x0, 1), round(y1 - y0, 1)]
            for name, (x0, y0, x1, y1) in layout.boxes.items()
        },
        people=len(people),
        summary=_summary_box(analysis, words),
        notes=[words.message(m, n) for m, n in zip(analysis.note_messages, analysis.notes, strict=False)]
        if len(analysis.note_messages) == len(analysis.notes)
        else list(analysis.notes),
        focus=focus,
        reps=[n.id for n in reps],
        lang=words.lang,
        text=words.script_texts(),
        corrections=corrections,
        people_list=sorted(
            ([pid, people[pid].name] for pid in people if pid not in departed), key=lambda item: item[1]
        ),
    )


def _corrections(account: AccountGraph, words: Words) -> tuple[list[CorrectionEntry], dict[str, list[str]]]:
    """The account's active corrections and, per person, its conflicts with the CRM, in words."""
    names = {p.id: p.name for p in account.people}
    deals = {d.id: d.name or d.id for d in account.deals}

    def name(pid: str | None) -> str:
        return names.get(pid or "", pid or "")

    entries: list[CorrectionEntry] = []
    for fix in sorted(account.corrections, key=lambda c: (c.at, c.id), reverse=True):
        fields = {
            "person": name(fix.person_id),
            "other": name(fix.other_id),
            "role": words.role(fix.role) if fix.role else "",
            "deal": deals.get(fix.deal_id or "", fix.deal_id or ""),
            "day": words.fmt.day(fix.on) if fix.on else "",
            "kind": words(f"fix.line.{fix.line_kind.value}") if fix.line_kind else "",
            "people": ", ".join(name(pid) for pid in fix.person_ids),
            "touch": words(f"fix.touch.{fix.touch_kind.value}") if fix.touch_kind else "",
        }
        key = f"fix.text.{fix.kind.value}" + ("_any" if fix.kind == "role_withdrawn" and not fix.role else "")
        entries.append(
            CorrectionEntry(
                id=fix.id,
                kind=fix.kind.value,
                person_id=fix.person_id or (fix.person_ids[0] if fix.person_ids else None),
                text=words(key, **fields),
                author=fix.author,
                at=fix.at.date(),
            )
        )
    conflicts: dict[str, list[str]] = defaultdict(list)
    for conflict in account.conflicts:
        source = conflict.stored_source.upper() if conflict.stored_source == "crm" else conflict.stored_source
        if conflict.kind == "reporting" and conflict.stored_manager_id:
            kind = conflict.stored_line_kind.value if conflict.stored_line_kind else "solid"
            text = words(
                "fix.conflict.reporting",
                source=source,
                other=name(conflict.stored_manager_id),
                kind=words(f"fix.line.{kind}"),
            )
        elif conflict.kind == "left":
            text = (
                words("fix.conflict.works_here", source=source)
                if conflict.stored_until is None
                else words("fix.conflict.left_on", source=source, day=words.fmt.day(conflict.stored_until))
            )
        else:
            text = words("fix.conflict.role", source=source, role=words.role(conflict.stored_value))
        conflicts[conflict.person_id].append(text)
    return entries, dict(conflicts)


def _summary_box(analysis: AccountAnalysis, words: Words) -> AccountSummaryBox:
    """The class, trend and risks with their reasons in the page's language (a result kept before
    its reasons had messages shows them on English pages only)."""
    engagement = analysis.engagement
    english = words.lang == "en"

    def reason(message: Message | None, text: str) -> str:
        return render(message, words.lang) if message is not None else (text if english else "")

    colon = "：" if words.lang == "zh-CN" else ": "
    risks = []
    for flag, label, message, text in (
        (
            engagement.usage_risk,
            "summary.usage_risk",
            engagement.usage_risk_reason_message,
            engagement.usage_risk_reason,
        ),
        (
            engagement.deal_risk,
            "summary.deal_risk",
            engagement.deal_risk_reason_message,
            engagement.deal_risk_reason,
        ),
    ):
        if flag:
            why = reason(message, text)
            risks.append(words(label) + (colon + why if why else ""))
    usage = analysis.product_usage
    return AccountSummaryBox(
        account_class=analysis.account_class.value,
        account_class_label=words(f"class.{analysis.account_class.value}"),
        reason=reason(analysis.account_class_reason_message, analysis.account_class_reason),
        trend=engagement.trend.value,
        trend_label=words.message(
            Message(key="trend.window", params={"trend": engagement.trend.value}), engagement.trend.value
        ),
        usage_risk=engagement.usage_risk,
        deal_risk=engagement.deal_risk,
        risk_text=("；" if words.lang == "zh-CN" else "; ").join(risks),
        usage_text=(
            reason(usage.explanation_message, usage.explanation) or f"{usage.active_30d} / {usage.seats}"
        )
        if usage
        else "",
    )


_CARD_MARGIN = {"top": 5, "right": 7, "bottom": 5, "left": 7}


def _with_managers(people: set[str], managers: dict[str, str]) -> set[str]:
    """The people and every manager above them, up to the top (a reporting loop is walked once)."""
    result: set[str] = set()
    for pid in people:
        node: str | None = pid
        while node is not None and node not in result:
            result.add(node)
            node = managers.get(node)
    return result


def _card_label(
    person: Person, role: BuyingRole | None, engagement: Engagement, departed: bool, words: Words
) -> str:
    """Name, title, then role and engagement: who decides reads without a hover."""
    status = words("card.left") if departed else words(f"card.{engagement}")
    lines = [_short(person.name)]
    if person.title:
        lines.append(_short(person.title))
    lines.append(f"{words.role(role)} · {status}" if role is not None else status)
    return "\n".join(lines)


def _card_font(fill: str, departed: bool) -> dict[str, Any]:
    """Card text: dark on light fills, white on dark ones (contrast), grey for people who left."""
    color = DEPARTED_INK if departed else ink_on(fill)
    return {"color": color, "size": CARD_FONT_SIZE, "strokeWidth": 0, "align": "center"}


def _dot_font(departed: bool) -> dict[str, Any] | None:
    return {"color": DEPARTED_INK} if departed else None


def ink_on(fill: str) -> str:
    """The text colour that reads best on a fill, by WCAG contrast ratio."""
    red, green, blue = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    # Contrast ratios against white and against the dark ink (luminance about 0.025): take the higher.
    return INK if (luminance + 0.05) / 0.075 > 1.05 / (luminance + 0.05) else LIGHT_INK


def _reporting_edge(
    child: str, manager: str, *, dotted: bool, words: Words | None = None, title: str | None = None
) -> MapEdge:
    return MapEdge(
        id=f"rep:{child}:{manager}" if not dotted else f"dot:{child}:{manager}",
        kind="reports_to",
        source=manager,
        to=child,
        width=1.0,
        color={"color": "#b0bec5", "highlight": "#546e7a", "hover": "#546e7a"},
        dashes=[2, 4] if dotted else False,
        smooth=False,
        title=title or ((words or Words())("edge.dotted") if dotted else None),
    )


def _rep_nodes_and_edges(
    account: AccountGraph,
    as_of: date,
    config: AnalysisConfig,
    min_x: float,
    min_y: float,
    spacing: LayoutSpacing,
    edges: list[MapEdge],
    important: set[str] | None = None,
    words: Words | None = None,
) -> list[MapNode]:
    """Our reps in a column left of the chart, with touch edges whose width is the tie's strength."""
    words = words or Words()
    people = {p.id for p in account.people}
    strengths = _touch_strengths(account, as_of, config)
    touched_reps = {rep for rep, pid in strengths if pid in people}
    owners = {d.owner_rep_id for d in account.deals if d.owner_rep_id}
    reps = sorted((r for r in account.reps if r.id in touched_reps | owners), key=lambda r: (r.name, r.id))
    column_x = min_x - 1.3 * spacing.column
    nodes = []
    for i, rep in enumerate(reps):
        team = ", ".join(t for t in (str(rep.kind) if rep.kind else None, rep.team) if t)
        nodes.append(
            MapNode(
                id=f"rep:{rep.id}",
                kind="rep",
                label=_short(rep.name),
                x=column_x,
                y=min_y + i * spacing.packed_row * 0.7,
                size=16.0,
                shape="box",
                color=_node_color(REP_COLOR, REP_COLOR),
                font={"color": LIGHT_INK, "strokeWidth": 0, "size": CARD_FONT_SIZE},
                margin=_CARD_MARGIN,
                widthConstraint={"maximum": CARD_WIDTH},
                info=PersonInfo(name=rep.name, title=words("rep.title") + (f": {team}" if team else "")),
            )
        )
    # One edge per person, from the rep with the strongest tie: all ties at once hide the org chart.
    best: dict[str, tuple[str, float, int, date, int]] = {}
    for (rep_id, pid), tie in sorted(strengths.items()):
        strength, count, last = tie.strength, tie.touches, tie.last
        if pid not in people:
            continue
        ties = best[pid][4] + 1 if pid in best else 1
        if pid not in best or strength > best[pid][1]:
            best[pid] = (rep_id, strength, count, last, ties)
        else:
            best[pid] = (*best[pid][:4], ties)
    for pid, (rep_id, strength, count, last, ties) in sorted(best.items()):
        others = words("edge.more_reps", count=ties - 1) if ties > 1 else ""
        edges.append(
            MapEdge(
                id=f"touch:{rep_id}:{pid}",
                kind="touch",
                source=f"rep:{rep_id}",
                to=pid,
                width=round(0.5 + 7.5 * strength, 2),
                color={"color": "#5d6d7e", "opacity": 0.3, "highlight": "#2c3e50", "hover": "#2c3e50"},
                smooth=False,
                important=pid in important if important is not None else True,
                title=words(
                    "edge.strength",
                    strength=f"{strength:.2f}",
                    count=count,
                    plural="es" if count != 1 else "",
                    day=last.isoformat(),
                )
                + others,
            )
        )
    return nodes


def _deal_panel(
    deal: DealAnalysis,
    people: dict[str, Person],
    departed: dict[str, date],
    positions: dict[str, tuple[float, float]],
    right_edge: float,
    spacing: LayoutSpacing,
    config: AnalysisConfig,
    engagement_of: dict[str, Engagement],
    words: Words,
) -> DealPanel:
    def name_of(pid: str) -> str:
        person = people.get(pid)
        return person.name if person else pid

    committee = [
        CommitteeEntry(
            person_id=pid,
            name=name_of(pid),
            title=people[pid].title if pid in people else None,
            roles=[words.role(r) for r in roles],
            engaged=pid in deal.engaged,
            departed=pid in departed,
        )
        for pid, roles in sorted(deal.committee.items(), key=lambda item: name_of(item[0]))
    ]
    roles = {pid: _primary_role(r, config) for pid, r in deal.committee.items()}
    colors = {pid: _person_fill(role, pid in departed) for pid, role in roles.items() if role is not None}
    placeholders, placeholder_edges = _placeholders(deal, positions, right_edge, spacing, words)
    labels = {
        pid: _card_label(people[pid], role, engagement_of.get(pid, Engagement.NEVER), pid in departed, words)
        for pid, role in roles.items()
        if pid in people
    }
    fonts = {pid: _card_font(colors[pid], pid in departed)["color"] for pid in labels if pid in colors}
    candidates = [pid for gap in deal.gaps for pid in gap.people[:1] if pid in positions]
    focus = [pid for pid in deal.committee if pid in positions] + candidates + [n.id for n in placeholders]
    return DealPanel(
        id=deal.deal_id,
        name=deal.name or deal.deal_id,
        stage=deal.stage,
        amount=deal.amount,
        currency=deal.currency,
        expected_close=deal.expected_close,
        template=template_name(deal.template, words.lang),
        required_roles=[words.role(r) for r in deal.required_roles],
        coverage=round(deal.coverage.score, 3),
        coverage_text=words.message(deal.coverage.explanation_message, deal.coverage.explanation),
        committee=committee,
        gaps=[_gap_entry(g, name_of, words) for g in _sorted_gaps(deal.gaps)],
        suggested=[
            SuggestedEntry(
                person_id=m.person_id,
                name=name_of(m.person_id),
                role=words.role(m.role),
                confidence=m.confidence,
                evidence=" ".join(words.message(e, e.key) for e in m.evidence_messages) or m.evidence,
            )
            for m in deal.suggested_members
        ],
        colors=colors,
        roles={pid: str(role) for pid, role in roles.items() if role is not None},
        placeholders=placeholders,
        placeholder_edges=placeholder_edges,
        labels=labels,
        fonts=fonts,
        focus=list(dict.fromkeys(focus)),
    )


def _with_win(panel: DealPanel, win: Mapping[str, Any] | None, words: Words) -> DealPanel:
    """The panel with the deal's win likelihood and its factors (KeptWinFactor) in `words`' language."""
    if not win or win.get("win_likelihood") is None:
        return panel
    factors = [
        words.message(f.message, f.text) for f in list(win.get("win_factors") or [])[:WIN_FACTORS_SHOWN]
    ]
    return panel.model_copy(
        update={
            "win_likelihood": float(win["win_likelihood"]),
            "win_model": win.get("win_model"),
            "win_factors": factors,
        }
    )


_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _sorted_gaps(gaps: list[Gap]) -> list[Gap]:
    return sorted(gaps, key=lambda g: (_SEVERITY_ORDER.get(str(g.severity), 3), str(g.kind)))


def _gap_entry(gap: Gap, name_of: Any, words: Words) -> GapEntry:
    names = [name_of(pid) for pid in ([gap.person_id] if gap.person_id else []) + gap.people]
    return GapEntry(
        kind=str(gap.kind),
        severity=str(gap.severity),
        role=words.role(gap.role) if gap.role else None,
        detail=words.message(gap.detail_message, gap.detail),
        next_step=words.message(gap.next_step_message, gap.next_step),
        people=list(dict.fromkeys(names)),
    )


def _placeholders(
    deal: DealAnalysis,
    positions: dict[str, tuple[float, float]],
    right_edge: float,
    spacing: LayoutSpacing,
    words: Words,
) -> tuple[list[MapNode], list[MapEdge]]:
    """A dashed box per missing role, beside its likeliest candidate, tied to every candidate."""
    nodes: list[MapNode] = []
    edges: list[MapEdge] = []
    beside: dict[str, int] = defaultdict(int)
    unplaced = 0
    for gap in deal.gaps:
        if gap.kind != GapKind.MISSING_ROLE or gap.role is None:
            continue
        node_id = f"gap:{deal.deal_id}:{gap.role}"
        candidates = [pid for pid in gap.people if pid in positions]
        color = ROLE_COLORS[gap.role]
        if candidates:
            anchor = candidates[0]
            x, y = positions[anchor]
            x += spacing.column * 0.55
            y -= spacing.packed_row * (1.0 + beside[anchor])
            beside[anchor] += 1
        else:
            x = right_edge + 1.5 * spacing.column
            y = unplaced * spacing.packed_row * 1.8
            unplaced += 1
        nodes.append(
            MapNode(
                id=node_id,
                kind="placeholder",
                label=words("placeholder.label", role=role_name(gap.role, words.lang)),
                x=x,
                y=y,
                shape="box",
                color=_node_color("#ffffff", color),
                borderWidth=2.0,
                shapeProperties={"borderDashes": [6, 4]},
                font={"color": color, "size": CARD_FONT_SIZE},
                margin=_CARD_MARGIN,
                widthConstraint={"maximum": CARD_WIDTH},
                role=gap.role,
                deal_id=deal.deal_id,
                info=PersonInfo(
                    name=words("placeholder.name", role=role_name(gap.role, words.lang)),
                    title=words.message(gap.detail_message, gap.detail),
                    explanation=words.message(gap.next_step_message, gap.next_step),
                ),
            )
        )
        for rank, pid in enumerate(candidates):
            edges.append(
                MapEdge(
                    id=f"cand:{deal.deal_id}:{gap.role}:{pid}",
                    kind="candidate",
                    source=node_id,
                    to=pid,
                    width=2.0 if rank == 0 else 1.0,
                    color={"color": color, "opacity": 0.8},
                    dashes=[6, 4],
                    title=words("placeholder.candidate", rank=rank + 1, role=role_name(gap.role, words.lang)),
                    deal_id=deal.deal_id,
                )
            )
    return nodes, edges


def _legend(config: AnalysisConfig, words: Words) -> Legend:
    roles = [LegendItem(label=words.role(r), color=c) for r, c in ROLE_COLORS.items()]
    roles.append(LegendItem(label=words("legend.no_role"), color=NO_ROLE_COLOR))
    engagement = [
        LegendItem(
            label=words(f"engagement.{state}", days=config.engaged_days),
            color="#ffffff",
            border=border,
            border_width=width,
        )
        for state, (border, width) in ENGAGEMENT_BORDERS.items()
    ]
    other = [
        LegendItem(
            label=words("legend.rep"),
            color=REP_COLOR,
            shape="box",
        ),
        LegendItem(
            label=words("legend.missing"),
            color="#ffffff",
            border="#7f8c8d",
            shape="box",
            dashed=True,
            border_width=2,
        ),
        LegendItem(label=words("legend.left"), color=DEPARTED_FILL, border=DEPARTED_BORDER),
        LegendItem(label=words("legend.path"), color=PATH_COLOR, shape="line"),
        LegendItem(label=words("legend.size"), color=NO_ROLE_COLOR),
    ]
    return Legend(roles=roles, engagement=engagement, other=other)


def _vis_options(large: bool) -> dict[str, Any]:
    """Positions come from the server, so physics stays off; big maps also drop curves and hover work."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "hierarchical": {"enabled": False}},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            # Semantic zoom: vis-network skips a label under (drawThreshold - 1) px on screen and fades
            # it in up to drawThreshold px.
            "scaling": {"label": {"drawThreshold": READABLE_PX}},
        },
        "edges": {
            "smooth": False
            if large
            else {"enabled": True, "type": "cubicBezier", "forceDirection": "vertical", "roundness": 0.45},
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
        },
    }
