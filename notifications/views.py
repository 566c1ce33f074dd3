"""The inbox page: the user's notifications, newest first; new ones arrive live (static/js/notifications/)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from notifications import services as notifications


@login_required
def inbox(request):
    found = list(notifications.inbox(request.user)[:200])
    return render(
        request,
        "notifications/inbox.html",
        {"notifications": found, "unread": sum(1 for n in found if n.read_at is None)},
    )
