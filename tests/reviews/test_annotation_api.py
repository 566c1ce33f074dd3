"""The contract's annotation and comment endpoints."""

import pytest
from rest_framework.test import APIClient

from reviews.models import Annotation, VersionEvent
from tests.reviews.conftest import cloud


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def fire(review):
    return client_for(review.fire_user)


def create(client, version, **data):
    return client.post(f"/api/versions/{version.pk}/annotations/", cloud(**data), format="json")


def test_create_answers_the_contracts_annotation(review, fire):
    response = create(fire, review.version, text="Show fire separation at grid C")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id", "version", "page", "kind", "geometry", "style", "text", "status",
        "category", "released_at", "carried_from",
        "author", "department", "revision", "created_at", "updated_at",
    }  # fmt: skip
    assert body["geometry"] == {"points": [[120.5, 88.0], [410.0, 260.25]]}
    assert (body["status"], body["author"], body["department"], body["revision"]) == ("open", "fire", "fire", 1)
    assert (body["category"], body["released_at"], body["carried_from"]) == ("correction", None, None)


def test_category_is_chosen_and_changed_and_checked(review, fire):
    note = create(fire, review.version, category="note").json()
    assert note["category"] == "note"
    changed = fire.patch(f"/api/annotations/{note['id']}/", {"revision": 1, "category": "internal"}, format="json")
    assert changed.json()["category"] == "internal"
    refused = create(fire, review.version, category="secret")
    assert refused.status_code == 400
    assert refused.json() == {"category": ["Category must be correction, note or internal."]}


def test_list_filters_by_page_and_status(review, fire):
    create(fire, review.version, page=1)
    second = create(fire, review.version, page=2).json()
    fire.patch(f"/api/annotations/{second['id']}/", {"revision": 1, "status": "resolved"}, format="json")
    url = f"/api/versions/{review.version.pk}/annotations/"
    assert len(fire.get(url).json()) == 2
    assert [a["page"] for a in fire.get(url, {"page": 2}).json()] == [2]
    assert [a["page"] for a in fire.get(url, {"status": "open"}).json()] == [1]


def test_patch_with_a_stale_revision_is_409_with_the_current_annotation(review, fire):
    a = create(fire, review.version).json()
    assert (
        fire.patch(f"/api/annotations/{a['id']}/", {"revision": 1, "text": "first"}, format="json").status_code == 200
    )
    stale = fire.patch(f"/api/annotations/{a['id']}/", {"revision": 1, "text": "second"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["text"] == "first" and stale.json()["current"]["revision"] == 2


def test_delete_carries_the_revision(review, fire):
    a = create(fire, review.version).json()
    assert fire.delete(f"/api/annotations/{a['id']}/", {"revision": 5}, format="json").status_code == 409
    assert fire.delete(f"/api/annotations/{a['id']}/", {"revision": 1}, format="json").status_code == 204
    assert not Annotation.objects.exists()
    assert list(VersionEvent.objects.values_list("type", flat=True)) == ["annotation.created", "annotation.deleted"]


def test_comments_thread(review, fire):
    a = create(fire, review.version).json()
    building = client_for(review.building_user)
    reply = building.post(f"/api/annotations/{a['id']}/comments/", {"body": "Will do"}, format="json")
    assert reply.status_code == 201
    assert set(reply.json()) >= {"id", "author", "body", "created_at"}
    assert [c["author"] for c in fire.get(f"/api/annotations/{a['id']}/comments/").json()] == ["building"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "scribble"}, "kind"),
        ({"page": 0}, "page"),
        ({"points": [[1, 1]]}, "geometry"),
        ({"style": {"color": "red"}}, "style"),
    ],
)
def test_invalid_annotations_are_400_naming_the_field(review, fire, data, field):
    body = cloud()
    if "points" in data:
        body["geometry"] = {"points": data.pop("points")}
    body.update(data)
    response = fire.post(f"/api/versions/{review.version.pk}/annotations/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Annotation.objects.exists()


def test_who_may_do_what(review, fire):
    a = create(fire, review.version).json()
    url = f"/api/annotations/{a['id']}/"
    assert client_for(review.outsider).get(url).status_code == 404
    assert client_for(review.engineer).get(url).status_code == 404
    assert client_for(review.building_user).patch(url, {"revision": 1, "text": "x"}, format="json").status_code == 403
    assert create(client_for(review.outsider), review.version).status_code == 404
    assert APIClient().get(url).status_code == 401


def test_the_event_log_serves_what_a_client_missed(review, fire):
    for _ in range(3):
        create(fire, review.version)
    events = fire.get(f"/api/versions/{review.version.pk}/events/", {"after": 1}).json()
    assert [e["seq"] for e in events] == [2, 3] and events[0]["type"] == "annotation.created"
