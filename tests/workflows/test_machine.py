"""The state machine, on its own: where a settled stage leads, and which moves it refuses."""

import pytest
from django.core.exceptions import ValidationError

from workflows.services import machine
from workflows.services.machine import ADVANCE, WAIT, IllegalMove, Route

A, AC, CR, R, OPEN = "approved", "approved_with_conditions", "corrections_required", "rejected", ""


@pytest.mark.parametrize(
    ("decisions", "last_stage", "route"),
    [
        ([A, OPEN], False, WAIT),
        ([CR, OPEN], False, WAIT),  # corrections wait for the rest of the stage
        ([R, OPEN], False, Route("finish", "rejected")),  # a rejection does not
        ([A, R], True, Route("finish", "rejected")),
        ([A, CR], False, Route("finish", "corrections_required")),
        ([CR, R], False, Route("finish", "rejected")),
        ([A, A], False, ADVANCE),
        ([A, AC], False, ADVANCE),
        ([A], True, Route("finish", "approved")),
        ([AC], True, Route("finish", "approved_with_conditions")),
        ([], False, ADVANCE),  # a stage with nothing to do moves on
    ],
)
def test_where_a_stage_leads(decisions, last_stage, route):
    assert machine.route(decisions, last_stage=last_stage) == route


def test_conditions_from_an_earlier_stage_carry_to_the_end():
    assert machine.route([A], last_stage=True, with_conditions=True) == Route("finish", "approved_with_conditions")


def test_a_finished_workflow_cannot_move():
    for finished in ("approved", "approved_with_conditions", "corrections_required", "rejected"):
        with pytest.raises(IllegalMove):
            machine.check_workflow_move(finished, "approved")
    machine.check_workflow_move("in_progress", "rejected")


def test_a_task_is_decided_once():
    machine.check_task_move("pending", "done")
    with pytest.raises(IllegalMove):
        machine.check_task_move("done", "done")
    with pytest.raises(IllegalMove):
        machine.check_task_move("skipped", "done")


def test_a_stage_closes_once():
    machine.check_stage_move("open", "closed")
    with pytest.raises(IllegalMove):
        machine.check_stage_move("closed", "closed")


def test_decisions_are_checked_and_conditions_and_rejections_need_a_comment():
    assert machine.check_decision("approved", None) == ("approved", "")
    assert machine.check_decision("corrections_required", "  see markups  ") == ("corrections_required", "see markups")
    with pytest.raises(ValidationError, match="Choose one of"):
        machine.check_decision("maybe", "")
    with pytest.raises(ValidationError, match="conditions"):
        machine.check_decision("approved_with_conditions", " ")
    with pytest.raises(ValidationError, match="why"):
        machine.check_decision("rejected", "")
    with pytest.raises(ValidationError, match="text"):
        machine.check_decision("approved", 5)


def test_a_comment_with_a_nul_character_is_refused_before_it_reaches_the_database():
    with pytest.raises(ValidationError, match="comment cannot contain NUL"):
        machine.check_decision("approved_with_conditions", "a\x00b")
