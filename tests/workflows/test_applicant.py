"""The applicant on a case (contract v2, "review cycles and applicants"): invited by the lead
department, sees their case and nothing of any other, reads only what a finished review cycle
released to them, answers corrections, uploads; never marks up, submits or decides."""

import json

import pytest

from audit.models import AuditEntry
from documents.models import CaseApplicant
from notifications.models import Notification
from reviews.models import Annotation, Comment
from reviews.services import annotations
from tests.factories import CaseFactory, upload


def cloud(page, text, category):
    return {
        "page": page, "kind": "cloud", "geometry": {"points": [[100, 100], [300, 200]]},
        "text": text, "category": category,
    }  # fmt: skip


class Cycle:
    """A version in review with the applicant invited: fire's correction, note and internal markup,
    with an internal reply and one shared with the applicant on the correction."""

    def __init__(self, plans, submit, api_as):
        self.plans, self.demo, self.version = plans, plans.demo, plans.version
        response = api_as(self.demo.planner).post(
            f"/api/cases/{plans.case.pk}/applicants/", {"username": "applicant"}, format="json"
        )
        assert response.status_code == 201, response.content
        submit(departments=["fire", "building"])
        fire, pk = self.demo.fire, self.version.pk
        self.correction = annotations.create_annotation(fire, pk, cloud(1, "Show the rated wall.", "correction")).data
        self.note = annotations.create_annotation(fire, pk, cloud(2, "Sprinklers per NFPA 13.", "note")).data
        self.internal = annotations.create_annotation(fire, pk, cloud(1, "@building please check", "internal")).data
        self.internal_reply = annotations.add_comment(
            self.demo.building, self.correction["id"], "Agreed, internal."
        ).data
        self.shared_reply = annotations.add_comment(
            fire, self.correction["id"], "See code section 706.", visibility="applicant"
        ).data


@pytest.fixture
def cycle(plans, submit, api_as):
    return Cycle(plans, submit, api_as)


@pytest.fixture
def released(cycle, decide):
    decide("fire", "review", "corrections_required")
    decide("building", "review", "corrections_required")
    return cycle


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()}


# --- the invitation -----------------------------------------------------------------


