"""Hypothesis strategies for hostile input, shared by the HTTP and websocket property tests.

`wild` is anything a client could send in a JSON field: every JSON type, numbers huge, negative,
fractional or not finite, text with NUL characters or far too long, and structures nested far
deeper than any input of ours (`Deep`, written out by `dumps` as that many nested lists).
`field(plausible)` mostly sends what the field wants, and otherwise something wild, so that
examples reach the checks behind the first one.
"""

import json
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Deep:
    """A value nested `levels` lists deep, too deep for json.dumps (or anyone's stack) to build."""

    def __init__(self, levels):
        self.levels = levels

    def __repr__(self):
        return f"Deep({self.levels})"


def dumps(value):
    """JSON text for `value`, NaN and Infinity as Python writes them, Deep as nested lists."""
    text = json.dumps(value, default=lambda deep: f"__DEEP{deep.levels}__")
    return re.sub(r'"__DEEP(\d+)__"', lambda m: "[" * int(m[1]) + "]" * int(m[1]), text)


numbers = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, -5, 2**31, 2**63, 10**20, -(10**20), 99_999_999_999]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 1e-308, 0.5]),
)
texts = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "a\x00b", "x" * 65, "x" * 5000, "<script>", "1", "-1", "NaN"]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
structures = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
wild = st.one_of(structures, st.integers(33, 3000).map(Deep))


def field(plausible):
    return st.one_of(plausible, plausible, wild)


def objects(fields):
    """JSON objects with any of `fields` ({name: strategy}), or now and then not an object at all."""
    return st.one_of(st.fixed_dictionaries({}, optional=fields), st.fixed_dictionaries({}, optional=fields), wild)


points = st.lists(st.lists(st.floats(-100, 3000, allow_nan=False), min_size=2, max_size=2), max_size=4)
markup_kinds = st.sampled_from(["cloud", "pin", "rectangle", "polyline", "text", "callout", "stamp"])
annotation_fields = {
    "page": field(st.integers(0, 3)),
    "kind": field(markup_kinds),
    "geometry": field(st.fixed_dictionaries({"points": field(points)})),
    "style": field(st.fixed_dictionaries({}, optional={"color": field(st.just("#d32f2f")), "width": field(numbers)})),
    "text": field(texts),
    "category": field(st.sampled_from(["correction", "note", "internal"])),
    "status": field(st.sampled_from(["open", "resolved"])),
}
refs = field(st.text(min_size=1, max_size=64))
scales = st.fixed_dictionaries(
    {},
    optional={"ratio": field(st.floats(0, 1000)), "label": field(texts), "unit": field(st.sampled_from(["ft", "m"]))},
)
