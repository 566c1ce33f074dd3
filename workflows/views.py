"""Server-rendered workflow screens: my tasks, the head's dashboard, the case page's review section.
Each page carries its stamp; the user's live channel (workflows.realtime) says when to read it again."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from audit.services import entries_for_case
from documents.models import Case, Department
from documents.services.cases import can_upload
from insight import figures
from workflows import selectors
from workflows.models import WorkflowTemplate
from workflows.services import live as stamps

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
