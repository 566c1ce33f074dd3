"""The engine under concurrent use on PostgreSQL: decisions, routing and submissions racing each
other still route once and number nothing twice."""

import threading

import pytest
from django.db import connection

from audit.models import AuditEntry
from audit.services import verify
from civicreview.errors import Conflict
from tests.factories import Demo
from tests.workflows.conftest import Plans
from workflows.models import StageRun, Workflow
from workflows.services import engine

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def at_once(count, action):
    """Run `action(index)` in `count` threads released together; return (results, errors)."""
    start = threading.Barrier(count)
    results, errors = [], []

    def run(index):
        try:
            start.wait(timeout=30)
            results.append(action(index))
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def plans():
    return Plans(Demo())


def test_routing_run_concurrently_routes_once(plans, monkeypatch):
    workflow = engine.submit(plans.demo.planner, plans.version.pk, departments=["fire", "building"])
    monkeypatch.setattr(engine, "_route_after_commit", lambda workflow_id: None)
    for department in ("fire", "building"):
        engine.decide(getattr(plans.demo, department), plans.task(department).pk, "approved")

    results, errors = at_once(6, lambda index: engine.route(workflow.pk))

    assert errors == []
    assert sorted(results) == ["advanced"] + ["waiting"] * 5
    assert StageRun.objects.filter(workflow=workflow, number=2).count() == 1
    assert AuditEntry.objects.filter(action="workflow.routed").count() == 1
    assert verify().intact


def test_the_last_two_reviews_decided_at_the_same_moment_route_once(plans):
    """Each decision locks the workflow first, so exactly one of them sees the stage complete."""
    workflow = engine.submit(plans.demo.planner, plans.version.pk, departments=["fire", "building", "engineering"])
    engine.decide(plans.demo.engineering, plans.task("engineering").pk, "approved")
    deciders = [(plans.demo.fire, plans.task("fire").pk), (plans.demo.building, plans.task("building").pk)]

    _, errors = at_once(2, lambda index: engine.decide(deciders[index][0], deciders[index][1], "approved"))

    assert errors == []
    assert Workflow.objects.get(pk=workflow.pk).stage == 2
    assert StageRun.objects.filter(workflow=workflow, number=2).count() == 1
    assert verify().intact


def test_a_task_decided_twice_at_the_same_moment_is_decided_once(plans):
    engine.submit(plans.demo.planner, plans.version.pk, departments=["fire"])
    task_id = plans.task("fire").pk
    decisions = ["approved", "corrections_required", "approved", "corrections_required"]

    results, errors = at_once(4, lambda index: engine.decide(plans.demo.fire, task_id, decisions[index]))

    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(error, Conflict) for error in errors)
    assert AuditEntry.objects.filter(action="task.decided").count() == 1


def test_a_version_submitted_twice_at_the_same_moment_gets_one_workflow(plans):
    results, errors = at_once(
        3, lambda index: engine.submit(plans.demo.planner, plans.version.pk, departments=["fire"])
    )

    assert len(results) == 1 and all(isinstance(error, Conflict) for error in errors)
    assert Workflow.objects.count() == 1
    assert verify().intact


def test_markups_and_decisions_at_the_same_moment_keep_the_audit_chain_whole(plans):
    """Every writer appends to the case's chain under its head's lock: no fork, no gap."""
    from reviews.services import annotations

    engine.submit(plans.demo.planner, plans.version.pk, departments=["fire", "building"])
    cloud = {"page": 1, "kind": "cloud", "geometry": {"points": [[10, 10], [90, 90]]}, "text": "x"}

    def act(index):
        if index == 0:
            return engine.decide(plans.demo.fire, plans.task("fire").pk, "approved")
        user = plans.demo.building if index % 2 else plans.demo.planner
        return annotations.create_annotation(user, plans.version.pk, {**cloud, "text": f"note {index}"})

    _, errors = at_once(8, act)

    assert errors == []
    result = verify()
    assert result.intact, result.problems
    seqs = list(AuditEntry.objects.for_case(plans.case.pk).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > 8
