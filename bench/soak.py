"""Soak: 200 reviewers working on one server process for 30 minutes.

    .venv/bin/python bench/soak.py [--minutes 30] [--versions 20] [--reviewers 10] [--rate 20]

One uvicorn process (channels-redis on a Redis server of the bench's own, started on a free
port, and PostgreSQL: `SOAK_DATABASE_URL`, default
postgres://postgres@127.0.0.1:5432/civicreview_soak, dropped and created afresh).
`--versions` × `--reviewers` sockets stay open all along; together they create markups and
comment on them at `--rate` changes/s and move their cursors at twice that. Beside them
`--visitors` sockets come and go, each opening a version, staying 20 s and leaving, so that
joins, leaves and presence run all the time. Every 10 s the server's RSS is sampled.

What must hold: the server's RSS flat after the warm-up (the last minute's median < 10% over
the RSS at the end of the warm-up), every stored change (the versions' event logs, read at the
end) delivered to every reviewer of its version, and no `resync`. A socket the server drops
is opened again and resumes from the last `seq` it saw, as the browser does; drops are
counted. Written to bench/out/soak.json.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asgiref.sync import sync_to_async  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from bench.intake import free_port  # noqa: E402 - after the path

SAMPLE_EVERY_S = 10
VISIT_S = 20


def own_redis(folder):
    """A Redis server of the bench's own: no other bench or test shares its groups."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    return process, port


class Reviewer:
    """One reviewer's socket, kept open; if the server drops it, opened again with a `resume`
    from the last `seq` seen, as the browser does. What it received, by seq."""

    def __init__(self, open_socket, n, version_id):
        self.open_socket, self.n, self.version_id = open_socket, n, version_id
        self.ws = None
        self.seen, self.latencies, self.annotations = set(), [], []
        self.resyncs = self.errors = self.drops = self.out_of_order = 0

    async def keep_open(self):
        while True:
            if self.ws is None:
                try:
                    self.ws = await self.open_socket(self.n, self.version_id)
                except (ConnectionClosed, TimeoutError, OSError):
                    self.drops += 1
                    continue
                if self.seen:
                    await self.resume(max(self.seen))
            try:
                async for frame in self.ws:
                    await self.take(json.loads(frame))
            except ConnectionClosed:
                pass
            self.ws = None
            self.drops += 1

    async def resume(self, after_seq):
        await self.ws.send(json.dumps({"type": "resume", "ref": f"r{after_seq}", "after_seq": after_seq}))

    async def take(self, message):
        kind = message.get("type")
        if kind == "resync":
            self.resyncs += 1
        elif kind == "resumed" and message["more"]:
            await self.resume(message["seq"])
        elif kind == "error":  # a command of this reviewer's refused
            self.errors += 1
        elif kind in ("annotation.created", "comment.created") and message["seq"] not in self.seen:
            if self.seen and message["seq"] != max(self.seen) + 1:
                self.out_of_order += 1
            self.seen.add(message["seq"])
            self.latencies.append(time.time() - float(message["ref"].rsplit(":", 1)[1]))
            if kind == "annotation.created":
                self.annotations.append(message["data"]["id"])

    async def send(self, command):
        """Send if the socket is open; False if it is being opened again."""
        try:
            await self.ws.send(json.dumps(command))
            return True
        except (ConnectionClosed, AttributeError):  # AttributeError: no socket at this moment
            return False


async def soak(args, port, version_ids, tokens, server):
    from websockets.asyncio.client import connect

    from bench import realtime

    target = realtime.ours(port, tokens)

    async def open_socket(i, version_id):
        ws = await connect(
            target.url_for(version_id),
            additional_headers=target.headers_for(i),
            origin="http://127.0.0.1",
            open_timeout=realtime.OPEN_TIMEOUT_S,
        )
        while json.loads(await ws.recv())["type"] != "hello":
            pass
        return ws

    reviewers = [
        Reviewer(open_socket, n, version_ids[n % args.versions]) for n in range(args.versions * args.reviewers)
    ]
    listeners = [asyncio.create_task(r.keep_open()) for r in reviewers]
    while any(r.ws is None for r in reviewers):
        await asyncio.sleep(0.2)
    samples, sent, began = [], dict.fromkeys(version_ids, 0), time.monotonic()
    stop_at = began + 60 * args.minutes

    async def sample():
        while time.monotonic() < stop_at:
            samples.append((time.monotonic() - began, server.memory_info().rss))
            await asyncio.sleep(SAMPLE_EVERY_S)

    async def work():
        n = 0
        while time.monotonic() < stop_at:
            author = reviewers[n % len(reviewers)]
            ref = f"{n}:{time.time()}"
            if n % 3 == 2 and author.annotations:
                command = {"type": "comment.create", "ref": ref, "annotation": author.annotations[-1], "body": "ok"}
            else:
                command = json.loads(target.command_for(ref))
            sent[author.version_id] += await author.send(command)
            n += 1
            await asyncio.sleep(max(0.0, began + n / args.rate - time.monotonic()))

    async def cursors():
        n = 0
        while time.monotonic() < stop_at:
            mover = reviewers[(7 * n) % len(reviewers)]
            cursor = {"type": "cursor", "ref": f"k{n}", "page": 1, "x": random.uniform(0, 2000), "y": 100}
            await mover.send(cursor)
            n += 1
            await asyncio.sleep(max(0.0, began + n / (2 * args.rate) - time.monotonic()))

    async def visitor(i):
        while time.monotonic() + VISIT_S < stop_at:
            try:
                ws = await open_socket(i, random.choice(version_ids))
            except (ConnectionClosed, TimeoutError, OSError):  # not opened: the next visit
                continue
            reading = asyncio.create_task(drain(ws))
            await asyncio.sleep(VISIT_S)
            await ws.close()
            reading.cancel()

    await asyncio.gather(sample(), work(), cursors(), *(visitor(i) for i in range(args.visitors)))
    stored = await stored_events(version_ids)
    await settle(reviewers, stored)
    for task in listeners:
        task.cancel()
    for r in reviewers:
        if r.ws is not None:
            await r.ws.close()
    return reviewers, samples, sent, stored


