"""The websocket per the contract, on the in-memory channel layer."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from civicreview.asgi import application
from civicreview.routing import websocket_urlpatterns
from reviews.models import Annotation, StampDefinition
from reviews.realtime.consumer import VersionConsumer
from reviews.services import annotations
from tests.reviews.conftest import cloud

pytestmark = pytest.mark.django_db(transaction=True)
router = URLRouter(websocket_urlpatterns)


async def connect(user, version_id):
    socket = WebsocketCommunicator(router, f"/ws/versions/{version_id}/")
    socket.scope["user"] = user
    connected, _ = await socket.connect()
    assert connected
    return socket


async def joined(user, version_id):
    socket = await connect(user, version_id)
    hello = await socket.receive_json_from()
    assert hello["type"] == "hello"
    await receive_type(socket, "presence")
    return socket, hello


async def receive_type(socket, kind, timeout=2):
    while True:
        message = await socket.receive_json_from(timeout)
        if message["type"] == kind:
            return message


async def test_hello_tells_the_latest_seq_the_user_and_who_is_here(review):
    await database_sync_to_async(annotations.create_annotation)(review.fire_user, review.version.pk, cloud())
    socket = await connect(review.fire_user, review.version.pk)
    hello = await socket.receive_json_from()
    assert hello["seq"] == 1
    assert hello["user"] == {
        "id": review.fire_user.pk, "username": "fire", "department": "fire", "color": "#123456",
        "can_annotate": True, "heads": [],
    }  # fmt: skip
    assert [u["username"] for u in hello["presence"]] == ["fire"]
    await socket.disconnect()


async def test_a_markup_drawn_by_one_reaches_everyone_with_the_senders_ref(review):
    fire, _ = await joined(review.fire_user, review.version.pk)
    building, _ = await joined(review.building_user, review.version.pk)
    await fire.send_json_to({"type": "annotation.create", "ref": "c-1", "data": cloud(text="Fire separation")})
    for socket in (fire, building):
        created = await receive_type(socket, "annotation.created")
        assert created["seq"] == 1 and created["ref"] == "c-1"
        assert created["data"]["text"] == "Fire separation" and created["data"]["department"] == "fire"
    await fire.disconnect()
    await building.disconnect()


async def test_changes_made_over_http_are_broadcast_with_seq(review):
    socket, _ = await joined(review.building_user, review.version.pk)
    await database_sync_to_async(annotations.create_annotation)(
        review.fire_user, review.version.pk, cloud(), ref="http-1"
    )
    created = await receive_type(socket, "annotation.created")
    assert created["seq"] == 1 and created["ref"] == "http-1"
    await socket.disconnect()


async def test_a_stale_edit_answers_only_the_sender_with_the_current_state(review):
    a = (await database_sync_to_async(annotations.create_annotation)(review.fire_user, review.version.pk, cloud())).data
    await database_sync_to_async(annotations.update_annotation)(review.fire_colleague, a["id"], 1, {"text": "newer"})
    fire, _ = await joined(review.fire_user, review.version.pk)
    await fire.send_json_to(
        {"type": "annotation.update", "ref": "u-1", "id": a["id"], "revision": 1, "data": {"text": "older"}}
    )
    error = await receive_type(fire, "error")
    assert error["code"] == "conflict" and error["ref"] == "u-1" and error["current"]["text"] == "newer"
    await fire.disconnect()


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "annotation.create", "ref": "x", "data": cloud(page=99)}, "invalid"),
        ({"type": "annotation.create", "data": cloud()}, "invalid"),
        ({"type": "annotation.update", "ref": "x", "id": "7", "revision": 1, "data": {}}, "invalid"),
        ({"type": "annotation.delete", "ref": "x", "id": 99999, "revision": 1}, "not_found"),
        ({"type": "launch", "ref": "x"}, "invalid"),
    ],
)
async def test_bad_commands_get_an_error_and_the_socket_stays_open(review, message, code):
    socket, _ = await joined(review.fire_user, review.version.pk)
    await socket.send_json_to(message)
    error = await receive_type(socket, "error")
    assert error["code"] == code and error["message"]
    await socket.send_json_to({"type": "resume", "ref": "still-there", "after_seq": 0})
    assert (await receive_type(socket, "resumed"))["ref"] == "still-there"
    await socket.disconnect()


async def test_malformed_and_oversized_messages_are_refused(review):
    socket, _ = await joined(review.fire_user, review.version.pk)
    await socket.send_to(text_data="{not json")
    assert (await receive_type(socket, "error"))["code"] == "invalid"
    await socket.send_to(text_data='{"type": "cursor", "ref": "1", "pad": "' + "x" * 70000 + '"}')
    assert "too large" in (await receive_type(socket, "error"))["message"]
    await socket.disconnect()


async def test_editing_another_departments_markup_is_forbidden(review):
    a = (await database_sync_to_async(annotations.create_annotation)(review.fire_user, review.version.pk, cloud())).data
    building, _ = await joined(review.building_user, review.version.pk)
    await building.send_json_to({"type": "annotation.delete", "ref": "d", "id": a["id"], "revision": 1})
    assert (await receive_type(building, "error"))["code"] == "forbidden"
    assert await database_sync_to_async(Annotation.objects.count)() == 1
    await building.disconnect()


async def test_a_stamp_over_the_socket_is_filled_in_and_kept_to_its_departments(review):
    fire_only = await database_sync_to_async(StampDefinition.objects.create)(wording="FIRE OK")
    await database_sync_to_async(fire_only.departments.add)(review.fire)
    stamp = {"page": 1, "kind": "stamp", "geometry": {"points": [[10, 10], [300, 100]]}, "stamp": fire_only.pk}
    building, _ = await joined(review.building_user, review.version.pk)
    await building.send_json_to({"type": "annotation.create", "ref": "s1", "data": stamp})
    assert (await receive_type(building, "error"))["code"] == "forbidden"
    fire, _ = await joined(review.fire_user, review.version.pk)
    await fire.send_json_to({"type": "annotation.create", "ref": "s2", "data": stamp})
    created = await receive_type(fire, "annotation.created")
    assert created["data"]["text"].startswith("FIRE OK\nfire · Fire · ")
    await building.disconnect()
    await fire.disconnect()


async def test_resume_sends_what_was_missed_in_order(review):
    for _ in range(3):
        await database_sync_to_async(annotations.create_annotation)(review.fire_user, review.version.pk, cloud())
    socket, hello = await joined(review.building_user, review.version.pk)
    assert hello["seq"] == 3
    await socket.send_json_to({"type": "resume", "ref": "r", "after_seq": 1})
    missed = [await receive_type(socket, "annotation.created") for _ in range(2)]
    assert [m["seq"] for m in missed] == [2, 3]
    assert (await receive_type(socket, "resumed"))["seq"] == 3
    await socket.disconnect()


async def test_a_repeated_ref_is_applied_once_and_answered_to_the_sender(review):
    socket, _ = await joined(review.fire_user, review.version.pk)
    command = {"type": "annotation.create", "ref": "same", "data": cloud()}
    await socket.send_json_to(command)
    first = await receive_type(socket, "annotation.created")
    await socket.send_json_to(command)
    again = await receive_type(socket, "annotation.created")
    assert again["seq"] == first["seq"] == 1
    assert await database_sync_to_async(Annotation.objects.count)() == 1
    await socket.disconnect()


async def test_cursors_reach_the_others_and_are_not_stored(review):
    fire, _ = await joined(review.fire_user, review.version.pk)
    building, _ = await joined(review.building_user, review.version.pk)
    await fire.send_json_to({"type": "cursor", "ref": "c", "page": 2, "x": 10.5, "y": 20})
    seen = {}
    while len(seen) < 2:
        message = await building.receive_json_from(2)
        seen[message["type"]] = message
    cursor, presence = seen["cursor"], seen["presence"]
    assert cursor["user"]["username"] == "fire" and (cursor["page"], cursor["x"], cursor["y"]) == (2, 10.5, 20)
    assert {u["username"]: u["page"] for u in presence["users"]} == {"fire": 2, "building": 1}
    await fire.disconnect()
    await building.disconnect()


async def test_presence_shows_who_left(review):
    fire, _ = await joined(review.fire_user, review.version.pk)
    building, _ = await joined(review.building_user, review.version.pk)
    await building.disconnect()
    presence = await receive_type(fire, "presence")
    while len(presence["users"]) != 1:
        presence = await receive_type(fire, "presence")
    assert presence["users"][0]["username"] == "fire"
    await fire.disconnect()


async def test_commands_beyond_the_rate_limit_are_refused(review, monkeypatch):
    monkeypatch.setattr(VersionConsumer, "command_rate", (1, 5))  # however slow this machine is
    socket, _ = await joined(review.fire_user, review.version.pk)
    for i in range(20):
        await socket.send_json_to({"type": "annotation.create", "ref": f"r{i}", "data": {"kind": "nope"}})
    codes = set()
    for _ in range(20):
        codes.add((await receive_type(socket, "error", timeout=5))["code"])
    assert codes == {"invalid", "rate_limited"}
    await socket.disconnect()


@pytest.mark.parametrize(("who", "code"), [("outsider", 4403), ("anonymous", 4401), ("missing", 4404)])
async def test_refused_connections_close_with_the_contracts_codes(review, who, code):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else review.outsider
    version_id = review.version.pk + 1000 if who == "missing" else review.version.pk
    socket = await connect(user, version_id)
    assert (await socket.receive_output(2))["code"] == code


async def test_token_header_authenticates_through_the_full_stack(review):
    token = await database_sync_to_async(Token.objects.create)(user=review.fire_user)
    headers = [(b"origin", b"http://localhost"), (b"authorization", f"Token {token.key}".encode())]
    socket = WebsocketCommunicator(application, f"/ws/versions/{review.version.pk}/", headers=headers)
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["user"]["username"] == "fire"
    await socket.disconnect()


async def test_an_expired_token_closes_with_4401(review, settings):
    token = await database_sync_to_async(Token.objects.create)(user=review.fire_user)
    expired = timezone.now() - timedelta(hours=settings.TOKEN_TTL_HOURS, minutes=1)
    await database_sync_to_async(Token.objects.filter(pk=token.pk).update)(created=expired)
    headers = [(b"origin", b"http://localhost"), (b"authorization", f"Token {token.key}".encode())]
    socket = WebsocketCommunicator(application, f"/ws/versions/{review.version.pk}/", headers=headers)
    await socket.connect()
    assert (await socket.receive_output(2))["code"] == 4401


async def test_the_session_cookie_authenticates_through_the_full_stack(review):
    """As the browser does: logged in over HTTP, the socket carries the session cookie."""
    client = Client()
    await database_sync_to_async(client.force_login)(review.building_user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(
        application,
        f"/ws/versions/{review.version.pk}/",
        headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)],
    )
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["user"]["username"] == "building"
    await socket.disconnect()


@pytest.mark.parametrize("headers", [[], [(b"authorization", b"Token nonsense")], [(b"cookie", b"sessionid=stale")]])
async def test_no_valid_credentials_close_with_4401(review, headers):
    socket = WebsocketCommunicator(
        application, f"/ws/versions/{review.version.pk}/", headers=[(b"origin", b"http://localhost"), *headers]
    )
    await socket.connect()
    assert (await socket.receive_output(2))["code"] == 4401


async def test_every_change_asks_again_whether_the_user_may_make_it(review):
    """The socket keeps its version, not the answer: once fire can no longer see the case, its
    next markup is refused, even when nothing told the socket (a bulk delete sends no signal;
    the changes that do close it with 4403: tests/reviews/test_access_withdrawn.py)."""
    socket, _ = await joined(review.fire_user, review.version.pk)
    await socket.send_json_to({"type": "annotation.create", "ref": "before", "data": cloud()})
    await receive_type(socket, "annotation.created")

    await database_sync_to_async(User.groups.through.objects.filter(user=review.fire_user).delete)()
    await socket.send_json_to({"type": "annotation.create", "ref": "after", "data": cloud()})

    error = await receive_type(socket, "error")
    assert (error["ref"], error["code"]) == ("after", "not_found")
    assert await database_sync_to_async(Annotation.objects.count)() == 1
    await socket.disconnect()


async def test_a_version_deleted_under_an_open_socket_refuses_changes(review):
    socket, _ = await joined(review.fire_user, review.version.pk)
    await database_sync_to_async(review.version.delete)()

    await socket.send_json_to({"type": "annotation.create", "ref": "gone", "data": cloud()})

    error = await receive_type(socket, "error")
    assert (error["ref"], error["code"]) == ("gone", "not_found")
    await socket.disconnect()


async def test_a_foreign_origin_is_refused(review):
    headers = [(b"origin", b"https://evil.example")]
    socket = WebsocketCommunicator(application, f"/ws/versions/{review.version.pk}/", headers=headers)
    connected, _ = await socket.connect()
    assert not connected
    await asyncio.sleep(0)


async def test_setting_a_sheet_scale_is_broadcast(review):
    fire, _ = await joined(review.fire_user, review.version.pk)
    building, _ = await joined(review.building_user, review.version.pk)
    scale = {"ratio": 96, "unit": "ft", "label": '1/8" = 1\'-0"'}
    await fire.send_json_to({"type": "page.scale", "ref": "s", "page": 1, "scale": scale})
    updated = await receive_type(building, "page.updated")
    assert updated["data"] == {"number": 1, "scale": {**scale, "ratio": 96.0}} and updated["ref"] == "s"
    await fire.disconnect()
    await building.disconnect()


async def test_a_change_that_loses_its_database_connection_is_refused_and_the_socket_stays(review, monkeypatch):
    """The connection dropped mid-change (pg_terminate_backend, a failover): the sender is told
    to try again, the socket stays open, and the same ref sent again is applied once."""
    from django.db import OperationalError

    from reviews.realtime import consumer as consumer_module

    run_command = consumer_module.run_command
    lost = []

    def loses_its_connection_once(user, version, message):
        if not lost:
            lost.append(message["ref"])
            raise OperationalError("terminating connection due to administrator command")
        return run_command(user, version, message)

    monkeypatch.setattr(consumer_module, "run_command", loses_its_connection_once)
    socket, _ = await joined(review.fire_user, review.version.pk)
    await socket.send_json_to({"type": "annotation.create", "ref": "a", "data": cloud()})

    error = await receive_type(socket, "error", timeout=5)
    assert (error["ref"], error["code"]) == ("a", "unavailable")
    assert error["message"] == "The database is unavailable for a moment; try again."

    await socket.send_json_to({"type": "annotation.create", "ref": "a", "data": cloud()})
    created = await receive_type(socket, "annotation.created", timeout=5)
    assert (created["seq"], created["ref"]) == (1, "a")
    assert await database_sync_to_async(Annotation.objects.count)() == 1
    await socket.disconnect()
