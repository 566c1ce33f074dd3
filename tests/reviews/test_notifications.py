import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from civicreview.routing import websocket_urlpatterns
from reviews.models import Notification
from reviews.services import annotations, notifications
from tests.reviews.conftest import cloud, make_user


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_mentioning_a_department_notifies_its_members_but_not_the_author(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    review.version.pages.filter(number=2).update(label="A-101", title="FIRST FLOOR PLAN")
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud(page=2)).data
    review.fire_user.email = "fire@example.gov"
    review.fire_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        annotations.add_comment(review.building_user, a["id"], "@Fire please check the rated wall; cc @building")
    to_fire = Notification.objects.filter(recipient__in=[review.fire_user, review.fire_colleague])
    assert to_fire.count() == 2
    assert "building mentioned Fire" in to_fire.first().text
    assert "Sheet A-101 — FIRST FLOOR PLAN (page 2)" in to_fire.first().text  # as the viewer names it
    assert to_fire.first().url == f"/versions/{review.version.pk}/?page=2&annotation={a['id']}"
    assert not Notification.objects.filter(recipient=review.building_user).exists()  # the author
    assert Notification.objects.filter(recipient=review.building_head).count() == 1
    assert [m.to for m in mailoutbox] == [["fire@example.gov"]]


def test_mentioning_a_person_tells_them_once_and_outsiders_are_not_mentioned(review, after_commit):
    outsider = make_user("stranger")
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    body = f"@{review.fire_colleague.username} and @Fire, please check; @{outsider.username} is not on the case"
    with after_commit():
        annotations.add_comment(review.building_user, a["id"], body)
    colleague = Notification.objects.get(recipient=review.fire_colleague)  # once, though also in Fire
    assert colleague.text.startswith(f"building mentioned you on {review.case.number}, Page 1:")
    assert "mentioned Fire" in Notification.objects.get(recipient=review.fire_user).text
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert not Notification.objects.filter(recipient=review.building_user).exists()


def test_departments_not_on_the_case_and_emails_are_not_mentions(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    annotations.add_comment(review.building_user, a["id"], "@engineering and plans@fire.gov")
    assert not Notification.objects.exists()


def test_the_inbox_lists_and_marks_read(review):
    notifications.notify([review.fire_user], kind="mention", text="one")
    notifications.notify([review.fire_user], kind="mention", text="two")
    fire = client_for(review.fire_user)
    listed = fire.get("/api/notifications/", {"unread": 1}).json()
    assert [n["text"] for n in listed] == ["two", "one"] and not listed[0]["read"]
    assert fire.post("/api/notifications/read/", {"ids": [listed[0]["id"]]}, format="json").json() == {"marked": 1}
    assert [n["text"] for n in fire.get("/api/notifications/", {"unread": 1}).json()] == ["one"]
    assert fire.post("/api/notifications/read/", {"ids": "all"}, format="json").status_code == 400
    assert fire.post("/api/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert client_for(review.building_user).get("/api/notifications/").json() == []


@pytest.mark.django_db(transaction=True)
async def test_notifications_arrive_live_on_the_users_socket(review):
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    socket.scope["user"] = review.fire_user
    assert (await socket.connect())[0]
    assert await socket.receive_json_from(2) == {"type": "hello", "unread": 0}
    await database_sync_to_async(notifications.notify)([review.fire_user], kind="mention", text="look at A-101")
    message = await socket.receive_json_from(2)
    assert message["type"] == "notification" and message["data"]["text"] == "look at A-101"
    assert message["unread"] == 1
    await database_sync_to_async(notifications.mark_read)(review.fire_user)
    assert await socket.receive_json_from(2) == {"type": "unread", "unread": 0}  # every open page hears it
    await socket.disconnect()
