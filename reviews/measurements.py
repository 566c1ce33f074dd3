"""What a measurement markup reads, for what the server prints (letters): the same rules as
the viewer's static/js/markup/scale.js (`measurementText`), which shows them on the sheet.

A sheet's scale {"ratio", "unit"} gives real inches = points / 72 × ratio.
"""

import math

POINTS_PER_INCH = 72
METRES_PER_INCH = 0.0254
FRACTIONS = {0.25: "1/4", 0.5: "1/2", 0.75: "3/4"}


def measurement_text(kind, points, scale):
    """ "12'-6\"" or "150.0 sq ft" for a measure_length / measure_area markup on a sheet with a
    scale; None for other kinds or a sheet without one."""
    if scale is None or kind not in ("measure_length", "measure_area"):
        return None
    if kind == "measure_length":
        return format_length(path_length(points), scale)
    return format_area(polygon_area(points) if len(points) >= 3 else 0, scale)


def path_length(points):
    return sum(math.dist(a, b) for a, b in zip(points, points[1:]))


def polygon_area(points):
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))
    return abs(twice) / 2


def feet_and_inches(inches):
    """Feet and inches to the nearest quarter inch, as the viewer writes them: 12'-6", 4'-1/2", 9 3/4"."""
    quarters = round(inches * 4)
    feet, rest = divmod(quarters, 48)
    rest /= 4
    whole = math.floor(rest)
    fraction = FRACTIONS.get(rest - whole)
    inch_text = (f"{whole} {fraction}" if whole else fraction) if fraction else str(whole)
    return f"{feet}'-{inch_text}\"" if feet else f'{inch_text}"'


def format_length(points, scale):
    inches = points / POINTS_PER_INCH * scale["ratio"]
    if scale.get("unit") == "m":
        return f"{inches * METRES_PER_INCH:.2f} m"
    if scale.get("unit") == "in":
        return f'{inches:.1f}"'
    return feet_and_inches(inches)


def format_area(square_points, scale):
    square_inches = square_points / POINTS_PER_INCH**2 * scale["ratio"] ** 2
    if scale.get("unit") == "m":
        return f"{square_inches * METRES_PER_INCH**2:.2f} m²"
    if scale.get("unit") == "in":
        return f"{square_inches:.1f} sq in"
    return f"{square_inches / 144:,.1f} sq ft"
