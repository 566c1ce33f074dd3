"""Who is on a websocket: the user of an `Authorization: Token <key>` header, or else of the
session cookie, looked up once when the socket opens.

Not channels' AuthMiddlewareStack: its session middleware wraps every send to save the
session, which a websocket never does, and at 500 sockets that wrapper cost a fifth of
each broadcast.
"""

from importlib import import_module

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.http.cookie import parse_cookie

from accounts import tokens


class WebsocketAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        return await super().__call__({**scope, "user": await _user(scope)}, receive, send)


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
