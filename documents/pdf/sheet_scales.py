"""Reading a sheet's drawing scale from its title block text.

    SCALE: 1/4" = 1'-0"   architectural: ratio 48, feet
    SCALE: 1" = 20'       engineering:   ratio 240, feet
    SCALE 1:100           metric:        ratio 100, metres

`ratio` is real length per paper length, so a distance of d points on the
sheet measures d / 72 × ratio inches in reality.
"""

import re
from fractions import Fraction

INCHES = r"(?P<inches>\d+\s+\d+/\d+|\d+/\d+|\d+(?:\.\d+)?)"
ARCHITECTURAL = re.compile(INCHES + r'\s*(?:"|”|″|IN\.?)\s*=\s*1\s*(?:\'|’|′)\s*-?\s*0\s*(?:"|”|″)?', re.IGNORECASE)
ENGINEERING = re.compile(
    r'1\s*(?:"|”|″|IN\.?)\s*=\s*(?P<feet>\d+(?:\.\d+)?)\s*(?:\'|’|′|FT\.?)(?:\s*-\s*0\s*(?:"|”|″))?(?!\s*-?\s*\d)',
    re.IGNORECASE,
)
METRIC = re.compile(r"(?<![\d/])1\s*:\s*(?P<ratio>\d{1,5})(?!\d)")
LABEL = re.compile(r"\bSCALE\b\s*:?\s*", re.IGNORECASE)


def parse_scale(text):
    """The scale named after a SCALE label in `text`: {"ratio", "label", "unit"}, or None (e.g. NTS)."""
    for label in LABEL.finditer(text):
        found = scale_at(text[label.end() : label.end() + 40])
        if found:
            return found
    return None


def scale_at(text):
    """The scale that `text` starts with, if any."""
    text = text.strip()
    if match := ARCHITECTURAL.match(text):
        inches = sum(Fraction(part) for part in match["inches"].split())
        if inches > 0:
            return {"ratio": float(12 / inches), "label": f'{_inches(inches)}" = 1\'-0"', "unit": "ft"}
    if match := ENGINEERING.match(text):
        feet = float(match["feet"])
        if feet > 0:
            return {"ratio": feet * 12, "label": f"1\" = {match['feet']}'", "unit": "ft"}
    if match := METRIC.match(text):
        ratio = int(match["ratio"])
        if ratio > 0:
            return {"ratio": float(ratio), "label": f"1:{ratio}", "unit": "m"}
    return None


def _inches(value):
    whole, part = divmod(value, 1)
    if not part:
        return str(whole)
    return f"{whole} {part}" if whole else str(part)
