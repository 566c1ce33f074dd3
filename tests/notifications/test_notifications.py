"""Notifications: the inbox over the API and as a page, and each arriving live on the user's socket."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from civicreview.routing import websocket_urlpatterns
from notifications import services as notifications


def test_the_inbox_lists_and_marks_read(demo, api_as):
    notifications.notify([demo.fire], kind="mention", text="one")
    notifications.notify([demo.fire], kind="mention", text="two")
    fire = api_as(demo.fire)
    listed = fire.get("/api/notifications/", {"unread": 1}).json()
    assert [n["text"] for n in listed] == ["two", "one"] and not listed[0]["read"]
    assert fire.post("/api/notifications/read/", {"ids": [listed[0]["id"]]}, format="json").json() == {"marked": 1}
    assert [n["text"] for n in fire.get("/api/notifications/", {"unread": 1}).json()] == ["one"]
    assert fire.post("/api/notifications/read/", {"ids": "all"}, format="json").status_code == 400
    assert fire.post("/api/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert api_as(demo.building).get("/api/notifications/").json() == []


@pytest.mark.django_db(transaction=True)
async def test_notifications_arrive_live_on_the_users_socket(demo):
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    socket.scope["user"] = demo.fire
    assert (await socket.connect())[0]
    assert await socket.receive_json_from(2) == {"type": "hello", "unread": 0}
    await database_sync_to_async(notifications.notify)([demo.fire], kind="mention", text="look at A-101")
    message = await socket.receive_json_from(2)
    assert message["type"] == "notification" and message["data"]["text"] == "look at A-101"
    assert message["unread"] == 1
    await database_sync_to_async(notifications.mark_read)(demo.fire)
    assert await socket.receive_json_from(2) == {"type": "unread", "unread": 0}  # every open page hears it
    await socket.disconnect()


def test_the_inbox_page_lists_notifications_newest_first(demo, client):
    notifications.notify([demo.fire], kind="task.assigned", text="first")
    notifications.notify([demo.fire], kind="task.reminder", text="second")
    client.force_login(demo.fire)

    page = client.get("/inbox/").content.decode()

    assert page.index("second") < page.index("first") and "2 unread" in page
