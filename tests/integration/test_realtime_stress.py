"""Several clients issue random creates, updates, deletes and comments and drop their
connections at random; at the end every client's replayed state equals the database,
`seq` has no gaps, and no acknowledged change is missing."""

import asyncio
import json
import random

import pytest
from rest_framework.authtoken.models import Token

from reviews.models import Annotation, Comment, VersionEvent
from tests.integration.test_realtime_servers import open_socket, two_servers  # noqa: F401 - the fixture
from tests.reviews.conftest import cloud, review  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class Replica:
    """A client's copy of the version, built only from the events it received."""

    def __init__(self):
        self.seq, self.annotations, self.comments, self.acked = 0, {}, {}, set()

    def apply(self, event):
        if event["seq"] != self.seq + 1:
            return False  # a gap (or a repeat): resume instead
        data, kind = event["data"], event["type"]
        if kind in ("annotation.created", "annotation.updated"):
            self.annotations[data["id"]] = data
        elif kind == "annotation.deleted":
            self.annotations.pop(data["id"], None)
            self.comments = {i: c for i, c in self.comments.items() if c["annotation"] != data["id"]}
        elif kind == "comment.created":
            self.comments[data["id"]] = data
        self.seq = event["seq"]
        return True


class Client:
    def __init__(self, name, token, ports, version_id, rng):
        self.name, self.token, self.ports, self.version_id, self.rng = name, token, ports, version_id, rng
        self.replica, self.ws, self.refs = Replica(), None, 0

    async def connect(self):
        self.ws = await open_socket(self.rng.choice(self.ports), self.token, self.version_id)
        await self.ws.send(json.dumps({"type": "resume", "ref": self.ref(), "after_seq": self.replica.seq}))

    def ref(self):
        self.refs += 1
        return f"{self.name}-{self.refs}"

    async def pump(self, until_resumed=False):
        """Apply what has arrived; on a gap, ask to resume."""
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), 0.05 if not until_resumed else 5)
            except TimeoutError:
                return
            message = json.loads(raw)
            if "seq" in message and message["type"] not in ("hello", "resumed"):
                if message["seq"] > self.replica.seq and not self.replica.apply(message):
                    await self.ws.send(json.dumps({"type": "resume", "ref": self.ref(), "after_seq": self.replica.seq}))
                if message.get("ref"):
                    self.replica.acked.add(message["ref"])
            if message["type"] == "resumed" and until_resumed:
                return

    async def act(self):
        mine = [a for a in self.replica.annotations.values() if a["author"] == self.name]
        anyone = list(self.replica.annotations.values())
        roll = self.rng.random()
        if roll < 0.1:
            await self.ws.close()
            return await self.connect()
        if roll < 0.45 or not anyone:
            message = {"type": "annotation.create", "data": cloud(text=f"{self.name} {self.refs}")}
        elif roll < 0.65 and mine:
            a = self.rng.choice(mine)
            message = {
                "type": "annotation.update",
                "id": a["id"],
                "revision": a["revision"],
                "data": {"text": f"edited {self.refs}"},
            }
        elif roll < 0.75 and mine:
            a = self.rng.choice(mine)
            message = {"type": "annotation.delete", "id": a["id"], "revision": a["revision"]}
        else:
            message = {
                "type": "comment.create",
                "annotation": self.rng.choice(anyone)["id"],
                "body": f"reply {self.refs}",
            }
        await self.ws.send(json.dumps({**message, "ref": self.ref()}))


def test_random_concurrent_changes_and_disconnects_lose_nothing(review, two_servers):
    rng = random.Random(20261125)
    users = [review.fire_user, review.fire_colleague, review.building_user, review.planner]
    tokens = {u.username: Token.objects.create(user=u).key for u in users}

    async def scenario():
        clients = [
            Client(name, token, two_servers, review.version.pk, random.Random(rng.random()))
            for name, token in tokens.items()
        ]
        for client in clients:
            await client.connect()
        for _ in range(40):
            for client in clients:
                await client.act()
                await client.pump()
        for client in clients:
            await client.ws.send(json.dumps({"type": "resume", "ref": client.ref(), "after_seq": client.replica.seq}))
            await client.pump(until_resumed=True)
            await client.ws.close()
        return clients

    clients = asyncio.run(scenario())
    seqs = list(VersionEvent.objects.filter(version=review.version).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > 50
    stored = {a.pk: (a.revision, a.text, a.status) for a in Annotation.objects.filter(version=review.version)}
    stored_comments = set(Comment.objects.values_list("pk", flat=True))
    logged_refs = set(VersionEvent.objects.exclude(ref="").values_list("ref", flat=True))
    for client in clients:
        assert client.replica.seq == seqs[-1]
        assert {i: (a["revision"], a["text"], a["status"]) for i, a in client.replica.annotations.items()} == stored
        assert set(client.replica.comments) == stored_comments
        assert client.replica.acked <= logged_refs
