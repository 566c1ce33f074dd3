"""Notifications: stored for the inbox, pushed live to the user's sockets, and mailed."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from civicreview.shapes import render
from notifications.models import Notification
from notifications.shapes import NotificationSerializer


def user_group(user_id):
    return f"user-{user_id}"


notification_json = render(NotificationSerializer)


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
    unread = unread_counts([n.recipient_id for n in notifications])
    for notification in notifications:
        send(
            user_group(notification.recipient_id),
            {
                "type": "notification",
                "notification": notification_json(notification),
                "unread": unread.get(notification.recipient_id, 0),
            },
        )
    send_mass_mail(mails, fail_silently=True)


def unread_counts(user_ids):
    """{user id: how many of their notifications are unread}, in one query."""
    counted = (
        Notification.objects.filter(recipient__in=user_ids)
        .values("recipient")
        .annotate(unread=Count("pk", filter=Q(read_at__isnull=True)))
    )
    return {row["recipient"]: row["unread"] for row in counted}


def unread_count(user):
    return inbox(user, unread_only=True).count()


def inbox(user, unread_only=False):
    found = Notification.objects.filter(recipient=user)
    return found.filter(read_at__isnull=True) if unread_only else found


def mark_read(user, ids=None):
    """Mark the user's notifications (all, or those in `ids`) read; returns how many changed.
    The user's open pages (every tab) are told the new unread count."""
    found = inbox(user, unread_only=True)
    if ids is not None:
        found = found.filter(pk__in=ids)
    changed = found.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: _tell_unread(user), robust=True)
    return changed


def _tell_unread(user):
    message = {"type": "unread", "unread": unread_count(user)}
    async_to_sync(get_channel_layer().group_send)(user_group(user.pk), message)
