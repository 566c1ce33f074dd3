"""Broadcast latency of the markup websocket against a bare `websockets` broadcast server.

    .venv/bin/python bench/realtime.py [--clients 10,100,200,500] [--seconds 15] [--rate 20]
    .venv/bin/python bench/realtime.py --sessions [--versions 100] [--reviewers 10] [--rate 200] [--ramp 300,400]

N clients open one version on ONE server process (uvicorn, channels-redis on
Redis, PostgreSQL); a few of them create markups at `--rate` changes/s in all.
Every client times each change from the sender's clock to its arrival. In
the same run the same clients do the same against bench/bare_server.py, a
minimal broadcast server with no Django, and our figures are given as ratios
of it. First, what one change costs in process (queries, CPU, wall time).

`--sessions`: many small sessions at once instead, a city's day: `--versions`
versions (each on a case of its own) with `--reviewers` clients each, one of
them per version sending, `--rate` changes/s in all spread evenly over the
versions; the bare server gets the same rooms (one per path). `--ramp` adds
more rates, run on the same open sockets one after another, to find the most
changes/s one process sustains. Every run counts the `resync` frames the
clients receive (the server's hub sends one to every socket when its channel
layer subscription fails).
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
PORT = int(os.environ.get("BENCH_PORT", "18000"))  # the servers listen from here up (apart for benches side by side)
SENDERS = 10
WARM_UP_S = 3
OPEN_TIMEOUT_S = 60  # a loaded machine can take long to open a thousand sockets
SHEET = (2592.0, 1728.0)

os.environ.update(
    {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "civicreview.settings"}
)
sys.path.insert(0, str(ROOT))


def prepare_database(users, versions=1):
    """A fresh bench database with `versions` ready versions, each on a case of its own, and
    `users` reviewers with tokens, in three departments that take part in every case."""
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

    from documents.models import Department

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
    version_ids = [make_version(lead, departments, n).pk for n in range(versions)]
    from django.db import connection

    connection.close()
    return version_ids, tokens


def make_version(lead, departments, n):
    """A case with one ready one-sheet version."""
    from documents.models import Case, Document, DocumentVersion, Page
    from documents.services import cases

    case = cases.create_case(lead, title=f"Bench {n}", kind=Case.Kind.BUILDING_PERMIT, departments=departments)
    document = Document.objects.create(case=case, title="Plan set")
    version = DocumentVersion.objects.create(
        document=document, number=1, file="x.pdf", sha256="0" * 64, size=1, page_count=1,
        status=DocumentVersion.Status.READY, uploaded_by=lead,
    )  # fmt: skip
    Page.objects.create(version=version, number=1, width=SHEET[0], height=SHEET[1])
    return version


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
    """How to reach one server's room (a version) and what its messages look like."""

    def __init__(self, name, url_for, headers_for, command_for, classify):
        self.name, self.url_for, self.headers_for, self.command_for, self.classify = (
            name,
            url_for,
            headers_for,
            command_for,
            classify,
        )


def ours(port, tokens):
    def command(ref):
        data = {"page": 1, "kind": "cloud", "geometry": {"points": [[10, 10], [200, 120]]}, "text": "bench"}
        return json.dumps({"type": "annotation.create", "ref": ref, "data": data})

    def classify(message):
        """("change", its ref) for a markup created, ("resync", None), or None for anything else."""
        message = json.loads(message)
        kind = message.get("type")
        if kind == "annotation.created":
            return "change", message["ref"]
        return (kind, None) if kind == "resync" else None

    return Target(
        "civicreview",
        lambda room: f"ws://127.0.0.1:{port}/ws/versions/{room}/",
        lambda i: {"Authorization": f"Token {tokens[i % len(tokens)]}"},
        command,
        classify,
    )


def bare(port):
    return Target(
        "bare websockets",
        lambda room: f"ws://127.0.0.1:{port}/{room}",
        lambda i: {},
        lambda ref: json.dumps({"ref": ref, "pad": "x" * 250}),
        lambda message: ("change", json.loads(message)["ref"]),
    )


