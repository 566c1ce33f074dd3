"""API tokens: one per user, valid for TOKEN_TTL_HOURS from when it was issued, revocable by its owner.

DRF's `Token` row is the token; its `created` time is where the expiry counts from. Asking for a
token again returns the same one while it is valid, and a new one once it has expired. Every
place that accepts a token (the API, the websocket) asks `user_for_key`, so an expired or revoked
token is refused everywhere alike.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

EXPIRED = "Token has expired. Ask for a new one with POST /api/auth/token/."
INVALID = "Invalid token."


class TokenRefused(Exception):
    """The key names no token, an expired one, or one of an inactive user; the message says which."""


def expires_at(token: Token) -> datetime:
    return token.created + timedelta(hours=settings.TOKEN_TTL_HOURS)


def has_expired(token: Token) -> bool:
    return timezone.now() >= expires_at(token)


def obtain(request: HttpRequest, username: str, password: str) -> Token | None:
    """The user's valid token (a new one if theirs expired), or None for a wrong username or password.

    `request` is Django's request: django-axes counts the failure against it (and refuses a locked
    out username or address), and its middleware answers 429 then.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    with transaction.atomic():
        token, _ = Token.objects.select_for_update().get_or_create(user=user)
        if has_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
    return token


def revoke(user: AbstractBaseUser) -> None:
    """The user's token stops working at once; the next POST /api/auth/token/ issues a new one."""
    Token.objects.filter(user_id=user.pk).delete()


def user_for_key(key: str) -> tuple[AbstractBaseUser, Token]:
    """The active user a token key belongs to, or TokenRefused saying why not."""
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        raise TokenRefused(INVALID)
    if has_expired(token):
        raise TokenRefused(EXPIRED)
    return token.user, token
