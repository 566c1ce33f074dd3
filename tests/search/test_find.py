"""GET /api/versions/{id}/find/?q=: the sheets of one plan set that hold the words."""

import pytest

pytestmark = pytest.mark.django_db


def test_find_lists_the_sheets_with_counts(demo, world, api_as):
    url = f"/api/versions/{world.version.pk}/find/"
    answer = api_as(demo.fire).get(url, {"q": "Fire"}).json()
    assert answer["terms"] == ["fire"]
    assert [(p["page"], p["count"], p["label"]) for p in answer["pages"]] == [(1, 1, "A-101")]
    assert "<mark>fire</mark>" in answer["pages"][0]["snippet"]
    assert (
        api_as(demo.fire).get(url, {"q": "r"}).json()["total"] == 6
    )  # literal, as Ctrl+F: fi(r)e (r)ated doo(r) stai(r), (r)oof f(r)aming
    assert api_as(demo.fire).get(url, {"q": "door -stair"}).json()["pages"] == []
    assert [p["page"] for p in api_as(demo.fire).get(url, {"q": "stair OR roof"}).json()["pages"]] == [1, 2]


def test_find_follows_who_sees_the_version(demo, world, api_as):
    url = f"/api/versions/{world.version.pk}/find/"
    assert api_as(demo.outsider).get(url, {"q": "fire"}).status_code == 404
    assert api_as(demo.building).get(url, {"q": "fire"}).status_code == 404
    assert api_as(demo.applicant).get(url, {"q": "fire"}).status_code == 200
    assert api_as(demo.fire).get(url, {"q": ""}).status_code == 400
