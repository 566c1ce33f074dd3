"""A client that stops reading holds up only itself: the hub hands every other socket its
messages at once, and the slow one is closed (4008) once it falls `outbox_frames` behind,
to reconnect and catch up from the event log with `resume`."""

import asyncio

import pytest

from reviews.realtime.consumer import CLOSE_TOO_SLOW, VersionConsumer
from reviews.realtime.hub import hub
from tests.reviews.test_access_withdrawn import closed_with
from tests.reviews.test_consumer import joined, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


def stall_broadcasts(version_id, username):
    """That user's socket stops taking broadcasts, as a client that does not read makes the server's
    writes wait once the connection's buffers are full; a close still goes out."""
    (socket,) = [s for s in hub().sockets[version_id] if s.user.username == username]
    send, never = socket.base_send, asyncio.Event()

    async def stalled(message):
        if message["type"] == "websocket.send":
            await never.wait()
        await send(message)

    socket.base_send = stalled


def note(number):
    return {"type": "note", "seq": number}


async def test_a_client_that_stops_reading_is_closed_and_holds_up_nobody(review, monkeypatch):
    monkeypatch.setattr(VersionConsumer, "outbox_frames", 5)
    version_id = review.version.pk
    fire, _ = await joined(review.fire_user, version_id)
    building, _ = await joined(review.building_user, version_id)
    stall_broadcasts(version_id, "fire")

    async with asyncio.timeout(2):  # the hub never waits for fire's writes
        for number in range(1, 9):
            await hub().send_local(version_id, note(number))
            await asyncio.sleep(0)  # as the hub waits for the layer's next message

    assert [(await receive_type(building, "note"))["seq"] for _ in range(8)] == list(range(1, 9))
    assert await closed_with(fire) == CLOSE_TOO_SLOW
    await hub().send_local(version_id, note(9))
    assert (await receive_type(building, "note"))["seq"] == 9
    await building.disconnect()


async def test_a_client_that_keeps_up_gets_everything_in_order(review, monkeypatch):
    monkeypatch.setattr(VersionConsumer, "outbox_frames", 5)
    fire, _ = await joined(review.fire_user, review.version.pk)
    for number in range(1, 21):
        await hub().send_local(review.version.pk, note(number))
        assert (await receive_type(fire, "note"))["seq"] == number
    await fire.disconnect()
