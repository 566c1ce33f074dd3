"""Routing on a real Celery worker, on PostgreSQL and Redis: a worker killed in the middle of
routing, and Redis going away and coming back, still end with the workflow routed exactly once
and no decision lost."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.db import connection, transaction

from audit.models import AuditEntry, ChainHead, chain_of
from audit.services import verify
from notifications.models import Notification
from tests.factories import Demo
from tests.integration.conftest import TEST_REDIS_URL, wait_for
from tests.workflows.conftest import Plans
from workflows.models import StageRun, Task, Workflow
from workflows.services import engine, live

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _a_live_worker_for_each_test(request):
    """A test that killed the session's worker leaves it started again for the next one."""
    yield
    if "worker" in request.fixturenames:
        running = request.getfixturevalue("worker")
        if not running.alive:
            running.start()


@pytest.fixture
def plans():
    return Plans(Demo())


def stage_of(workflow_id):
    return Workflow.objects.values_list("stage", "status").get(pk=workflow_id)


def assert_routed_exactly_once(plans, workflow_id):
    assert stage_of(workflow_id) == (2, "in_progress")
    assert StageRun.objects.filter(workflow_id=workflow_id, number=2).count() == 1
    assert list(
        Task.objects.filter(workflow_id=workflow_id, stage__number=2).values_list("department__slug", "kind")
    ) == [("planning", "approval")]
    assert AuditEntry.objects.filter(action="workflow.routed", object_id=str(workflow_id)).count() == 1
    assert Notification.objects.filter(recipient=plans.demo.planning_head, kind="task.assigned").count() == 1
    assert verify().intact, verify().problems


def waiting_on_the_audit_lock():
    """Backends of this database blocked on a row lock of the audit chain's head."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND query ILIKE %s",
            ["%audit_chainhead%"],
        )
        return cursor.fetchone()[0]


def test_a_worker_killed_in_the_middle_of_routing_routes_exactly_once_when_started_again(worker, to_the_worker, plans):
    """The worker is killed while its routing transaction has closed stage 1 and opened stage 2
    but not committed (held up at the lock of the case's audit chain, which the test holds). The transaction
    dies with it; the unacknowledged message comes back and the next worker routes once."""
    workflow = engine.submit(plans.demo.planner, plans.version.pk, departments=["fire", "building"])
    engine.decide(plans.demo.fire, plans.task("fire").pk, "approved")
    worker.stop()  # the routing message will wait in Redis until a worker is back
    engine.decide(plans.demo.building, plans.task("building").pk, "approved")

    held, release = threading.Event(), threading.Event()

    def hold_the_audit_lock():
        try:
            with transaction.atomic():
                ChainHead.objects.select_for_update().get(chain=chain_of(plans.case.pk))
                held.set()
                release.wait(120)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_audit_lock)
    holder.start()
    try:
        assert held.wait(30)
        worker.start()
        wait_for(waiting_on_the_audit_lock, timeout=60, what="the worker to be in the middle of routing")
        assert stage_of(workflow.pk) == (1, "in_progress")  # nothing committed yet

        worker.kill()
    finally:
        release.set()
        holder.join(30)

    assert stage_of(workflow.pk) == (1, "in_progress")
    worker.start()
    wait_for(lambda: stage_of(workflow.pk)[0] == 2, timeout=90, what="the message to come back and be routed")
    time.sleep(1)  # a second delivery, if there were one, would have routed by now
    assert_routed_exactly_once(plans, workflow.pk)
    assert "workflows.tasks.route_workflow" in worker.log()


def test_the_worker_that_routes_tells_the_open_screens_through_redis(worker, to_the_worker, plans):
    """Routing runs on the worker; its push after commit reaches the screens' groups on the channel
    layer the server processes read (workflows.services.live)."""
    layer = RedisChannelLayer(hosts=[TEST_REDIS_URL])  # what the worker and the servers share
    planning = plans.demo.departments["planning"].pk
    groups = [live.department_group(planning), live.case_group(plans.case.pk)]

    async def listen():
        channel = await layer.new_channel()
        for group in groups:
            await layer.group_add(group, channel)
        return channel

    async def heard(channel, count):
        return [await asyncio.wait_for(layer.receive(channel), 30) for _ in range(count)]

    engine.submit(plans.demo.planner, plans.version.pk, departments=["fire", "building"])
    engine.decide(plans.demo.fire, plans.task("fire").pk, "approved")
    channel = async_to_sync(listen)()
    engine.decide(plans.demo.building, plans.task("building").pk, "approved")  # the worker routes it

    messages = async_to_sync(heard)(channel, 2)
    assert {"type": "live.changed", "screen": "tasks"} in messages  # the approval now waits for planning's head
    assert {"type": "live.changed", "screen": "case", "case": plans.case.pk} in messages
    assert stage_of(plans.workflow().pk) == (2, "in_progress")


# --- Redis going away -----------------------------------------------------------------


def test_redis_going_away_loses_no_decision_and_the_routing_completes(
    own_redis, own_worker_and_beat, sending_to_own_redis, plans, api_as
):
    """The last review is decided while Redis is down: the decision is stored and answered, the
    routing message cannot be sent; once Redis is back the reconciler, on beat, routes it."""
    workflow = engine.submit(plans.demo.planner, plans.version.pk, departments=["fire", "building"])
    engine.decide(plans.demo.fire, plans.task("fire").pk, "approved")

    own_redis.stop()
    response = api_as(plans.demo.building).post(
        f"/api/tasks/{plans.task('building').pk}/decision/",
        {"decision": "approved", "comment": "Stairs OK"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert Task.objects.get(pk=plans.task("building").pk).decision == "approved"
    time.sleep(2)
    assert stage_of(workflow.pk) == (1, "in_progress")

    own_redis.start()  # empty: whatever Redis held is gone
    wait_for(
        lambda: stage_of(workflow.pk)[0] == 2,
        timeout=90,
        what="the reconciler to route the workflow once Redis is back",
    )
    time.sleep(2)
    assert_routed_exactly_once(plans, workflow.pk)
    assert "reconciler routed 1 stuck workflow" in own_worker_and_beat.log()


def test_routing_messages_lost_with_redis_are_replaced_by_the_reconciler(
    own_redis, own_worker_and_beat, sending_to_own_redis, plans
):
    """The routing message was sent, but Redis restarts empty before a worker took it."""
    workflow = engine.submit(plans.demo.planner, plans.version.pk, departments=["fire"])
    own_worker_and_beat.stop()
    engine.decide(plans.demo.fire, plans.task("fire").pk, "approved")  # the message is in Redis now

    own_redis.stop()
    own_redis.start()
    own_worker_and_beat.start()

    wait_for(lambda: stage_of(workflow.pk)[0] == 2, timeout=90, what="the reconciler to route the workflow")
    time.sleep(2)
    assert StageRun.objects.filter(workflow=workflow, number=2).count() == 1
    assert AuditEntry.objects.filter(action="workflow.routed").count() == 1
