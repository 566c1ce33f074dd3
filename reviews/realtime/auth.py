"""Websocket authentication by `Authorization: Token <key>`, beside the session cookie."""

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from rest_framework.authtoken.models import Token


@database_sync_to_async
def _token_user(key):
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token and token.user.is_active else None


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        header = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
        scheme, _, key = header.partition(" ")
        if scheme.lower() == "token" and key.strip():
            user = await _token_user(key.strip())
            if user is not None:
                scope = {**scope, "user": user}
        return await super().__call__(scope, receive, send)
