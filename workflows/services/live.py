"""What a live screen watches: a short stamp that changes whenever what it shows changes.

The stream view (workflows.views.live) reads the stamp every
LIVE_POLL_S seconds and tells the browser when it moved; the browser then
re-reads the screen's sections. The database is the only source, so every
change is seen however it was made (a request, a worker, the admin) and on
any server process, with one indexed query per open screen and poll.
"""

from django.db.models import Max, Q

from audit.models import AuditEntry
from documents.models import Department
from workflows.models import Task, Workflow
from workflows.selectors import headed_departments


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
