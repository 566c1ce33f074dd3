"""The websocket on /ws/versions/{id}/: markup commands in, the version's events out.

Thin: it parses a message, calls a service, and answers a refusal to its
sender. Changes reach every socket (the sender's too, with its `ref`) through
the event log's broadcast and this process's hub.
"""

import asyncio
import json
import logging
import time
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.db import InterfaceError, OperationalError

from civicreview import parsers
from civicreview.errors import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED, describe
from documents.models import DocumentVersion
from documents.selectors import may_see_version, reviews_version
from reviews.markup_rules import is_number
from reviews.realtime import access
from reviews.realtime.auth import CLOSE_TRY_AGAIN
from reviews.realtime.hub import hub
from reviews.realtime.lanes import on_lane
from reviews.services import annotations, audience, events, presence, sheets
from reviews.services.events import group_name, layer_message

log = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 64 * 1024
MAX_COORDINATE = 1e6  # a cursor's x and y, in PDF points: far beyond any sheet
RESUME_PAGE = 1000  # events in one answer to `resume`, as over HTTP

CLOSE_TOO_SLOW = 4008  # fell OUTBOX_FRAMES behind: the client reconnects and resumes from the log


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


def whole(message, field, low=None, high=None):
    """The message's `field` as a whole number (within [low, high] when given)."""
    value = message.get(field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refused("invalid", f"{field} must be a whole number.")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise Refused("invalid", f"{field} must be {bounds}.")
    return value


def finite(message, field):
    value = message.get(field)
    if not is_number(value) or abs(value) > MAX_COORDINATE:
        raise Refused("invalid", f"{field} must be a finite number.")
    return value


def _create_annotation(user, version, message):
    return annotations.create_annotation(user, version, message.get("data"), ref=message["ref"])


def _update_annotation(user, version, message):
    annotation, revision = whole(message, "id"), whole(message, "revision")
    return annotations.update_annotation(
        user, annotation, revision, message.get("data"), ref=message["ref"], version_id=version.pk
    )


def _delete_annotation(user, version, message):
    annotation, revision = whole(message, "id"), whole(message, "revision")
    return annotations.delete_annotation(user, annotation, revision, ref=message["ref"], version_id=version.pk)


def _scale_page(user, version, message):
    page = whole(message, "page", 1, max(version.page_count or 0, 1))
    return sheets.set_page_scale(user, version, page, message.get("scale"), ref=message["ref"])


def _add_comment(user, version, message):
    annotation = whole(message, "annotation")
    return annotations.add_comment(
        user, annotation, message.get("body"), ref=message["ref"], version_id=version.pk,
        visibility=message.get("visibility"),
    )  # fmt: skip


# The change commands: each type's function checks the message's own fields, then calls its service.
CHANGES = {
    "annotation.create": _create_annotation,
    "annotation.update": _update_annotation,
    "annotation.delete": _delete_annotation,
    "page.scale": _scale_page,
    "comment.create": _add_comment,
}


def run_command(user, version, message):
    """Apply one change command; returns the event it produced (or produced before, for a repeated ref)."""
    change = CHANGES.get(message["type"])
    if change is None:
        raise Refused("invalid", f"Unknown message type {message['type']!r}.")
    return change(user, version, message)


def dumps(message):
    """Every frame is strict JSON: no NaN or Infinity, which a browser's JSON.parse refuses."""
    return json.dumps(message, allow_nan=False)


class VersionConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = None  # no channel per socket: the hub subscribes once per process
    command_rate = (20, 60)  # per second, burst
    cursor_rate = (20, 20)
    outbox_frames = 2000  # broadcasts a socket may have waiting to be written before it counts as too slow

    async def connect(self):
        self.version_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.socket_id = f"ws-{uuid.uuid4().hex}"
        self.joined = False
        self.withdrawn = False  # access lost, too slow or gone: nothing more goes out, nothing more comes in
        self.feed = None  # set once the user is known: see _refusal
        self.page = 1
        self.commands = TokenBucket(*self.command_rate)
        self.cursors = TokenBucket(*self.cursor_rate)
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self.close(CLOSE_UNAUTHENTICATED)
        try:
            await self._open(user)
        except (OperationalError, InterfaceError):
            # Nothing is half-done: disconnect() takes the socket out of the hub and its presence
            # row out (or that row expires); the client opens again with backoff and resumes.
            log.warning("database unavailable while socket %s opened; closing it", self.socket_id, exc_info=True)
            self.withdrawn = True
            self._stop_writing()
            await self.close(CLOSE_TRY_AGAIN)

    async def _open(self, user):
        refusal = await database_sync_to_async(self._refusal)(user)
        if refusal:
            return await self.close(refusal)
        self.user = user
        self.case_id = self.version.document.case_id  # type: ignore[union-attr]  # refused when None
        # What the hub delivers waits here for this socket's writer, which starts once hello has gone
        # out: a client that reads slowly holds up only itself, never the hub and the other sockets.
        self.outbox: asyncio.Queue[dict] = asyncio.Queue(self.outbox_frames)
        await hub().join(self.version_id, self)
        self.joined = True
        hello = await database_sync_to_async(self._hello)()
        if self.withdrawn:  # access changed while joining
            return
        await self.send(text_data=dumps(hello))
        hub().presence_changed(self.version_id)
        self.writer = asyncio.create_task(self._write_out())

    def _refusal(self, user):
        self.version = DocumentVersion.objects.select_related("document__case").filter(pk=self.version_id).first()
        if self.version is None:
            return CLOSE_NOT_FOUND
        if not may_see_version(user, self.version_id):
            return CLOSE_FORBIDDEN
        # None: a reviewer's socket, which delivers every event; else what the applicant may read.
        self.feed = None if reviews_version(user, self.version_id) else audience.ApplicantFeed(user, self.version)
        return None

    def _hello(self):
        presence.join(self.version_id, self.user, self.socket_id, self.page)
        users = presence.present(self.version_id)
        me = annotations.reviewer_json(self.user, self.version_id)
        return {"type": "hello", "seq": events.latest_seq(self.version_id), "user": me, "presence": users}

    async def disconnect(self, code):
        self.withdrawn = True
        self._stop_writing()
        if self.joined:
            await hub().leave(self.version_id, self)
            try:
                await database_sync_to_async(presence.leave)(self.socket_id)
            except (OperationalError, InterfaceError):  # its row expires (presence.PRESENCE_TTL_S)
                log.warning("database unavailable; presence of socket %s left to expire", self.socket_id)
            hub().presence_changed(self.version_id)

    async def recheck_access(self):
        """Ask again whether the user (as stored now) may see the version; withdraw the socket if not."""
        if self.withdrawn:
            return False
        still = await database_sync_to_async(access.user_still_sees)(
            self.user.pk, self.version_id, as_reviewer=self.feed is None
        )
        if still:
            return True
        await self.withdraw()
        return False

    async def withdraw(self):
        """Access lost: drop what waits or still comes, and close with 4403."""
        if not self.withdrawn:
            self.withdrawn = True
            self._stop_writing()
            await self.close(CLOSE_FORBIDDEN)

    async def deliver(self, frame, message=None):
        """Queue what the hub hands every socket on the version: one ASGI message, shared by
        reviewers' sockets; an applicant's socket sends `message` as its feed lets it through.
        Never waits: a socket that falls too far behind is closed, to catch up by `resume`."""
        if self.withdrawn:
            return
        if self.feed is not None and message is not None:
            frame = {"type": "websocket.send", "text": dumps(self.feed.view(message))}
        try:
            self.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            log.info("socket %s fell %d messages behind; closing it", self.socket_id, self.outbox_frames)
            self.withdrawn = True
            self._stop_writing()
            self.closing = asyncio.create_task(self.close(CLOSE_TOO_SLOW))

    async def _write_out(self):
        try:
            while True:
                await self.base_send(await self.outbox.get())
        except Exception:  # the client went away; disconnect() follows
            log.debug("writing to socket %s failed", self.socket_id, exc_info=True)

    def _stop_writing(self):
        """No more broadcasts go out: the writer stops, and what waited for it is dropped."""
        if writer := getattr(self, "writer", None):
            writer.cancel()
        if outbox := getattr(self, "outbox", None):
            while not outbox.empty():
                outbox.get_nowait()

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
            message = parsers.loads(raw)
        except parsers.NotJSON as error:
            raise Refused("invalid", str(error)) from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise Refused("invalid", 'Messages must be JSON objects with a "type".')
        ref = message.get("ref")
        if not isinstance(ref, str | int) or isinstance(ref, bool) or not str(ref) or len(str(ref)) > 64:
            raise Refused("invalid", 'Every message needs a "ref" (a string of up to 64 characters).')
        message["ref"] = str(ref)
        return message

    async def _handle(self, message):
        """One table: each message type's handler validates its own fields first."""
        handler = self.HANDLERS.get(message["type"])
        if handler is None:
            raise Refused("invalid", f"Unknown message type {message['type']!r}.")
        await handler(self, message)

    def _take_command(self):
        if not self.commands.take():
            raise Refused("rate_limited", "Too many changes at once; slow down and send again.")

    async def _change(self, message):
        self._take_command()
        event = await on_lane(self.version_id, run_command)(self.user, self.version, message)
        if getattr(event, "replayed", False):  # a repeated ref: answer the sender with what it missed
            await self.send(text_data=dumps(event.message()))

    async def _view(self, message):
        page = self._page(message)
        self._take_command()  # a database write each
        await self._show_page(page)

    def _page(self, message):
        return whole(message, "page", 1, max(self.version.page_count or 0, 1))  # type: ignore[union-attr]

    async def _cursor(self, message):
        if not self.cursors.take():
            return  # cursors are best effort: extra ones are dropped, not refused
        page, x, y = self._page(message), finite(message, "x"), finite(message, "y")
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
        """What was missed after `after_seq`, at most RESUME_PAGE events an answer: `resumed`
        carries the seq reached and `"more": true` when the client should ask again from there."""
        after = whole(message, "after_seq", 0)
        self._take_command()
        if not await self.recheck_access():
            return
        missed = await database_sync_to_async(self._missed)(after)
        more = len(missed) > RESUME_PAGE
        missed = missed[:RESUME_PAGE]
        for event in missed:
            await self.send(text_data=dumps(event))
        latest = missed[-1]["seq"] if missed else await database_sync_to_async(events.latest_seq)(self.version_id)
        await self.send(text_data=dumps({"type": "resumed", "ref": message["ref"], "seq": latest, "more": more}))

    def _missed(self, after):
        """Up to RESUME_PAGE + 1 events after `after`, as this socket's user may read them."""
        missed = [e.message() for e in events.events_after(self.version_id, after)[: RESUME_PAGE + 1]]
        if self.feed is None:
            return missed
        self.feed = audience.ApplicantFeed(self.user, self.version)  # released since it began, say
        return [self.feed.view(message, history=True) for message in missed]

    HANDLERS = {**dict.fromkeys(CHANGES, _change), "cursor": _cursor, "view": _view, "resume": _resume}

    async def _error(self, ref, code, message, current=None):
        error = {"type": "error", "ref": ref, "code": code, "message": message}
        if current is not None:
            error["current"] = current
        await self.send(text_data=dumps(error))


def _first_message(body):
    field, value = next(iter(body.items()))
    message = value[0] if isinstance(value, list) else str(value)
    return message if field == "detail" else f"{field}: {message}"
