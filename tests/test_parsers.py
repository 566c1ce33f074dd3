"""JSON from clients (civicreview/parsers.py): malformed, non-finite or too deep is a 400 saying so."""

import pytest

from civicreview import parsers
from documents.models import Case


def nested(levels, inner="1"):
    return "[" * levels + inner + "]" * levels


def test_ordinary_json_is_taken():
    assert parsers.loads('{"page": 1, "geometry": {"points": [[1.5, 2]]}}') == {
        "page": 1,
        "geometry": {"points": [[1.5, 2]]},
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 0), ("x", 0), ([], 1), ({}, 1), ({"a": [[1], {"b": 2}]}, 3), ([[[[]]]], 4)],
)
def test_depth_counts_the_levels_of_lists_and_objects(value, expected):
    assert parsers.depth(value) == expected


@pytest.mark.parametrize("levels", [parsers.MAX_DEPTH + 1, 900, 5000, 100_000])
def test_nesting_deeper_than_the_limit_is_refused(levels):
    with pytest.raises(parsers.NotJSON, match="nested too deeply; at most 32 levels"):
        parsers.loads(nested(levels))


def test_nesting_at_the_limit_is_taken():
    assert parsers.depth(parsers.loads(nested(parsers.MAX_DEPTH))) == parsers.MAX_DEPTH


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(constant):
    with pytest.raises(parsers.NotJSON, match=f"{constant} is not a number JSON allows"):
        parsers.loads(f'{{"x": {constant}}}')


@pytest.mark.parametrize("raw", ["{not json", "", '{"a": 1', b"\xff\xfe{"])
def test_malformed_json_is_refused_saying_so(raw):
    with pytest.raises(parsers.NotJSON, match="Not valid JSON"):
        parsers.loads(raw)


# --- over HTTP: the API's one JSON parser ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (nested(5000), "JSON nested too deeply; at most 32 levels."),
        ('{"title": ' + nested(500) + "}", "JSON nested too deeply; at most 32 levels."),
        ('{"title": NaN}', "NaN is not a number JSON allows; send finite numbers."),
        ('{"title": "x",', "Not valid JSON: "),
        (b'{"title": "\xff"}', "Not valid JSON: "),
        ("[1, 2]", "Send a JSON object of named fields."),
        ("null", "Send a JSON object of named fields."),
    ],
    ids=["5000 deep", "500 deep inside", "NaN", "cut short", "not utf-8", "a list", "null"],
)
def test_bad_json_bodies_are_400_with_the_reason_and_store_nothing(demo, api_as, body, message):
    response = api_as(demo.planner).post("/api/cases/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert not Case.objects.exists()
