"""Property: whatever a client sends to an API write endpoint, the answer is a success or a 4xx with a
message — never a 500 — and a refused request stores nothing.

Generated bodies (tests/properties.py) go to every write endpoint for annotations, comments, page
scales, cases and documents, as the users who may use them; what is stored is compared before and
after each refused request.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents.models import Case, Document, DocumentVersion, Page
from reviews.models import Annotation, Comment, VersionEvent
from reviews.services import annotations
from tests.factories import garbage_pdf, sheet_pdf
from tests.properties import PROPERTY_SETTINGS, annotation_fields, dumps, field, objects, refs, scales, texts, wild
from tests.reviews.conftest import cloud, review  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

REFUSALS = {400, 403, 404, 409, 413, 415}


def stored():
    """Everything a write endpoint could change, to compare around a refused request."""
    return (
        list(Annotation.objects.order_by("pk").values_list("pk", "revision", "status", "text", "page")),
        list(Comment.objects.order_by("pk").values_list("pk", "body")),
        VersionEvent.objects.count(),
        list(Case.objects.order_by("pk").values_list("pk", "title", "departments__slug")),
        Document.objects.count(),
        DocumentVersion.objects.count(),
        list(Page.objects.order_by("pk").values_list("pk", "scale_ratio", "scale_label", "scale_unit")),
    )


def send(client, method, url, body):
    """`body` as JSON text (NaN and 5,000-deep lists included); returns the response after checking it."""
    before = stored()
    response = getattr(client, method)(url, dumps(body), content_type="application/json")
    assert response.status_code < 500
    assert response.status_code in REFUSALS or response.status_code < 300, response.status_code
    if response.status_code >= 400:
        assert response.json(), "a refusal says what is wrong"
        assert stored() == before, f"{method} {url} was refused ({response.status_code}) but changed what is stored"
    return response


@pytest.fixture
def fire(review, api_as):
    return api_as(review.fire_user)


@pytest.fixture
def markup(review):
    return annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data


@PROPERTY_SETTINGS
@given(body=objects({**annotation_fields, "ref": refs}))
def test_creating_annotations(review, fire, body):
    send(fire, "post", f"/api/versions/{review.version.pk}/annotations/", body)


@PROPERTY_SETTINGS
@given(body=objects({**annotation_fields, "revision": field(st.integers(0, 3)), "ref": refs}))
def test_changing_annotations(fire, markup, body):
    send(fire, "patch", f"/api/annotations/{markup['id']}/", body)


@PROPERTY_SETTINGS
@given(body=objects({"revision": field(st.integers(0, 3)), "ref": refs}))
def test_deleting_annotations(fire, markup, body):
    send(fire, "delete", f"/api/annotations/{markup['id']}/", body)


@PROPERTY_SETTINGS
@given(
    body=objects({"body": field(texts), "ref": refs, "visibility": field(st.sampled_from(["internal", "applicant"]))})
)
def test_commenting(fire, markup, body):
    send(fire, "post", f"/api/annotations/{markup['id']}/comments/", body)


@PROPERTY_SETTINGS
@given(body=objects({"scale": field(st.none() | scales), "ref": refs}), page=st.sampled_from([1, 2, 0, 3, 99999999999]))
def test_setting_sheet_scales(review, fire, body, page):
    send(fire, "patch", f"/api/versions/{review.version.pk}/pages/{page}/", body)


departments = st.lists(field(st.sampled_from(["planning", "fire", "building", "engineering", "nowhere"])), max_size=4)


@PROPERTY_SETTINGS
@given(
    body=objects(
        {
            "title": field(texts),
            "kind": field(st.sampled_from(list(Case.Kind.values))),
            "address": field(texts),
            "parcel_id": field(texts),
            "lead_department": field(st.sampled_from(["planning", "fire", "nowhere"])),
            "departments": field(departments),
        }
    )
)
def test_opening_cases(review, api_as, body):
    send(api_as(review.planner), "post", "/api/cases/", body)


@PROPERTY_SETTINGS
@given(body=objects({"departments": field(departments)}))
def test_changing_who_takes_part_in_a_case(review, api_as, body):
    send(api_as(review.planner), "patch", f"/api/cases/{review.case.pk}/", body)


# --- documents: multipart uploads ---------------------------------------------------------------------

FILES = {"none": None, "garbage": garbage_pdf(), "empty": b""}
form_text = st.one_of(texts, wild.map(dumps))  # a form field is text; anything JSON can say, written out


@PROPERTY_SETTINGS
@given(
    title=st.none() | form_text,
    kind=st.none() | st.sampled_from(list(Document.Kind.values)) | form_text,
    file=st.sampled_from(sorted(FILES)),
    resubmittal=st.booleans(),
)
def test_uploading_documents(review, api_as, title, kind, file, resubmittal):
    from tests.factories import upload

    form = {key: value for key, value in {"title": title, "kind": kind}.items() if value is not None}
    if FILES[file] is not None:
        form["file"] = upload(data=FILES[file])
    if resubmittal:
        document = Document.objects.create(case=review.case, title="Plan set 2")
        url = f"/api/documents/{document.pk}/versions/"
    else:
        url = f"/api/cases/{review.case.pk}/documents/"
    before = stored()

    response = api_as(review.planner).post(url, form, format="multipart")

    assert response.status_code in REFUSALS, response.status_code  # nothing here is a readable PDF
    assert response.json()
    assert stored()[:4] == before[:4] and DocumentVersion.objects.count() == before[5]


def test_a_readable_upload_is_still_taken(review, api_as):
    """The property above sends only unreadable files; a good one beside them is taken."""
    from tests.factories import upload

    response = api_as(review.planner).post(
        f"/api/cases/{review.case.pk}/documents/",
        {"title": "Plans", "file": upload(data=sheet_pdf())},
        format="multipart",
    )

    assert response.status_code == 201


# --- what the properties found, kept as examples ------------------------------------------------------


@pytest.mark.parametrize("departments", [["fire\x00"], {"\x00": None}], ids=["a list", "an object's keys"])
def test_a_department_slug_with_a_nul_character_is_400(review, api_as, departments):
    before = stored()

    response = api_as(review.planner).patch(
        f"/api/cases/{review.case.pk}/", {"departments": departments}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"departments": {"department": ["department cannot contain NUL characters."]}}
    assert stored() == before


@pytest.mark.parametrize("body", ["null", "[]", '"text"', "7"])
def test_a_body_that_is_not_an_object_is_400(review, api_as, body):
    response = api_as(review.fire_user).post(
        f"/api/versions/{review.version.pk}/annotations/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Send a JSON object of named fields."}
