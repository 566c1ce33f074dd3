"""Redis restarting under the servers loses no markup: the servers rejoin their groups
and tell their sockets to resync, and the clients catch up from the event log."""

import asyncio
import json

import pytest
from rest_framework.authtoken.models import Token

from reviews.models import VersionEvent
from tests.integration.test_realtime_servers import next_of, open_socket, two_servers  # noqa: F401
from tests.reviews.conftest import cloud, review  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_url(own_redis):
    return own_redis.url


def test_clients_catch_up_after_redis_restarts(review, two_servers, own_redis):
    fire_token = Token.objects.create(user=review.fire_user).key
    building_token = Token.objects.create(user=review.building_user).key

    async def scenario():
        fire = await open_socket(two_servers[0], fire_token, review.version.pk)
        building = await open_socket(two_servers[1], building_token, review.version.pk)
        await next_of(fire, "hello")
        await next_of(building, "hello")
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
