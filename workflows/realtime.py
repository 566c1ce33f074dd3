"""/ws/live/: the signed-in user's one live channel. Their notifications and unread count
(notifications.consumer), and the screens the page watches (workflows.services.live).

A page says what it shows: `{"type": "watch", "screen": "tasks"}` (my tasks, the
dashboard) or `{"type": "watch", "screen": "case", "case": 12}` (a case page's review
section, for those who review the case). The answer, `{"type": "watching", ..., "stamp"}`,
lets the page read itself again if it changed meanwhile; from then on a
`{"type": "changed", "screen": ...}` frame comes after each change of it. Any other
message is answered with `{"type": "error", "code": "invalid" | "not_found", "message"}`.

Who hears what is checked when the watch starts and again whenever an access change
(reviews.realtime.access) names the user or the watched case: task screens follow
the user's departments as they are now, and a case that is no longer the user's to
review is answered `{"type": "unwatched", "screen": "case", "case"}` and heard no more.
"""

import asyncio
import json

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from documents.models import Case
from notifications.consumer import NotificationConsumer
from reviews.realtime import access
from reviews.realtime.hub import REJOIN_S
from workflows.services import live

MAX_MESSAGE_CHARS = 1024


class Invalid(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


class LiveConsumer(NotificationConsumer):
    """Each socket has a channel of its own in the groups of what it watches: one person's
    sockets are few, and screens change at the pace of people deciding."""

    async def connect(self):
        self.watched_tasks = False
        self.watched_cases: set[int] = set()
        self.task_groups: set[str] = set()
        self.groups_joined: set[str] = set()
        self.rejoiner = None
        await super().connect()

    async def disconnect(self, code):
        if self.rejoiner:
            self.rejoiner.cancel()
        await self._leave(self.groups_joined)
        await super().disconnect(code)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            await self._watch(_parsed(text_data))
        except Invalid as refusal:
            await self._send({"type": "error", "code": refusal.code, "message": refusal.message})

    async def _watch(self, message):
        screen = message.get("screen")
        if screen == live.TASKS:
            self.watched_tasks = True
            await self._join_task_groups()
            stamp = await database_sync_to_async(live.user_stamp)(self.scope["user"])
            return await self._send({"type": "watching", "screen": live.TASKS, "stamp": stamp})
        if screen == live.CASE:
            case_id = message.get("case")
            if not isinstance(case_id, int) or isinstance(case_id, bool):
                raise Invalid("invalid", "case must be a case's id, a whole number.")
            if not await database_sync_to_async(_reviews)(self.scope["user"].pk, case_id):
                raise Invalid("not_found", f"There is no case {case_id} that you review.")
            self.watched_cases.add(case_id)
            await self._join({live.case_group(case_id), access.ACCESS_GROUP})
            stamp = await database_sync_to_async(live.case_stamp)(case_id)
            return await self._send({"type": "watching", "screen": live.CASE, "case": case_id, "stamp": stamp})
        raise Invalid("invalid", 'Watch a screen: "screen" is "tasks" or "case".')

    async def live_changed(self, event):
        watched = self.watched_tasks if event["screen"] == live.TASKS else event.get("case") in self.watched_cases
        if watched:
            await self._send({**event, "type": "changed"})

    async def access_changed(self, event):
        """Who may hear what changed: follow the user's departments, and drop cases they no longer review."""
        user_id = self.scope["user"].pk
        if user_id in event["users"] and self.watched_tasks:
            await self._join_task_groups()
        for case_id in sorted(self.watched_cases):
            named = user_id in event["users"] or case_id in event["cases"]
            if named and not await database_sync_to_async(_reviews)(user_id, case_id):
                self.watched_cases.discard(case_id)
                await self._leave({live.case_group(case_id)})
                await self._send({"type": "unwatched", "screen": live.CASE, "case": case_id})

    async def _join_task_groups(self):
        wanted = set(await database_sync_to_async(_task_groups)(self.scope["user"].pk))
        await self._leave(self.task_groups - wanted)
        await self._join(wanted | {access.ACCESS_GROUP})
        self.task_groups = wanted

    async def _join(self, groups):
        for group in groups - self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined |= groups
        if self.rejoiner is None:
            self.rejoiner = asyncio.create_task(self._rejoin_now_and_then())

    async def _leave(self, groups):
        for group in groups & self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined -= groups

    async def _rejoin_now_and_then(self):
        """channels-redis forgets a group's members after a day: a screen left open joins again well before."""
        while True:
            await asyncio.sleep(REJOIN_S)
            for group in {*self.groups_joined, self.group}:
                await self.channel_layer.group_add(group, self.channel_name)

    async def _send(self, message):
        await self.send(text_data=json.dumps(message))


def _parsed(text_data):
    if not text_data or len(text_data) > MAX_MESSAGE_CHARS:
        raise Invalid("invalid", f"Send a JSON object of up to {MAX_MESSAGE_CHARS} characters.")
    try:
        message = json.loads(text_data)
    except ValueError:
        raise Invalid("invalid", "Send a JSON object.") from None
    if not isinstance(message, dict) or message.get("type") != "watch":
        raise Invalid("invalid", 'The live channel takes one message, {"type": "watch", "screen": ...}.')
    return message


def _current_user(user_id):
    """The user as stored now, not as the socket loaded them (access may have changed since)."""
    return get_user_model().objects.filter(pk=user_id).first()


def _reviews(user_id, case_id):
    user = _current_user(user_id)
    return user is not None and Case.objects.reviewed_by(user).filter(pk=case_id).exists()


def _task_groups(user_id):
    user = _current_user(user_id)
    return live.task_groups(user) if user is not None and user.is_active else []
