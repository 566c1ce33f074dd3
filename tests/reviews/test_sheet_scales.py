import pytest
from rest_framework.test import APIClient

from documents.models import Page
from documents.pdf.sheet_scales import parse_scale
from reviews.models import VersionEvent


@pytest.mark.parametrize(
    ("text", "ratio", "unit", "label"),
    [
        ('SCALE: 1/4" = 1\'-0"', 48, "ft", '1/4" = 1\'-0"'),
        ('Scale 1/8"=1\'-0"', 96, "ft", '1/8" = 1\'-0"'),
        ('SCALE:\n3/16" = 1\'-0"', 64, "ft", '3/16" = 1\'-0"'),
        ('SCALE: 1 1/2" = 1\'-0"', 8, "ft", '1 1/2" = 1\'-0"'),
        ("SCALE: 1\" = 20'", 240, "ft", "1\" = 20'"),
        ('SCALE: 1" = 20\'-0"', 240, "ft", "1\" = 20'"),
        ('SCALE: 1" = 1\'-0"', 12, "ft", '1" = 1\'-0"'),
        ("SCALE 1:100", 100, "m", "1:100"),
    ],
)
def test_title_block_scales_are_read(text, ratio, unit, label):
    assert parse_scale(f"SHEET A-101 {text} DATE 2026-11-02") == {"ratio": ratio, "label": label, "unit": unit}


@pytest.mark.parametrize("text", ["SCALE: NTS", "SCALE: AS NOTED", "DRAWN 1:100", "no scale here"])
def test_no_scale_is_none(text):
    assert parse_scale(text) is None


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_reviewer_sets_a_sheets_scale_for_everyone(review):
    url = f"/api/versions/{review.version.pk}/pages/2/"
    scale = {"ratio": 48, "unit": "ft", "label": '1/4" = 1\'-0"'}
    response = client_for(review.fire_user).patch(url, {"scale": scale}, format="json")
    assert response.status_code == 200 and response.json() == {"number": 2, "scale": {**scale, "ratio": 48.0}}
    assert Page.objects.get(version=review.version, number=2).scale_ratio == 48.0
    assert VersionEvent.objects.get().type == "page.updated"
    pages = client_for(review.building_user).get(f"/api/versions/{review.version.pk}/").json()["pages"]
    assert [p["scale"] for p in pages] == [None, {**scale, "ratio": 48.0}]
    assert client_for(review.fire_user).patch(url, {"scale": None}, format="json").json()["scale"] is None


@pytest.mark.parametrize(
    "scale",
    [
        {"ratio": 0, "unit": "ft"},
        {"ratio": 48, "unit": "yards"},
        {"ratio": "48", "unit": "ft"},
        "1/4in",
        {"ratio": 48, "unit": "ft", "label": "x" * 41},
    ],
)
def test_bad_scales_are_refused(review, scale):
    response = client_for(review.fire_user).patch(
        f"/api/versions/{review.version.pk}/pages/1/", {"scale": scale}, format="json"
    )
    assert response.status_code == 400 and "scale" in response.json()
    assert not VersionEvent.objects.exists()


def test_only_participants_set_scales(review):
    url = f"/api/versions/{review.version.pk}/pages/1/"
    assert client_for(review.outsider).patch(url, {"scale": None}, format="json").status_code == 404
    assert (
        client_for(review.fire_user)
        .patch(f"/api/versions/{review.version.pk}/pages/9/", {"scale": None}, format="json")
        .status_code
        == 400  # contract v2: a page outside the version is bad input
    )
