"""Once a department's review of a version is done, its markups on that version are final:
its members can no longer add, change, delete or reply; other departments still can."""

import pytest
from django.core.exceptions import PermissionDenied

from reviews.realtime.consumer import run_command
from reviews.services import annotations


def cloud(text="Check egress"):
    return {"page": 1, "kind": "cloud", "geometry": {"points": [[100, 100], [300, 200]]}, "text": text}


@pytest.fixture
def reviewed_by_fire(plans, submit, decide):
    submit(departments=["fire", "building"])
    markup = annotations.create_annotation(plans.demo.fire, plans.version.pk, cloud()).data
    decide("fire", "review", "approved")
    return plans, markup


def test_a_department_that_finished_its_review_can_no_longer_change_markups(reviewed_by_fire):
    plans, markup = reviewed_by_fire
    fire = plans.demo.fire
    finished = "Fire has finished its review of this version; its markups can no longer change."

    with pytest.raises(PermissionDenied, match=finished):
        annotations.create_annotation(fire, plans.version.pk, cloud("one more"))
    with pytest.raises(PermissionDenied, match=finished):
        annotations.update_annotation(fire, markup["id"], markup["revision"], {"text": "changed"})
    with pytest.raises(PermissionDenied, match=finished):
        annotations.delete_annotation(fire, markup["id"], markup["revision"])
    with pytest.raises(PermissionDenied, match=finished):
        annotations.add_comment(fire, markup["id"], "a reply")


def test_departments_still_reviewing_carry_on(reviewed_by_fire):
    plans, markup = reviewed_by_fire

    annotations.create_annotation(plans.demo.building, plans.version.pk, cloud("stairs"))
    annotations.add_comment(plans.demo.building, markup["id"], "agreed")


def test_the_rule_answers_403_over_http(reviewed_by_fire, api_as):
    plans, _ = reviewed_by_fire

    response = api_as(plans.demo.fire).post(f"/api/versions/{plans.version.pk}/annotations/", cloud(), format="json")

    assert response.status_code == 403
    assert "finished its review" in response.json()["detail"]


def test_before_the_decision_the_department_marks_up_freely(plans, submit):
    submit(departments=["fire"])

    annotations.create_annotation(plans.demo.fire, plans.version.pk, cloud())


@pytest.mark.parametrize("change", [{"status": "resolved"}, {"text": "changed"}])
def test_not_even_another_departments_head_changes_a_finished_departments_markup(reviewed_by_fire, change):
    plans, markup = reviewed_by_fire

    with pytest.raises(PermissionDenied, match="Fire has finished its review"):
        annotations.update_annotation(plans.demo.building_head, markup["id"], markup["revision"], change)
    with pytest.raises(PermissionDenied, match="Fire has finished its review"):
        annotations.delete_annotation(plans.demo.building_head, markup["id"], markup["revision"])

    assert annotations.visible_annotation(plans.demo.fire, markup["id"]).status == "open"


def test_the_same_rule_holds_over_http(reviewed_by_fire, api_as):
    plans, markup = reviewed_by_fire

    response = api_as(plans.demo.building_head).patch(
        f"/api/annotations/{markup['id']}/", {"revision": markup["revision"], "status": "resolved"}, format="json"
    )

    assert response.status_code == 403, response.json()
    assert "finished its review" in response.json()["detail"]


def test_the_same_rule_holds_on_the_websocket(reviewed_by_fire):
    plans, markup = reviewed_by_fire
    message = {
        "type": "annotation.update", "ref": "r", "id": markup["id"], "revision": markup["revision"],
        "data": {"status": "resolved"},
    }  # fmt: skip

    with pytest.raises(PermissionDenied, match="Fire has finished its review"):
        run_command(plans.demo.building_head, plans.version, message)


def test_a_head_still_resolves_the_markup_of_a_department_still_reviewing(plans, submit):
    submit(departments=["fire", "building"])
    markup = annotations.create_annotation(plans.demo.fire, plans.version.pk, cloud()).data

    annotations.update_annotation(plans.demo.building_head, markup["id"], markup["revision"], {"status": "resolved"})

    assert annotations.visible_annotation(plans.demo.fire, markup["id"]).status == "resolved"
