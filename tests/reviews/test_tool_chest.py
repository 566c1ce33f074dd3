"""The reviewer's tool chest: standard comments, dynamic stamps and the markup summary."""

import csv
import datetime
import io

import pikepdf
import pypdfium2
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from documents.models import Page
from documents.services import cases
from reviews.models import Annotation, Comment, StampDefinition, StandardComment
from reviews.services import annotations, stamps
from tests.reviews.conftest import cloud, make_department, make_user
from tests.tagged_pdfs import in_order, structure


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def stamp(points=((100.0, 100.0), (400.0, 200.0)), **extra):
    return {"page": 1, "kind": "stamp", "geometry": {"points": [list(p) for p in points]}, **extra}


# --- standard comments -------------------------------------------------------------

EGRESS = {"shortcut": "egress", "code": "IBC 1005.3.2", "text": "Show the egress width of each stair."}


def test_heads_keep_their_departments_library_and_reviewers_read_it(review):
    head = client_for(review.building_head)
    created = head.post("/api/standard-comments/", {**EGRESS, "department": "building"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["department"], body["shortcut"], body["code"], body["editable"]) == (
        "building",
        "egress",
        "IBC 1005.3.2",
        True,
    )
    assert AuditEntry.objects.filter(action="standard_comment.created", object_id=str(body["id"])).exists()

    reviewer = client_for(review.building_user)
    [listed] = reviewer.get("/api/standard-comments/").json()
    assert (listed["shortcut"], listed["editable"], listed["own"]) == ("egress", False, False)
    assert reviewer.patch(f"/api/standard-comments/{body['id']}/", {"text": "x"}, format="json").status_code == 403
    assert reviewer.delete(f"/api/standard-comments/{body['id']}/").status_code == 403
    refused = reviewer.post("/api/standard-comments/", {**EGRESS, "department": "building"}, format="json")
    assert refused.status_code == 403
    assert client_for(review.fire_user).get("/api/standard-comments/").json() == []  # another department's
    assert client_for(review.fire_user).delete(f"/api/standard-comments/{body['id']}/").status_code == 404

    changed = head.patch(f"/api/standard-comments/{body['id']}/", {"code": "IBC 1011.2"}, format="json")
    assert changed.status_code == 200 and changed.json()["code"] == "IBC 1011.2"
    assert head.delete(f"/api/standard-comments/{body['id']}/").status_code == 204
    assert not StandardComment.objects.exists()
    assert AuditEntry.objects.filter(action="standard_comment.deleted").count() == 1


def test_an_admin_keeps_any_library(review):
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()
    response = client_for(admin).post("/api/standard-comments/", {**EGRESS, "department": "fire"}, format="json")
    assert response.status_code == 201
    assert StandardComment.objects.get().department == review.fire


def test_a_reviewer_keeps_their_own(review):
    mine = client_for(review.fire_user)
    created = mine.post("/api/standard-comments/", {**EGRESS, "shortcut": "#Riser"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["department"], body["own"], body["shortcut"], body["editable"]) == (None, True, "riser", True)
    assert client_for(review.fire_colleague).get("/api/standard-comments/").json() == []
    assert (
        mine.patch(f"/api/standard-comments/{body['id']}/", {"text": "Riser room 1 hr"}, format="json").status_code
        == 200
    )
    again = mine.post("/api/standard-comments/", {**EGRESS, "shortcut": "riser"}, format="json")
    assert again.status_code == 400 and "already" in again.json()["shortcut"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"shortcut": "two words", "text": "x"}, "shortcut"),
        ({"shortcut": "ok"}, "text"),
        ({"shortcut": "ok", "text": "   "}, "text"),
        ({"shortcut": "ok", "text": "x", "code": "C" * 81}, "code"),
        ({"shortcut": "ok", "text": "x\x00"}, "text"),
        ({"shortcut": "ok", "text": "x", "department": "nowhere"}, "department"),
        ({"shortcut": 7, "text": "x"}, "shortcut"),
    ],
)
def test_bad_standard_comments_are_400_naming_the_field(review, data, field):
    response = client_for(review.building_head).post("/api/standard-comments/", data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not StandardComment.objects.exists()


# --- dynamic stamps ----------------------------------------------------------------


def test_the_old_wordings_are_stamp_definitions_for_everyone(review):
    wordings = list(StampDefinition.objects.values_list("wording", flat=True))
    assert wordings == ["APPROVED", "APPROVED AS NOTED", "REVISE AND RESUBMIT", "REVIEWED", "NOT APPROVED", "VOID"]
    offered = client_for(review.fire_user).get("/api/stamps/").json()
    assert [s["wording"] for s in offered] == wordings


def test_a_placed_stamp_keeps_its_filled_in_words(review):
    review.fire_user.first_name, review.fire_user.last_name = "Dana", "Cruz"
    review.fire_user.save()
    chosen = StampDefinition.objects.get(wording="APPROVED AS NOTED")
    response = client_for(review.fire_user).post(
        f"/api/versions/{review.version.pk}/annotations/", stamp(stamp=chosen.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    today = timezone.localdate().isoformat()
    assert body["text"] == f"APPROVED AS NOTED\nDana Cruz · Fire · {today}"
    assert body["style"]["color"] == chosen.color
    chosen.wording = "APPROVED WITH NOTES"
    chosen.save()
    assert Annotation.objects.get(pk=body["id"]).text.startswith("APPROVED AS NOTED\n")  # what was placed stays

    change = {"text": "VOID", "revision": 1}
    refused = client_for(review.fire_user).patch(f"/api/annotations/{body['id']}/", change, format="json")
    assert refused.status_code == 400 and "text" in refused.json()


def test_an_older_client_names_the_stamp_by_its_words(review):
    event = annotations.create_annotation(review.fire_user, review.version.pk, stamp(text="revise and resubmit"))
    assert event.data["text"].startswith("REVISE AND RESUBMIT\nfire · Fire · ")


def test_only_the_departments_given_a_stamp_place_it(review):
    fire_only = StampDefinition.objects.create(wording="FIRE ACCESS APPROVED", color="#c62828")
    fire_only.departments.add(review.fire)
    url = f"/api/versions/{review.version.pk}/annotations/"
    assert client_for(review.fire_user).post(url, stamp(stamp=fire_only.pk), format="json").status_code == 201
    refused = client_for(review.building_user).post(url, stamp(stamp=fire_only.pk), format="json")
    assert refused.status_code == 403
    offered = [s["wording"] for s in client_for(review.building_user).get("/api/stamps/").json()]
    assert "FIRE ACCESS APPROVED" not in offered and "APPROVED" in offered
    assert Annotation.objects.filter(department=review.building).count() == 0


@pytest.mark.parametrize("data", [{"stamp": 999999}, {"stamp": "APPROVED"}, {"stamp": True}, {"text": "LOOKS OK"}, {}])
def test_an_unknown_stamp_is_400(review, data):
    response = client_for(review.fire_user).post(
        f"/api/versions/{review.version.pk}/annotations/", stamp(**data), format="json"
    )
    assert response.status_code == 400 and "stamp" in response.json()


def test_an_inactive_stamp_is_no_longer_offered_nor_placed(review):
    StampDefinition.objects.filter(wording="VOID").update(active=False)
    with pytest.raises(Exception, match="Choose one"):
        stamps.filled_text(review.fire_user, review.fire, {"text": "VOID"}, today=datetime.date(2026, 1, 2))
    assert "VOID" not in [s.wording for s in stamps.stamps_for(review.fire_user)]


# --- the markup summary ------------------------------------------------------------


@pytest.fixture
def marked(review):
    """Markups on both sheets: a fire correction with an internal and a shared reply, a building
    note, a fire internal one; sheet 1 is A-101 FIRST FLOOR PLAN."""
    Page.objects.filter(version=review.version, number=1).update(label="A-101", title="FIRST FLOOR PLAN")
    fire = review.fire_user
    correction = annotations.create_annotation(fire, review.version.pk, cloud(text="=HYPERLINK(evil) rated wall"))
    annotations.add_comment(fire, correction.data["id"], "Checked with the marshal", visibility="internal")
    annotations.add_comment(fire, correction.data["id"], "Please show the rating", visibility="applicant")
    note = cloud(page=2, text="Bike parking noted", category="note")
    annotations.create_annotation(review.building_user, review.version.pk, note)
    annotations.create_annotation(fire, review.version.pk, cloud(text="Our own draft", category="internal"))
    return review


def read_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_every_markup_the_reviewer_reads_with_its_replies(marked):
    rows = read_csv(client_for(marked.fire_user).get(f"/api/versions/{marked.version.pk}/annotations/summary.csv"))
    assert [r["Text"] for r in rows] == ["'=HYPERLINK(evil) rated wall", "Our own draft", "Bike parking noted"]
    first = rows[0]
    assert (first["Sheet"], first["Label"], first["Title"], first["Category"]) == (
        "1",
        "A-101",
        "FIRST FLOOR PLAN",
        "Correction",
    )
    assert (first["Department"], first["Author"], first["Status"], first["Kind"]) == ("Fire", "fire", "Open", "Cloud")
    assert "Checked with the marshal" in first["Replies"] and "Please show the rating" in first["Replies"]


def test_the_summary_takes_the_lists_filters(marked):
    client = client_for(marked.fire_user)
    url = f"/api/versions/{marked.version.pk}/annotations/summary.csv"
    assert [r["Text"] for r in read_csv(client.get(url, {"department": "building"}))] == ["Bike parking noted"]
    assert [r["Text"] for r in read_csv(client.get(url, {"category": "internal"}))] == ["Our own draft"]
    assert len(read_csv(client.get(url, {"page": 1, "status": "open"}))) == 2
    assert read_csv(client.get(url, {"status": "resolved"})) == []
    assert read_csv(client.get(url, {"author": "building"}))[0]["Department"] == "Building"
    assert client.get(url, {"status": "done"}).status_code == 400
    assert client.get(url, {"page": "one"}).status_code == 400
    listed = client.get(f"/api/versions/{marked.version.pk}/annotations/", {"category": "note"}).json()
    assert [a["text"] for a in listed] == ["Bike parking noted"]  # the list takes the same filters


def test_an_applicant_gets_only_released_items_and_shared_replies(marked):
    applicant = make_user("applicant")
    cases.add_applicant(marked.planner, marked.case, "applicant")
    client = client_for(applicant)
    url = f"/api/versions/{marked.version.pk}/annotations/summary"
    assert read_csv(client.get(f"{url}.csv")) == []  # nothing released yet
    Annotation.objects.update(released_at=timezone.now())
    rows = read_csv(client.get(f"{url}.csv"))
    assert [r["Text"] for r in rows] == ["'=HYPERLINK(evil) rated wall", "Bike parking noted"]
    assert "Please show the rating" in rows[0]["Replies"] and "marshal" not in rows[0]["Replies"]
    pdf = client.get(f"{url}.pdf")
    text = pdf_text(pdf)
    assert "Please show the rating" in text and "Our own draft" not in text and "marshal" not in text
    assert client_for(marked.outsider).get(f"{url}.csv").status_code == 404
    assert Comment.objects.count() == 2


def pdf_text(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_pdf_lists_sheet_title_category_author_department_status_text_and_replies(marked):
    response = client_for(marked.fire_user).get(
        f"/api/versions/{marked.version.pk}/annotations/summary.pdf", {"page": 1}
    )
    text = pdf_text(response)
    for expected in ("Markup summary", "A-101", "FIRST FLOOR PLAN", "Correction", "Internal", "Fire", "fire", "Open"):
        assert expected in text
    assert "rated wall" in text and "Checked with the marshal" in text and "page 1" in text
    assert "Bike parking" not in text  # sheet 2, filtered out
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert "markup summary" in str(pdf.docinfo["/Title"])
    assert in_order(structure(response.content), "H1", "P", "Table", "THead", "TH", "TBody", "TR", "TD")  # tagged
    assert text.index("Markup summary") < text.index("A-101") < text.index("rated wall") < text.index("Checked with")


def test_who_is_in_no_department_keeps_no_standard_comments(review):
    response = client_for(review.outsider).post("/api/standard-comments/", EGRESS, format="json")
    assert response.status_code == 403 and not StandardComment.objects.exists()


def test_an_admin_defines_a_stamp_in_the_admin_and_the_audit_trail_keeps_it(db, client):
    admin = make_user("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    fire = make_department("fire")
    client.force_login(admin)
    form = {"wording": "FIRE LANE OK", "color": "#c62828", "departments": [fire.pk], "active": "on", "order": 9}
    response = client.post("/admin/reviews/stampdefinition/add/", form)
    assert response.status_code == 302, response.content[:2000]
    stamp = StampDefinition.objects.get(wording="FIRE LANE OK")
    assert list(stamp.departments.all()) == [fire]
    entry = AuditEntry.objects.get(action="stamp_definition.created")
    assert '"departments":["fire"]' in entry.after
    response = client.post(f"/admin/reviews/stampdefinition/{stamp.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not StampDefinition.objects.filter(pk=stamp.pk).exists()
    assert AuditEntry.objects.filter(action="stamp_definition.deleted").exists()