class Tally:
    """What the clients received: copies of changes with their latencies, and resyncs."""

    def __init__(self):
        self.latencies, self.copies, self.resyncs, self.unsent = [], 0, 0, 0

    def take(self, classified):
        if classified is None:
            return
        kind, ref = classified
        if kind == "resync":
            self.resyncs += 1
            return
        self.copies += 1
        self.latencies.append(time.time() - float(ref.rsplit(":", 1)[1]))

    def restart(self):
        self.latencies, self.copies, self.unsent = [], 0, 0


async def open_clients(target, rooms, per_room, tally):
    """`per_room` sockets on each room, each read from the moment it opens; returns them by room
    and the reading tasks."""
    from websockets.asyncio.client import connect

    async def listen(ws):
        try:
            async for message in ws:
                tally.take(target.classify(message))
        except Exception:  # closed at the end
            pass

    listeners = []

    async def open_one(i):
        ws = await connect(
            target.url_for(rooms[i % len(rooms)]),
            additional_headers=target.headers_for(i),
            origin="http://127.0.0.1",
            max_size=None,
            open_timeout=OPEN_TIMEOUT_S,
        )
        if target.name == "civicreview":
            while json.loads(await ws.recv())["type"] != "hello":
                pass
        # Read from now on: a socket left unread stops reading at max_queue messages (presence
        # arrives while the others connect) and then misses its pongs, and the client drops it.
        listeners.append(asyncio.create_task(listen(ws)))
        return ws

    total, by_room = len(rooms) * per_room, [[] for _ in rooms]
    for start_at in range(0, total, 50):
        batch = range(start_at, min(total, start_at + 50))
        for i, ws in zip(batch, await asyncio.gather(*(open_one(i) for i in batch))):
            by_room[i % len(rooms)].append(ws)
    return by_room, listeners


