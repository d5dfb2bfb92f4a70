"""Every declared state machine drawn as a server-side SVG: states as boxes, moves as arrows coloured by who fires them.

The drawing is decoration: `machine_rows` gives the same content as text (the table under each
drawing), so the page does not depend on the picture.
"""

from dataclasses import dataclass

from grants.states import State
from lifecycle.engine import STAFF, SYSTEM, describe, machines

# (column, row) of each dossier state: the main road goes left to right on row 1, then down after the award.
DOSSIER_LAYOUT = {
    State.DRAFT: (0, 1),
    State.SUBMITTED: (1, 1),
    State.CORRECTIONS_REQUESTED: (1, 0),
    State.ADMISSIBLE: (2, 1),
    State.INADMISSIBLE: (2, 2),
    State.WITHDRAWN: (1, 3),
    State.UNDER_REVIEW: (3, 1),
    State.READY_FOR_COMMITTEE: (4, 1),
    State.DEFERRED: (4, 0),
    State.AWARDED: (5, 1),
    State.REJECTED: (5, 0),
    State.AGREEMENT_SIGNED: (5, 2),
    State.IN_PROGRESS: (5, 3),
    State.CLOSED: (4, 3),
}
LAYOUTS = {"dossier": DOSSIER_LAYOUT}
BOX_W, BOX_H, COL, ROW, MARGIN, OFFSET = 136, 46, 172, 96, 16, 5
PALETTE = ["#b35c00", "#2e7d32", "#6a1b9a", "#00695c", "#8d3b72"]
FIXED_COLOURS = {STAFF: "#1f4e79", SYSTEM: "#6b6b6b"}


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


def layout(machine):
    """(column, row) per state: the hand-drawn layout, else columns by distance from the initial states."""
    if machine.name in LAYOUTS:
        return LAYOUTS[machine.name]
    depth = dict.fromkeys(machine.initial, 0)
    frontier = list(machine.initial)
    while frontier:
        following = []
        for source, target, _spec in machine.graph():
            if source in frontier and target not in depth:
                depth[target] = depth[source] + 1
                following.append(target)
        frontier = following
    for state in machine.states.values:
        depth.setdefault(state, 1)  # states no move leads to (an invitation expires with time)
    rows = {}
    places = {}
    for state in machine.states.values:
        column = depth[state]
        places[state] = (column, rows.get(column, 0))
        rows[column] = rows.get(column, 0) + 1
    return places


def actor_colours(machine):
    kinds = sorted({kind for spec in machine.transitions.values() for kind in spec.actors} - set(FIXED_COLOURS))
    colours = {kind: PALETTE[index % len(PALETTE)] for index, kind in enumerate(kinds)}
    used = {kind for spec in machine.transitions.values() for kind in spec.actors}
    return {kind: colour for kind, colour in {**FIXED_COLOURS, **colours}.items() if kind in used}


def _to_edge(cx, cy, towards_x, towards_y):
    """Where the line from a box's centre towards a point leaves the box."""
    dx, dy = towards_x - cx, towards_y - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((BOX_W / 2) / abs(dx) if dx else float("inf"), (BOX_H / 2) / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def diagram(machine=None):
    """Boxes, arrows and the drawing's size for one machine (default: the dossier's)."""
    machine = machine or next(m for m in machines() if m.name == "dossier")
    places = layout(machine)

    def centre(state):
        col, row = places.get(state, (0, 4))
        return MARGIN + col * COL + BOX_W / 2, MARGIN + row * ROW + BOX_H / 2

    colours = actor_colours(machine)
    boxes = [
        Box(state, str(machine.state_label(state)), centre(state)[0] - BOX_W / 2, centre(state)[1] - BOX_H / 2)
        for state in places
    ]
    edges = {(source, target) for source, target, _spec in machine.graph()}
    arrows = []
    for source, target, spec in machine.graph():
        if source == target:
            continue  # a move that keeps the state (a retry, a correction) is listed in the table
        (sx, sy), (tx, ty) = centre(source), centre(target)
        if (target, source) in edges:  # two-way: draw the pair side by side
            length = max(((tx - sx) ** 2 + (ty - sy) ** 2) ** 0.5, 1)
            ox, oy = -(ty - sy) / length * OFFSET, (tx - sx) / length * OFFSET
            sx, sy, tx, ty = sx + ox, sy + oy, tx + ox, ty + oy
        x1, y1 = _to_edge(sx, sy, tx, ty)
        x2, y2 = _to_edge(tx, ty, sx, sy)
        actor = next((kind for kind in colours if kind in spec.actors), STAFF)
        title = f"{spec.label} : {machine.state_label(source)} → {machine.state_label(target)}"
        arrows.append(Arrow(x1, y1, x2, y2, colours.get(actor, FIXED_COLOURS[STAFF]), actor, title))
    width = MARGIN * 2 + max(c for c, _r in places.values()) * COL + BOX_W
    height = MARGIN * 2 + max(r for _c, r in places.values()) * ROW + BOX_H
    return {
        "boxes": boxes,
        "arrows": arrows,
        "width": width,
        "height": height,
        "box_w": BOX_W,
        "box_h": BOX_H,
        "colours": colours,
        "legend": [(str(machine.actor_labels.get(kind, kind)), colour) for kind, colour in colours.items()],
    }


def machine_rows(machine):
    """The text version of a machine: each move with its sources, target, who, guards, effects and who is told."""
    label = machine.actor_labels.get
    return [
        {
            "spec": spec,
            "sources": [str(machine.state_label(s)) for s in sorted(spec.sources)],
            "target": str(machine.state_label(spec.target)),
            "actors": [str(label(a, a)) for a in sorted(spec.actors)],
            "notify": [str(label(a, a)) for a in sorted(spec.notify)],
            "guards": [describe(guard) for guard in machine.guards(spec.name)],
            "effects": [describe(effect) for effect in (*machine.effects(spec.name), *machine.notices, *spec.notices)],
        }
        for spec in machine.transitions.values()
    ]


def every_machine():
    """For the workflow page: each machine with its drawing and its table."""
    return [{"machine": machine, "drawing": diagram(machine), "rows": machine_rows(machine)} for machine in machines()]
