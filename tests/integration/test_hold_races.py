"""A hold placed while the head approves, on PostgreSQL: the approval waits for the hold and is refused."""

import threading

import pytest
from django.db import connection, transaction

from civicreview.errors import Conflict
from holds.services import place
from tests.factories import Demo
from tests.workflows.conftest import Plans
from workflows.models import Task, Workflow
from workflows.services import engine

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_an_approval_decided_while_a_hold_is_being_placed_waits_for_it_and_is_refused(monkeypatch):
    plans = Plans(Demo())
    monkeypatch.setattr(engine, "_route_after_commit", lambda workflow_id: None)
    engine.submit(plans.demo.planner, plans.version.pk, departments=["fire"])
    engine.decide(plans.demo.fire, plans.task("fire").pk, "approved")
    engine.route(plans.workflow().pk)
    approval = plans.task("planning", "approval")
    placed, outcome = threading.Event(), []

    def approve():
        try:
            placed.wait(timeout=30)
            outcome.append(engine.decide(plans.demo.planning_head, approval.pk, "approved"))
        except Conflict as refusal:
            outcome.append(refusal)
        finally:
            connection.close()

    approver = threading.Thread(target=approve)
    approver.start()
    with transaction.atomic():
        place(plans.demo.building, parcel_id=plans.case.parcel_id, kind="unpaid_fees", reason="Fees unpaid")
        placed.set()
        approver.join(timeout=1)  # it cannot finish: it waits for this transaction's locks
        assert approver.is_alive()
    approver.join(timeout=60)

    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    assert "unpaid fees" in str(outcome[0])
    assert Task.objects.get(pk=approval.pk).status == Task.Status.PENDING
    assert plans.workflow().status == Workflow.Status.IN_PROGRESS
