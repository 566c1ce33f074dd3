"""Two ASGI server processes sharing Redis and PostgreSQL: a change made through one
reaches a client of the other, in `seq` order, with nothing lost."""

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.integration.conftest import ROOT, free_port
from tests.reviews.conftest import cloud, review  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_until_healthy(url, process, deadline_s=30):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} not healthy in {deadline_s} s")


@pytest.fixture
def two_servers(transactional_db, tmp_path, redis_url):
    """Two uvicorn processes on this test's PostgreSQL database, sharing Redis."""
    if connection.vendor != "postgresql":
        pytest.fail("Run the integration tests with DATABASE_URL=postgres://… (make test under .ci/run does).")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp_path),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "civicreview.asgi:application", "--port", str(port), "--log-level", "warning"],
                cwd=ROOT, env=env,
            )  # fmt: skip
            servers.append((port, process))
        for port, process in servers:
            wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process)
        yield [port for port, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(10)


async def open_socket(port, token, version_id):
    return await connect(
        f"ws://127.0.0.1:{port}/ws/versions/{version_id}/",
        additional_headers={"Authorization": f"Token {token}"},
        origin=f"http://127.0.0.1:{port}",
    )


async def next_of(ws, kind, timeout=5):
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == kind:
                return message


def test_a_change_on_one_server_reaches_a_client_of_the_other(review, two_servers):
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    fire_token = Token.objects.create(user=review.fire_user).key
    building_token = Token.objects.create(user=review.building_user).key
    version_id = review.version.pk

    async def scenario():
        fire = await open_socket(two_servers[0], fire_token, version_id)
        building = await open_socket(two_servers[1], building_token, version_id)
        assert (await next_of(fire, "hello"))["user"]["username"] == "fire"
        await next_of(building, "hello")
        for i in range(5):
            await fire.send(json.dumps({"type": "annotation.create", "ref": f"c{i}", "data": cloud(text=f"#{i}")}))
        seen = [await next_of(building, "annotation.created") for _ in range(5)]
        assert sorted(m["seq"] for m in seen) == [1, 2, 3, 4, 5]
        assert {m["ref"] for m in seen} == {f"c{i}" for i in range(5)}
        await fire.send(json.dumps({"type": "cursor", "ref": "k", "page": 1, "x": 5, "y": 6}))
        assert (await next_of(building, "cursor"))["user"]["username"] == "fire"
        await fire.close()
        await building.close()

    asyncio.run(scenario())


def test_a_client_that_reconnects_resumes_from_its_last_seq(review, two_servers):
    fire_token = Token.objects.create(user=review.fire_user).key
    building_token = Token.objects.create(user=review.building_user).key
    version_id = review.version.pk

    async def scenario():
        building = await open_socket(two_servers[1], building_token, version_id)
        await next_of(building, "hello")
        fire = await open_socket(two_servers[0], fire_token, version_id)
        await next_of(fire, "hello")
        await fire.send(json.dumps({"type": "annotation.create", "ref": "a", "data": cloud()}))
        last_seen = (await next_of(building, "annotation.created"))["seq"]
        await building.close()  # offline while fire carries on
        for ref in ("b", "c"):
            await fire.send(json.dumps({"type": "annotation.create", "ref": ref, "data": cloud()}))
            await next_of(fire, "annotation.created")
        building = await open_socket(two_servers[0], building_token, version_id)
        assert (await next_of(building, "hello"))["seq"] == 3
        await building.send(json.dumps({"type": "resume", "ref": "r", "after_seq": last_seen}))
        # Until `resumed`: the replay, and maybe the live broadcast of a change whose sender was answered
        # before the broadcast reached this server's sockets (the client keeps each seq once).
        missed = {}
        async with asyncio.timeout(5):
            while (message := json.loads(await building.recv()))["type"] != "resumed":
                if message["type"] == "annotation.created":
                    missed[message["seq"]] = message["ref"]
        assert missed == {2: "b", 3: "c"}
        await fire.close()
        await building.close()

    asyncio.run(scenario())


def test_access_withdrawn_on_one_server_closes_a_socket_held_by_the_other(review, two_servers):
    """Planning takes fire off the case through server 0; fire's socket on server 1 is closed with 4403."""
    fire_token = Token.objects.create(user=review.fire_user).key
    planner_token = Token.objects.create(user=review.planner).key
    version_id = review.version.pk

    def take_fire_off():
        request = urllib.request.Request(
            f"http://127.0.0.1:{two_servers[0]}/api/cases/{review.case.pk}/",
            data=json.dumps({"departments": ["building"]}).encode(),
            headers={"Authorization": f"Token {planner_token}", "Content-Type": "application/json"},
            method="PATCH",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    async def scenario():
        fire = await open_socket(two_servers[1], fire_token, version_id)
        await next_of(fire, "hello")
        await asyncio.to_thread(take_fire_off)
        async with asyncio.timeout(5):
            with pytest.raises(ConnectionClosed):
                while True:
                    await fire.recv()
        assert fire.close_code == 4403

    asyncio.run(scenario())
