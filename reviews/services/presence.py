"""Presence: who is on a version and on which sheet, shared by every server process."""

from datetime import timedelta

from django.utils import timezone

from documents.models import Department
from reviews.models import Presence
from reviews.services.events import broadcast

PRESENCE_TTL_S = 90  # a process refreshes its rows every REFRESH_S
REFRESH_S = 30


def join(version_id, user, socket, page=1):
    Presence.objects.update_or_create(socket=socket, defaults={"version_id": version_id, "user": user, "page": page})


def move(socket, page):
    """Record that a socket shows `page`; True when that is a change."""
    return bool(Presence.objects.filter(socket=socket).exclude(page=page).update(page=page))


def leave(socket):
    Presence.objects.filter(socket=socket).delete()


def refresh(sockets):
    Presence.objects.filter(socket__in=sockets).update(updated_at=timezone.now())


def present(version_id):
    """[{"id", "username", "department", "page"}], one entry per user, most recent sheet."""
    since = timezone.now() - timedelta(seconds=PRESENCE_TTL_S)
    rows = (
        Presence.objects.filter(version_id=version_id, updated_at__gte=since)
        .order_by("user_id", "-updated_at")
        .values_list("user_id", "user__username", "page")  # tuples: one row per socket, hundreds on a busy set
    )
    users = {}
    for user_id, username, page in rows:
        users.setdefault(user_id, {"id": user_id, "username": username, "page": page})
    departments = {}
    for user_id, slug in (
        Department.objects.filter(group__user__in=users).order_by("pk").values_list("group__user", "slug")
    ):
        departments.setdefault(user_id, slug)
    return [{**entry, "department": departments.get(entry["id"])} for entry in users.values()]


def announce(version_id):
    users = present(version_id)
    broadcast(version_id, {"type": "presence", "users": users})
    return users
