"""What the live screens watch, and the push that tells them they changed.

Two kinds of screen follow the user's live channel (workflows.realtime):
the task screens (my tasks, the head's dashboard) and a case page's review
section. Nothing polls: after a change commits, a message goes on the channel
layer to the groups of the screens it concerns, and each of those screens
reads its sections again over HTTP, where the usual visibility rules apply.

- A case's review section shows its workflows and its audit trail, so every
  audit entry of the case (each decision, routing step, access and markup
  change) tells `case_group(case)`: one receiver, `_audit_entry_saved`.
- The task screens show tasks: the engine calls `tasks_changed(workflow)`
  whenever it opens, closes or escalates tasks; the message goes to the
  groups of every department with a task on the workflow, the case's lead
  department (its heads' dashboards list every decision on the cases it
  leads) and the tasks' assignees.

The frames carry no data, only which screen changed. A screen that was away
(opening, or reconnecting) compares its stamp, a short string that moves
whenever what it shows changes, with the server's and reads again if they
differ: a message lost while a socket reconnects costs a read, never a change.
"""

import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.signals import post_save

from audit.models import AuditEntry
from documents.models import Department
from workflows.models import Task, Workflow
from workflows.selectors import headed_departments

CHANGED = "live.changed"  # the channel-layer message; the consumer's handler is `live_changed`
TASKS, CASE = "tasks", "case"


def case_group(case_id):
    return f"live-case-{case_id}"


def department_group(department_id):
    return f"live-department-{department_id}"


def assignee_group(user_id):
    return f"live-assignee-{user_id}"


def task_groups(user):
    """The groups a user's task screens join: their departments, those they head, their own."""
    departments = {
        *Department.objects.of_member(user).values_list("pk", flat=True),
        *headed_departments(user).values_list("pk", flat=True),
    }
    return [*(department_group(pk) for pk in sorted(departments)), assignee_group(user.pk)]


# --- stamps ------------------------------------------------------------------------


def case_stamp(case_id):
    """The case's workflows and its audit trail (every decision, routing step and markup change)."""
    workflows = Workflow.objects.filter(case_id=case_id).aggregate(changed=Max("changed_at"), last=Max("id"))
    last_entry = AuditEntry.objects.for_case(case_id).aggregate(seq=Max("seq"))["seq"]
    changed = workflows["changed"].timestamp() if workflows["changed"] else 0
    return f"c{workflows['last'] or 0}.{changed:.6f}.{last_entry or 0}"


def user_stamp(user):
    """The tasks of the user's departments, those they head, and those assigned to them."""
    relevant = (
        Q(department__in=Department.objects.of_member(user))
        | Q(department__in=headed_departments(user))
        | Q(assignee=user)
    )
    found = Task.objects.filter(relevant).aggregate(changed=Max("changed_at"), last=Max("id"))
    changed = found["changed"].timestamp() if found["changed"] else 0
    return f"u{found['last'] or 0}.{changed:.6f}"


# --- the push ----------------------------------------------------------------------


def tasks_changed(workflow_id):
    """Once this transaction commits, tell the task screens of everyone the workflow's tasks concern."""
    _after_commit(lambda outbox: outbox.workflows.add(workflow_id))


def case_changed(case_id):
    """Once this transaction commits, tell the case's open review sections."""
    _after_commit(lambda outbox: outbox.cases.add(case_id))


class _Outbox:
    """What one transaction pushes once it commits: each group told once, all in one event loop
    (outside a server, as in a worker, every async_to_sync starts a loop and a Redis connection)."""

    def __init__(self):
        self.workflows = set()  # whose task screens to tell
        self.cases = set()

    def flush(self):
        messages = {case_group(case): {"type": CHANGED, "screen": CASE, "case": case} for case in sorted(self.cases)}
        for workflow_id in sorted(self.workflows):
            messages.update(dict.fromkeys(_task_screens_of(workflow_id), {"type": CHANGED, "screen": TASKS}))

        async def send_all():
            layer = get_channel_layer()
            for group, message in messages.items():
                await layer.group_send(group, message)

        async_to_sync(send_all)()


_outboxes = threading.local()


def _after_commit(add):
    """`add(outbox)` to this transaction's outbox, sent once it commits (at once outside a transaction).
    A transaction rolled back takes its outbox's flush with it: the next change starts a new outbox."""
    outbox = getattr(_outboxes, "current", None)
    if outbox is not None and any(hook[1] == outbox.flush for hook in transaction.get_connection().run_on_commit):
        return add(outbox)
    outbox = _outboxes.current = _Outbox()
    add(outbox)
    transaction.on_commit(outbox.flush, robust=True)


def _task_screens_of(workflow_id):
    tasks = Task.objects.filter(workflow_id=workflow_id).values_list("department_id", "assignee_id")
    lead = Workflow.objects.filter(pk=workflow_id).values_list("case__lead_department_id", flat=True)
    departments = {department for department, _ in tasks} | set(lead)
    return sorted({department_group(d) for d in departments} | {assignee_group(a) for _, a in tasks if a})


def _audit_entry_saved(sender, instance, created, **kwargs):
    if created and instance.case_id is not None:
        case_changed(instance.case_id)


def connect_signals():
    post_save.connect(_audit_entry_saved, sender=AuditEntry, dispatch_uid="live-audit-entry")
