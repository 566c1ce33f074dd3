"""What a well-formed annotation is: its kind, points on the page, style and text.

Pure functions over plain data, so the same rules serve the HTTP API and
the websocket. Each raises ValidationError naming the field and the problem.
"""

import re

from django.core.exceptions import ValidationError

from civicreview.text import storable
from reviews.models import Annotation, Comment

K = Annotation.Kind
# (fewest, most) points per kind; None: no upper bound.
POINTS = {
    K.PIN: (1, 1),
    K.RECTANGLE: (2, 2),
    K.ELLIPSE: (2, 2),
    K.CLOUD: (2, 2),
    K.TEXT: (2, 2),
    K.HIGHLIGHT: (2, 2),
    K.ARROW: (2, 2),
    K.LINE: (2, 2),
    K.MEASURE_LENGTH: (2, 2),
    K.CALLOUT: (3, 3),
    K.POLYLINE: (2, None),
    K.POLYGON: (2, None),
    K.FREEHAND: (2, None),
    K.MEASURE_AREA: (2, None),
    K.STAMP: (1, 2),
}
MAX_POINTS = 5000
MAX_TEXT = 10_000
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
STYLE_NUMBERS = {"width": (0.1, 50.0), "opacity": (0.0, 1.0), "font_size": (4.0, 200.0)}
STYLE_COLORS = {"color", "fill"}
EDITABLE = {"page", "geometry", "style", "text", "status", "category"}


def invalid(field, message):
    return ValidationError({field: [message]})


def check_kind(kind):
    if kind not in POINTS:
        raise invalid("kind", f"Unknown kind {kind!r}; one of {', '.join(POINTS)}.")
    return kind


def check_page(page, page_sizes):
    """`page_sizes`: {number: (width, height)} of the version's pages."""
    if not isinstance(page, int) or isinstance(page, bool) or page not in page_sizes:
        raise invalid("page", f"Page must be a sheet number from 1 to {len(page_sizes)}.")
    return page


def check_geometry(geometry, kind, page_size):
    points = geometry.get("points") if isinstance(geometry, dict) else None
    if not isinstance(points, list):
        raise invalid("geometry", 'Geometry must be {"points": [[x, y], ...]}.')
    fewest, most = POINTS[kind]
    most = most or MAX_POINTS
    if not fewest <= len(points) <= most:
        wanted = f"{fewest}" if fewest == most else f"{fewest} to {most}"
        raise invalid("geometry", f"A {kind} takes {wanted} points; got {len(points)}.")
    width, height = page_size
    for point in points:
        if not (isinstance(point, list | tuple) and len(point) == 2 and all(is_number(v) for v in point)):
            raise invalid("geometry", "Each point must be [x, y] in PDF points.")
        x, y = point
        if not (0 <= x <= width and 0 <= y <= height):
            raise invalid("geometry", f"Point [{x}, {y}] lies off the page ({width:g} × {height:g} pt).")
    return {"points": [[float(x), float(y)] for x, y in points]}


def check_style(style):
    if not isinstance(style, dict):
        raise invalid("style", "Style must be an object.")
    for key, value in style.items():
        if key in STYLE_COLORS:
            if not (isinstance(value, str) and COLOR.match(value)):
                raise invalid("style", f"{key} must be a colour like #d32f2f.")
        elif key in STYLE_NUMBERS:
            low, high = STYLE_NUMBERS[key]
            if not (is_number(value) and low <= value <= high):
                raise invalid("style", f"{key} must be a number from {low:g} to {high:g}.")
        else:
            raise invalid(
                "style", f"Unknown style {key!r}; use {', '.join(sorted(STYLE_COLORS | set(STYLE_NUMBERS)))}."
            )
    return style


def check_text(text, field="text"):
    if not isinstance(text, str):
        raise invalid(field, f"{field.capitalize()} must be a string.")
    if len(text) > MAX_TEXT:
        raise invalid(field, f"{field.capitalize()} is limited to {MAX_TEXT} characters.")
    return storable(text, field)


def check_status(status):
    if status not in Annotation.Status.values:
        raise invalid("status", "Status must be open or resolved.")
    return status


def check_category(category):
    if category not in Annotation.Category.values:
        raise invalid("category", "Category must be correction, note or internal.")
    return category


def check_visibility(visibility, category):
    """A reviewer's reply: internal (the default) or shared with the applicant, never on an internal markup."""
    if visibility not in Comment.Visibility.values:
        raise invalid("visibility", "Visibility must be internal or applicant.")
    if visibility == Comment.Visibility.APPLICANT and category == Annotation.Category.INTERNAL:
        raise invalid("visibility", "This markup is internal; its replies stay with the reviewers.")
    return visibility


def check_changes(changes):
    if not isinstance(changes, dict) or not changes:
        raise invalid("data", "Send the fields to change.")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise invalid(
            sorted(unknown)[0], f"{sorted(unknown)[0]!r} cannot be changed; editable: {', '.join(sorted(EDITABLE))}."
        )
    return changes


def is_number(value):
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    )
