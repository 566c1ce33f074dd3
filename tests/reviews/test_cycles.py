"""Resubmittals: open markups carried forward onto the matching sheets, the previous version read-only
(over HTTP and the socket), what changed sheet by sheet (`GET /api/versions/{id}/changes/`), and
placing by hand what found no sheet."""

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from audit.models import AuditEntry
from documents.models import DocumentVersion, VersionChanges
from documents.services import cases, changes, intake
from reviews.models import Annotation, Comment
from reviews.services import annotations, audience, cycles
from tests.factories import ARCH_D, CaseFactory, sheet_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    case = CaseFactory(
        lead_department=demo.departments["planning"],
        departments=[demo.departments["fire"], demo.departments["building"]],
    )
    cases.add_applicant(demo.planner, case, "applicant")
    return case


def mark(user, version, page, category="correction", text="Show the fire separation", points=((100, 100), (400, 300))):
    data = {"page": page, "kind": "cloud", "geometry": {"points": [list(p) for p in points]}, "text": text}
    return Annotation.objects.get(
        pk=annotations.create_annotation(user, version.pk, {**data, "category": category}).data["id"]
    )


@pytest.fixture
def first(demo, case, after_commit):
    """Version 1 (A-101 … A-103) reviewed by fire: a correction on A-102 answered by the applicant, a
    note on A-103, an internal markup and a resolved correction (neither carried); then released."""
    with after_commit():
        document = intake.add_document(
            demo.planner, case, title="Plan set", upload=upload(data=sheet_pdf(labels=["A-101", "A-102", "A-103"]))
        )
    version = document.versions.get()
    assert version.status == "ready"
    correction = mark(demo.fire, version, 2)
    note = mark(demo.fire, version, 3, category="note", text="Sprinkler riser shown on FP-101")
    mark(demo.fire, version, 1, category="internal", text="@building check this")
    resolved = mark(demo.fire, version, 1, text="Label the exits")
    annotations.update_annotation(demo.fire, resolved.pk, 1, {"status": "resolved"})
    Comment.objects.create(annotation=correction, author=demo.fire, body="Needs a rating", visibility="applicant")
    Annotation.objects.filter(version=version).exclude(category="internal").update(released_at=timezone.now())
    annotations.add_comment(demo.applicant, correction.pk, "Added 1-hour wall, see A-102")
    return {"version": version, "document": document, "correction": correction, "note": note}


def resubmit(user, document, after_commit, **sheets):
    with after_commit():
        version = intake.add_version(user, document, upload=upload(data=sheet_pdf(**sheets)))
    version.refresh_from_db()
    return version


def test_open_corrections_and_notes_are_carried_onto_the_matching_sheets_with_their_threads(demo, first, after_commit):
    # a cover sheet added in front, A-102 revised, A-103 removed
    second = resubmit(
        demo.applicant,
        first["document"],
        after_commit,
        labels=["G-001", "A-101", "A-102"],
        notes=["COVER", "GENERAL NOTES FOR SHEET A-101", "1-HOUR WALL ADDED"],
    )

    assert second.status == "ready"
    carried = list(Annotation.objects.filter(version=second))
    assert len(carried) == 1, "only the open correction on a sheet still there; not internal, resolved, or removed"
    (copy,) = carried
    origin = first["correction"]
    assert (copy.carried_from_id, copy.page, copy.category, copy.text) == (origin.pk, 3, "correction", origin.text)
    assert copy.geometry == origin.geometry
    assert copy.released_at == Annotation.objects.get(pk=origin.pk).released_at is not None, "the applicant sees it"
    thread = list(copy.comments.order_by("id").values_list("author__username", "body", "visibility"))
    assert thread == [
        ("fire", "Needs a rating", "applicant"),
        ("applicant", "Added 1-hour wall, see A-102", "applicant"),
    ]
    assert list(second.events.values_list("seq", "type")) == [(1, "annotation.created")]

    found = VersionChanges.objects.get(version=second)
    assert found.unmatched_annotations == [first["note"].pk], "never dropped: listed for a reviewer"
    assert found.status == "ready"
    assert found.sheets == [
        {"page": 1, "label": "G-001", "previous_page": None, "change": "added"},
        {"page": 2, "label": "A-101", "previous_page": 1, "change": "unchanged"},
        {"page": 3, "label": "A-102", "previous_page": 2, "change": "changed"},
    ]
    assert found.removed == [{"page": 3, "label": "A-103"}]
    assert DocumentVersion.objects.get(pk=first["version"].pk).superseded_by_id == second.pk


