"""The applicant's websocket: during review it carries nothing of the reviewers' drafts (only seqs,
so the client's log stays gap-free), never an internal markup or reply, and closes with 4403 when
the applicant is taken off the case."""

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from documents.services import cases
from reviews.models import Annotation
from reviews.services import annotations
from tests.reviews.conftest import cloud, make_user
from tests.reviews.test_access_withdrawn import closed_with
from tests.reviews.test_consumer import joined, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invited(review):
    review.applicant = make_user("applicant")
    cases.add_applicant(review.planner, review.case, "applicant")
    return review


def draw(user, review, category, ref):
    return annotations.create_annotation(
        user, review.version.pk, cloud(text=f"{category} markup", category=category), ref=ref
    )


async def test_during_review_the_applicant_socket_gets_seqs_but_no_markup(invited):
    applicant, hello = await joined(invited.applicant, invited.version.pk)
    fire, _ = await joined(invited.fire_user, invited.version.pk)
    assert hello["user"]["can_annotate"] is False

    await database_sync_to_async(draw)(invited.fire_user, invited, "internal", "i-1")
    await database_sync_to_async(draw)(invited.fire_user, invited, "correction", "c-1")

    assert (await receive_type(fire, "annotation.created"))["ref"] == "i-1"
    assert (await receive_type(fire, "annotation.created"))["ref"] == "c-1"
    first, second = await receive_type(applicant, "hidden"), await receive_type(applicant, "hidden")
    assert (first, second) == ({"type": "hidden", "seq": 1}, {"type": "hidden", "seq": 2})
    await applicant.disconnect()
    await fire.disconnect()


async def test_released_markups_and_shared_replies_reach_the_applicant_internal_ones_never(invited):
    def released_correction():
        event = draw(invited.fire_user, invited, "correction", "c-1")
        Annotation.objects.filter(pk=event.data["id"]).update(released_at=timezone.now())
        return event.data["id"]

    correction = await database_sync_to_async(released_correction)()
    applicant, _ = await joined(invited.applicant, invited.version.pk)

    reply = database_sync_to_async(annotations.add_comment)
    await reply(invited.fire_user, correction, "@building internal only", ref="r-1")
    await reply(invited.fire_user, correction, "Please show the wall rating.", ref="r-2", visibility="applicant")
    await database_sync_to_async(draw)(invited.fire_user, invited, "internal", "i-1")
    await reply(invited.applicant, correction, "Added on A-101.", ref="r-3")

    received = []
    while len(received) < 4:
        message = await applicant.receive_json_from(2)
        if message["type"] != "presence":
            received.append(message)
    assert [(m["type"], m["seq"]) for m in received] == [
        ("hidden", 2), ("comment.created", 3), ("hidden", 4), ("comment.created", 5),
    ]  # fmt: skip
    assert [m["data"]["body"] for m in received if m["type"] == "comment.created"] == [
        "Please show the wall rating.", "Added on A-101.",
    ]  # fmt: skip
    assert "internal" not in str(received)

    await applicant.send_json_to({"type": "resume", "ref": "res", "after_seq": 0})
    resumed = []
    while (message := await applicant.receive_json_from(2))["type"] != "resumed":
        if message["type"] != "presence":
            resumed.append(message)
    # the correction's creation was a draft then: hidden even now it is released (the page loads it as it is)
    assert [m["type"] for m in resumed] == ["hidden", "hidden", "comment.created", "hidden", "comment.created"]
    await applicant.disconnect()


async def test_taking_the_applicant_off_the_case_closes_their_socket(invited):
    applicant, _ = await joined(invited.applicant, invited.version.pk)

    await database_sync_to_async(cases.remove_applicant)(invited.planner, invited.case, "applicant")

    assert await closed_with(applicant) == 4403


async def test_the_applicant_socket_refuses_markup_commands(invited):
    applicant, _ = await joined(invited.applicant, invited.version.pk)

    await applicant.send_json_to({"type": "annotation.create", "ref": "a-1", "data": cloud(category="correction")})

    error = await receive_type(applicant, "error")
    assert (error["ref"], error["code"]) == ("a-1", "forbidden")
    assert not await database_sync_to_async(Annotation.objects.exists)()
    await applicant.disconnect()
