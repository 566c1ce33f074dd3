"""The case page's review section ({% case_workflow case %}) and small helpers for the
workflow screens."""

import datetime

from django import template
from django.utils import timezone

from audit.services import entries_for_case
from documents.models import Department, DocumentVersion
from documents.services.cases import can_upload
from workflows import selectors
from workflows.models import Workflow, WorkflowTemplate
from workflows.services import live

register = template.Library()
AUDIT_SHOWN = 200


@register.inclusion_tag("workflows/_case_workflow.html", takes_context=True)
def case_workflow(context, case):
    user = context["request"].user
    workflows = selectors.case_workflows(case)
    in_review = any(w.status == Workflow.Status.IN_PROGRESS for w in workflows)
    submitted = {w.version_id for w in workflows}
    submittable = []
    if can_upload(user, case) and not in_review:
        for document in case.documents.all():
            latest = next(
                (
                    v
                    for v in sorted(document.versions.all(), key=lambda v: -v.number)
                    if v.status != DocumentVersion.Status.FAILED
                ),
                None,
            )
            if latest is not None and latest.status == DocumentVersion.Status.READY and latest.pk not in submitted:
                submittable.append(latest)
    taking_part = {d.pk for d in case.departments.all()}
    entries = entries_for_case(case.pk, limit=AUDIT_SHOWN)
    return {
        "request": context["request"],
        "case": case,
        "workflows": [{"workflow": w, "stages": selectors.timeline(w)} for w in workflows],
        "decidable": selectors.decidable_ids(user, [t for w in workflows for t in w.tasks.all()]),
        "submittable": submittable,
        "templates": WorkflowTemplate.objects.all(),
        "departments": [(d, d.pk in taking_part and d.pk != case.lead_department_id) for d in Department.objects.all()],
        "audit_entries": entries,
        "now": timezone.now(),
        "stamp": live.case_stamp(case.pk),
    }


@register.inclusion_tag("workflows/_decide_form.html")
def decide_form(task, compact=False):
    return {"task": task, "compact": compact}


@register.filter
def due_label(task, now=None):
    """ "Overdue by 2 days", "Due today", "Due tomorrow" or "Due Mon Dec 8", in local time."""
    now = now or timezone.now()
    due_day = timezone.localtime(task.due_at - datetime.timedelta(microseconds=1)).date()
    today = timezone.localtime(now).date()
    if task.due_at <= now:
        late = (today - due_day).days
        return "Overdue" if late <= 0 else f"Overdue by {late} day{'s' if late != 1 else ''}"
    if due_day == today:
        return "Due today"
    if due_day == today + datetime.timedelta(days=1):
        return "Due tomorrow"
    return f"Due {due_day:%a %b} {due_day.day}"


@register.filter
def due_state(task, now=None):
    """overdue / soon (today or tomorrow) / later: for the badge's colour."""
    now = now or timezone.now()
    if task.due_at <= now:
        return "overdue"
    return "soon" if task.due_at - now <= datetime.timedelta(days=1) else "later"


@register.filter
def due_day(task):
    """The last day the task may be done on (its due time is the end of that day)."""
    return timezone.localtime(task.due_at - datetime.timedelta(microseconds=1))
