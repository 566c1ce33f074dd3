"""PostgreSQL terminating the servers' connections (`pg_terminate_backend`: a failover, an
operator, a pooler restart) under changes made over HTTP and open sockets: every request is
answered with success or a clean 503 (never a 500), the next requests succeed, the sockets
stay open, and a client that resumes from its last `seq` has every change, once, in order."""

import asyncio
import json
import urllib.error
import urllib.request

import psutil
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from reviews.models import VersionEvent
from tests.integration.test_realtime_servers import next_of, open_socket, two_servers  # noqa: F401
from tests.reviews.conftest import cloud, review  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = 6


def database_ports_of(server_ports):
    """The local ports of the PostgreSQL connections the servers listening on `server_ports` hold."""
    listening = {
        c.pid for c in psutil.net_connections("tcp") if c.status == psutil.CONN_LISTEN and c.laddr.port in server_ports
    }
    database_port = int(connection.settings_dict["PORT"] or 5432)
    return [
        c.laddr.port
        for pid in listening
        for c in psutil.Process(pid).net_connections("tcp")
        if c.raddr and c.raddr.port == database_port
    ]


def terminate_backends_of(server_ports):
    """Terminate the servers' connections to PostgreSQL (never this process's); how many."""
    client_ports = database_ports_of(server_ports)
    if not client_ports:
        return 0
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE client_port = ANY(%s)",
                [client_ports],
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()  # called on a thread of its own: its connection goes with it


def stored_events():
    try:
        return list(VersionEvent.objects.order_by("seq").values_list("seq", "ref"))
    finally:
        connection.close()


def post_markup(port, token, version_id, ref):
    """POST a markup; (status, body). Repeating a ref is safe: the server applies it once."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/versions/{version_id}/annotations/",
        data=json.dumps({**cloud(text=ref), "ref": ref}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_connections_terminated_under_changes_and_sockets_lose_nothing(review, two_servers):
    port = two_servers[0]
    planner_token = Token.objects.create(user=review.planner).key
    fire_token = Token.objects.create(user=review.fire_user).key
    building_token = Token.objects.create(user=review.building_user).key
    version_id = review.version.pk
    answers = []

    async def post(ref):
        status, body = await asyncio.to_thread(post_markup, port, planner_token, version_id, ref)
        answers.append((ref, status, body))
        return status

    async def scenario():
        fire = await open_socket(port, fire_token, version_id)
        building = await open_socket(two_servers[1], building_token, version_id)
        await next_of(fire, "hello")
        await next_of(building, "hello")
        terminated = 0
        for round_ in range(ROUNDS):
            terminated += await asyncio.to_thread(terminate_backends_of, two_servers)
            await post(f"http-{round_}")
            terminated += await asyncio.to_thread(terminate_backends_of, two_servers)
            await fire.send(json.dumps({"type": "annotation.create", "ref": f"ws-{round_}", "data": cloud()}))
            answer = await answer_to(fire, f"ws-{round_}")
            assert answer["type"] == "annotation.created" or answer["code"] == "unavailable", answer
        assert terminated >= ROUNDS, "the servers' connections were there to terminate"

        # after the faults: every change goes through, over HTTP and the socket
        assert await post("http-after") == 201, answers[-1]
        await fire.send(json.dumps({"type": "annotation.create", "ref": "ws-after", "data": cloud()}))
        assert (await answer_to(fire, "ws-after"))["type"] == "annotation.created"

        # the sockets stayed open; building, which saw what it saw live, resumes from the last
        # `seq` it holds without a gap and then has the whole log, each change once, in order
        stored = await asyncio.to_thread(stored_events)
        live = await drain(building)
        last = 0
        while last + 1 in live:
            last += 1
        await building.send(json.dumps({"type": "resume", "ref": "r", "after_seq": last}))
        replayed = await collect_until_resumed(building)
        assert [(seq, live[seq]) for seq in range(1, last + 1)] + [(m["seq"], m["ref"]) for m in replayed] == stored
        assert [seq for seq, _ in stored] == list(range(1, len(stored) + 1)), "gap-free"
        assert len({ref for _, ref in stored}) == len(stored), "each change once"
        await fire.close()
        await building.close()
        return stored

    stored = asyncio.run(scenario())

    assert {status for _, status, _ in answers} <= {201, 503}, answers
    for _, status, body in answers:
        if status == 503:
            assert body == {"detail": "The database is unavailable for a moment; try again."}
    refs = {ref for _, ref in stored}
    assert {ref for ref, status, _ in answers if status == 201} <= refs
    assert {"http-after", "ws-after"} <= refs


async def answer_to(ws, ref, timeout=10):
    """The change or the error answering the command sent with `ref`."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message.get("ref") == ref and message["type"] in ("annotation.created", "error"):
                return message


async def drain(ws, quiet_s=1.0):
    """{seq: ref} of the changes that reached `ws` live, read until it has been quiet a while."""
    seen = {}
    while True:
        try:
            async with asyncio.timeout(quiet_s):
                message = json.loads(await ws.recv())
        except TimeoutError:
            return seen
        if message["type"] in ("annotation.created", "comment.created"):
            seen[message["seq"]] = message["ref"]


async def collect_until_resumed(ws, timeout=10):
    events = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "resumed":
                return events
            if "seq" in message and message["type"] != "hello" and message.get("ref") != "r":
                events.append(message)


def test_connections_terminated_while_sockets_open_close_them_to_try_again(review, two_servers):
    """Sockets opening while the servers' database connections are terminated again and again:
    each either says hello or is closed with 1013 ("try again later", never an error close), and
    opened again as the browser does, every one ends up on the version with the whole log."""
    from websockets.exceptions import ConnectionClosed

    token = Token.objects.create(user=review.fire_user).key
    version_id = review.version.pk
    planner = Token.objects.create(user=review.planner).key
    assert post_markup(two_servers[0], planner, version_id, "before")[0] == 201
    closes = []

    async def open_until_hello(port):
        for _ in range(20):
            ws = await open_socket(port, token, version_id)
            try:
                await next_of(ws, "hello", timeout=20)
                return ws
            except ConnectionClosed as closed:
                closes.append(closed.rcvd.code if closed.rcvd else None)
                await asyncio.sleep(0.2)
        raise AssertionError(f"never opened: {closes}")

    async def terminate_meanwhile(stop):
        terminated = 0
        while not stop.is_set():
            terminated += await asyncio.to_thread(terminate_backends_of, two_servers)
            await asyncio.sleep(0.01)
        return terminated

    async def scenario():
        stop = asyncio.Event()
        terminating = asyncio.create_task(terminate_meanwhile(stop))
        sockets = await asyncio.gather(*(open_until_hello(two_servers[n % 2]) for n in range(16)))
        stop.set()
        assert await terminating > 0, "the servers' connections were there to terminate"
        for ws in sockets:
            await ws.send(json.dumps({"type": "resume", "ref": "r", "after_seq": 0}))
            assert [m["ref"] for m in await collect_until_resumed(ws)] == ["before"]
            await ws.close()

    asyncio.run(scenario())

    assert set(closes) <= {1013}, closes
