"""The database lost while a socket opens (PostgreSQL restarting, a failover): the socket is
closed with 1013 "try again later" rather than dropped with an error, nothing of it is left
behind (the hub, its presence row), and once the database is back it opens again and resumes.
The socket's client (static/js/realtime.js) reconnects by itself on any code but 4401/4403/4404."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import InterfaceError, OperationalError
from rest_framework.authtoken.models import Token

from accounts import tokens
from civicreview.asgi import application
from reviews.models import Presence
from reviews.realtime import auth
from reviews.realtime.hub import hub
from reviews.services import annotations, presence
from tests.reviews.conftest import cloud
from tests.reviews.test_consumer import connect, joined

pytestmark = pytest.mark.django_db(transaction=True)


def lost(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


@pytest.mark.parametrize(
    "where",
    [
        ("reviews.realtime.consumer.may_see_version", OperationalError),  # before joining anything
        ("reviews.services.presence.present", InterfaceError),  # after the hub and the presence row
    ],
    ids=["checking access", "saying hello"],
)
async def test_a_database_lost_while_a_socket_opens_closes_it_to_try_again(review, monkeypatch, where):
    target, error = where
    await database_sync_to_async(annotations.create_annotation)(review.fire_user, review.version.pk, cloud(), ref="a")

    def fails(*args, **kwargs):
        raise error("the connection is gone")

    monkeypatch.setattr(target, fails)
    socket = await connect(review.fire_user, review.version.pk)
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": auth.CLOSE_TRY_AGAIN}
    await socket.disconnect()

    assert not hub().sockets.get(review.version.pk), "left in the hub"
    assert not await database_sync_to_async(Presence.objects.filter(version=review.version).exists)()
    monkeypatch.undo()

    again, hello = await joined(review.fire_user, review.version.pk)  # the client's reconnection
    assert hello["seq"] == 1
    await again.send_json_to({"type": "resume", "ref": "r", "after_seq": 0})
    assert (await again.receive_json_from())["ref"] == "a"
    assert (await again.receive_json_from())["type"] == "resumed"
    await again.disconnect()


async def test_a_presence_row_the_database_could_not_remove_expires(review, monkeypatch):
    """The database lost between hello and leaving: the socket closes all the same."""
    socket, _ = await joined(review.fire_user, review.version.pk)
    monkeypatch.setattr(presence, "leave", lost)
    await socket.disconnect()

    assert not hub().sockets.get(review.version.pk)
    assert await database_sync_to_async(Presence.objects.filter(version=review.version).count)() == 1
    monkeypatch.undo()
    assert await database_sync_to_async(presence.present)(review.version.pk) != []  # until PRESENCE_TTL_S passes


@pytest.mark.parametrize("path", ["/ws/versions/{version}/", "/ws/notifications/"])
async def test_a_database_lost_while_the_user_is_looked_up_closes_the_socket_to_try_again(review, monkeypatch, path):
    """Before any socket's own code runs: the token's user cannot be read."""
    key = await database_sync_to_async(lambda: Token.objects.create(user=review.fire_user).key)()
    monkeypatch.setattr(tokens, "user_for_key", lost)
    socket = WebsocketCommunicator(
        application,
        path.format(version=review.version.pk),
        headers=[(b"authorization", f"Token {key}".encode()), (b"origin", b"http://testserver")],
    )
    connected, _ = await socket.connect(timeout=5)

    assert connected
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": auth.CLOSE_TRY_AGAIN}
    await socket.disconnect()
