"""A case carried through three review cycles over HTTP, each step by the person who takes it:
the applicant uploads; fire and building mark up and return corrections; the comments go out; the
applicant answers and resubmits (in full, then only the changed sheet); the reviewers check the
carried corrections and resolve them; the head approves; the applicant downloads the stamped set.
Between every step: nothing internal reaches the applicant, nothing open is lost."""

import io

import pikepdf
import pytest

from audit.services import verify
from tests.factories import sheet_pdf, upload
from workflows import selectors
from workflows.models import Task
from workflows.services.templates import seed_standard_template

pytestmark = pytest.mark.django_db

LABELS = ["A-101", "A-102", "A-103"]
SHEET = (1224, 792)  # tabloid: the story, not the rendering, is under test


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


class Story:
    """The people of the story, each with an API client: `story.fire`, `story.applicant`, ..."""

    def __init__(self, demo, api_as, after_commit):
        self.api_as, self.after_commit = api_as, after_commit
        for name in ("planner", "applicant", "fire", "building", "outsider"):
            setattr(self, name, api_as(getattr(demo, name)))

    def upload(self, url, data, **fields):
        with self.after_commit():
            return ok(self.applicant.post(url, {"file": upload(data=data), **fields}, format="multipart"), 201)

    def version(self, pk):
        return ok(self.planner.get(f"/api/versions/{pk}/"))

    def mark(self, who, version, page, text, category):
        body = {"page": page, "kind": "cloud", "geometry": {"points": [[100, 100], [400, 300]]}}
        url = f"/api/versions/{version}/annotations/"
        return ok(getattr(self, who).post(url, {**body, "text": text, "category": category}, format="json"), 201)

    def markups(self, who, version):
        return ok(getattr(self, who).get(f"/api/versions/{version}/annotations/"))

    def thread(self, who, annotation):
        return [c["body"] for c in ok(getattr(self, who).get(f"/api/annotations/{annotation}/comments/"))]

    def resolve(self, who, annotation):
        current = ok(getattr(self, who).get(f"/api/annotations/{annotation['id']}/"))
        patch = {"status": "resolved", "revision": current["revision"]}
        return ok(getattr(self, who).patch(f"/api/annotations/{annotation['id']}/", patch, format="json"))

    def submit(self, version):
        """The lead department sends `version` to fire and building: the cycle's workflow."""
        with self.after_commit():
            body = {"template": "standard", "departments": ["fire", "building"]}
            return ok(self.planner.post(f"/api/versions/{version}/submit/", body, format="json"), 201)

    def review(self, workflow, decisions):
        """Decide every task of `workflow` as its department's person does until it ends:
        `decisions` maps a department to its review decision (else approved); the lead
        department's head approves what the reviews let through."""
        while (pending := Task.objects.filter(workflow_id=workflow["id"], status="pending")).exists():
            for task in pending.select_related("department"):
                client = self.api_as(selectors.deciders(task)[0])
                decision = decisions.get(task.department.slug, "approved") if task.kind == "review" else "approved"
                with self.after_commit():
                    ok(client.post(f"/api/tasks/{task.pk}/decision/", {"decision": decision}, format="json"))
        return ok(self.planner.get(f"/api/workflows/{workflow['id']}/"))


def texts(markups):
    return {m["text"] for m in markups}


