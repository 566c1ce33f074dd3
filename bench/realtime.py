"""Broadcast latency of the markup websocket against a bare `websockets` broadcast server.

    .venv/bin/python bench/realtime.py [--clients 10,100,200,500] [--seconds 15] [--rate 20]

N clients open one version on ONE server process (uvicorn, channels-redis on
Redis, PostgreSQL); a few of them create markups at `--rate` changes/s in all.
Every client times each change from the sender's clock to its arrival. In
the same run the same clients do the same against bench/bare_server.py, a
minimal broadcast server with no Django, and our figures are given as ratios
of it. First, what one change costs in process (queries, CPU, wall time).
Needs PostgreSQL and Redis (defaults below; see docs/performance.md).
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civicreview_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SENDERS = 10
WARM_UP_S = 3
SHEET = (2592.0, 1728.0)

os.environ.update(
    {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "civicreview.settings"}
)
sys.path.insert(0, str(ROOT))


def prepare_database(users):
    """A fresh bench database with one ready version and `users` reviewers with tokens."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from documents.models import Case, Department, Document, DocumentVersion, Page
    from documents.services import cases

    departments = [
        Department.objects.create(slug=slug, name=slug.title(), group=Group.objects.create(name=slug))
        for slug in ("planning", "fire", "building")
    ]
    tokens = []
    for i in range(users):
        user = User.objects.create_user(f"reviewer{i}")
        departments[i % 3].group.user_set.add(user)
        tokens.append(Token.objects.create(user=user).key)
    lead = User.objects.get(username="reviewer0")
    case = cases.create_case(lead, title="Bench", kind=Case.Kind.BUILDING_PERMIT, departments=departments)
    document = Document.objects.create(case=case, title="Plan set")
    version = DocumentVersion.objects.create(
        document=document, number=1, file="x.pdf", sha256="0" * 64, size=1, page_count=1,
        status=DocumentVersion.Status.READY, uploaded_by=lead,
    )  # fmt: skip
    Page.objects.create(version=version, number=1, width=SHEET[0], height=SHEET[1])
    from django.db import connection

    connection.close()
    return version.pk, tokens


def start(command, port):
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(c.laddr.port == port for c in psutil.Process(process.pid).net_connections() if c.status == "LISTEN"):
            return process
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        time.sleep(0.1)
    raise TimeoutError(command)


class Target:
    """How to reach one server and what its messages look like."""

    def __init__(self, name, url, headers_for, command_for, arrived):
        self.name, self.url, self.headers_for, self.command_for, self.arrived = (
            name,
            url,
            headers_for,
            command_for,
            arrived,
        )


def ours(port, version_id, tokens):
    def command(ref):
        data = {"page": 1, "kind": "cloud", "geometry": {"points": [[10, 10], [200, 120]]}, "text": "bench"}
        return json.dumps({"type": "annotation.create", "ref": ref, "data": data})

    def arrived(message):
        message = json.loads(message)
        return message["ref"] if message.get("type") == "annotation.created" else None

    return Target(
        "civicreview",
        f"ws://127.0.0.1:{port}/ws/versions/{version_id}/",
        lambda i: {"Authorization": f"Token {tokens[i % len(tokens)]}"},
        command,
        arrived,
    )


def bare(port):
    return Target(
        "bare websockets",
        f"ws://127.0.0.1:{port}/",
        lambda i: {},
        lambda ref: json.dumps({"ref": ref, "pad": "x" * 250}),
        lambda message: json.loads(message)["ref"],
    )


async def run(target, clients, seconds, rate, server_pid):
    from websockets.asyncio.client import connect

    latencies, received = [], [0]
    server = psutil.Process(server_pid)
    rss_before = server.memory_info().rss

    async def listen(ws):
        try:
            async for message in ws:
                ref = target.arrived(message)
                if ref:
                    received[0] += 1
                    latencies.append(time.time() - float(ref.rsplit(":", 1)[1]))
        except Exception:  # closed at the end
            pass

    listeners = []

    async def open_one(i):
        ws = await connect(
            target.url, additional_headers=target.headers_for(i), origin="http://127.0.0.1", max_size=None
        )
        if target.name == "civicreview":
            while json.loads(await ws.recv())["type"] != "hello":
                pass
        # Read from now on: a socket left unread stops reading at max_queue messages (presence
        # arrives while the others connect) and then misses its pongs, and the client drops it.
        listeners.append(asyncio.create_task(listen(ws)))
        return ws

    sockets = []
    for start_at in range(0, clients, 50):
        sockets += await asyncio.gather(*(open_one(i) for i in range(start_at, min(clients, start_at + 50))))
    await asyncio.sleep(2)  # let presence settle
    rss_idle = server.memory_info().rss
    senders = sockets[: min(SENDERS, clients)]
    await send_for(senders, target, WARM_UP_S, rate, received, clients)  # first connections, caches
    latencies.clear()
    received[0] = 0
    sent, elapsed = await send_for(senders, target, seconds, rate, received, clients)
    for ws in sockets:
        await ws.close()
    for task in listeners:
        task.cancel()
    latencies.sort()
    return {
        "server": target.name,
        "clients": clients,
        "sent": sent,
        "delivered_share": received[0] / (sent * clients),
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
        "events_per_s": received[0] / elapsed,
        "memory_per_idle_connection_kb": (rss_idle - rss_before) / clients / 1024,
    }