def test_carrying_twice_carries_nothing_twice(demo, first, after_commit):
    second = resubmit(
        demo.planner, first["document"], after_commit, labels=["A-101", "A-102", "A-103"], notes=["X"] * 3
    )
    before = Annotation.objects.filter(version=second).count()

    cycles.start_cycle(second)
    assert changes.detect_changes(second.pk) is None

    assert Annotation.objects.filter(version=second).count() == before == 2
    assert second.events.count() == 2


def test_points_are_scaled_when_the_sheet_size_changed(demo, first, after_commit):
    larger = (ARCH_D[0] * 2, ARCH_D[1] * 1.5)
    second = resubmit(demo.planner, first["document"], after_commit, labels=["A-101", "A-102", "A-103"], size=larger)

    copy = Annotation.objects.get(version=second, carried_from=first["correction"])
    assert copy.geometry["points"] == [[200.0, 150.0], [800.0, 450.0]]
    assert VersionChanges.objects.get(version=second).sheets[1]["change"] == "changed"


def test_a_sheet_changed_in_its_drawing_only_is_changed_the_others_unchanged(demo, first, after_commit):
    labels = ["A-101", "A-102", "A-103"]
    second = resubmit(demo.planner, first["document"], after_commit, labels=labels, drawn_on=["A-103"])

    assert [sheet["change"] for sheet in VersionChanges.objects.get(version=second).sheets] == [
        "unchanged",
        "unchanged",
        "changed",
    ]


# --- read-only -------------------------------------------------------------------------------


@pytest.fixture
def resubmitted(demo, first, after_commit):
    second = resubmit(demo.planner, first["document"], after_commit, labels=["A-101", "A-102"], notes=["A", "B"])
    return {**first, "second": second}


def test_the_replaced_version_refuses_every_change_over_http_naming_the_newer_version(demo, resubmitted, api_as):
    old, correction = resubmitted["version"], resubmitted["correction"]
    fire = api_as(demo.fire)
    cloud = {"page": 1, "kind": "cloud", "geometry": {"points": [[1, 1], [9, 9]]}}

    refused = [
        fire.post(f"/api/versions/{old.pk}/annotations/", cloud, format="json"),
        fire.patch(f"/api/annotations/{correction.pk}/", {"revision": 1, "text": "x"}, format="json"),
        fire.delete(f"/api/annotations/{correction.pk}/", {"revision": 1}, format="json"),
        fire.post(f"/api/annotations/{correction.pk}/comments/", {"body": "ok"}, format="json"),
        api_as(demo.applicant).post(f"/api/annotations/{correction.pk}/comments/", {"body": "done"}, format="json"),
    ]

    for response in refused:
        assert response.status_code == 409, response.content
        assert response.json()["detail"].startswith("Version 1 is read-only: version 2 replaced it.")
    assert Annotation.objects.filter(version=old).count() == 4
    assert correction.comments.count() == 2
    assert annotations.reviewer_json(demo.fire, old.pk)["can_annotate"] is False
    assert fire.get(f"/api/versions/{old.pk}/").json()["superseded_by"] == {
        "id": resubmitted["second"].pk,
        "number": 2,
    }


