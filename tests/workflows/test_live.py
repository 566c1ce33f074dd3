"""The user's live channel (/ws/live/) for the screens: a change of a workflow reaches the task
screens and case pages it concerns, pushed after commit, and nobody else's."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction

from civicreview.routing import websocket_urlpatterns
from documents.models import Department
from documents.services import cases
from reviews.services import annotations
from reviews.services.events import group_name
from tests.reviews.conftest import cloud
from workflows.services import engine, live

QUIET_S = 0.3  # how long a socket that should hear nothing is listened to


@pytest.fixture
def plans(transactional_db):
    """The plans, committed: the socket reads them on other threads."""
    from tests.factories import Demo
    from tests.workflows.conftest import Plans

    return Plans(Demo())


@pytest.fixture(autouse=True)
async def _let_go_of_connections():
    from django.db import connections

    yield
    await sync_to_async(connections.close_all)()


async def open_socket(user, path="/ws/live/"):
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    socket.scope["user"] = user
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from(2))["type"] == "hello"
    return socket


async def watching(user, **watch):
    socket = await open_socket(user)
    await socket.send_json_to({"type": "watch", **watch})
    answer = await socket.receive_json_from(2)
    assert answer["type"] == "watching", answer
    return socket, answer


async def frames(socket):
    """What the socket has been sent until it falls quiet."""
    found = []
    while not await socket.receive_nothing(QUIET_S):
        found.append(await socket.receive_json_from())
    return found


def act(function, *args, **kwargs):
    return database_sync_to_async(function)(*args, **kwargs)


@pytest.mark.django_db(transaction=True)
async def test_a_decision_reaches_the_task_screens_and_case_pages_it_concerns_and_no_one_else(plans):
    demo = plans.demo
    await act(engine.submit, demo.planner, plans.version.pk, departments=["fire", "building"])
    fire_tasks, fire_stamp = await watching(demo.fire, screen="tasks")
    head_tasks, _ = await watching(demo.planning_head, screen="tasks")  # the lead's head: every decision
    engineering_tasks, _ = await watching(demo.engineering, screen="tasks")  # no task on this case
    planner_case, case_stamp = await watching(demo.planner, screen="case", case=plans.case.pk)
    assert fire_stamp["stamp"] == await act(live.user_stamp, demo.fire)
    assert case_stamp == {
        "type": "watching",
        "screen": "case",
        "case": plans.case.pk,
        "stamp": await act(live.case_stamp, plans.case.pk),
    }

    await act(engine.decide, demo.building, (await act(plans.task, "building")).pk, "approved")

    assert {"type": "changed", "screen": "tasks"} in await frames(fire_tasks)
    assert {"type": "changed", "screen": "tasks"} in await frames(head_tasks)
    assert {"type": "changed", "screen": "case", "case": plans.case.pk} in await frames(planner_case)
    assert await frames(engineering_tasks) == []
    for socket in (fire_tasks, head_tasks, engineering_tasks, planner_case):
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_markup_drawn_on_the_plans_reaches_the_case_page_after_the_markups_own_broadcast(plans, monkeypatch):
    demo = plans.demo
    await act(engine.submit, demo.planner, plans.version.pk, departments=["fire"])
    planner_case, _ = await watching(demo.planner, screen="case", case=plans.case.pk)  # its record lists markups
    sent = []
    layer = get_channel_layer()
    layer_send = layer.group_send

    async def group_send(group, message):
        sent.append(group)
        await layer_send(group, message)

    monkeypatch.setattr(layer, "group_send", group_send)
    await act(annotations.create_annotation, demo.fire, plans.version.pk, cloud(page=1))

    assert {"type": "changed", "screen": "case", "case": plans.case.pk} in await frames(planner_case)
    assert sent == [group_name(plans.version.pk), live.case_group(plans.case.pk)]
    await planner_case.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_only_those_who_review_a_case_may_watch_it_and_others_hear_nothing_of_it(plans):
    demo = plans.demo
    await act(cases.add_applicant, demo.planner, plans.case, demo.applicant.username)
    socket = await open_socket(demo.outsider)
    other_case = await open_socket(demo.applicant)
    for user_socket in (socket, other_case):
        await user_socket.send_json_to({"type": "watch", "screen": "case", "case": plans.case.pk})
        refusal = await user_socket.receive_json_from(2)
        assert refusal == {
            "type": "error",
            "code": "not_found",
            "message": f"There is no case {plans.case.pk} that you review.",
        }

    await act(engine.submit, demo.planner, plans.version.pk, departments=["fire"])

    assert await frames(socket) == [] and await frames(other_case) == []
    await socket.disconnect()
    await other_case.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_department_taken_off_the_case_stops_hearing_it(plans):
    demo = plans.demo
    await act(engine.submit, demo.planner, plans.version.pk, departments=["fire"])
    fire_case, _ = await watching(demo.fire, screen="case", case=plans.case.pk)
    planning = await act(Department.objects.get, slug="planning")

    await act(cases.set_departments, plans.case, [planning])

    assert {"type": "unwatched", "screen": "case", "case": plans.case.pk} in await frames(fire_case)
    await act(cases.add_applicant, demo.planner, plans.case, demo.applicant.username)  # recorded: the case changed
    assert await frames(fire_case) == []
    await fire_case.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_reviewer_who_joins_a_department_hears_its_task_screens(plans):
    demo = plans.demo
    await act(engine.submit, demo.planner, plans.version.pk, departments=["fire"])
    engineering, _ = await watching(demo.engineering, screen="tasks")
    fire = await act(Department.objects.select_related("group").get, slug="fire")

    await act(fire.group.user_set.add, demo.engineering)  # an access change: the socket follows it
    await frames(engineering)
    await act(engine.decide, demo.fire, (await act(plans.task, "fire")).pk, "approved")

    assert {"type": "changed", "screen": "tasks"} in await frames(engineering)
    await engineering.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_notification_address_is_the_same_channel(plans):
    socket = await open_socket(plans.demo.fire, "/ws/notifications/")
    await socket.send_json_to({"type": "watch", "screen": "tasks"})

    assert (await socket.receive_json_from(2))["type"] == "watching"
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("not json", "Send a JSON object."),
        ('{"type": "resume"}', 'The live channel takes one message, {"type": "watch", "screen": ...}.'),
        ('{"type": "watch", "screen": "inbox"}', 'Watch a screen: "screen" is "tasks" or "case".'),
        ('{"type": "watch", "screen": "case", "case": "12"}', "case must be a case's id, a whole number."),
        ('{"type": "watch", "screen": "case", "case": true}', "case must be a case's id, a whole number."),
        ("x" * 2000, "Send a JSON object of up to 1024 characters."),
    ],
)
async def test_a_message_the_channel_does_not_take_is_answered_with_what_is_wrong(plans, sent, message):
    socket = await open_socket(plans.demo.fire)
    await socket.send_to(text_data=sent)

    assert await socket.receive_json_from(2) == {"type": "error", "code": "invalid", "message": message}
    await socket.disconnect()


@pytest.fixture
def pushed(monkeypatch):
    """The groups told, in order, through the channel layer."""
    told = []

    async def group_send(group, message):
        told.append(group)

    monkeypatch.setattr(get_channel_layer(), "group_send", group_send)
    return told


def test_a_transaction_tells_each_group_once_and_a_rolled_back_one_tells_none(
    db, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                live.case_changed(1)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        live.case_changed(2)
        live.case_changed(2)
        live.case_changed(3)

    assert pushed == [live.case_group(2), live.case_group(3)]
    assert len(callbacks) == 1  # one flush for the transaction