async def send_for(senders, target, seconds, rate, received, clients):
    """Send at `rate` for `seconds`, then wait (10 s at most) for every copy to arrive."""
    sent, began = 0, time.monotonic()
    while time.monotonic() - began < seconds:
        await senders[sent % len(senders)].send(target.command_for(f"{sent}:{time.time()}"))
        sent += 1
        await asyncio.sleep(max(0.0, began + sent / rate - time.monotonic()))
    deadline = time.monotonic() + 10
    while received[0] < sent * clients and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return sent, time.monotonic() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="10,100,200,500")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=20, help="changes per second, all senders together")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    version_id, tokens = prepare_database(users=30)
    cost = command_cost(version_id)
    print(json.dumps(cost), flush=True)
    results = []
    for clients in counts:
        for make in ("bare", "ours"):
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            port = 18000 + clients + (1 if make == "ours" else 0)
            if make == "ours":
                command = [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "civicreview.asgi:application",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--ws-per-message-deflate",
                    "false",
                ]
                target = ours(port, version_id, tokens)
            else:
                command = [sys.executable, "bench/bare_server.py", str(port)]
                target = bare(port)
            server = start(command, port)
            try:
                results.append(asyncio.run(run(target, clients, args.seconds, args.rate, server.pid)))
            finally:
                server.terminate()
                server.wait(10)
            print(json.dumps(results[-1]), flush=True)
    report(results, cost)


def command_cost(version_id, changes=200, warm_up=20):
    """One markup creation as a socket's command makes it, in this process: queries, CPU and
    wall time each (medians). The broadcast after commit is left out: here it would start an
    event loop per call, which the server does not."""
    from unittest import mock

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents.models import DocumentVersion
    from reviews.services import annotations, events

    user = User.objects.get(username="reviewer1")
    version = DocumentVersion.objects.select_related("document__case").get(pk=version_id)  # a socket holds it
    data = {"page": 1, "kind": "cloud", "geometry": {"points": [[10, 10], [200, 120]]}, "text": "bench"}
    cpu, wall = [], []
    with mock.patch.object(events, "broadcast", lambda *args: None):
        for i in range(warm_up + changes):
            began, began_cpu = time.perf_counter(), time.thread_time()
            annotations.create_annotation(user, version, data, ref=f"cost-{i}")
            cpu.append(time.thread_time() - began_cpu)
            wall.append(time.perf_counter() - began)
        with CaptureQueriesContext(connection) as captured:  # apart: capturing costs CPU itself
            annotations.create_annotation(user, version, data, ref="cost-counted")
    connection.close()
    return {
        "queries_per_change": len(captured),
        "cpu_ms_per_change": 1000 * statistics.median(cpu[warm_up:]),
        "wall_ms_per_change": 1000 * statistics.median(wall[warm_up:]),
    }


def report(results, cost):
    OUT.mkdir(exist_ok=True)
    (OUT / "realtime.json").write_text(json.dumps({"command": cost, "runs": results}, indent=2))
    print(
        f"\none markup creation in process: {cost['queries_per_change']:.0f} queries,"
        f" {cost['cpu_ms_per_change']:.1f} ms CPU, {cost['wall_ms_per_change']:.1f} ms wall (medians)"
    )
    print(
        f"\n{'clients':>7} {'server':<16} {'p50 ms':>8} {'p99 ms':>8} {'delivered':>9} {'events/s':>9} {'KB/conn':>8} {'p99 ×bare':>9}"
    )
    bare_p99 = {r["clients"]: r["p99_ms"] for r in results if r["server"] != "civicreview"}
    for r in results:
        ratio = (
            r["p99_ms"] / bare_p99[r["clients"]]
            if r["server"] == "civicreview" and bare_p99.get(r["clients"])
            else None
        )
        print(
            f"{r['clients']:>7} {r['server']:<16} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['delivered_share']:>9.2%}"
            f" {r['events_per_s']:>9.0f} {r['memory_per_idle_connection_kb']:>8.1f} {ratio and f'{ratio:.2f}' or '':>9}"
        )


if __name__ == "__main__":
    main()
