"""A plan set ready for review: the demo departments and users, the `standard` template, and a
case led by planning with a ready two-sheet version.

    def test_...(plans, submit, decide):
        workflow = submit(departments=["fire", "building"])
        decide("fire", "review", "approved")
"""

import pytest

from tests.factories import CaseFactory, DocumentFactory, VersionFactory
from workflows.models import Task, Workflow
from workflows.services import engine
from workflows.services.templates import seed_standard_template


class Plans:
    def __init__(self, demo):
        self.demo = demo
        self.template = seed_standard_template()
        self.case = CaseFactory(
            lead_department=demo.departments["planning"], created_by=demo.planner, title="Riverside Commons"
        )
        self.document = DocumentFactory(case=self.case, title="Architectural plan set")
        self.version = VersionFactory(document=self.document)

    def workflow(self):
        return Workflow.objects.get(version=self.version)

    def task(self, department, kind="review"):
        return Task.objects.get(workflow__version=self.version, department__slug=department, kind=kind)


@pytest.fixture
def plans(demo):
    return Plans(demo)


@pytest.fixture
def submit(plans, after_commit):
    """`submit(departments=[...], user=planner)`: submit the plans (tasks sent after commit run)."""

    def do(departments=("fire", "building"), user=None, template="standard", version=None):
        with after_commit():
            return engine.submit(
                user or plans.demo.planner,
                (version or plans.version).pk,
                template=template,
                departments=list(departments),
            )

    return do


@pytest.fixture
def decide(plans, after_commit):
    """`decide("fire", "review", "approved", comment="", user=None)`: the department's own user
    (its head for an approval) decides; routing, sent after commit, runs in-process."""

    def do(department, kind, decision, comment="", user=None):
        if user is None:
            name = (
                f"{department}_head" if kind == "approval" else ("planner" if department == "planning" else department)
            )
            user = getattr(plans.demo, name)
        with after_commit():
            return engine.decide(user, plans.task(department, kind).pk, decision, comment)

    return do
