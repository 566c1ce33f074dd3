"""Markup changes are audited by the event log that records them: each with its before and after."""

import pytest

from audit.models import AuditEntry
from audit.services import verify
from reviews.services import annotations
from tests.factories import CaseFactory, DocumentFactory, VersionFactory


@pytest.fixture
def version(demo):
    case = CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])
    return VersionFactory(document=DocumentFactory(case=case))


def cloud(text):
    return {"page": 1, "kind": "cloud", "geometry": {"points": [[10, 10], [50, 50]]}, "text": text}


def test_a_markup_change_is_recorded_with_before_and_after(demo, version):
    created = annotations.create_annotation(demo.fire, version.pk, cloud("Check the exit")).data
    annotations.update_annotation(demo.fire, created["id"], 1, {"text": "Check both exits"})
    annotations.delete_annotation(demo.fire, created["id"], 2)

    made, changed, deleted = AuditEntry.objects.filter(object_type="annotation").order_by("seq")
    assert (made.action, made.actor_name, made.case_id, made.before_data, made.after_data["text"]) == (
        "annotation.created", "fire", version.document.case_id, None, "Check the exit",
    )  # fmt: skip
    assert changed.before_data["text"] == "Check the exit" and changed.after_data["text"] == "Check both exits"
    assert changed.summary == f"fire changed cloud #{created['id']} on page 1 of version {version.pk}: text"
    assert deleted.before_data["text"] == "Check both exits" and deleted.after_data is None
    assert verify().intact


def test_a_reply_is_recorded(demo, version):
    created = annotations.create_annotation(demo.fire, version.pk, cloud("Check the exit")).data
    annotations.add_comment(demo.planner, created["id"], "Will do")

    entry = AuditEntry.objects.get(action="comment.created")
    assert entry.actor_name == "planner" and entry.after_data["body"] == "Will do"
