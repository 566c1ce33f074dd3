"""Request bodies bounded while they stream in, before Django reads them.

Django's ASGI handler reads the whole body into a temporary file before any
view or middleware runs, so a view's size check comes after the bytes are on
disk. This wrapper sits in front of it and refuses with 413 (a JSON `detail`
naming the limit, `Connection: close`):

- at once, from `Content-Length`, when the declared body is over the limit;
- while streaming (chunked bodies have no `Content-Length`), as soon as the
  bytes received pass the limit: the app is told the client went away, and
  nothing more is read.

The limit is the largest upload (`MAX_UPLOAD_MB` and the form around the
file) for a request that carries credentials — a session cookie or an
`Authorization` header — and `DATA_UPLOAD_MAX_MEMORY_SIZE` for one that
carries none: nobody anonymous has a reason to send more. Whether the
credentials are valid is for Django to decide afterwards; this only bounds
what it has to read first.
"""

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.http.cookie import parse_cookie

from documents.services.intake import max_request_bytes

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MB = 1024 * 1024


class BodyLimit:
    """ASGI middleware: HTTP request bodies over the limit are refused with 413 as they arrive."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit, refusal = body_limit(scope)
        if declared_length(scope) > limit:
            return await refuse(send, refusal)
        await self.app(scope, *_Metered(receive, send, limit, refusal).channels())


def body_limit(scope: Scope) -> tuple[int, str]:
    """(the most bytes this request's body may have, the message when it has more)."""
    if has_credentials(scope):
        return max_request_bytes(), f"The request is larger than the upload limit of {settings.MAX_UPLOAD_MB} MB."
    anonymous = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return anonymous, f"Without a login a request may carry at most {anonymous / MB:g} MB; log in first."


def has_credentials(scope: Scope) -> bool:
    headers = scope.get("headers") or ()
    if any(name == b"authorization" and value for name, value in headers):
        return True
    # HTTP/2 may split the cookies over several headers.
    cookie = b"; ".join(value for name, value in headers if name == b"cookie")
    return bool(parse_cookie(cookie.decode("latin-1")).get(settings.SESSION_COOKIE_NAME))


def declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0  # the server refuses a malformed length itself; the stream is counted anyway
    return 0


async def refuse(send: Send, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # Closing the connection is what stops the rest of the body from being read at all.
    await send({"type": "http.response.start", "status": 413, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class _Metered:
    """The app's receive and send, counting body bytes; past the limit the client is answered 413
    and the app sees a disconnect (Django then drops the request without answering)."""

    def __init__(self, receive: Receive, send: Send, limit: int, refusal: str) -> None:
        self._receive, self._send = receive, send
        self.limit, self.refusal = limit, refusal
        self.received = 0
        self.refused = False

    def channels(self) -> tuple[Receive, Send]:
        return self.receive, self.send

    async def receive(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.refused = True
                await refuse(self._send, self.refusal)
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if not self.refused:  # the client has its answer already
            await self._send(message)
