"""Redis restarting under the servers loses no markup: the servers rejoin their groups
and tell their sockets to resync, and the clients catch up from the event log."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from rest_framework.authtoken.models import Token

from reviews.models import VersionEvent
from tests.integration.test_realtime_servers import next_of, open_socket, two_servers  # noqa: F401
from tests.reviews.conftest import cloud, review  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_url(own_redis):
    return own_redis.url


async def fire_and_building(review, fire_port, building_port):
    """Sockets of the fire and the building reviewer on the version, both greeted."""
    fire = await open_socket(fire_port, await token_of(review.fire_user), review.version.pk)
    building = await open_socket(building_port, await token_of(review.building_user), review.version.pk)
    await next_of(fire, "hello")
    await next_of(building, "hello")
    return fire, building


@sync_to_async
def token_of(user):
    return Token.objects.get_or_create(user=user)[0].key


def test_clients_catch_up_after_redis_restarts(review, two_servers, own_redis):
    async def scenario():
        fire, building = await fire_and_building(review, *two_servers)
        await fire.send(json.dumps({"type": "annotation.create", "ref": "before", "data": cloud()}))
        assert (await next_of(building, "annotation.created"))["seq"] == 1

        own_redis.stop()
        await fire.send(json.dumps({"type": "annotation.create", "ref": "during", "data": cloud()}))
        await asyncio.sleep(1)
        own_redis.start()

        await next_of(building, "resync", timeout=20)
        await building.send(json.dumps({"type": "resume", "ref": "r", "after_seq": 1}))
        missed = await next_of(building, "annotation.created")
        assert (missed["seq"], missed["ref"]) == (2, "during")

        await fire.send(json.dumps({"type": "annotation.create", "ref": "after", "data": cloud()}))
        assert (await next_of(building, "annotation.created", timeout=10))["ref"] == "after"
        await fire.close()
        await building.close()

    asyncio.run(scenario())
    assert list(VersionEvent.objects.values_list("ref", flat=True)) == ["before", "during", "after"]


IDLE_S = 12  # over twice the channel layer's 5 s blocking receive on Redis


def test_a_healthy_redis_gives_no_resync_to_idle_sockets(review, two_servers):
    """Before: every idle receive of the hub timed out on the client (redis-py's 5 s read
    timeout against Redis's 5 s BZPOPMIN) and each time every socket was told to resync."""

    async def scenario():
        fire, building = await fire_and_building(review, two_servers[0], two_servers[0])
        frames = []

        async def read_all():
            async for frame in building:
                frames.append(json.loads(frame)["type"])

        reader = asyncio.create_task(read_all())
        await asyncio.sleep(IDLE_S)
        await fire.send(json.dumps({"type": "annotation.create", "ref": "after-idle", "data": cloud()}))
        async with asyncio.timeout(5):
            while "annotation.created" not in frames:
                await asyncio.sleep(0.05)
        reader.cancel()
        await fire.close()
        await building.close()
        return frames

    frames = asyncio.run(scenario())
    assert "resync" not in frames, frames