@pytest.mark.django_db(transaction=True)
async def test_the_replaced_version_refuses_changes_on_the_socket_with_a_conflict(demo, resubmitted):
    from tests.reviews.test_consumer import joined, receive_type

    old = resubmitted["version"]
    socket, _ = await joined(demo.fire, old.pk)
    await socket.send_json_to(
        {
            "type": "annotation.create",
            "ref": "r-1",
            "data": {"page": 1, "kind": "pin", "geometry": {"points": [[5, 5]]}},
        }
    )
    error = await receive_type(socket, "error")
    assert (error["code"], error["ref"]) == ("conflict", "r-1")
    assert "version 2 replaced it" in error["message"]
    assert "current" not in error
    await socket.send_json_to(
        {"type": "comment.create", "ref": "r-2", "annotation": resubmitted["correction"].pk, "body": "x"}
    )
    assert (await receive_type(socket, "error"))["code"] == "conflict"
    assert await database_sync_to_async(Annotation.objects.filter(version=old).count)() == 4
    await socket.disconnect()


# --- GET /api/versions/{id}/changes/ and placing by hand ---------------------------------------


def test_changes_as_the_contract_says(demo, resubmitted, api_as):
    second, old = resubmitted["second"], resubmitted["version"]

    body = api_as(demo.building).get(f"/api/versions/{second.pk}/changes/").json()

    assert body == {
        "previous": old.pk,
        "status": "ready",
        "sheets": [
            {"page": 1, "label": "A-101", "previous_page": 1, "change": "changed"},
            {"page": 2, "label": "A-102", "previous_page": 2, "change": "changed"},
        ],
        "removed": [{"page": 3, "label": "A-103"}],
        "unmatched_annotations": [resubmitted["note"].pk],
    }
    first_version = api_as(demo.building).get(f"/api/versions/{old.pk}/changes/").json()
    assert (first_version["previous"], first_version["status"]) == (None, "ready")
    assert {sheet["change"] for sheet in first_version["sheets"]} == {"added"}
    assert api_as(demo.outsider).get(f"/api/versions/{second.pk}/changes/").status_code == 404


def test_changes_are_pending_until_computed_and_unreleased_unmatched_markups_are_not_the_applicants(
    demo, resubmitted, api_as
):
    second = resubmitted["second"]
    VersionChanges.objects.filter(version=second).update(status="pending", sheets=[], removed=[])
    Annotation.objects.filter(pk=resubmitted["note"].pk).update(released_at=None)

    assert api_as(demo.fire).get(f"/api/versions/{second.pk}/changes/").json() == {
        "previous": resubmitted["version"].pk,
        "status": "pending",
        "sheets": [],
        "removed": [],
        "unmatched_annotations": [resubmitted["note"].pk],
    }
    assert api_as(demo.applicant).get(f"/api/versions/{second.pk}/changes/").json()["unmatched_annotations"] == []


def test_a_reviewer_places_an_unmatched_markup_by_hand(demo, resubmitted, api_as):
    second, note = resubmitted["second"], resubmitted["note"]
    url = f"/api/versions/{second.pk}/unmatched/{note.pk}/place/"

    assert api_as(demo.applicant).post(url, {"page": 2}, format="json").status_code == 403
    bad = api_as(demo.fire).post(url, {"page": 9}, format="json")
    assert bad.status_code == 400 and "page" in bad.json()
    placed = api_as(demo.fire).post(url, {"page": 2}, format="json")

    assert placed.status_code == 201
    assert (placed.json()["carried_from"], placed.json()["page"], placed.json()["text"]) == (note.pk, 2, note.text)
    assert api_as(demo.fire).get(f"/api/versions/{second.pk}/changes/").json()["unmatched_annotations"] == []
    again = api_as(demo.fire).post(url, {"page": 2}, format="json")
    assert again.status_code == 400 and "placed already" in again.json()["annotation"][0]
    assert second.events.order_by("-seq").first().type == "annotation.created"


# --- partial resubmittal -----------------------------------------------------------------------