def test_three_cycles_from_the_first_upload_to_the_stamped_approved_set(demo, api_as, after_commit):
    seed_standard_template()
    story = Story(demo, api_as, after_commit)
    case = ok(
        story.planner.post(
            "/api/cases/",
            {"title": "Harbour school", "kind": "building_permit", "address": "4 Quay Lane"},
            format="json",
        ),
        201,
    )
    ok(story.planner.post(f"/api/cases/{case['id']}/applicants/", {"username": "applicant"}, format="json"), 201)

    # --- cycle 1: the applicant uploads; fire and building return corrections ------------------
    document = story.upload(
        f"/api/cases/{case['id']}/documents/", sheet_pdf(labels=LABELS, size=SHEET), title="School plan set"
    )
    v1 = document["versions"][0]["id"]
    assert story.version(v1)["status"] == "ready"
    cycle = story.submit(v1)
    exit_width = story.mark("fire", v1, 2, "Show the exit width at grid 3.", "correction")
    riser = story.mark("fire", v1, 3, "Sprinkler riser room is on FP-101.", "note")
    story.mark("fire", v1, 1, "@building is the stair rated?", "internal")
    rating = story.mark("building", v1, 3, "Give the fire rating of the corridor wall.", "correction")
    ok(story.fire.post(f"/api/annotations/{exit_width['id']}/comments/", {"body": "Reviewer-only aside"}), 201)
    shared = {"body": "See IBC 1005.3.2.", "visibility": "applicant"}
    ok(story.fire.post(f"/api/annotations/{exit_width['id']}/comments/", shared, format="json"), 201)
    assert story.markups("applicant", v1) == [], "nothing reaches the applicant before the cycle ends"

    workflow = story.review(cycle, {"fire": "corrections_required", "building": "corrections_required"})
    assert workflow["status"] == "corrections_required"
    released = story.markups("applicant", v1)
    assert texts(released) == {exit_width["text"], riser["text"], rating["text"]}
    assert story.thread("applicant", exit_width["id"]) == ["See IBC 1005.3.2."]
    assert ok(story.applicant.get(f"/api/cases/{case['id']}/"))["status"] == "corrections_required"
    for correction in (exit_width, rating):
        answer = {"body": f"Answered on the revised sheet: {correction['text']}"}
        ok(story.applicant.post(f"/api/annotations/{correction['id']}/comments/", answer, format="json"), 201)

    # --- cycle 2: a full resubmittal with A-102 revised; fire's correction is met ----------------
    v2 = story.upload(
        f"/api/documents/{document['id']}/versions/",
        sheet_pdf(labels=LABELS, size=SHEET, notes=["", "EXIT WIDTH 44 IN AT GRID 3", ""]),
    )["id"]
    assert story.version(v2)["status"] == "ready"
    changes = ok(story.fire.get(f"/api/versions/{v2}/changes/"))
    assert changes["status"] == "ready"
    assert {s["label"]: s["change"] for s in changes["sheets"]}["A-102"] == "changed"
    carried = {m["carried_from"]: m for m in story.markups("fire", v2)}
    assert set(carried) == {exit_width["id"], riser["id"], rating["id"]}, "every open correction and note, no internal"
    assert story.thread("fire", carried[exit_width["id"]]["id"])[-1].startswith("Answered on the revised sheet")
    refused = story.planner.post(
        f"/api/versions/{v1}/annotations/",
        {"page": 1, "kind": "cloud", "geometry": {"points": [[1, 1], [9, 9]]}, "text": "late"},
        format="json",
    )
    assert refused.status_code == 409 and "version 2 replaced it" in refused.json()["detail"], refused.content

    cycle = story.submit(v2)
    story.resolve("fire", carried[exit_width["id"]])
    story.mark("building", v2, 1, "@fire agree the exit is fine now", "internal")
    workflow = story.review(cycle, {"fire": "approved", "building": "corrections_required"})
    assert workflow["status"] == "corrections_required"
    seen = {m["carried_from"]: m for m in story.markups("applicant", v2)}
    assert set(seen) == set(carried) and seen[exit_width["id"]]["status"] == "resolved"
    assert "@fire agree the exit is fine now" not in texts(story.markups("applicant", v2))
    open_rating = seen[rating["id"]]
    answer = {"body": "Corridor wall is 1-hour, see revised A-103."}
    ok(story.applicant.post(f"/api/annotations/{open_rating['id']}/comments/", answer, format="json"), 201)

    # --- cycle 3: only the revised A-103 is uploaded; building resolves; the head approves -------
    revised = sheet_pdf(labels=["A-103"], size=SHEET, notes=["CORRIDOR WALL 1-HOUR RATED"])
    v3 = story.upload(f"/api/documents/{document['id']}/versions/", revised, partial="true")["id"]
    assembled = story.version(v3)
    assert (assembled["status"], [p["label"] for p in assembled["pages"]]) == ("ready", LABELS)
    still_open = {m["carried_from"]: m for m in story.markups("building", v3)}
    assert set(still_open) == {open_rating["id"], seen[riser["id"]]["id"]}, "resolved ones stay behind"
    assert story.thread("building", still_open[open_rating["id"]]["id"])[-1] == answer["body"]
    cycle = story.submit(v3)
    story.resolve("building", still_open[open_rating["id"]])
    workflow = story.review(cycle, {})
    assert workflow["status"] == "approved"

    assert ok(story.applicant.get(f"/api/cases/{case['id']}/"))["status"] == "approved"
    stamped = story.applicant.get(workflow["approved_set_url"])
    assert stamped.status_code == 200 and stamped["Content-Type"] == "application/pdf"
    with pikepdf.open(io.BytesIO(b"".join(stamped.streaming_content) if stamped.streaming else stamped.content)) as pdf:
        assert len(pdf.pages) == len(LABELS)
    late = {"page": 1, "kind": "cloud", "geometry": {"points": [[1, 1], [9, 9]]}, "text": "too late"}
    locked = story.planner.post(f"/api/versions/{v3}/annotations/", late, format="json")
    assert locked.status_code == 409 and "approved and is locked" in locked.json()["detail"], locked.content

    # --- nothing leaked, nothing lost ------------------------------------------------------------
    for version in (v1, v2, v3):
        applicant_view = story.markups("applicant", version)
        assert all(m["category"] != "internal" for m in applicant_view)
        for markup in applicant_view:
            assert "Reviewer-only aside" not in story.thread("applicant", markup["id"])
        assert story.outsider.get(f"/api/versions/{version}/annotations/").status_code == 404
    assert story.outsider.get(workflow["approved_set_url"]).status_code == 404
    assert verify().intact
