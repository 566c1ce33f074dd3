"""Access withdrawn under an open socket: nothing more is delivered, and it closes with 4403.

Every kind of change of who may see a case's versions is tried: a department
taken off the case (service, API), a user taken out of a department's group
(either side of the relation), a user deactivated, an object permission given in
the admin and taken away. A socket whose access is unchanged stays open.
"""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.test import Client
from guardian.shortcuts import assign_perm, remove_perm

from documents.services import cases
from reviews.models import VersionEvent
from reviews.services import annotations
from tests.reviews.conftest import cloud
from tests.reviews.test_consumer import joined, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


async def closed_with(socket, timeout=2):
    """The code the server closed the socket with, past any messages still before it."""
    while True:
        output = await socket.receive_output(timeout)
        if output["type"] == "websocket.close":
            return output["code"]


async def markup_by(user, review, ref):
    await database_sync_to_async(annotations.create_annotation)(user, review.version.pk, cloud(), ref=ref)


async def assert_withdrawn(review, fire, building):
    """fire's socket is closed with 4403 and gets nothing of a later markup that building still gets."""
    assert await closed_with(fire) == 4403
    await markup_by(review.planner, review, "later")
    assert (await receive_type(building, "annotation.created"))["ref"] == "later"
    assert await fire.receive_nothing(0.1)  # building got it, so the hub has handed it to every socket


def take_fire_off(review):
    cases.set_departments(review.case, [review.building])


def take_fire_off_over_http(review):
    client = Client()
    client.force_login(review.planner)
    response = client.patch(
        f"/api/cases/{review.case.pk}/", {"departments": ["building"]}, content_type="application/json"
    )
    assert response.status_code == 200


def remove_from_group(review):
    review.fire_user.groups.remove(review.fire.group)


def remove_from_group_the_other_way(review):
    review.fire.group.user_set.remove(review.fire_user)


def clear_groups(review):
    review.fire_user.groups.clear()


def clear_group_members(review):
    review.fire.group.user_set.clear()


def deactivate(review):
    user = User.objects.get(pk=review.fire_user.pk)
    user.is_active = False
    user.save()


@pytest.mark.parametrize(
    "change",
    [
        take_fire_off,
        take_fire_off_over_http,
        remove_from_group,
        remove_from_group_the_other_way,
        clear_groups,
        clear_group_members,
        deactivate,
    ],
)
async def test_a_change_of_access_closes_the_socket_with_4403(review, change):
    fire, _ = await joined(review.fire_user, review.version.pk)
    building, _ = await joined(review.building_user, review.version.pk)

    await database_sync_to_async(change)(review)

    await assert_withdrawn(review, fire, building)
    await building.disconnect()
    await fire.disconnect()


async def test_an_object_permission_taken_away_in_the_admin_closes_the_socket(review):
    """The engineer's department does not take part; a permission given to the person alone does."""
    await database_sync_to_async(assign_perm)("documents.view_case", review.engineer, review.case)
    engineer, _ = await joined(review.engineer, review.version.pk)
    building, _ = await joined(review.building_user, review.version.pk)

    await database_sync_to_async(remove_perm)("documents.view_case", review.engineer, review.case)

    await assert_withdrawn(review, engineer, building)
    await building.disconnect()
    await engineer.disconnect()


async def test_sockets_that_keep_access_stay_open(review):
    """fire_colleague's colleague leaves fire; a staff flag given, a department added: all keep seeing."""
    colleague, _ = await joined(review.fire_colleague, review.version.pk)
    building, _ = await joined(review.building_user, review.version.pk)

    await database_sync_to_async(review.fire_user.groups.remove)(review.fire.group)
    await database_sync_to_async(cases.set_departments)(review.case, [review.fire, review.building, review.engineering])

    await markup_by(review.planner, review, "after")
    for socket in (colleague, building):
        assert (await receive_type(socket, "annotation.created"))["ref"] == "after"
    await colleague.disconnect()
    await building.disconnect()


async def test_resume_asks_again_and_replays_nothing_once_access_is_gone(review):
    """Access taken away without any signal (a bulk update): resume still finds out."""
    await markup_by(review.planner, review, "before")
    fire, _ = await joined(review.fire_user, review.version.pk)
    await database_sync_to_async(User.objects.filter(pk=review.fire_user.pk).update)(is_active=False)

    await fire.send_json_to({"type": "resume", "ref": "r", "after_seq": 0})

    output = await fire.receive_output(2)
    assert (output["type"], output.get("code")) == ("websocket.close", 4403)
    await fire.disconnect()


async def test_resume_still_answers_while_access_holds(review):
    await markup_by(review.planner, review, "before")
    fire, _ = await joined(review.fire_user, review.version.pk)

    await fire.send_json_to({"type": "resume", "ref": "r", "after_seq": 0})

    assert (await receive_type(fire, "annotation.created"))["ref"] == "before"
    assert (await receive_type(fire, "resumed"))["seq"] == 1
    await fire.disconnect()


async def test_a_refused_socket_stores_nothing_it_sends_after(review):
    fire, _ = await joined(review.fire_user, review.version.pk)
    await database_sync_to_async(take_fire_off)(review)
    assert await closed_with(fire) == 4403

    await fire.send_json_to({"type": "annotation.create", "ref": "late", "data": cloud()})

    assert await fire.receive_nothing(0.1)
    assert not await database_sync_to_async(VersionEvent.objects.filter(ref="late").exists)()
    await fire.disconnect()
