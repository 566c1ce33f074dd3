import pytest
from django.core.exceptions import ValidationError

from reviews import markup_rules as rules

PAGE = (2592.0, 1728.0)


@pytest.mark.parametrize(
    ("kind", "count"),
    [("pin", 1), ("cloud", 2), ("rectangle", 2), ("arrow", 2), ("callout", 3), ("polygon", 5), ("freehand", 40)],
)
def test_each_kind_takes_its_number_of_points(kind, count):
    points = [[10 + i, 20 + i] for i in range(count)]
    assert rules.check_geometry({"points": points}, kind, PAGE) == {"points": [[float(x), float(y)] for x, y in points]}


@pytest.mark.parametrize(("kind", "count"), [("pin", 2), ("cloud", 1), ("callout", 2), ("polyline", 1)])
def test_a_wrong_number_of_points_is_refused_with_what_is_wanted(kind, count):
    with pytest.raises(ValidationError) as refused:
        rules.check_geometry({"points": [[1, 1]] * count}, kind, PAGE)
    assert f"A {kind} takes" in refused.value.message_dict["geometry"][0]


@pytest.mark.parametrize("point", [[-1, 5], [5, 1729], [2593, 0]])
def test_points_off_the_page_are_refused(point):
    with pytest.raises(ValidationError, match="off the page"):
        rules.check_geometry({"points": [point]}, "pin", PAGE)


@pytest.mark.parametrize(
    "geometry",
    [None, [], {"points": "x"}, {"points": [["a", 1]]}, {"points": [[1, True]]}, {"points": [[float("nan"), 1]]}],
)
def test_malformed_geometry_is_refused(geometry):
    with pytest.raises(ValidationError):
        rules.check_geometry(geometry, "pin", PAGE)


def test_unknown_kind_names_the_kinds():
    with pytest.raises(ValidationError, match="one of pin"):
        rules.check_kind("scribble")


@pytest.mark.parametrize("style", [{"color": "red"}, {"width": 500}, {"opacity": 2}, {"font": "Arial"}, "blue"])
def test_bad_styles_are_refused(style):
    with pytest.raises(ValidationError):
        rules.check_style(style)


def test_good_style_passes():
    assert rules.check_style({"color": "#D32F2F", "width": 2, "opacity": 0.5}) == {
        "color": "#D32F2F",
        "width": 2,
        "opacity": 0.5,
    }


def test_page_must_exist():
    with pytest.raises(ValidationError, match="from 1 to 2"):
        rules.check_page(3, {1: PAGE, 2: PAGE})


def test_only_editable_fields_change():
    with pytest.raises(ValidationError, match="cannot be changed"):
        rules.check_changes({"author": "someone"})
