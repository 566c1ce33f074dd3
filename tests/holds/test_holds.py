"""Parcel holds: placed and released by staff, shown on the case, blocking its approval; audited."""

import pytest
from django.contrib.auth.models import Permission

from audit.models import AuditEntry
from documents.models import CaseApplicant
from holds.models import Hold
from holds.services import place
from tests.factories import CaseFactory, UserFactory
from workflows.models import Task, Workflow

PARCEL = "APN 052-118-07"  # the factories' cases' parcel


@pytest.fixture
def hold_for(plans):
    def make(user=None, kind="unpaid_fees", reason="Impact fees of $3,400 unpaid", parcel_id=PARCEL, **extra):
        return place(user or plans.demo.building, parcel_id=parcel_id, kind=kind, reason=reason, **extra)

    return make


def approve_reviews(decide):
    decide("fire", "review", "approved")
    decide("building", "review", "approved")


def test_a_department_member_places_a_hold_over_http_and_it_is_audited(plans, api_as):
    response = api_as(plans.demo.fire).post(
        "/api/holds/", {"parcel_id": " apn 052-118-07 ", "kind": "open_violation", "reason": "Unpermitted deck"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["parcel_id"], body["kind"], body["department"], body["placed_by"], body["active"]) == (
        "apn 052-118-07", "open_violation", "fire", "fire", True,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="hold.placed")
    assert (entry.actor_name, entry.object_id) == ("fire", str(body["id"]))
    assert plans.case.number in entry.summary  # the case on that parcel, whatever the letter case


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "lien", "reason": "x"}, "parcel_id"),
        ({"parcel_id": PARCEL, "kind": "parking", "reason": "x"}, "kind"),
        ({"parcel_id": PARCEL, "kind": "lien", "reason": "  "}, "reason"),
        ({"parcel_id": PARCEL, "kind": "lien", "reason": "a\x00b"}, "reason"),
        ({"parcel_id": "x" * 65, "kind": "lien", "reason": "x"}, "parcel_id"),
    ],
)
def test_a_bad_hold_is_refused_naming_the_field_and_nothing_is_written(plans, api_as, data, field):
    response = api_as(plans.demo.fire).post("/api/holds/", data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Hold.objects.exists() and not AuditEntry.objects.filter(action="hold.placed").exists()


def test_outsiders_and_applicants_neither_place_nor_release_nor_see_holds_listed(plans, api_as, hold_for):
    hold_for()
    CaseApplicant.objects.create(case=plans.case, user=plans.demo.applicant, added_by=plans.demo.planner)
    for user in (plans.demo.outsider, plans.demo.applicant):
        client = api_as(user)
        assert client.post("/api/holds/", {"parcel_id": PARCEL, "kind": "lien", "reason": "x"}).status_code == 403
        assert client.get("/api/holds/").json() == []
        assert client.post(f"/api/holds/{Hold.objects.get().pk}/release/", {"reason": "x"}).status_code == 403
    assert Hold.objects.count() == 1


def test_the_list_filters_by_parcel_and_activity(plans, api_as, hold_for):
    first = hold_for()
    hold_for(parcel_id="APN 999")
    api_as(plans.demo.building).post(f"/api/holds/{first.pk}/release/", {"reason": "Paid"}, format="json")
    client = api_as(plans.demo.planner)

    assert [h["parcel_id"] for h in client.get("/api/holds/", {"parcel_id": "apn 052-118-07"}).json()] == [PARCEL]
    assert [h["parcel_id"] for h in client.get("/api/holds/", {"active": "1"}).json()] == ["APN 999"]


def test_a_hold_shows_on_every_case_of_its_parcel_and_only_there(plans, api_as, hold_for):
    other = CaseFactory(lead_department=plans.demo.departments["planning"], created_by=plans.demo.planner,
                        parcel_id="apn 052-118-07")  # fmt: skip
    elsewhere = CaseFactory(lead_department=plans.demo.departments["planning"], created_by=plans.demo.planner,
                            parcel_id="APN 111")  # fmt: skip
    hold = hold_for()
    client = api_as(plans.demo.planner)

    for case in (plans.case, other):
        holds = client.get(f"/api/cases/{case.pk}/").json()["holds"]
        assert [(h["id"], h["kind"], h["reason"]) for h in holds] == [(hold.pk, "unpaid_fees", hold.reason)]
    assert client.get(f"/api/cases/{elsewhere.pk}/").json()["holds"] == []
    page = client.get(f"/cases/{plans.case.pk}/").content.decode()
    assert "Impact fees of $3,400 unpaid" in page and "cannot be approved" in page


def test_the_applicant_sees_that_there_is_a_hold_but_not_its_internals(plans, api_as, hold_for):
    hold_for(external_ref="billing:INV-2291")
    CaseApplicant.objects.create(case=plans.case, user=plans.demo.applicant, added_by=plans.demo.planner)
    client = api_as(plans.demo.applicant)

    holds = client.get(f"/api/cases/{plans.case.pk}/").json()["holds"]
    assert [set(h) for h in holds] == [{"kind", "kind_text", "placed_at", "active"}]
    page = client.get(f"/cases/{plans.case.pk}/").content.decode()
    assert "Unpaid fees" in page and "cannot be approved" in page
    for internal in ("3,400", "INV-2291", "building"):
        assert internal not in page.split('id="holds"')[1].split("</section>")[0]


def test_a_hold_blocks_the_final_approval_over_http_with_409_naming_it(
    plans, submit, decide, api_as, hold_for, after_commit
):
    submit()
    approve_reviews(decide)  # the reviews are not the final approval: a hold does not stop them
    hold = hold_for()
    task = plans.task("planning", "approval")
    client = api_as(plans.demo.planning_head)
    decisions = AuditEntry.objects.filter(action="task.decided").count()

    for decision in ("approved", "approved_with_conditions"):
        response = client.post(
            f"/api/tasks/{task.pk}/decision/", {"decision": decision, "comment": "Meets the code."}, format="json"
        )
        assert response.status_code == 409, response.content
        detail = response.json()["detail"]
        assert "unpaid fees" in detail and f"#{hold.pk}" in detail and PARCEL in detail
    task.refresh_from_db()
    assert (task.status, plans.workflow().status) == (Task.Status.PENDING, Workflow.Status.IN_PROGRESS)
    assert AuditEntry.objects.filter(action="task.decided").count() == decisions

    assert client.post(f"/api/holds/{hold.pk}/release/", {"reason": "Paid"}, format="json").status_code == 403
    released = api_as(plans.demo.building).post(f"/api/holds/{hold.pk}/release/", {"reason": "Paid in full"},
                                                format="json")  # fmt: skip
    assert released.status_code == 200
    assert (released.json()["released_by"], released.json()["release_reason"]) == ("building", "Paid in full")
    entry = AuditEntry.objects.get(action="hold.released")
    assert entry.actor_name == "building" and "Paid in full" in entry.summary

    with after_commit():
        response = client.post(f"/api/tasks/{task.pk}/decision/", {"decision": "approved"}, format="json")
    assert response.status_code == 200, response.content
    assert plans.workflow().status == Workflow.Status.APPROVED


def test_a_hold_does_not_stop_returning_the_plans_for_corrections(plans, submit, decide, hold_for):
    submit()
    hold_for()
    decide("fire", "review", "corrections_required", comment="Show the rated wall")
    decide("building", "review", "approved")

    assert plans.workflow().status == Workflow.Status.CORRECTIONS_REQUIRED


def test_releasing_twice_is_a_conflict_and_a_reason_is_needed(plans, api_as, hold_for):
    hold = hold_for()
    client = api_as(plans.demo.admin)

    assert client.post(f"/api/holds/{hold.pk}/release/", {"reason": ""}, format="json").status_code == 400
    assert client.post(f"/api/holds/{hold.pk}/release/", {"reason": "Lien satisfied"}, format="json").status_code == 200
    again = client.post(f"/api/holds/{hold.pk}/release/", {"reason": "again"}, format="json")
    assert again.status_code == 409 and "already released" in again.json()["detail"]
    assert client.post("/api/holds/999999/release/", {"reason": "x"}, format="json").status_code == 404
    assert AuditEntry.objects.filter(action="hold.released").count() == 1


def test_a_system_account_releases_holds_that_came_from_a_system(plans, api_as):
    system = UserFactory(username="billing")
    system.user_permissions.add(Permission.objects.get(codename="sync_holds"))
    client = api_as(system)
    placed = client.post(
        "/api/holds/", {"parcel_id": PARCEL, "kind": "lien", "reason": "County lien"}, format="json"
    ).json()
    assert (placed["department"], placed["source"]) == (None, "system")
    refused = api_as(plans.demo.fire).post(f"/api/holds/{placed['id']}/release/", {"reason": "x"}, format="json")
    assert refused.status_code == 403 and "another system" in refused.json()["detail"]
    assert client.post(f"/api/holds/{placed['id']}/release/", {"reason": "Paid"}, format="json").status_code == 200


def test_the_case_page_places_and_releases_a_hold(plans, client):
    client.force_login(plans.demo.planner)
    page = f"/cases/{plans.case.pk}/"

    answer = client.post(f"{page}holds/", {"kind": "lien", "reason": "Mechanic's lien"}, follow=True)
    assert "The hold was placed" in answer.content.decode()
    hold = Hold.objects.get()
    assert (hold.parcel_id, hold.kind, hold.department.slug) == (PARCEL, "lien", "planning")

    refused = client.post(f"{page}holds/{hold.pk}/release/", {"reason": ""}, follow=True)
    assert "Nothing was changed" in refused.content.decode() and Hold.objects.get().active
    client.post(f"{page}holds/{hold.pk}/release/", {"reason": "Lien released"})
    assert not Hold.objects.get().active
