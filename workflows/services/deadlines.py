"""Due dates on Celery beat: reminders before a task is due, escalation to the
department's heads once it is overdue, and a daily digest to each head.

Each sweep claims a task (or a head's day) with a conditional write before it
notifies, so a sweep run twice, or by two beat ticks at once, notifies once.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from notifications.services import notify
from workflows.models import DigestSent, Task, Workflow
from workflows.selectors import deciders
from workflows.services import business_days, live
from workflows.services.engine import describe

DIGEST_HOUR = 7  # local time: heads find it when their day starts
BATCH = 500


def _open(now):
    return Task.objects.filter(status=Task.Status.PENDING, workflow__status=Workflow.Status.IN_PROGRESS).select_related(
        "department", "workflow__case", "workflow__version__document", "assignee"
    )


def send_reminders(now=None):
    """Remind whoever must act on each task whose reminder time has come; returns how many."""
    now = now or timezone.now()
    sent = 0
    for task in _open(now).filter(remind_at__lte=now, reminded_at__isnull=True).order_by("remind_at")[:BATCH]:
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, reminded_at__isnull=True, status=Task.Status.PENDING).update(
                reminded_at=now
            ):
                continue  # another sweep got there first, or it was decided meanwhile
            notify(
                deciders(task),
                kind="task.reminder",
                text=f"Due {business_days.last_day_text(task.due_at)}: {describe(task.workflow)}, {task.get_kind_display().lower()} for {task.department.name}.",
                url=reverse("documents:viewer", args=[task.workflow.version_id]),
                subject=f"Reminder: {task.workflow.case.number} is due {business_days.last_day_text(task.due_at)}",
            )
        sent += 1
    return sent


def escalate_overdue(now=None):
    """Tell the department's heads about each task past its due time, once; returns how many."""
    now = now or timezone.now()
    escalated = 0
    for task in _open(now).filter(due_at__lte=now, escalated_at__isnull=True).order_by("due_at")[:BATCH]:
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task.pk, escalated_at__isnull=True, status=Task.Status.PENDING)
            if not claimed.update(escalated_at=now, changed_at=now):
                continue
            live.tasks_changed(task.workflow_id)
            heads = list(task.department.heads.filter(is_active=True))
            notify(
                heads,
                kind="task.overdue",
                text=f"Overdue since {business_days.last_day_text(task.due_at)}: {task.department.name}'s {task.get_kind_display().lower()} of {describe(task.workflow)}.",
                url=reverse("workflows:dashboard"),
                subject=f"Overdue: {task.workflow.case.number} ({task.department.name})",
            )
            audit.record(
                "task.escalated", actor=None, case=task.workflow.case, obj=("task", task.pk),
                summary=f"{task.department.name}'s {task.get_kind_display().lower()} is overdue (due {business_days.last_day_text(task.due_at)}); "
                f"escalated to {', '.join(h.get_username() for h in heads) or 'nobody (the department has no head)'}",
                after={"escalated_at": now, "due_at": task.due_at, "heads": [h.get_username() for h in heads]},
            )  # fmt: skip
        escalated += 1
    return escalated


def send_digests(now=None):
    """On business days from DIGEST_HOUR on, each head's digest of their departments' open
    work, once a day; returns how many went out."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    holidays = business_days.holidays_from(local.date() - datetime.timedelta(days=1), days=2)
    if local.hour < DIGEST_HOUR or not business_days.is_business_day(local.date(), holidays):
        return 0
    heads = get_user_model().objects.filter(is_active=True, headed_departments__isnull=False).distinct()
    sent = 0
    for head in heads.exclude(pk__in=DigestSent.objects.filter(date=local.date()).values("user")):
        text = digest_text(head, now)
        if text is None:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=head, date=local.date())
                notify([head], kind="digest", text=text, url=reverse("workflows:dashboard"),
                       subject=f"Plan review digest for {local:%a %b %-d}")  # fmt: skip
        except IntegrityError:
            continue  # sent by another sweep
        sent += 1
    return sent


def digest_text(head, now):
    """One paragraph per department the user heads; None when nothing is open."""
    parts = []
    for department in head.headed_departments.order_by("name"):
        pending = list(_open(now).filter(department=department).order_by("due_at"))
        if not pending:
            continue
        reviews = [t for t in pending if t.kind == Task.Kind.REVIEW]
        approvals = [t for t in pending if t.kind == Task.Kind.APPROVAL]
        overdue = [t for t in pending if t.due_at <= now]
        line = f"{department.name}: {len(reviews)} review(s) open, {len(approvals)} approval(s) awaiting you, {len(overdue)} overdue."
        if overdue:
            line += " Overdue: " + "; ".join(
                f"{t.workflow.case.number} (due {business_days.last_day_text(t.due_at)})" for t in overdue[:5]
            )
        parts.append(line)
    return " ".join(parts) if parts else None