async def run(target, rooms, per_room, rates, seconds, server_pid):
    """Open the clients once, then send at each of `rates` in turn; one result per rate."""
    server = psutil.Process(server_pid)
    rss_before = server.memory_info().rss
    tally = Tally()
    by_room, listeners = await open_clients(target, rooms, per_room, tally)
    await asyncio.sleep(2)  # let presence settle
    rss_idle = server.memory_info().rss
    per_room_sending = min(max(1, SENDERS // len(rooms)), per_room)
    # Round-robin over the rooms, so that every version gets its share of the changes.
    senders = [members[k] for k in range(per_room_sending) for members in by_room]
    await send_for(senders, target, WARM_UP_S, rates[0], tally, per_room)  # first connections, caches
    results = []
    for rate in rates:
        tally.restart()
        resyncs_before, cpu_before = tally.resyncs, server.cpu_times()
        sent, elapsed = await send_for(senders, target, seconds, rate, tally, per_room)
        cpu = server.cpu_times()
        latencies = sorted(tally.latencies)
        results.append({
            "server": target.name,
            "versions": len(rooms),
            "clients": len(rooms) * per_room,
            "rate": rate,
            "sent": sent,
            "unsent_on_closed_senders": tally.unsent,
            "delivered_share": tally.copies / (sent * per_room),
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
            "events_per_s": tally.copies / elapsed,
            "resyncs": tally.resyncs - resyncs_before,
            "server_cpu_share": (cpu.user + cpu.system - cpu_before.user - cpu_before.system) / elapsed,
            "memory_per_idle_connection_kb": (rss_idle - rss_before) / (len(rooms) * per_room) / 1024,
        })  # fmt: skip
        print(json.dumps(results[-1]), flush=True)
    for members in by_room:
        for ws in members:
            await ws.close()
    for task in listeners:
        task.cancel()
    return results


async def send_for(senders, target, seconds, rate, tally, per_room):
    """Send at `rate` for `seconds`, then wait (10 s at most) for every copy to arrive. A sender
    the server closed (a keepalive timeout when it falls far behind) is counted and skipped."""
    from websockets.exceptions import ConnectionClosed

    tries, sent, began = 0, 0, time.monotonic()
    while time.monotonic() - began < seconds:
        try:
            await senders[tries % len(senders)].send(target.command_for(f"{sent}:{time.time()}"))
            sent += 1
        except ConnectionClosed:
            tally.unsent += 1
        tries += 1
        await asyncio.sleep(max(0.0, began + tries / rate - time.monotonic()))
    deadline = time.monotonic() + 10
    while tally.copies < sent * per_room and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return sent, time.monotonic() - began


def serve(make, port, tokens):
    """Start our server or the bare one on `port`; returns the process and its target."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    if make == "ours":
        command = [
            sys.executable, "-m", "uvicorn", "civicreview.asgi:application", "--port", str(port),
            "--log-level", "warning", "--ws-per-message-deflate", "false",
        ]  # fmt: skip
        return start(command, port), ours(port, tokens)
    return start([sys.executable, "bench/bare_server.py", str(port)], port), bare(port)


def measure(make, port, tokens, rooms, per_room, rates, seconds):
    server, target = serve(make, port, tokens)
    try:
        return asyncio.run(run(target, rooms, per_room, rates, seconds, server.pid))
    finally:
        stop(server)


def stop(server):
    """Terminate the server; kill it if it has not exited within 30 s (closing many sockets)."""
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="10,100,200,500")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, help="changes per second, all senders together (20; 200 with --sessions)")
    parser.add_argument("--sessions", action="store_true", help="many versions with a few reviewers each")
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--reviewers", type=int, default=10, help="clients per version, with --sessions")
    parser.add_argument("--ramp", default="", help="more rates after --rate on the same sockets, e.g. 300,400")
    args = parser.parse_args()
    rate = args.rate or (200 if args.sessions else 20)
    rates = [rate] + [float(r) for r in args.ramp.split(",") if r]
    version_ids, tokens = prepare_database(users=30, versions=args.versions if args.sessions else 1)
    cost = command_cost(version_ids[0])
    print(json.dumps(cost), flush=True)
    results = []
    if args.sessions:
        for make in ("bare", "ours"):
            rooms = version_ids if make == "ours" else [f"v{v}" for v in version_ids]
            results += measure(
                make, PORT + (1 if make == "ours" else 0), tokens, rooms, args.reviewers, rates, args.seconds
            )
    else:
        for clients in (int(c) for c in args.clients.split(",")):
            for make in ("bare", "ours"):
                port = PORT + clients + (1 if make == "ours" else 0)
                rooms = version_ids if make == "ours" else ["one"]
                results += measure(make, port, tokens, rooms, clients, rates, args.seconds)
    report(results, cost, "realtime-sessions.json" if args.sessions else "realtime.json")


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


def report(results, cost, filename):
    OUT.mkdir(exist_ok=True)
    (OUT / filename).write_text(json.dumps({"command": cost, "runs": results}, indent=2))
    print(
        f"\none markup creation in process: {cost['queries_per_change']:.0f} queries,"
        f" {cost['cpu_ms_per_change']:.1f} ms CPU, {cost['wall_ms_per_change']:.1f} ms wall (medians)"
    )
    print(
        f"\n{'versions':>8} {'clients':>7} {'rate':>5} {'server':<16} {'p50 ms':>8} {'p99 ms':>8} {'delivered':>9}"
        f" {'events/s':>9} {'resyncs':>7} {'CPU':>5} {'KB/conn':>8} {'p99 ×bare':>9} {'aim':>4}"
    )
    bare_p99 = {key(r): r["p99_ms"] for r in results if r["server"] != "civicreview"}
    for r in results:
        base = bare_p99.get(key(r)) if r["server"] == "civicreview" else None
        ratio = f"{r['p99_ms'] / base:.2f}" if base and r["p99_ms"] is not None else ""
        print(
            f"{r['versions']:>8} {r['clients']:>7} {r['rate']:>5.0f} {r['server']:<16} {r['p50_ms'] or 0:>8.1f}"
            f" {r['p99_ms'] or 0:>8.1f} {r['delivered_share']:>9.2%} {r['events_per_s']:>9.0f} {r['resyncs']:>7}"
            f" {r['server_cpu_share']:>5.0%} {r['memory_per_idle_connection_kb']:>8.1f} {ratio:>9}"
            f" {'' if base is None or r['versions'] == 1 else ('met' if sustained(r, base) else 'no'):>4}"
        )


def key(result):
    return result["versions"], result["clients"], result["rate"]


def sustained(result, bare_p99_ms):
    """The sessions' aim (shown for --sessions runs): every copy delivered, p99 within 1.5× bare + 20 ms (the stored
    write's floor), no resync."""
    return (
        result["delivered_share"] >= 1.0
        and result["p99_ms"] is not None
        and result["p99_ms"] <= 1.5 * bare_p99_ms + 20
        and result["resyncs"] == 0
    )


if __name__ == "__main__":
    main()
