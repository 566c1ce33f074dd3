"""Server-rendered workflow screens: my tasks, the head's dashboard, the inbox. Each page
carries its stamp; the user's live channel (workflows.realtime) says when to read it again."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from documents.models import Case
from insight import figures
from reviews.services import notifications
from workflows import selectors
from workflows.services import live as stamps


@login_required
def my_tasks(request):
    now = timezone.now()
    tasks = list(selectors.open_tasks(request.user))
    return render(
        request,
        "workflows/my_tasks.html",
        {"tasks": tasks, "now": now, "stamp": stamps.user_stamp(request.user)},
    )


@login_required
def dashboard(request):
    now = timezone.now()
    boards = selectors.dashboard(request.user, now=now)
    shown = [task for board in boards for key in ("awaiting", "queue") for task in board[key]]
    return render(
        request,
        "workflows/dashboard.html",
        {
            "boards": boards,
            "now": now,
            "decidable": selectors.decidable_ids(request.user, shown),
            "stamp": stamps.user_stamp(request.user),
            "insight_departments": figures.departments_for(request.user, figures.Filters()),
            "case_kinds": Case.Kind.choices,
        },
    )


@login_required
def inbox(request):
    found = list(notifications.inbox(request.user)[:200])
    return render(
        request,
        "workflows/inbox.html",
        {"notifications": found, "unread": sum(1 for n in found if n.read_at is None)},
    )
