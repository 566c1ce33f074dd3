"""The building the set draws: a column grid shared by every sheet, rooms varying per floor."""

from dataclasses import dataclass

from documents.demo.planset.drawing import SCALES, VIEW, bubble, feet_inches, text, wall

ROOM_NAMES = [
    "OFFICE",
    "OFFICE",
    "CONFERENCE",
    "STORAGE",
    "BREAK ROOM",
    "OPEN OFFICE",
    "COPY / WORK",
    "ELEC.",
    "JAN.",
    "IT / DATA",
    "RETAIL",
    "TENANT SPACE",
    "LOUNGE",
    "MAIL",
]


@dataclass(frozen=True)
class Grid:
    xs: list  # grid lines 1, 2, 3 ... in points
    ys: list  # grid lines A, B, C ...
    scale: float  # points per foot
    scale_text: str
    feet_x: list  # bay widths in feet
    feet_y: list


def make_grid(rng):
    feet_x = [rng.choice([24, 26, 28, 30]) for _ in range(rng.randint(5, 8))]
    feet_y = [rng.choice([24, 28, 30]) for _ in range(rng.randint(3, 4))]
    space = (VIEW[2] - VIEW[0] - 260, VIEW[3] - VIEW[1] - 260)  # what the bubbles and dimensions leave
    scale, scale_text = next(s for s in SCALES if sum(feet_x) * s[0] <= space[0] and sum(feet_y) * s[0] <= space[1])
    x0 = VIEW[0] + 150 + (space[0] - sum(feet_x) * scale) / 2
    y0 = VIEW[1] + 110 + (space[1] - sum(feet_y) * scale) / 2
    xs, ys = [x0], [y0]
    for feet in feet_x:
        xs.append(xs[-1] + feet * scale)
    for feet in feet_y:
        ys.append(ys[-1] + feet * scale)
    return Grid(xs, ys, scale, scale_text, feet_x, feet_y)


def grid_letter(i):
    return "ABCDEFGHJKLMNPQRSTUVWXYZ"[i]


def draw_grid(c, g, dims=True):
    c.setDash([12, 4, 2, 4])
    c.setLineWidth(0.4)
    for x in g.xs:
        c.line(x, g.ys[0] - 40, x, g.ys[-1] + 80)
    for y in g.ys:
        c.line(g.xs[0] - 80, y, g.xs[-1] + 40, y)
    c.setDash()
    for i, x in enumerate(g.xs):
        bubble(c, x, g.ys[-1] + 94, str(i + 1))
    for i, y in enumerate(g.ys):
        bubble(c, g.xs[0] - 94, y, grid_letter(i))
    if dims:
        dimension_string(c, g.xs, g.feet_x, g.ys[-1] + 36, horizontal=True)
        dimension_string(c, g.ys, g.feet_y, g.xs[0] - 36, horizontal=False)


def dimension_string(c, stops, feet, at, horizontal):
    c.setLineWidth(0.4)
    for ticks, offset, labels in ((stops, 0, feet), ((stops[0], stops[-1]), 20, [sum(feet)])):
        pos = at + offset if horizontal else at - offset
        a, b = ticks[0], ticks[-1]
        c.line(*((a, pos, b, pos) if horizontal else (pos, a, pos, b)))
        for t in ticks:
            c.line(*((t - 4, pos - 4, t + 4, pos + 4) if horizontal else (pos - 4, t - 4, pos + 4, t + 4)))
        for t0, t1, label in zip(ticks, ticks[1:], labels):
            if horizontal:
                text(c, (t0 + t1) / 2, pos + 3, feet_inches(label), 7, anchor="center")
            else:
                c.saveState()
                c.translate(pos - 3, (t0 + t1) / 2)
                c.rotate(90)
                text(c, 0, 0, feet_inches(label), 7, anchor="center")
                c.restoreState()


