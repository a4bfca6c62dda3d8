"""A tidy top-down org-chart layout, computed in Python so that large maps need no browser physics.

vis-network's physics is O(n²) and never settles calmly on a 2,000-person account; an org chart has a
natural shape anyway. Every manager sits centred above the span of their reports; a manager with many
reports who manage nobody gets those reports packed into a few columns below them, so that a team of
forty does not stretch the chart forty slots wide. People outside any reporting line are packed into a
grid to the right of the trees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = ["Layout", "LayoutSpacing", "break_cycles", "department_layout", "tidy_tree_layout"]

NodeId = TypeVar("NodeId", bound=Hashable)


@dataclass(frozen=True, slots=True)
class LayoutSpacing:
    """Distances in screen pixels at zoom 1."""

    #: Horizontal distance between neighbouring slots.
    column: float = 170.0
    #: Vertical distance between reporting levels.
    level: float = 170.0
    #: Vertical distance between rows of packed reports.
    packed_row: float = 75.0
    #: Reports that manage nobody are packed into columns once a manager has more than this many.
    pack_above: int = 3
    #: At most this many columns of packed reports.
    packed_columns: int = 4
    #: Sideways step (in columns) per level inside an indented team list.
    indent: float = 0.45
    #: The width:height ratio the layout aims at (about a screen's).
    aspect: float = 1.7
    #: A chart up to this wide (in pixels) keeps the classic all-sideways shape.
    fits_width: float = 2400.0


@dataclass(frozen=True, slots=True)
class Layout:
    """Positions by node id, and the bounding box of the whole chart."""

    positions: dict[str, tuple[float, float]]
    min_x: float
    max_x: float
    min_y: float
    max_y: float
    #: For department layouts: each department's block as (min_x, min_y, max_x, max_y).
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


def break_cycles(parent: Mapping[str, str], order: Iterable[str]) -> dict[str, str]:
    """A copy of the child -> parent map with every reporting cycle cut (the data can hold loops).

    Walking up from each node in `order`, the edge that would close a loop is dropped, so the result is
    a forest and the outcome depends only on the order given.
    """
    result = dict(parent)
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    for start in order:
        walk: list[str] = []
        node: str | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            walk.append(node)
            up = result.get(node)
            if up is not None and state.get(up) == 1:
                del result[node]  # node -> up closes a loop
                up = None
            node = up
        for visited in walk:
            state[visited] = 2
    return result


def tidy_tree_layout(
    nodes: Iterable[str],
    parent: Mapping[str, str],
    *,
    sort_key: Callable[[str], tuple[object, ...]],
    spacing: LayoutSpacing | None = None,
) -> Layout:
    """Top-down positions for a forest given as child -> parent; y grows downwards.

    The top levels spread sideways like a classic org chart; from some depth on, teams are listed
    downwards with an indent instead, so that a broad 2,000-person org stays about as wide as a screen
    is (the depth is chosen to bring the chart's shape closest to `spacing.aspect`).

    >>> layout = tidy_tree_layout(["ceo", "cfo", "cto"], {"cfo": "ceo", "cto": "ceo"}, sort_key=str.split)
    >>> layout.positions["ceo"][1] < layout.positions["cfo"][1]
    True
    """
    spacing = spacing or LayoutSpacing()
    node_list = sorted(set(nodes), key=sort_key)
    present = set(node_list)
    tree = break_cycles({c: p for c, p in parent.items() if c in present and p in present}, node_list)
    forest = _Forest(node_list, tree)
    deepest = max(forest.depth.values(), default=0)
    best: tuple[float, dict[str, tuple[float, float]]] | None = None
    # Horizontal down to depth `stack_from`, then indented lists; try from "all horizontal" upwards.
    for stack_from in range(deepest + 1, 0, -1):
        slots = _place_forest(forest, stack_from, spacing)
        positions = {n: (c * spacing.column, lvl * spacing.level) for n, (c, lvl) in slots.items()}
        misfit = _misfit(positions, spacing)
        if best is None or misfit < best[0] - 1e-9:
            best = (misfit, positions)
        if misfit <= 0.0:
            break
    positions = best[1] if best else {}
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    return Layout(positions, min(xs), max(xs), min(ys), max(ys))


class _Forest:
    """Children lists (in sort order), roots and depths of a child -> parent forest."""

    def __init__(self, node_list: list[str], tree: Mapping[str, str]) -> None:
        self.children: dict[str, list[str]] = {n: [] for n in node_list}
        for child in node_list:
            up = tree.get(child)
            if up is not None:
                self.children[up].append(child)
        self.roots = [n for n in node_list if n not in tree]
        self.depth: dict[str, int] = {}
        self.order: list[str] = []  # parents before children
        stack = [(r, 0) for r in reversed(self.roots)]
        while stack:
            node, d = stack.pop()
            self.depth[node] = d
            self.order.append(node)
            stack.extend((k, d + 1) for k in reversed(self.children[node]))
        self.height: dict[str, int] = {}  # levels below a node
        self.size: dict[str, int] = {}
        for node in reversed(self.order):
            kids = self.children[node]
            self.height[node] = 1 + max((self.height[k] for k in kids), default=-1)
            self.size[node] = 1 + sum(self.size[k] for k in kids)


def _misfit(positions: Mapping[str, tuple[float, float]], spacing: LayoutSpacing) -> float:
    """How far the chart's shape is from the wanted width:height ratio; small charts always fit."""
    if not positions:
        return 0.0
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    width = max(xs) - min(xs) + spacing.column
    height = max(ys) - min(ys) + spacing.level
    if width <= spacing.fits_width:
        return 0.0
    return abs(math.log(width / height / spacing.aspect))


def _place_forest(forest: _Forest, stack_from: int, spacing: LayoutSpacing) -> dict[str, tuple[float, float]]:
    """(column, level) slots: trees side by side, lone people in a grid on the right."""
    children = forest.children
    row_step = spacing.packed_row / spacing.level
    width: dict[str, float] = {}
    packed: dict[str, list[str]] = {}
    for node in reversed(forest.order):
        kids = children[node]
        if forest.depth[node] >= stack_from:
            width[node] = 1.0 + spacing.indent * forest.height[node]
            continue
        if not kids:
            width[node] = 1.0
            continue
        leaves = [k for k in kids if not children[k]]
        if len(leaves) > spacing.pack_above:
            packed[node] = leaves
            span = _packed_columns(len(leaves), spacing) + sum(width[k] for k in kids if children[k])
        else:
            span = sum(width[k] for k in kids)
        width[node] = max(1.0, span)

    trees = sorted((r for r in forest.roots if children[r]), key=lambda r: -width[r])
    singles = [r for r in forest.roots if not children[r]]
    placed: list[dict[str, tuple[float, float]]] = []
    for root in trees:
        tree_slots: dict[str, tuple[float, float]] = {}
        stack: list[tuple[str, float, float]] = [(root, 0.0, 0.0)]
        while stack:
            node, start, level = stack.pop()
            if forest.depth[node] >= stack_from:
                _place_list(node, start, level, children, spacing, row_step, tree_slots)
                continue
            tree_slots[node] = (start + width[node] / 2, level)
            kids = children[node]
            offset = start
            leaves = packed.get(node, [])
            if leaves:
                cols = _packed_columns(len(leaves), spacing)
                inner = [k for k in kids if children[k]]
                offset += max(0.0, (width[node] - cols - sum(width[k] for k in inner)) / 2)
                for i, leaf in enumerate(leaves):
                    tree_slots[leaf] = (offset + i % cols + 0.5, level + 1 + (i // cols) * row_step)
                offset += cols
                kids = inner
            else:
                offset += max(0.0, (width[node] - sum(width[k] for k in kids)) / 2)
            for kid in kids:
                stack.append((kid, offset, level + 1))
                offset += width[kid]
        placed.append(tree_slots)
    if singles:
        cols = max(1, math.ceil(math.sqrt(len(singles) * 2)))
        placed.append({n: (i % cols + 0.5, (i // cols) * row_step) for i, n in enumerate(singles)})
    return _shelve(placed, spacing)


def _shelve(
    blocks: list[dict[str, tuple[float, float]]], spacing: LayoutSpacing
) -> dict[str, tuple[float, float]]:
    """Put blocks of (column, level) slots side by side, wrapping into rows so the whole is screen-shaped."""
    extents = []
    for block in blocks:
        cols = [c for c, _ in block.values()]
        levels = [lvl for _, lvl in block.values()]
        extents.append((min(cols), max(cols) + 1.0, min(levels), max(levels) + 1.0))
    # Slots are in (column, level) units; compare shapes in pixels.
    ratio = spacing.level / spacing.column
    area = sum((x1 - x0 + 1.0) * (y1 - y0 + 1.0) * ratio for x0, x1, y0, y1 in extents)
    widest = max((x1 - x0 for x0, x1, _, _ in extents), default=1.0)
    row_width = max(widest, math.sqrt(area * spacing.aspect), spacing.fits_width / spacing.column)
    slots: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for block, (x0, x1, y0, y1) in zip(blocks, extents, strict=True):
        if x > 0 and x + (x1 - x0) > row_width:
            x, y, row_height = 0.0, y + row_height + 0.6, 0.0
        for node, (c, lvl) in block.items():
            slots[node] = (x + c - x0, y + lvl - y0)
        x += x1 - x0 + 1.0
        row_height = max(row_height, y1 - y0)
    return slots


def _packed_columns(leaves: int, spacing: LayoutSpacing) -> int:
    """Columns for a block of reports who manage nobody: a squarish block, at most `packed_columns`."""
    return max(1, min(spacing.packed_columns, math.ceil(math.sqrt(leaves))))


def _place_list(
    root: str,
    left: float,
    level: float,
    children: Mapping[str, list[str]],
    spacing: LayoutSpacing,
    row_step: float,
    slots: dict[str, tuple[float, float]],
) -> None:
    """An indented list: each report one row further down, one indent further right."""
    row = 0
    stack = [(root, 0)]
    while stack:
        node, indent = stack.pop()
        slots[node] = (left + 0.5 + indent * spacing.indent, level + row * row_step)
        row += 1
        stack.extend((k, indent + 1) for k in reversed(children[node]))


def department_layout(
    nodes: Iterable[str],
    parent: Mapping[str, str],
    *,
    department: Mapping[str, str],
    top: Iterable[str],
    sort_key: Callable[[str], tuple[object, ...]],
    spacing: LayoutSpacing | None = None,
    head_spacing: LayoutSpacing | None = None,
) -> Layout:
    """For large accounts: the `top` people (and their managers up the line) as an org chart on top,
    and below it every department as its own compact org chart, the blocks packed in rows.

    A broad 2,000-person org is hundreds of slots wide as one tree; split by department, each block is
    a readable chart and the whole stays about a screen's shape. Department clusters then sit exactly
    on their block.
    """
    spacing = spacing or LayoutSpacing()
    node_set = set(nodes)
    head: set[str] = set()
    for person in top:
        node: str | None = person
        while node is not None and node in node_set and node not in head:
            head.add(node)
            node = parent.get(node)
    positions: dict[str, tuple[float, float]] = {}
    # The head is drawn as cards, bigger than the dots in the blocks: it may be spaced wider.
    head_spacing = head_spacing or spacing
    head_layout = tidy_tree_layout(head, parent, sort_key=sort_key, spacing=head_spacing)
    positions.update(head_layout.positions)

    groups: dict[str, list[str]] = {}
    for node in sorted(node_set - head, key=sort_key):
        groups.setdefault(department.get(node, ""), []).append(node)
    blocks = [
        (name, tidy_tree_layout(members, parent, sort_key=sort_key, spacing=spacing))
        for name, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    gap_x, gap_y = spacing.column * 1.5, spacing.level * 1.2
    area = sum((b.max_x - b.min_x + gap_x) * (b.max_y - b.min_y + gap_y) for _, b in blocks)
    row_width = max(head_layout.max_x - head_layout.min_x, math.sqrt(area * spacing.aspect))
    x = 0.0
    y = (head_layout.max_y + gap_y * 1.5 * head_spacing.level / spacing.level) if head else 0.0
    row_height = 0.0
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for name, block in blocks:
        width, height = block.max_x - block.min_x, block.max_y - block.min_y
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + gap_y, 0.0
        for node, (bx, by) in block.positions.items():
            positions[node] = (x + bx - block.min_x, y + by - block.min_y)
        boxes[name] = (x, y, x + width, y + height)
        x += width + gap_x
        row_height = max(row_height, height)
    # Centre the head chart over the blocks.
    if head:
        blocks_width = max((p[0] for n, p in positions.items() if n not in head), default=0.0)
        shift = max(0.0, (blocks_width - (head_layout.max_x - head_layout.min_x)) / 2) - head_layout.min_x
        for node in head:
            hx, hy = positions[node]
            positions[node] = (hx + shift, hy)
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    return Layout(positions, min(xs), max(xs), min(ys), max(ys), boxes)
