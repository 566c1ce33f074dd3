"""What a measurement reads in print: the viewer's rules (static/js/markup/scale.js) on the server."""

import pytest

from reviews.measurements import feet_and_inches, measurement_text

QUARTER_INCH = {"ratio": 48, "label": '1/4" = 1\'-0"', "unit": "ft"}


@pytest.mark.parametrize(("inches", "text"), [(150, "12'-6\""), (48.5, "4'-1/2\""), (9.75, '9 3/4"'), (0, '0"')])
def test_feet_and_inches_to_the_nearest_quarter(inches, text):
    assert feet_and_inches(inches) == text


def test_a_length_at_the_sheets_scale():
    assert measurement_text("measure_length", [[0, 0], [90, 0], [90, 90]], QUARTER_INCH) == "10'-0\""


def test_an_area_in_square_feet_and_square_metres():
    square = [[0, 0], [72, 0], [72, 72], [0, 72]]  # one inch square on paper: 4 ft x 4 ft at 1/4" = 1'-0"

    assert measurement_text("measure_area", square, QUARTER_INCH) == "16.0 sq ft"
    assert measurement_text("measure_area", square, {"ratio": 100, "unit": "m"}) == "6.45 m²"


def test_no_scale_or_another_kind_reads_nothing():
    assert measurement_text("measure_length", [[0, 0], [10, 0]], None) is None
    assert measurement_text("cloud", [[0, 0], [10, 10]], QUARTER_INCH) is None
