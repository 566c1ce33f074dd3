"""The workflow's state machine, as pure functions: which moves are legal, and where a
stage leads once its tasks are decided. The engine asks these before it writes."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from civicreview.errors import Conflict
from civicreview.text import storable
from workflows.models import Decision, StageRun, Task, Workflow

W, T, S = Workflow.Status, Task.Status, StageRun.Status

Moves = Mapping[str, set[str]]
WORKFLOW_MOVES: Moves = {W.IN_PROGRESS: {W.APPROVED, W.APPROVED_WITH_CONDITIONS, W.CORRECTIONS_REQUIRED, W.REJECTED}}
TASK_MOVES: Moves = {T.PENDING: {T.DONE, T.SKIPPED}}
STAGE_MOVES: Moves = {S.OPEN: {S.CLOSED}}


class IllegalMove(Conflict):
    """A move the state machine does not allow (a finished workflow routed again, a task decided twice)."""


def check_move(moves: Moves, what: str, current: str, new: str) -> None:
    if new not in moves.get(current, ()):
        raise IllegalMove(f"{what} cannot go from {current} to {new}.")


def check_workflow_move(current: str, new: str) -> None:
    check_move(WORKFLOW_MOVES, "A workflow", current, new)


def check_task_move(current: str, new: str) -> None:
    check_move(TASK_MOVES, "A task", current, new)


def check_stage_move(current: str, new: str) -> None:
    check_move(STAGE_MOVES, "A stage", current, new)


@dataclass(frozen=True)
class Route:
    """Where a stage leads: "wait" (tasks still open), "advance" (to the next stage) or
    "finish" (the workflow ends with `status`)."""

    action: str
    status: str = ""


WAIT = Route("wait")
ADVANCE = Route("advance")


def route(decisions: Iterable[str], *, last_stage: bool, with_conditions: bool = False) -> Route:
    """`decisions` are the stage's tasks' decisions, "" for a task still open.

    A rejection ends the workflow at once; otherwise the stage waits for its
    last task; then any corrections end the cycle; then it moves on, and the
    last stage's approval ends it approved (with conditions, if any were set
    in this or an earlier stage).
    """
    decisions = list(decisions)
    if Decision.REJECTED in decisions:
        return Route("finish", W.REJECTED)
    if "" in decisions:
        return WAIT
    if Decision.CORRECTIONS_REQUIRED in decisions:
        return Route("finish", W.CORRECTIONS_REQUIRED)
    if not last_stage:
        return ADVANCE
    if with_conditions or Decision.APPROVED_WITH_CONDITIONS in decisions:
        return Route("finish", W.APPROVED_WITH_CONDITIONS)
    return Route("finish", W.APPROVED)


COMMENT_NEEDED: dict[str, str] = {
    Decision.APPROVED_WITH_CONDITIONS: "State the conditions of the approval.",
    Decision.REJECTED: "Say why the plans are rejected.",
}
MAX_COMMENT = 5000


def check_decision(decision: object, comment: object) -> tuple[str, str]:
    """(decision, comment) cleaned, or ValidationError saying what is wrong."""
    if not isinstance(decision, str) or decision not in Decision.values:
        choices = ", ".join(Decision.values)
        raise ValidationError({"decision": [f"Choose one of: {choices}."]})
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ValidationError({"comment": ["The comment must be text."]})
    comment = storable(comment.strip(), "comment")
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": [f"Keep the comment under {MAX_COMMENT} characters."]})
    if not comment and decision in COMMENT_NEEDED:
        raise ValidationError({"comment": [COMMENT_NEEDED[decision]]})
    return decision, comment
