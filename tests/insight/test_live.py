"""Every decision in a head's departments reaches their open dashboard live: pushed on the user's
own socket to the heads of the deciding department and of the case's lead department, and to
staff (their figures cover every department), once the decision commits; nobody else hears it."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from civicreview.routing import websocket_urlpatterns
from workflows.services import engine

pytestmark = pytest.mark.django_db(transaction=True)


async def connected(user):
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    socket.scope["user"] = user
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from(2))["type"] == "hello"
    return socket


async def test_a_decision_reaches_the_heads_of_its_department_and_of_the_lead_and_staff_only(plans, submit):
    demo = plans.demo
    await database_sync_to_async(submit)(departments=["fire", "building"])
    hearing = {name: await connected(demo.users[name]) for name in ("planning_head", "fire_head", "admin")}
    not_hearing = {name: await connected(demo.users[name]) for name in ("building_head", "engineering_head", "fire")}
    task = await database_sync_to_async(plans.task)("fire")

    await database_sync_to_async(engine.decide)(demo.fire, task.pk, "approved")

    expected = {"task": task.pk, "case": plans.case.pk, "department": "fire", "decision": "approved"}
    for name, socket in hearing.items():
        assert await socket.receive_json_from(2) == {"type": "decision", "data": expected}, name
    for name, socket in not_hearing.items():
        assert await socket.receive_nothing(0.2), name
    for socket in [*hearing.values(), *not_hearing.values()]:
        await socket.disconnect()


async def test_a_review_that_ends_is_told_to_the_heads_of_the_departments_in_it(plans, submit):
    demo = plans.demo
    await database_sync_to_async(submit)(departments=["fire"])
    fire_head, building_head = await connected(demo.fire_head), await connected(demo.building_head)
    task = await database_sync_to_async(plans.task)("fire")

    await database_sync_to_async(engine.decide)(demo.fire, task.pk, "corrections_required", "Hydrant spacing.")

    told = [await fire_head.receive_json_from(2) for _ in range(3)]  # the decision, the review's end, the inbox
    workflow = await database_sync_to_async(plans.workflow)()
    ended = {"workflow": workflow.pk, "case": plans.case.pk, "decision": "corrections_required"}
    assert {"type": "decision", "data": ended} in told
    assert await building_head.receive_nothing(0.2)
    for socket in (fire_head, building_head):
        await socket.disconnect()
