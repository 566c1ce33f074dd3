"""Who is on a websocket: the user of an `Authorization: Token <key>` header, or else of the
session cookie, looked up once when the socket opens.

Not channels' AuthMiddlewareStack: its session middleware wraps every send to save the
session, which a websocket never does, and at 500 sockets that wrapper cost a fifth of
each broadcast.
"""

import logging
from importlib import import_module

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http.cookie import parse_cookie

from accounts import tokens

log = logging.getLogger(__name__)


class WebsocketAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        try:
            user = await _user(scope)
        except (OperationalError, InterfaceError):  # the database is unavailable for a moment
            log.warning("database unavailable while a socket opened; closing it", exc_info=True)
            return await try_again_later(receive, send)
        return await super().__call__({**scope, "user": user}, receive, send)


CLOSE_TRY_AGAIN = 1013  # "try again later": the client opens the socket again with backoff


async def try_again_later(receive, send):
    """Accept the socket and close it at once with CLOSE_TRY_AGAIN (a close before the accept
    would refuse the handshake with 403, which says nothing of trying again)."""
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})


async def _user(scope):
    headers = dict(scope.get("headers", []))
    scheme, _, key = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    user = await _token_user(key.strip()) if scheme.lower() == "token" and key.strip() else None
    if user is not None:
        return user
    cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
    session = import_module(settings.SESSION_ENGINE).SessionStore(cookies.get(settings.SESSION_COOKIE_NAME))
    return await get_user({"session": session})


@database_sync_to_async
def _token_user(key):
    try:
        return tokens.user_for_key(key)[0]
    except tokens.TokenRefused:
        return None