async def drain(ws):
    try:
        async for _ in ws:
            pass
    except Exception:  # closed by the visitor
        pass


@sync_to_async
def stored_events(version_ids):
    """The source of truth: how many events each version's log holds."""
    from django.db.models import Count

    from reviews.models import VersionEvent

    counts = dict(VersionEvent.objects.values_list("version_id").annotate(Count("id")))
    return {v: counts.get(v, 0) for v in version_ids}


def missing(reviewer, stored):
    return stored[reviewer.version_id] - len(reviewer.seen & set(range(1, stored[reviewer.version_id] + 1)))


async def settle(reviewers, stored, deadline_s=15):
    """Wait until every reviewer has every stored change of its version, or the deadline."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline and any(missing(r, stored) for r in reviewers):
        await asyncio.sleep(0.2)


def summary(reviewers, samples, sent, stored, args):
    warm_up_s = 60 * args.warm_up
    after_warm_up = [rss for t, rss in samples if t >= warm_up_s]
    last_minute = [rss for t, rss in samples if t >= samples[-1][0] - 60]
    baseline = after_warm_up[0] if after_warm_up else samples[0][1]
    latencies = sorted(x for r in reviewers for x in r.latencies)
    expected = sum(stored[r.version_id] for r in reviewers)
    return {
        "minutes": args.minutes,
        "reviewers": len(reviewers),
        "visitors": args.visitors,
        "changes_sent": sum(sent.values()),
        "changes_stored": sum(stored.values()),
        "copies_expected": expected,
        "lost": sum(missing(r, stored) for r in reviewers),
        "arrived_out_of_order": sum(r.out_of_order for r in reviewers),
        "sockets_dropped_by_server": sum(r.drops for r in reviewers),
        "resyncs": sum(r.resyncs for r in reviewers),
        "commands_refused": sum(r.errors for r in reviewers),
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
        "rss_mb_after_warm_up": baseline / 2**20,
        "rss_mb_last_minute_median": statistics.median(last_minute) / 2**20,
        "rss_mb_max": max(rss for _, rss in samples) / 2**20,
        "rss_growth_after_warm_up": statistics.median(last_minute) / baseline - 1,
        "rss_samples_mb": [(round(t), round(rss / 2**20, 1)) for t, rss in samples],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warm-up", type=float, default=3, help="minutes before the RSS baseline")
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--reviewers", type=int, default=10, help="per version")
    parser.add_argument("--visitors", type=int, default=10)
    parser.add_argument("--rate", type=float, default=20, help="stored changes per second, all reviewers together")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="soak-")
    redis_server, redis_port = own_redis(folder)
    os.environ["BENCH_DATABASE_URL"] = os.environ.get(
        "SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civicreview_soak"
    )
    os.environ["BENCH_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    from bench import realtime

    try:
        version_ids, tokens = realtime.prepare_database(users=30, versions=args.versions)
        port = free_port()
        server, _ = realtime.serve("ours", port, tokens)
        try:
            reviewers, samples, sent, stored = asyncio.run(
                soak(args, port, version_ids, tokens, psutil.Process(server.pid))
            )
        finally:
            realtime.stop(server)
    finally:
        redis_server.terminate()
        redis_server.wait(10)
    result = summary(reviewers, samples, sent, stored, args)
    realtime.OUT.mkdir(exist_ok=True)
    (realtime.OUT / "soak.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "rss_samples_mb"}, indent=2))
    flat = result["rss_growth_after_warm_up"] < 0.10
    whole = result["lost"] == 0 and result["resyncs"] == 0
    print(
        f"\nRSS flat (< 10% growth after warm-up): {'yes' if flat else 'NO'}; nothing lost, no resync: {'yes' if whole else 'NO'}"
    )


if __name__ == "__main__":
    main()