def test_a_lead_department_member_invites_the_applicant(plans, api_as):
    response = api_as(plans.demo.planner).post(
        f"/api/cases/{plans.case.pk}/applicants/", {"username": "applicant"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["username"] == "applicant" and response.json()["added_by"] == "planner"
    assert CaseApplicant.objects.filter(case=plans.case, user=plans.demo.applicant).exists()
    assert AuditEntry.objects.filter(action="case.applicant_added", case_id=plans.case.pk).count() == 1
    listed = api_as(plans.demo.planning_head).get(f"/api/cases/{plans.case.pk}/applicants/").json()
    assert [a["username"] for a in listed] == ["applicant"]


@pytest.mark.parametrize("who", ["fire", "fire_head"])
def test_other_departments_may_not_invite(plans, submit, api_as, who):
    submit(departments=["fire"])  # fire takes part, so sees the case
    response = api_as(getattr(plans.demo, who)).post(
        f"/api/cases/{plans.case.pk}/applicants/", {"username": "applicant"}, format="json"
    )

    assert response.status_code == 403
    assert not CaseApplicant.objects.exists()


def test_an_unknown_user_is_named_in_the_refusal(plans, api_as):
    response = api_as(plans.demo.planner).post(
        f"/api/cases/{plans.case.pk}/applicants/", {"username": "nobody"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"username": ["There is no active user named nobody."]}


def test_the_applicant_sees_their_case_and_no_other(cycle, api_as):
    other = CaseFactory(lead_department=cycle.demo.departments["planning"], created_by=cycle.demo.planner)
    client = api_as(cycle.demo.applicant)

    assert [c["id"] for c in client.get("/api/cases/").json()] == [cycle.plans.case.pk]
    assert client.get(f"/api/cases/{cycle.plans.case.pk}/").status_code == 200
    assert client.get(f"/api/versions/{cycle.version.pk}/").status_code == 200
    assert client.get(f"/api/cases/{other.pk}/").status_code == 404


def test_the_applicant_s_case_list_offers_no_new_case_as_a_department_member_s_does(cycle, client):
    client.force_login(cycle.plans.demo.applicant)
    page = client.get("/").content.decode()

    assert cycle.plans.case.number in page
    assert "New case" not in page and "case_list.js" not in page
    assert "invited to as the applicant" in page
    client.force_login(cycle.plans.demo.planner)
    assert "New case" in client.get("/").content.decode()


def test_a_removed_applicant_sees_the_case_no_more(cycle, api_as):
    case = cycle.plans.case
    assert api_as(cycle.demo.planner).delete(f"/api/cases/{case.pk}/applicants/applicant/").status_code == 204

    assert api_as(cycle.demo.applicant).get(f"/api/cases/{case.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="case.applicant_removed").count() == 1


# --- nothing before release, released corrections and notes after ---------------------


def test_before_the_cycle_ends_the_applicant_reads_no_markup(cycle, api_as):
    client = api_as(cycle.demo.applicant)

    assert ids(client.get(f"/api/versions/{cycle.version.pk}/annotations/")) == set()
    assert client.get(f"/api/annotations/{cycle.correction['id']}/").status_code == 404
    assert client.get(f"/api/annotations/{cycle.correction['id']}/comments/").status_code == 404
    events = client.get(f"/api/versions/{cycle.version.pk}/events/").json()
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert {e["type"] for e in events} == {"hidden"}  # the seqs, nothing of what happened
    assert "data" not in str(events)


def test_reviewers_read_everything_meanwhile(cycle, api_as):
    found = ids(api_as(cycle.demo.building).get(f"/api/versions/{cycle.version.pk}/annotations/"))

    assert found == {cycle.correction["id"], cycle.note["id"], cycle.internal["id"]}


def test_the_end_of_the_cycle_releases_every_correction_and_note_at_once(released, api_as):
    marked = dict(Annotation.objects.values_list("pk", "released_at"))

    assert marked[released.correction["id"]] is not None and marked[released.note["id"]] is not None
    assert marked[released.internal["id"]] is None
    entry = AuditEntry.objects.get(action="annotations.released")
    assert json.loads(entry.after)["correction"] == 1 and json.loads(entry.after)["note"] == 1
    assert "1 correction and 1 note" in entry.summary


def test_the_applicant_reads_released_markups_and_shared_replies_only(released, api_as):
    client = api_as(released.demo.applicant)
    pk = released.version.pk

    assert ids(client.get(f"/api/versions/{pk}/annotations/")) == {released.correction["id"], released.note["id"]}
    assert ids(client.get(f"/api/versions/{pk}/annotations/?page=1")) == {released.correction["id"]}
    assert client.get(f"/api/annotations/{released.internal['id']}/").status_code == 404
    replies = client.get(f"/api/annotations/{released.correction['id']}/comments/").json()
    assert [r["body"] for r in replies] == ["See code section 706."]
    events = client.get(f"/api/versions/{pk}/events/").json()
    assert "@building please check" not in str(events) and "Agreed, internal." not in str(events)


def test_the_applicant_is_mailed_when_comments_are_released(cycle, decide, mailoutbox):
    cycle.demo.applicant.email = "jordan@lee.example"
    cycle.demo.applicant.save()

    decide("fire", "review", "corrections_required")
    decide("building", "review", "corrections_required")

    mails = [m for m in mailoutbox if m.to == ["jordan@lee.example"]]
    assert len(mails) == 1
    assert "Corrections required" in mails[0].subject
    assert "1 correction and 1 note" in mails[0].body and "waiting for your answer" in mails[0].body


def test_the_applicant_is_mailed_when_the_set_is_approved(cycle, decide, mailoutbox):
    cycle.demo.applicant.email = "jordan@lee.example"
    cycle.demo.applicant.save()

    decide("fire", "review", "approved")
    decide("building", "review", "approved")
    decide("planning", "approval", "approved")

    mails = [m for m in mailoutbox if m.to == ["jordan@lee.example"]]
    number = cycle.plans.case.number
    assert [m.subject for m in mails] == [f"{number}: Approved", f"{number}: the approved set is ready"]
    assert "the review ended — approved" in mails[0].body
    assert "stamped approved set is ready to download" in mails[1].body


# --- what the applicant may and may not do -------------------------------------------


def test_the_applicant_answers_a_released_correction(released, api_as):
    response = api_as(released.demo.applicant).post(
        f"/api/annotations/{released.correction['id']}/comments/",
        {"body": "Rated wall added on A-101.", "visibility": "internal"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["visibility"] == "applicant"  # an answer always reaches the reviewers
    reviewers = api_as(released.demo.fire).get(f"/api/annotations/{released.correction['id']}/comments/").json()
    assert reviewers[-1]["body"] == "Rated wall added on A-101." and reviewers[-1]["author"] == "applicant"
    told = Notification.objects.filter(kind="answer").values_list("recipient__username", "text")
    assert {who for who, _ in told} == {"fire", "fire_head"}  # the correction's department
    assert all(text.startswith("Jordan Lee answered a correction on") for _, text in told)


def test_notes_are_not_answered_and_unreleased_markups_not_found(cycle, decide, api_as):
    client = api_as(cycle.demo.applicant)
    before = client.post(f"/api/annotations/{cycle.correction['id']}/comments/", {"body": "Early"}, format="json")
    decide("fire", "review", "corrections_required")
    decide("building", "review", "corrections_required")
    note = client.post(f"/api/annotations/{cycle.note['id']}/comments/", {"body": "Noted"}, format="json")
    internal = client.post(f"/api/annotations/{cycle.internal['id']}/comments/", {"body": "Hm"}, format="json")

    assert before.status_code == 404 and note.status_code == 403 and internal.status_code == 404
    assert not Comment.objects.filter(author=cycle.demo.applicant).exists()


def test_a_reviewer_may_not_share_a_reply_on_an_internal_markup(cycle, api_as):
    response = api_as(cycle.demo.fire).post(
        f"/api/annotations/{cycle.internal['id']}/comments/", {"body": "x", "visibility": "applicant"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"visibility": ["This markup is internal; its replies stay with the reviewers."]}


def test_the_applicant_may_not_mark_up(released, api_as):
    client = api_as(released.demo.applicant)
    pk, correction = released.version.pk, released.correction

    create = client.post(f"/api/versions/{pk}/annotations/", cloud(1, "Mine", "correction"), format="json")
    change = client.patch(f"/api/annotations/{correction['id']}/", {"revision": 1, "text": "x"}, format="json")
    delete = client.delete(f"/api/annotations/{correction['id']}/?revision=1")

    assert (create.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert Annotation.objects.get(pk=correction["id"]).text == "Show the rated wall."


def test_the_applicant_may_not_submit_or_decide(plans, api_as):
    plans.case.applicants.create(user=plans.demo.applicant, added_by=plans.demo.planner)
    client = api_as(plans.demo.applicant)

    submitted = client.post(f"/api/versions/{plans.version.pk}/submit/", {"departments": ["fire"]}, format="json")
    assert submitted.status_code == 403
    api_as(plans.demo.planner).post(
        f"/api/versions/{plans.version.pk}/submit/", {"departments": ["fire"]}, format="json"
    )
    task = plans.task("fire")
    decided = client.post(f"/api/tasks/{task.pk}/decision/", {"decision": "approved"}, format="json")
    assert decided.status_code == 403


def test_the_applicant_uploads_documents_and_new_versions(cycle, api_as, after_commit):
    client = api_as(cycle.demo.applicant)

    added = client.post(f"/api/cases/{cycle.plans.case.pk}/documents/", {"title": "Structural calcs", "file": upload()})
    resubmitted = client.post(f"/api/documents/{cycle.plans.document.pk}/versions/", {"file": upload("v2.pdf")})

    assert added.status_code == 201 and resubmitted.status_code == 201
    assert resubmitted.json()["number"] == 2


def test_the_applicant_reads_the_issued_letter_only(cycle, decide, api_as):
    client = api_as(cycle.demo.applicant)
    url = f"/api/versions/{cycle.version.pk}/corrections-letter.pdf"
    assert client.get(url).status_code == 404  # the draft shows what is not released yet

    decide("fire", "review", "corrections_required")
    decide("building", "review", "corrections_required")

    response = client.get(url)
    assert response.status_code == 200 and response["X-Letter-Status"] == "issued"


# --- the applicant's pages --------------------------------------------------------


def test_the_applicant_case_page_shows_released_comments_by_sheet_with_answer_boxes(released, client):
    client.force_login(released.demo.applicant)

    page = client.get(f"/cases/{released.plans.case.pk}/").content.decode()

    assert 'data-testid="applicant-case"' in page
    assert "Show the rated wall." in page and "Sprinklers per NFPA 13." in page and "See code section 706." in page
    assert "@building please check" not in page and "Agreed, internal." not in page
    assert page.count('name="body"') == 1  # one answer box: the correction, not the note
    assert "Corrections are required" in page


def test_during_review_the_page_says_so_and_shows_no_comment(cycle, client):
    client.force_login(cycle.demo.applicant)

    page = client.get(f"/cases/{cycle.plans.case.pk}/").content.decode()

    assert "The departments are reviewing version 1" in page
    assert "Show the rated wall." not in page and 'data-testid="released-comment"' not in page


def test_an_answer_sent_from_the_page_reaches_the_thread(released, client):
    client.force_login(released.demo.applicant)
    correction = released.correction["id"]

    response = client.post(f"/cases/{released.plans.case.pk}/answers/{correction}/", {"body": "Done on A-101."})

    assert response.status_code == 302 and response["Location"].endswith(f"#correction-{correction}")
    assert (
        Comment.objects.filter(annotation_id=correction, author=released.demo.applicant).get().body == "Done on A-101."
    )
    empty = client.post(f"/cases/{released.plans.case.pk}/answers/{correction}/", {"body": "  "}, follow=True)
    assert "Your answer was not sent: Write something to reply." in empty.content.decode()


def test_reviewers_still_get_the_reviewers_case_page(cycle, client):
    client.force_login(cycle.demo.planner)

    assert 'data-testid="applicant-case"' not in client.get(f"/cases/{cycle.plans.case.pk}/").content.decode()


def test_the_case_audit_trail_is_for_reviewers_only(released, api_as):
    url = f"/api/cases/{released.plans.case.pk}/audit/"

    assert api_as(released.demo.applicant).get(url).status_code == 404  # it tells internal markups' changes
    assert api_as(released.demo.fire).get(url).status_code == 200


def test_the_applicant_changes_neither_sheets_nor_who_takes_part(released, api_as):
    client = api_as(released.demo.applicant)
    scale = {"scale": {"ratio": 48, "unit": "ft", "label": '1/4" = 1\'-0"'}}

    sheet = client.patch(f"/api/versions/{released.version.pk}/pages/1/", scale, format="json")
    departments = client.patch(f"/api/cases/{released.plans.case.pk}/", {"departments": []}, format="json")

    assert (sheet.status_code, departments.status_code) == (403, 403)
