import pytest
from django.utils import timezone

from documents.models import CaseApplicant
from reviews.models import Annotation, Comment
from tests import factories


class World:
    """Two cases: `ours` (planning leads, fire takes part, `applicant` invited) and `theirs` (building's).

    Sheet 1 of ours reads "fire rated door assembly at stair 2"; markups on it: an internal one
    ("sprinkler riser"), a released correction ("guardrail height") with an internal reply
    ("egress check") and a shared one ("landing width"), and an unreleased correction ("handrail").
    Theirs has a sheet "fire rated door schedule" and a markup "guardrail missing".
    """

    def __init__(self, demo):
        planning, building = demo.departments["planning"], demo.departments["building"]
        self.ours = factories.CaseFactory(
            title="Riverside Commons",
            address="1200 Riverside Avenue",
            parcel_id="052-118-07",
            lead_department=planning,
            departments=[demo.departments["fire"]],
        )
        self.theirs = factories.CaseFactory(
            title="Hilltop Warehouse", address="77 Quarry Road", parcel_id="913-400-12", lead_department=building
        )
        CaseApplicant.objects.create(case=self.ours, user=demo.applicant, added_by=demo.planner)
        self.version = self._version(self.ours, ["fire rated door assembly at stair 2", "roof framing plan"])
        self.other_version = self._version(self.theirs, ["fire rated door schedule"])
        released = timezone.now()
        mark = self._markup
        self.internal = mark(demo.planner, planning, "sprinkler riser", "internal")
        self.released = mark(demo.planner, planning, "guardrail height", "correction", released)
        self.draft = mark(demo.fire, demo.departments["fire"], "handrail extension", "correction")
        self.foreign = mark(demo.building, building, "guardrail missing", "correction", released, self.other_version)
        reply = Comment.objects.create
        self.internal_reply = reply(annotation=self.released, author=demo.planner, body="egress check")
        self.shared_reply = reply(
            annotation=self.released, author=demo.planner, body="landing width", visibility="applicant"
        )

    @staticmethod
    def _version(case, texts):
        document = factories.DocumentFactory(case=case)
        version = factories.VersionFactory(document=document, page_count=0)
        for number, text in enumerate(texts, start=1):
            factories.PageFactory(version=version, number=number, text=text)
        return version

    def _markup(self, author, department, text, category, released_at=None, version=None):
        return Annotation.objects.create(
            version=version or self.version,
            page=1,
            kind="pin",
            geometry={"points": [[10, 10]]},
            text=text,
            category=category,
            released_at=released_at,
            author=author,
            department=department,
        )


@pytest.fixture
def world(demo):
    return World(demo)
