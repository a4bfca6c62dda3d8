"""Ground truth of one generated account, computed from the clean world as the output format shows it.

The truth is not a list of what was planted: every gap is recomputed from the generated records with the
definitions of issue 5, on the *view* of the world that the chosen format can express (Salesforce has
no inbound behaviour, no KNOWS, no employment history and no source per committee role). Duplicate
people, duplicate companies and broken rows are part of the files but never of this clean view.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from ingest.synthetic.world import (
    ENGAGED_DAYS,
    EXECUTIVE_MIN_AMOUNT,
    HISTORY_DAYS,
    LEAD_MODEL,
    LEAD_WINDOW_DAYS,
    NO_SIGNAL_CONVERSION_RATE,
    NO_SIGNAL_WIN_RATE,
    OUTCOME_FEATURES,
    OUTCOME_MODEL,
    RANK,
    SOLE_ROLES,
    TEMPLATE_STEPS,
    Account,
    WorldBuilder,
    required_roles,
)

KEY_PEOPLE_COUNT = {"small": 3, "mid": 5, "large": 8}
INBOUND = frozenset({"webinar", "content_download", "web_visit", "product_usage", "video_view"})


def parameters(as_of: str, outcome_signal: str = "planted") -> dict[str, Any]:
    """Every parameter the truth assumes; analyses must use the same to compare."""
    return {
        "as_of": as_of,
        "engaged_days": ENGAGED_DAYS,
        "engaged_rule": "a touch WITH the person whose date d satisfies as_of - engaged_days <= d <= as_of; "
        "no touch is generated within 2 days of that boundary or on as_of itself",
        "history_days": HISTORY_DAYS,
        "committee_templates": [{"min_amount": t, "adds": list(r)} for t, r in TEMPLATE_STEPS],
        "template_amount": "deal amount in USD: the file's amount times the default rate of its currency "
        "(graph/analyses/config.py); a step applies when amount >= min_amount",
        "executive_min_amount": EXECUTIVE_MIN_AMOUNT,
        "executive_seniorities": ["c_level", "vp"],
        "superior_levels": 2,
        "superior_min_seniority": "director",
        "reporting_tree": "current solid lines only (until empty, kind solid) = people.reports_to_id",
        "sole_roles": list(SOLE_ROLES),
        "outcome_model": OUTCOME_MODEL,
        "outcome_signal": outcome_signal,
        # The true effects (log-odds per unit) of the features of graph/analyses/win_model.py, as of each
        # closed deal's close date; empty when nothing predicts the outcome.
        "outcome_effects": (
            {OUTCOME_FEATURES[k]: v for k, v in OUTCOME_MODEL.items() if k in OUTCOME_FEATURES}
            if outcome_signal == "planted"
            else {}
        ),
        "outcome_win_rate_without_signal": NO_SIGNAL_WIN_RATE if outcome_signal == "none" else None,
        "lead_conversion": {
            "who": "current people on no deal's committee (not the assistant): people.csv lead_status is "
            "Converted or Open (native format only; empty for everyone else); a converted lead's "
            "converted_on is as_of, the day after the window that decided it",
            "window_days": LEAD_WINDOW_DAYS,
            "converted_on": "as_of",
            "behaviours": "touches WITH the person dated within window_days before as_of (offsets "
            "1..window): demo_minutes (duration of demos attended, in minutes), pages_viewed (web_visit), "
            "content_downloaded, webinars, meetings (meeting or visit); the lead score's other behaviours "
            "(videos, inbound e-mails, product usage) have no effect",
            "model": "logit P(Converted) = intercept + sum of weight * behaviour"
            if outcome_signal == "planted"
            else "P(Converted) = conversion_rate_without_signal for every lead",
            "intercept": LEAD_MODEL["intercept"] if outcome_signal == "planted" else None,
            # The true effects (log-odds per unit of each behaviour); empty when nothing predicts it.
            "weights": {k: v for k, v in LEAD_MODEL.items() if k != "intercept"}
            if outcome_signal == "planted"
            else {},
            "conversion_rate_without_signal": NO_SIGNAL_CONVERSION_RATE if outcome_signal == "none" else None,
        },
    }


@dataclass(slots=True)
class View:
    """The clean world of one account as one format expresses it, keyed by person index."""

    mgr: dict[int, int]
    seniority: dict[int, str]
    departed: set[int]
    committee: list[tuple[int, int, str, str]]
    last_off: dict[int, int]
    by_rep: dict[int, dict[str, int]]
    knows: list[tuple[int, int]]


def make_view(acc: Account, salesforce: bool) -> View:
    people = acc.people
    departed = set() if salesforce else {p.i for p in people if p.leave is not None}
    mgr = {}
    for p in people:
        if p.mgr >= 0 and (salesforce or p.leave is None):
            mgr[p.i] = p.mgr
    committee = [
        (j, i, role, src) for j, i, role, src, _, _ in acc.committee if not salesforce or src == "crm"
    ]
    last_off: dict[int, int] = {}
    by_rep: dict[int, dict[str, int]] = {}
    for off, _, kind, who, rep, _, _, _ in acc.touches:
        if salesforce and kind in INBOUND:
            continue
        for i in who:
            if off < last_off.get(i, 1 << 30):
                last_off[i] = off
            if rep is not None:
                counts = by_rep.setdefault(i, {})
                counts[rep] = counts.get(rep, 0) + 1
    knows = [] if salesforce else [(x, y) for x, y, _, _ in acc.knows]
    return View(mgr, {p.i: p.seniority for p in people}, departed, committee, last_off, by_rep, knows)


def deal_gaps(
    amount: float, rows: list[tuple[int, str, str]], view: View
) -> set[tuple[str, str | None, int | None]]:
    """All gaps of one open deal by the definitions of issue 5; rows are (person, role, source)."""
    required = required_roles(amount)
    holders: dict[str, set[int]] = {}
    roles_by_source: dict[int, dict[str, set[str]]] = {}
    for i, role, src in rows:
        holders.setdefault(role, set()).add(i)
        roles_by_source.setdefault(i, {}).setdefault(src, set()).add(role)
    members = set(roles_by_source)
    engaged = {i for i in members if view.last_off.get(i, 1 << 30) <= ENGAGED_DAYS}
    gaps: set[tuple[str, str | None, int | None]] = set()
    for role in required:
        if not holders.get(role):
            gaps.add(("missing_role", role, None))
        elif not holders[role] & engaged:
            gaps.add(("stale_role", role, None))
    if len(engaged) < 2:
        gaps.add(("single_threaded", None, None))
    if amount >= EXECUTIVE_MIN_AMOUNT and not any(RANK[view.seniority[i]] <= 1 for i in engaged):
        gaps.add(("no_executive", None, None))
    for i in engaged:
        up = view.mgr.get(i, -1)
        for _ in range(2):
            if up < 0:
                break
            if RANK[view.seniority[up]] <= 2 and up not in view.last_off:
                gaps.add(("unengaged_superior", None, up))
            up = view.mgr.get(up, -1)
    for i in members & view.departed:
        gaps.add(("departed_member", None, i))
    for i, per_source in roles_by_source.items():
        if len({frozenset(r) for r in per_source.values()}) > 1:
            gaps.add(("role_conflict", None, i))
    for role in SOLE_ROLES:
        if len(holders.get(role, ())) > 1:
            gaps.add(("role_conflict", role, None))
    return gaps


def key_people(acc: Account, view: View) -> list[int]:
    """The true top decision-makers: most senior first, then the largest part of the tree below them."""
    people = [p for p in acc.people if p.i not in view.departed]
    below: dict[int, int] = {}
    for p in reversed(people):  # children always come after their manager
        below[p.i] = sum(1 + below.get(c, 0) for c in p.children)
    ranked = sorted(
        (p for p in people if p.i != acc.assistant), key=lambda q: (RANK[q.seniority], -below[q.i], q.i)
    )
    k = KEY_PEOPLE_COUNT[acc.profile.size_class]
    execs = [p.i for p in ranked if RANK[p.seniority] <= 1]
    if len(execs) >= 2:
        return execs[:k]
    return [p.i for p in ranked if RANK[p.seniority] <= 2][:k]


def warm_path(acc: Account, view: View) -> dict[str, Any] | None:
    """A shortest chain from a person our reps touched to the planted, never-touched executive."""
    target = acc.warm_target
    if target < 0 or target in view.last_off:
        return None
    adj: dict[int, set[int]] = {}
    kinds: dict[tuple[int, int], str] = {}
    for x, y in view.knows:
        if x in view.departed or y in view.departed:
            continue
        adj.setdefault(x, set()).add(y)
        adj.setdefault(y, set()).add(x)
        kinds[(min(x, y), max(x, y))] = "knows"
    for x, m in view.mgr.items():
        adj.setdefault(x, set()).add(m)
        adj.setdefault(m, set()).add(x)
        kinds[(min(x, m), max(x, m))] = "reports_to"
    dist = {target: 0}
    sigma = {target: 1}
    parent: dict[int, int] = {}
    queue = deque([target])
    found: list[int] = []
    while queue:
        u = queue.popleft()
        if found and dist[u] >= dist[found[0]]:
            break
        for v in sorted(adj.get(u, ())):
            if v not in dist:
                dist[v] = dist[u] + 1
                sigma[v] = 0
                parent[v] = u
                queue.append(v)
                if v in view.by_rep:
                    found.append(v)
            if dist[v] == dist[u] + 1:
                sigma[v] += sigma[u]
    if not found:
        return None
    start = min(found)
    path = [start]
    while path[-1] != target:
        path.append(parent[path[-1]])
    reps = view.by_rep[start]
    rep = min(reps, key=lambda r: (-reps[r], r))
    return {
        "target_id": acc.people[target].id,
        "rep_id": rep,
        "path": [acc.people[i].id for i in path],
        "edges": [kinds[(min(x, y), max(x, y))] for x, y in zip(path, path[1:], strict=False)],
        "hops": len(path) - 1,
        "shortest_paths": sum(sigma[v] for v in found),
    }


def account_truth(
    acc: Account, builder: WorldBuilder, salesforce: bool, broken_rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The accounts.jsonl line of one account."""
    view = make_view(acc, salesforce)
    pid = [p.id for p in acc.people]
    open_deals = []
    closed = []
    for d in acc.deals:
        if d.status != "open":
            closed.append({"deal_id": d.id, "status": d.status, "amount": d.amount, **d.features})
            continue
        rows = [(i, role, src) for j, i, role, src in view.committee if j == d.j]
        gaps = deal_gaps(d.amount, rows, view)
        open_deals.append(
            {
                "deal_id": d.id,
                "amount": d.amount,
                "required_roles": list(required_roles(d.amount)),
                "planted": sorted(set(d.planted)),
                "gaps": [
                    {"kind": k, "role": r, "person_id": None if i is None else pid[i]}
                    for k, r, i in sorted(
                        gaps, key=lambda g: (g[0], g[1] or "", g[2] if g[2] is not None else -1)
                    )
                ],
            }
        )
    keys = key_people(acc, view)
    job_changes: list[dict[str, Any]] = []
    for p in acc.people:
        if p.leave is None:
            continue
        if salesforce:
            if p.new_company:
                job_changes.append(
                    {
                        "person_id": p.id,
                        "new_person_id": builder.ids.person(acc.index, p.new_local),
                        "from_company_id": acc.company_id,
                        "to_company_id": p.new_company,
                    }
                )
        else:
            job_changes.append(
                {
                    "person_id": p.id,
                    "from_company_id": acc.company_id,
                    "to_company_id": p.new_company,
                    "left_on": builder.day(p.leave).isoformat(),
                    "joined_on": builder.day(p.new_since).isoformat() if p.new_company else None,
                }
            )
    return {
        "account_id": acc.company_id,
        "index": acc.index,
        "name": acc.profile.name,
        "language": acc.profile.lang,
        "size_class": acc.profile.size_class,
        "people": len(acc.people),
        "key_people": [pid[i] for i in keys],
        "volume_decoys": [pid[acc.assistant]] if acc.assistant >= 0 else [],
        "open_deals": open_deals,
        "closed_deals": closed,
        # Leads and their conversion (native format only; see parameters.lead_conversion).
        "leads": []
        if salesforce
        else [
            {
                "person_id": p.id,
                "converted": p.lead_status == "Converted",
                "converted_on": None if p.converted_off is None else builder.day(p.converted_off).isoformat(),
                **p.lead_behaviour,
            }
            for p in acc.people
            if p.lead_status
        ],
        "warm_path": warm_path(acc, view),
        # A held-out product that an open deal already offers is being sold: never a cross-sell lead.
        "cross_sell": [
            {"product_id": builder.products[pr].id, "bundle": b}
            for pr, b in acc.held_out
            if not any(d.status == "open" and pr in d.products for d in acc.deals)
        ],
        "duplicates": [{"id": d.id, "canonical_id": pid[c], "how": how} for d, c, how in acc.duplicates],
        "company_duplicates": [
            {"id": cid, "canonical_id": acc.company_id, "name": name} for cid, name, _ in acc.company_dups
        ],
        "job_changes": job_changes,
        "broken_rows": broken_rows,
    }
