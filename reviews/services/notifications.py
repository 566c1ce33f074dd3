"""Notifications: stored for the inbox, pushed live to the user's sockets, and mailed."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from reviews.models import Notification


def user_group(user_id):
    return f"user-{user_id}"


def notification_json(notification):
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


def notify(users, *, kind, text, url="", subject=None):
    """Notify each of `users` once; delivery (socket and mail) happens after commit."""
    users = {user.pk: user for user in users if user.is_active}.values()
    created = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, text=text[:500], url=url) for user in users]
    )
    mails = [
        (subject or text[:80], f"{text}\n\n{url}", settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in users
        if user.email
    ]
    transaction.on_commit(lambda: _deliver(created, mails), robust=True)
    return created


def _deliver(notifications, mails):
    send = async_to_sync(get_channel_layer().group_send)
    for notification in notifications:
        send(
            user_group(notification.recipient_id),
            {"type": "notification", "notification": notification_json(notification)},
        )
    send_mass_mail(mails, fail_silently=True)


def inbox(user, unread_only=False):
    found = Notification.objects.filter(recipient=user)
    return found.filter(read_at__isnull=True) if unread_only else found


def mark_read(user, ids=None):
    """Mark the user's notifications (all, or those in `ids`) read; returns how many changed."""
    found = inbox(user, unread_only=True)
    if ids is not None:
        found = found.filter(pk__in=ids)
    return found.update(read_at=timezone.now())
