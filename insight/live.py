"""Decisions told live to the dashboards that show them: the heads of the deciding department
and of the case's lead department (its board lists both), and staff, whose figures cover every
department. Sent on each one's own socket (/ws/notifications/) once the decision commits; the
page then reads its lists and figures again, by the rules it always reads them by, so the
message itself carries only ids and the outcome. A review that ends is told the same way (its
outcome changes the figures), to the heads of every department that took part in it."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from notifications.services import user_group


def decided(task):
    """Tell the dashboards about `task`'s decision after the transaction commits."""
    case = task.workflow.case
    data = {"task": task.pk, "case": case.pk, "department": task.department.slug, "decision": task.decision}
    _tell([task.department_id, case.lead_department_id], data)


def finished(workflow):
    """Tell the dashboards that `workflow`'s review ended (its status), after the commit."""
    departments = {*workflow.tasks.values_list("department", flat=True), workflow.case.lead_department_id}
    _tell(departments, {"workflow": workflow.pk, "case": workflow.case_id, "decision": workflow.status})


def _tell(departments, data):
    watching = get_user_model().objects.filter(Q(headed_departments__in=departments) | Q(is_staff=True), is_active=True)
    recipients = set(watching.values_list("pk", flat=True))
    message = {"type": "decision", "decision": data}
    transaction.on_commit(lambda: _send(recipients, message), robust=True)


def _send(recipients, message):
    send = async_to_sync(get_channel_layer().group_send)
    for user_id in recipients:
        send(user_group(user_id), message)