def test_a_partial_resubmittal_replaces_the_sheets_with_the_same_labels(demo, first, api_as, after_commit):
    url = f"/api/documents/{first['document'].pk}/versions/"
    changed = upload("a-102.pdf", sheet_pdf(labels=["A-102"], drawn_on=["A-102"]))

    with after_commit():
        response = api_as(demo.applicant).post(url, {"file": changed, "partial": "true"}, format="multipart")

    assert response.status_code == 201, response.content
    second = DocumentVersion.objects.get(pk=response.json()["id"])
    assert (second.number, second.status, second.page_count) == (2, "ready", 3)
    assert list(second.pages.values_list("label", flat=True)) == ["A-101", "A-102", "A-103"]
    assert [sheet["change"] for sheet in VersionChanges.objects.get(version=second).sheets] == [
        "unchanged",
        "changed",
        "unchanged",
    ]
    assert Annotation.objects.filter(version=second).count() == 2, "the correction and the note, both carried"
    uploaded = AuditEntry.objects.get(action="version.uploaded", object_id=str(second.pk))
    assert (uploaded.actor_name, uploaded.after_data["partial"]) == ("applicant", True)
    assert uploaded.summary.startswith("applicant uploaded a partial resubmittal of ")


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        (sheet_pdf(labels=["A-109"]), "Sheet A-109 (page 1 of the upload) is not in version 1"),
        (sheet_pdf(labels=["A-102", "A-102"]), "Sheet A-102 is in the upload twice."),
        (sheet_pdf(labels=[""]), "Page 1 of the upload has no sheet number we could read"),
    ],
)
def test_a_partial_resubmittal_of_sheets_the_set_does_not_have_is_refused(demo, first, api_as, sheets, message):
    url = f"/api/documents/{first['document'].pk}/versions/"

    response = api_as(demo.planner).post(url, {"file": upload(data=sheets), "partial": "1"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["file"][0].startswith(message)
    assert first["document"].versions.count() == 1


def test_a_comparison_left_pending_is_sent_again_by_the_sweep(demo, resubmitted):
    from datetime import timedelta

    second = resubmitted["second"]
    VersionChanges.objects.filter(version=second).update(status="pending", sheets=[], removed=[])

    assert changes.restart_pending() == [], "not before PROCESSING_STALLED_AFTER_S"
    assert changes.restart_pending(now=timezone.now() + timedelta(hours=1)) == [second.pk]
    assert VersionChanges.objects.get(version=second).status == "ready"  # tasks run in-process in the tests


def test_placing_on_a_version_replaced_in_turn_is_refused(demo, resubmitted, api_as, after_commit):
    second, note = resubmitted["second"], resubmitted["note"]
    third = resubmit(demo.planner, resubmitted["document"], after_commit, labels=["A-101", "A-102"], notes=["C", "D"])

    placed = api_as(demo.fire).post(f"/api/versions/{second.pk}/unmatched/{note.pk}/place/", {"page": 1}, format="json")

    assert placed.status_code == 409
    assert placed.json()["detail"].startswith(f"Version 2 is read-only: version {third.number} replaced it.")
    assert VersionChanges.objects.get(version=second).unmatched_annotations == [note.pk]


# --- versions ready out of order, the live notice, a release after the carry ---------------------


def test_a_version_ready_before_its_predecessor_is_pending_then_compared_once_that_is_ready(demo, case, after_commit):
    document = intake.add_document(
        demo.planner, case, title="Plan set", upload=upload(data=sheet_pdf(labels=["A-101", "A-102"]))
    )
    v1 = document.versions.get()
    v2 = intake.add_version(
        demo.planner, document, upload=upload(data=sheet_pdf(labels=["A-101", "A-102"], notes=["X", "Y"]))
    )
    with after_commit():
        intake.process_version(v2.pk)  # v2 is ready while v1 is still processing

    assert cycles.changes_json(demo.fire, v2.pk) == {
        "previous": v1.pk,
        "status": "pending",
        "sheets": [],
        "removed": [],
        "unmatched_annotations": [],
    }
    with after_commit():
        intake.process_version(v1.pk)

    v1.refresh_from_db()
    assert v1.superseded_by_id == v2.pk
    body = cycles.changes_json(demo.fire, v2.pk)
    assert (body["previous"], body["status"]) == (v1.pk, "ready")
    assert [(s["page"], s["previous_page"], s["change"]) for s in body["sheets"]] == [
        (1, 1, "changed"),
        (2, 2, "changed"),
    ]


def test_a_version_whose_only_predecessor_failed_is_a_first_version(demo, case, after_commit):
    document = intake.add_document(
        demo.planner, case, title="Plan set", upload=upload(data=sheet_pdf(labels=["A-101"]))
    )
    v2 = intake.add_version(demo.planner, document, upload=upload(data=sheet_pdf(labels=["A-101"], notes=["X"])))
    with after_commit():
        intake.process_version(v2.pk)
    assert cycles.changes_json(demo.fire, v2.pk)["status"] == "pending"
    DocumentVersion.objects.filter(document=document, number=1).update(status="failed")

    body = cycles.changes_json(demo.fire, v2.pk)
    assert (body["previous"], body["status"], body["sheets"][0]["change"]) == (None, "ready", "added")


def test_a_version_ready_after_a_later_one_replaced_their_predecessor_is_compared_with_it(demo, first, after_commit):
    document = first["document"]
    v2 = intake.add_version(demo.planner, document, upload=upload(data=sheet_pdf(labels=["A-101"], notes=["V2"])))
    v3 = resubmit(demo.planner, document, after_commit, labels=["A-101", "A-102", "A-103"], notes=["V3", "B", "C"])
    with after_commit():
        intake.process_version(v2.pk)

    v2.refresh_from_db()
    assert v2.superseded_by_id == v3.pk
    assert VersionChanges.objects.get(version=v2).previous_id == first["version"].pk
    assert cycles.changes_json(demo.fire, v2.pk)["status"] == "ready"
    assert not Annotation.objects.filter(version=v2).exists()  # the markups went to v3, once
    assert Annotation.objects.filter(version=v3, carried_from__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
async def test_sockets_open_on_a_version_that_is_replaced_are_told_at_once(demo, case):
    from tests.reviews.test_consumer import joined, receive_type

    def upload_first():
        document = intake.add_document(
            demo.planner, case, title="Plan set", upload=upload(data=sheet_pdf(labels=["A-101"]))
        )
        return document, document.versions.get()

    document, old = await database_sync_to_async(upload_first)()
    socket, hello = await joined(demo.fire, old.pk)
    new = await database_sync_to_async(intake.add_version)(
        demo.applicant, document, upload=upload(data=sheet_pdf(labels=["A-101"], notes=["REVISED"]))
    )

    notice = await receive_type(socket, "version.superseded", timeout=30)
    assert notice["seq"] == hello["seq"] + 1 and notice["user"] == "applicant"
    assert notice["data"] == {"id": new.pk, "number": 2, "url": f"/versions/{new.pk}/"}
    await socket.disconnect()
    applicant, _ = await joined(demo.applicant, old.pk)
    await applicant.send_json_to({"type": "resume", "ref": "r", "after_seq": hello["seq"]})
    assert (await receive_type(applicant, "version.superseded"))["data"]["id"] == new.pk  # from the log
    await applicant.disconnect()


def test_corrections_released_after_they_were_carried_forward_reach_the_carried_copies(demo, case, after_commit):
    from workflows.models import Workflow
    from workflows.services import engine
    from workflows.services.templates import seed_standard_template

    seed_standard_template()
    with after_commit():
        document = intake.add_document(
            demo.planner, case, title="Plan set", upload=upload(data=sheet_pdf(labels=["A-101", "A-102"]))
        )
    v1 = document.versions.get()
    with after_commit():
        workflow = engine.submit(demo.planner, v1.pk, template="standard", departments=["fire"])
    correction = mark(demo.fire, v1, 2)
    second = resubmit(demo.applicant, document, after_commit, labels=["A-101", "A-102"], notes=["A", "B"])
    copy = Annotation.objects.get(version=second, carried_from=correction)
    assert copy.released_at is None  # carried before the cycle ended

    task = workflow.tasks.get(department__slug="fire", kind="review")
    with after_commit():
        engine.decide(demo.fire, task.pk, "corrections_required")

    assert Workflow.objects.get(pk=workflow.pk).status == "corrections_required"
    copy.refresh_from_db()
    assert copy.released_at is not None
    assert copy.released_at == Annotation.objects.get(pk=correction.pk).released_at
    assert list(audience.annotations_for(demo.applicant, second).values_list("pk", flat=True)) == [copy.pk]
