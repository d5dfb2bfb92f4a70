"""The workflow drawn as a server-side SVG: states as boxes, transitions as arrows coloured by who fires them."""

from dataclasses import dataclass

from grants.states import State
from grants.workflow import APPLICANT, OPERATOR, STAFF, SYSTEM, graph

# (column, row) of each state: the main road goes left to right on row 1, then down after the award.
LAYOUT = {
    State.DRAFT: (0, 1), State.SUBMITTED: (1, 1), State.CORRECTIONS_REQUESTED: (1, 0),
    State.ADMISSIBLE: (2, 1), State.INADMISSIBLE: (2, 2), State.WITHDRAWN: (1, 3),
    State.UNDER_REVIEW: (3, 1), State.READY_FOR_COMMITTEE: (4, 1), State.DEFERRED: (4, 0),
    State.AWARDED: (5, 1), State.REJECTED: (5, 0), State.AGREEMENT_SIGNED: (5, 2),
    State.IN_PROGRESS: (5, 3), State.CLOSED: (4, 3),
}
BOX_W, BOX_H, COL, ROW, MARGIN = 136, 46, 172, 96, 16
ACTOR_COLOURS = {STAFF: "#1f4e79", APPLICANT: "#b35c00", OPERATOR: "#2e7d32", SYSTEM: "#6b6b6b"}


@dataclass
class Box:
    state: str
    label: str
    x: float
    y: float


@dataclass
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    kind: str
    title: str


def _centre(state):
    col, row = LAYOUT.get(state, (0, 4))
    return MARGIN + col * COL + BOX_W / 2, MARGIN + row * ROW + BOX_H / 2


def _to_edge(cx, cy, towards_x, towards_y):
    """Where the line from a box's centre towards a point leaves the box."""
    dx, dy = towards_x - cx, towards_y - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((BOX_W / 2) / abs(dx) if dx else float("inf"), (BOX_H / 2) / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def diagram():
    """Boxes, arrows and the drawing's size for templates/reviews/includes/workflow_svg.html."""
    boxes = [Box(state, str(State(state).label), *(c - d for c, d in zip(_centre(state), (BOX_W / 2, BOX_H / 2), strict=True))) for state in LAYOUT]
    arrows = []
    for source, target, spec in graph():
        (sx, sy), (tx, ty) = _centre(source), _centre(target)
        x1, y1 = _to_edge(sx, sy, tx, ty)
        x2, y2 = _to_edge(tx, ty, sx, sy)
        actor = next((kind for kind in (STAFF, APPLICANT, OPERATOR, SYSTEM) if kind in spec.actors), STAFF)
        arrows.append(Arrow(x1, y1, x2, y2, ACTOR_COLOURS[actor], actor, f"{spec.label} : {State(source).label} → {State(target).label}"))
    width = MARGIN * 2 + max(c for c, _r in LAYOUT.values()) * COL + BOX_W
    height = MARGIN * 2 + max(r for _c, r in LAYOUT.values()) * ROW + BOX_H
    return {"boxes": boxes, "arrows": arrows, "width": width, "height": height, "box_w": BOX_W, "box_h": BOX_H, "colours": ACTOR_COLOURS}
