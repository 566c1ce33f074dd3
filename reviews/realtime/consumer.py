"""The websocket on /ws/versions/{id}/: markup commands in, the version's events out.

Thin: it parses a message, calls a service, and answers a refusal to its
sender. Changes reach every socket (the sender's too, with its `ref`) through
the event log's broadcast and this process's hub.
"""

import json
import time
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from civicreview.errors import describe
from documents.models import DocumentVersion
from documents.selectors import may_see_version
from reviews.realtime import access
from reviews.realtime.hub import hub
from reviews.services import annotations, events, presence, sheets
from reviews.services.events import group_name, layer_message

MAX_MESSAGE_BYTES = 64 * 1024

CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND = 4401, 4403, 4404


class TokenBucket:
    def __init__(self, rate, burst):
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def whole(message, field):
    value = message.get(field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refused("invalid", f"{field} must be a whole number.")
    return value


def run_command(user, version, message):
    """Apply one change command; returns the event it produced (or produced before, for a repeated ref)."""
    kind, ref, version_id = message["type"], message["ref"], version.pk
    if kind == "annotation.create":
        return annotations.create_annotation(user, version, message.get("data"), ref=ref)
    if kind == "annotation.update":
        return annotations.update_annotation(
            user, whole(message, "id"), whole(message, "revision"), message.get("data"), ref=ref, version_id=version_id
        )
    if kind == "annotation.delete":
        return annotations.delete_annotation(
            user, whole(message, "id"), whole(message, "revision"), ref=ref, version_id=version_id
        )
    if kind == "page.scale":
        return sheets.set_page_scale(user, version, whole(message, "page"), message.get("scale"), ref=ref)
    return annotations.add_comment(
        user, whole(message, "annotation"), message.get("body"), ref=ref, version_id=version_id
    )


COMMANDS = {"annotation.create", "annotation.update", "annotation.delete", "comment.create", "page.scale"}


class VersionConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = None  # no channel per socket: the hub subscribes once per process
    command_rate = (20, 60)  # per second, burst
    cursor_rate = (20, 20)

    async def connect(self):
        self.version_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.socket_id = f"ws-{uuid.uuid4().hex}"
        self.joined = False
        self.withdrawn = False  # access lost: nothing more goes out, nothing more comes in
        self.page = 1
        self.commands = TokenBucket(*self.command_rate)
        self.cursors = TokenBucket(*self.cursor_rate)
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self.close(CLOSE_UNAUTHENTICATED)
        refusal = await database_sync_to_async(self._refusal)(user)
        if refusal:
            return await self.close(refusal)
        self.user = user
        self.case_id = self.version.document.case_id
        self.held = []  # what the hub delivers before hello has gone out
        await hub().join(self.version_id, self)
        self.joined = True
        hello = await database_sync_to_async(self._hello)()
        if self.withdrawn:  # access changed while joining
            return
        await self.send(text_data=json.dumps(hello))
        hub().presence_changed(self.version_id)
        held, self.held = self.held, None
        for frame in held or ():  # None: withdrawn meanwhile
            await self.base_send(frame)

    def _refusal(self, user):
        self.version = DocumentVersion.objects.select_related("document__case").filter(pk=self.version_id).first()
        if self.version is None:
            return CLOSE_NOT_FOUND
        if not may_see_version(user, self.version_id):
            return CLOSE_FORBIDDEN
        return None

    def _hello(self):
        presence.join(self.version_id, self.user, self.socket_id, self.page)
        users = presence.present(self.version_id)
        me = annotations.reviewer_json(self.user, self.version_id)
        return {"type": "hello", "seq": events.latest_seq(self.version_id), "user": me, "presence": users}

    async def disconnect(self, code):
        if self.joined:
            await hub().leave(self.version_id, self)
            await database_sync_to_async(presence.leave)(self.socket_id)
            hub().presence_changed(self.version_id)

    async def recheck_access(self):
        """Ask again whether the user (as stored now) may see the version; withdraw the socket if not."""
        if self.withdrawn:
            return False
        if await database_sync_to_async(access.user_still_sees)(self.user.pk, self.version_id):
            return True
        await self.withdraw()
        return False

    async def withdraw(self):
        """Access lost: drop what is held or still comes, and close with 4403."""
        if not self.withdrawn:
            self.withdrawn, self.held = True, None
            await self.close(CLOSE_FORBIDDEN)

    async def deliver(self, frame):
        """Send what the hub hands every socket on the version: one ASGI message, shared."""
        if self.withdrawn:
            return
        if self.held is not None:
            self.held.append(frame)
        else:
            await self.base_send(frame)

    async def receive(self, text_data=None, bytes_data=None):
        if self.withdrawn:
            return
        ref = None
        try:
            message = self._parse(text_data, bytes_data)
            ref = message["ref"]
            await self._handle(message)
        except Refused as refusal:
            await self._error(ref, refusal.code, refusal.message)
        except Exception as exc:
            described = describe(exc)
            if described is None:
                raise
            code, _status, body = described
            current = getattr(exc, "current", None)
            await self._error(ref, code, _first_message(body), current)

    def _parse(self, text_data, bytes_data):
        raw = text_data if text_data is not None else (bytes_data or b"").decode("utf-8", "replace")
        if len(raw.encode()) > MAX_MESSAGE_BYTES:
            raise Refused("invalid", f"Message too large; at most {MAX_MESSAGE_BYTES // 1024} KiB.")
        try:
            message = json.loads(raw)
        except ValueError:
            raise Refused("invalid", "Messages must be JSON objects.") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise Refused("invalid", 'Messages must be JSON objects with a "type".')
        ref = message.get("ref")
        if not isinstance(ref, str | int) or isinstance(ref, bool) or not str(ref) or len(str(ref)) > 64:
            raise Refused("invalid", 'Every message needs a "ref" (a string of up to 64 characters).')
        message["ref"] = str(ref)
        return message

    async def _handle(self, message):
        kind = message["type"]
        if kind == "cursor":
            return await self._cursor(message)
        if kind == "view":
            return await self._show_page(whole(message, "page"))
        if kind == "resume":
            return await self._resume(message)
        if kind not in COMMANDS:
            raise Refused("invalid", f"Unknown message type {kind!r}.")
        if not self.commands.take():
            raise Refused("rate_limited", "Too many changes at once; slow down and send again.")
        event = await database_sync_to_async(run_command)(self.user, self.version, message)
        if getattr(event, "replayed", False):  # a repeated ref: answer the sender with what it missed
            await self.send(text_data=json.dumps(event.message()))

    async def _cursor(self, message):
        if not self.cursors.take():
            return  # cursors are best effort: extra ones are dropped, not refused
        page, x, y = whole(message, "page"), message.get("x"), message.get("y")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y)):
            raise Refused("invalid", "x and y must be numbers.")
        await self._show_page(page)
        cursor = {
            "type": "cursor",
            "user": {"id": self.user.pk, "username": self.user.username},
            "page": page,
            "x": x,
            "y": y,
        }
        await get_channel_layer().group_send(group_name(self.version_id), layer_message(self.version_id, cursor))

    async def _show_page(self, page):
        if page != self.page:
            self.page = page
            if await database_sync_to_async(presence.move)(self.socket_id, page):
                hub().presence_changed(self.version_id)

    async def _resume(self, message):
        after = whole(message, "after_seq")
        if not await self.recheck_access():
            return
        missed = await database_sync_to_async(
            lambda: [e.message() for e in events.events_after(self.version_id, after)]
        )()
        for event in missed:
            await self.send(text_data=json.dumps(event))
        latest = missed[-1]["seq"] if missed else await database_sync_to_async(events.latest_seq)(self.version_id)
        await self.send(text_data=json.dumps({"type": "resumed", "ref": message["ref"], "seq": latest}))

    async def _error(self, ref, code, message, current=None):
        error = {"type": "error", "ref": ref, "code": code, "message": message}
        if current is not None:
            error["current"] = current
        await self.send(text_data=json.dumps(error))


def _first_message(body):
    field, value = next(iter(body.items()))
    message = value[0] if isinstance(value, list) else str(value)
    return message if field == "detail" else f"{field}: {message}"
