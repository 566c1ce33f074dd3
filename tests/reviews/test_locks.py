"""An approved version is locked: new markups, changes, deletions and replies are refused with 409
over HTTP and a `conflict` error on the websocket (reviews.services.locks, the one rule)."""

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from reviews.models import Annotation
from reviews.services import annotations, locks
from tests.reviews.conftest import cloud
from tests.reviews.test_annotation_api import client_for
from tests.reviews.test_consumer import joined, receive_type
from workflows.models import Workflow
from workflows.services.templates import seed_standard_template


def approve(review, status=Workflow.Status.APPROVED):
    now = timezone.now()
    return Workflow.objects.create(
        version=review.version, case=review.case, template=seed_standard_template(), plan=[], status=status,
        submitted_by=review.planner, submitted_at=now, finished_at=now,
    )  # fmt: skip


@pytest.fixture
def markup(review):
    return annotations.create_annotation(review.fire_user, review.version.pk, cloud(text="Before approval")).data


@pytest.mark.parametrize("status", [Workflow.Status.APPROVED, Workflow.Status.APPROVED_WITH_CONDITIONS])
def test_every_change_to_an_approved_version_is_409_over_http(review, markup, status):
    approve(review, status)
    fire = client_for(review.fire_user)

    created = fire.post(f"/api/versions/{review.version.pk}/annotations/", cloud(text="Late"), format="json")
    changed = fire.patch(f"/api/annotations/{markup['id']}/", {"revision": 1, "text": "Changed"}, format="json")
    deleted = fire.delete(f"/api/annotations/{markup['id']}/", {"revision": 1}, format="json")
    replied = fire.post(f"/api/annotations/{markup['id']}/comments/", {"body": "Late reply"}, format="json")

    for response in (created, changed, deleted, replied):
        assert response.status_code == 409, response.content
        assert "is locked" in response.json()["detail"] and "newer version" in response.json()["detail"]
    assert list(Annotation.objects.values_list("text", flat=True)) == ["Before approval"]


def test_a_version_in_review_or_sent_back_stays_open(review):
    workflow = approve(review, Workflow.Status.CORRECTIONS_REQUIRED)
    locks.ensure_open(review.version)  # no error
    workflow.status = Workflow.Status.APPROVED
    workflow.save()
    with pytest.raises(locks.VersionLocked, match="was approved and is locked"):
        locks.ensure_open(review.version.pk)


def test_the_viewer_is_told_it_may_not_annotate_a_locked_version(review, client):
    client.force_login(review.fire_user)
    assert annotations.reviewer_json(review.fire_user, review.version.pk)["can_annotate"] is True
    assert 'data-testid="version-locked"' not in client.get(f"/versions/{review.version.pk}/").content.decode()

    approve(review)

    assert annotations.reviewer_json(review.fire_user, review.version.pk)["can_annotate"] is False
    page = client.get(f"/versions/{review.version.pk}/").content.decode()
    assert 'data-testid="version-locked"' in page and "was approved and is locked" in page


@pytest.mark.django_db(transaction=True)
async def test_the_socket_answers_a_conflict_and_stays_open(review):
    await database_sync_to_async(approve)(review)
    socket, hello = await joined(review.fire_user, review.version.pk)
    assert hello["user"]["can_annotate"] is False

    await socket.send_json_to({"type": "annotation.create", "ref": "late-1", "data": cloud(text="Late")})
    error = await receive_type(socket, "error")
    assert (error["ref"], error["code"]) == ("late-1", "conflict")
    assert "is locked" in error["message"]

    await socket.send_json_to({"type": "resume", "ref": "r-1", "after_seq": 0})  # still open, and answers
    assert (await receive_type(socket, "resumed"))["ref"] == "r-1"
    assert not await database_sync_to_async(Annotation.objects.exists)()
    await socket.disconnect()
