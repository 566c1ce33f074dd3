"""The screens: my tasks, the head's dashboard, the case page's review section, and
the stream that tells them to refresh."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from workflows.services import live


@pytest.fixture
def browser_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_my_tasks_lists_the_reviewers_tasks_with_a_link_to_the_plans(plans, submit, browser_as):
    submit(departments=["fire", "building"])

    page = browser_as(plans.demo.fire).get("/tasks/").content.decode()

    assert plans.case.number in page and "Review · stage 1, Department reviews" in page
    assert f'href="/versions/{plans.version.pk}/" data-testid="open-task"' in page
    assert f'data-decide-task="{plans.task("fire").pk}"' in page
    assert f'data-decide-task="{plans.task("building").pk}"' not in page


def test_my_tasks_says_when_nothing_waits(plans, browser_as):
    page = browser_as(plans.demo.fire).get("/tasks/").content.decode()

    assert 'data-testid="no-tasks"' in page


def test_the_heads_dashboard_shows_the_queue_and_the_approval_awaiting_them(plans, submit, decide, browser_as):
    submit(departments=["planning", "fire"])
    decide("fire", "review", "approved")

    page = browser_as(plans.demo.planning_head).get("/dashboard/").content.decode()
    assert 'data-testid="board-planning"' in page and 'data-testid="queue-count">1<' in page
    assert 'data-testid="awaiting-count">0<' in page

    decide("planning", "review", "approved")
    page = browser_as(plans.demo.planning_head).get("/dashboard/").content.decode()
    assert 'data-testid="awaiting-count">1<' in page
    assert f'data-decide-task="{plans.task("planning", "approval").pk}"' in page
    assert "Latest decisions" in page and "planner" in page


def test_the_lead_departments_head_sees_every_departments_decisions_on_its_cases(plans, submit, decide, browser_as):
    submit(departments=["planning", "fire"])
    decide("fire", "review", "corrections_required", comment="Hydrant spacing.")

    page = browser_as(plans.demo.planning_head).get("/dashboard/").content.decode()

    assert "No decisions yet" not in page and "Hydrant spacing." in page


def test_a_reviewer_who_heads_nothing_is_told_so_on_the_dashboard(plans, browser_as):
    page = browser_as(plans.demo.fire).get("/dashboard/").content.decode()

    assert "You head no department" in page


def test_the_case_page_shows_the_submit_form_to_the_lead_and_then_the_timeline(plans, submit, decide, browser_as):
    case_url = f"/cases/{plans.case.pk}/"
    page = browser_as(plans.demo.planner).get(case_url).content.decode()
    assert 'data-testid="submit-form"' in page and 'data-testid="no-workflow"' in page

    submit(departments=["fire", "building"])
    decide("fire", "review", "approved_with_conditions", comment="Knox box at the entrance.")
    page = browser_as(plans.demo.planner).get(case_url).content.decode()

    assert 'data-testid="submit-form"' not in page
    assert 'data-testid="workflow-status">In review<' in page
    assert "Stage 1: Department reviews" in page and "Stage 2: Approval" in page
    assert "Knox box at the entrance." in page and "Approved with conditions" in page
    assert f"/api/versions/{plans.version.pk}/corrections-letter.pdf" in page
    assert "fire decided Fire&#x27;s review (stage 1): approved with conditions" in page  # the record


def test_the_case_page_offers_the_fire_reviewer_their_decision_only(plans, submit, browser_as):
    submit(departments=["fire", "building"])

    page = browser_as(plans.demo.fire).get(f"/cases/{plans.case.pk}/").content.decode()

    assert f'data-decide-task="{plans.task("fire").pk}"' in page
    assert f'data-decide-task="{plans.task("building").pk}"' not in page
    assert 'data-testid="submit-form"' not in page


def test_the_stamps_move_when_the_workflow_moves(plans, submit, decide):
    case_before, user_before = live.case_stamp(plans.case.pk), live.user_stamp(plans.demo.fire)
    submit(departments=["fire"])
    case_submitted, user_submitted = live.case_stamp(plans.case.pk), live.user_stamp(plans.demo.fire)

    decide("fire", "review", "approved")

    assert len({case_before, case_submitted, live.case_stamp(plans.case.pk)}) == 3
    assert len({user_before, user_submitted, live.user_stamp(plans.demo.fire)}) == 3
    assert live.user_stamp(plans.demo.engineering) == "u0.0.000000"


async def read_events(response, count):
    events, buffer = [], ""
    iterator = response.streaming_content.__aiter__()
    while len(events) < count:
        buffer += (await asyncio.wait_for(iterator.__anext__(), 5)).decode()
        while "\n\n" in buffer:
            event, buffer = buffer.split("\n\n", 1)
            events.append(event)
    return events


@pytest.mark.django_db(transaction=True)
async def test_the_stream_says_changed_when_a_decision_is_made(plans_async, monkeypatch):
    from workflows import views

    monkeypatch.setattr(views, "LIVE_POLL_S", 0.05)
    plans, submit_now, decide_now = plans_async
    await submit_now()
    client = AsyncClient()
    await sync_to_async(client.force_login)(plans.demo.planner)
    stamp = await sync_to_async(live.case_stamp)(plans.case.pk)

    response = await client.get(f"/live/?case={plans.case.pk}&since={stamp}")
    assert response["Content-Type"] == "text/event-stream"
    (retry,) = await read_events(response, 1)
    assert retry == "retry: 2000"
    await decide_now()
    (changed,) = await read_events(response, 1)

    assert changed.startswith("id: c") and "event: changed" in changed


@pytest.fixture
def plans_async(transactional_db, monkeypatch):
    """The plans, committed (the stream reads them on other threads), and async ways to act."""
    from django.db import connection

    from tests.factories import Demo
    from tests.workflows.conftest import Plans
    from workflows.services import engine

    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)  # the stream's threads let go of theirs
    plans = Plans(Demo())

    async def submit_now():
        await sync_to_async(engine.submit)(plans.demo.planner, plans.version.pk, departments=["fire"])

    async def decide_now():
        await sync_to_async(lambda: engine.decide(plans.demo.fire, plans.task("fire").pk, "approved"))()

    return plans, submit_now, decide_now


@pytest.fixture(autouse=True)
async def _let_go_of_connections():
    """Async views run their queries on asgiref's threads; their connections close with the test."""
    from django.db import connections

    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
async def test_outsiders_cannot_watch_a_case(plans_async):
    plans, _, _ = plans_async
    client = AsyncClient()

    assert (await client.get(f"/live/?case={plans.case.pk}")).status_code == 401
    await sync_to_async(client.force_login)(plans.demo.outsider)
    assert (await client.get(f"/live/?case={plans.case.pk}")).status_code == 404
