"""The stylesheets name every colour once, as a variable in a `:root` block."""

import re
from pathlib import Path

STYLESHEETS = sorted((Path(__file__).resolve().parent.parent / "static" / "css").glob("*.css"))
ROOT_BLOCK = re.compile(r":root\s*\{[^}]*\}")
COLOUR_LITERAL = re.compile(
    r"#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(|"
    r"(?<![-\w])(?:white|black|red|green|blue|gray|grey|yellow|orange)(?![-\w])",
    re.IGNORECASE,
)


def colour_literals(css: str) -> list[str]:
    """The colour literals written outside the `:root` variable blocks (comments ignored)."""
    outside = ROOT_BLOCK.sub("", re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL))
    return [m.group(0) for m in COLOUR_LITERAL.finditer(outside)]


def test_colours_are_variables():
    found = {sheet.name: colour_literals(sheet.read_text()) for sheet in STYLESHEETS}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_a_literal_outside_root_is_found():
    css = ":root { --ink: #1c2733; }\n.a { color: #fff; background: color-mix(in srgb, red 5%, white); white-space: nowrap; }"
    assert colour_literals(css) == ["#fff", "red", "white"]
