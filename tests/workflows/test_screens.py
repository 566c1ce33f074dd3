"""The screens: my tasks, the head's dashboard, the case page's review section, and the stamps
by which they know they changed (their live channel: test_live.py)."""

import pytest

from tests.factories import CaseFactory, DocumentFactory, VersionFactory
from workflows import selectors
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


def test_a_board_counts_every_open_task_and_lists_the_most_urgent(plans, submit, browser_as, monkeypatch):
    submit(departments=["planning"])
    later = VersionFactory(
        document=DocumentFactory(case=CaseFactory(lead_department=plans.demo.departments["planning"]))
    )
    submit(departments=["planning"], version=later)
    monkeypatch.setattr(selectors, "BOARD_ROWS", 1)

    page = browser_as(plans.demo.planning_head).get("/dashboard/").content.decode()

    assert 'data-testid="queue-count">2<' in page
    assert page.count('data-testid="task"') == 1 and plans.case.number in page  # due first: submitted first
    assert "The 1 due first of 2." in page


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
