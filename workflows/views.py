"""Server-rendered workflow screens (my tasks, the head's dashboard) and the
stream that tells them, and the case page's review section, when to refresh."""

import asyncio
import json

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import close_old_connections
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from audit.services import entries_for_case
from documents.models import Case, Department
from documents.selectors import visible_cases
from documents.services.cases import can_upload
from insight import figures
from workflows import selectors
from workflows.models import WorkflowTemplate
from workflows.services import live as stamps

LIVE_POLL_S = settings.WORKFLOW_LIVE_POLL_S
KEEPALIVE_S = 15


AUDIT_SHOWN = 200


def case_review(user, case):
    """The context of the case page's review section (templates/workflows/_case_workflow.html)."""
    workflows = selectors.case_workflows(case)
    taking_part = {d.pk for d in case.departments.all()}
    return {
        "workflows": [{"workflow": w, "stages": selectors.timeline(w)} for w in workflows],
        "decidable": selectors.decidable_ids(user, [t for w in workflows for t in w.tasks.all()]),
        "submittable": selectors.submittable_versions(case) if can_upload(user, case) else [],
        "templates": WorkflowTemplate.objects.all(),
        "departments": [(d, d.pk in taking_part and d.pk != case.lead_department_id) for d in Department.objects.all()],
        "audit_entries": entries_for_case(case.pk, limit=AUDIT_SHOWN),
        "now": timezone.now(),
        "stamp": stamps.case_stamp(case.pk),
    }


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


# --- the live stream --------------------------------------------------------------


def _db(function, *args):
    """Run a query on a worker thread (not the one thread that serves sync views), minding
    connection age as a request would."""

    def run():
        close_old_connections()
        try:
            return function(*args)
        finally:
            close_old_connections()

    return sync_to_async(run, thread_sensitive=False)()


def _watched(user, case_id):
    """The stamp function for a screen: a case's review section (404 if the user may not see
    the case), or the user's own tasks and departments."""
    if case_id is None:
        return lambda: stamps.user_stamp(user)
    case = get_object_or_404(visible_cases(user), pk=case_id)
    return lambda: stamps.case_stamp(case.pk)


async def live(request):
    """Server-sent events: `changed` whenever what the screen shows has changed.

    ?case=<id> watches a case's review; without it, the user's tasks. The event
    id is the stamp, so a browser that reconnects (EventSource sends
    Last-Event-ID) or starts from a rendered page (?since=) hears at once about
    anything it missed.
    """
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=401)
    case_id = request.GET.get("case")
    if case_id is not None and not case_id.isdigit():
        return HttpResponse(status=404)
    stamp_of = await _db(_watched, user, int(case_id) if case_id else None)
    since = request.headers.get("Last-Event-ID") or request.GET.get("since")

    async def events():
        last, quiet = since, 0.0
        yield "retry: 2000\n\n"
        while True:
            stamp = await _db(stamp_of)
            if stamp != last:
                if last is not None:
                    yield f"id: {stamp}\nevent: changed\ndata: {json.dumps({'stamp': stamp})}\n\n"
                else:
                    yield f"id: {stamp}\ndata: {{}}\n\n"
                last, quiet = stamp, 0.0
            elif quiet >= KEEPALIVE_S:
                yield ": keep-alive\n\n"
                quiet = 0.0
            await asyncio.sleep(LIVE_POLL_S)
            quiet += LIVE_POLL_S

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through as they come
    return response
