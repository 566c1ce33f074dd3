"""What the markup rules ask of a version's review, which the workflows app runs: which outcomes
lock a version's markups, and whether a department has finished its review of a version (its
markups there are then final). workflows answers both (`provide`, from its AppConfig.ready), so
reviews never imports workflows: workflows builds on reviews, not the other way round."""

from collections.abc import Callable, Mapping

from django.db.models import Expression

_provided: dict = {}


def provide(*, locking_outcomes: Mapping[str, str], finished_review: Callable[..., Expression]) -> None:
    """`locking_outcomes`: {workflow status: its label} of the reviews that lock their version;
    `finished_review(version)`: an expression over departments, true where the department's
    review of `version` is done."""
    _provided.update(locking_outcomes=locking_outcomes, finished_review=finished_review)


def locking_outcomes() -> Mapping[str, str]:
    return _provided["locking_outcomes"]


def finished_review(version) -> Expression:
    return _provided["finished_review"](version)