def rooms_of(rng, g, level):
    """Rooms north and south of a corridor on grid line ys[mid]: [(x0, y0, x1, y1, name, number)]."""
    mid = g.ys[len(g.ys) // 2]
    half = 4 * g.scale
    cuts = sorted(
        {*g.xs, *(x + (x2 - x) * rng.choice([0.4, 0.5, 0.6]) for x, x2 in zip(g.xs, g.xs[1:]) if rng.random() < 0.5)}
    )
    rooms, number = [], level * 100 + 1
    for y0, y1 in ((mid + half, g.ys[-1]), (g.ys[0], mid - half)):
        for x0, x1 in zip(cuts, cuts[1:]):
            if rooms and rng.random() < 0.25 and rooms[-1][1] == y0 and rooms[-1][2] == x0:
                x0 = rooms.pop()[0]  # merge with the room before
            rooms.append((x0, y0, x1, y1, rng.choice(ROOM_NAMES), number))
            number += 1
    return rooms, (mid - half, mid + half)


def draw_plan(c, rng, g, level, gray=0.75):
    """Walls, doors, windows, stair, elevator and room tags of one floor; returns its rooms."""
    rooms, corridor = rooms_of(rng, g, level)
    exterior_walls(c, g, corridor, gray)
    partitions(c, g, rooms, corridor, gray)
    stair_and_elevator(c, g.scale, rooms)
    rooms[0] = (*rooms[0][:4], "STAIR 1", rooms[0][5])
    for x0, y0, x1, y1, name, number in rooms:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        text(c, cx, cy + 4, name, 8, "Helvetica-Bold", "center")
        c.setLineWidth(0.4)
        c.rect(cx - 12, cy - 12, 24, 12)
        text(c, cx, cy - 9, str(number), 7, anchor="center")
    text(c, g.xs[1] + 6 * g.scale, corridor[0] + 0.8 * g.scale, f"CORRIDOR {level}00", 7, "Helvetica-Bold")
    return rooms


def exterior_walls(c, g, corridor, gray):
    """A foot thick, a window in every bay north and south, an entry at each end of the corridor."""
    s = g.scale
    windows = [((a + b) / 2 - 3 * s, (a + b) / 2 + 3 * s) for a, b in zip(g.xs, g.xs[1:])]
    for y in (g.ys[0], g.ys[-1]):
        wall(c, g.xs[0], y, g.xs[-1], y, s, windows, gray)
        c.setLineWidth(0.3)
        for w0, w1 in windows:
            c.rect(w0, y - s / 2, w1 - w0, s)
            c.line(w0, y, w1, y)
    entry = [(sum(corridor) / 2 - 3 * s, sum(corridor) / 2 + 3 * s)]
    for x in (g.xs[0], g.xs[-1]):
        wall(c, x, g.ys[0], x, g.ys[-1], s, entry, gray)


def partitions(c, g, rooms, corridor, gray):
    """Corridor walls with a door into every room, and the walls between rooms."""
    t, door = 0.5 * g.scale, 3 * g.scale
    for y, up in ((corridor[1], True), (corridor[0], False)):
        here = [room for room in rooms if (room[1] >= y if up else room[3] <= y)]
        doors = [(room[0] + 2 * g.scale, room[0] + 2 * g.scale + door) for room in here]
        wall(c, g.xs[0], y, g.xs[-1], y, t, doors, gray)
        for x0, y0, _, y1, _, _ in here:
            if x0 != g.xs[0]:
                wall(c, x0, y0, x0, y1, t, (), gray)
        face = y + t / 2 if up else y - t / 2
        for d0, _ in doors:  # the leaf, open, and its swing
            c.setLineWidth(0.5)
            c.line(d0, face, d0, face + (door if up else -door))
            c.setLineWidth(0.25)
            c.arc(d0 - door, face - door, d0 + door, face + door, 0 if up else 270, 90)


def stair_and_elevator(c, s, rooms):
    sx, sy = rooms[0][0] + s, rooms[0][3] - 21 * s  # two flights of treads in the first room
    c.setLineWidth(0.3)
    c.rect(sx, sy, 10 * s, 20 * s)
    for i in range(1, 12):
        c.line(sx, sy + 4 * s + i * s, sx + 10 * s, sy + 4 * s + i * s)
    c.line(sx + 5 * s, sy + 4 * s, sx + 5 * s, sy + 16 * s)
    ex, ey = rooms[-1][2] - 10 * s, rooms[-1][1] + 2 * s  # the elevator shaft in the last one
    c.rect(ex, ey, 8 * s, 8 * s)
    c.line(ex, ey, ex + 8 * s, ey + 8 * s), c.line(ex, ey + 8 * s, ex + 8 * s, ey)
