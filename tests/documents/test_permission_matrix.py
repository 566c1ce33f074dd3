"""Who may do what, for every demo user, on every endpoint, on a case they may see and one they may not.

Two cases: planning leads one with building taking part and `applicant` invited as its applicant;
fire leads the other with engineering. A department's reviewer and its head see the cases their
department takes part in; the lead department's members (and the admin) upload to them and invite
applicants; the applicant sees and uploads to their case only; the others who see a case get 403
when they try; everyone else gets the same 404 as for a case that does not exist, never a hint.
"""

import pytest

from documents.models import Document, DocumentVersion
from tests.factories import CaseFactory, DocumentFactory, VersionFactory, sheet_pdf, upload

USERS = [
    "planner", "planning_head", "building", "building_head", "fire", "fire_head",
    "engineering", "engineering_head", "admin", "outsider", "applicant",
]  # fmt: skip

SEES = {
    "planning case": {"planner", "planning_head", "building", "building_head", "admin", "applicant"},
    "fire case": {"fire", "fire_head", "engineering", "engineering_head", "admin"},
}
UPLOADS = {
    "planning case": {"planner", "planning_head", "admin", "applicant"},
    "fire case": {"fire", "fire_head", "admin"},
}
INVITES = {"planning case": {"planner", "planning_head", "admin"}, "fire case": {"fire", "fire_head", "admin"}}

ENDPOINTS = {
    "case detail": ("get", "/api/cases/{case}/"),
    "document detail": ("get", "/api/documents/{document}/"),
    "version detail": ("get", "/api/versions/{version}/"),
    "file download": ("get", "/api/versions/{version}/file/"),
    "thumbnail": ("get", "/api/versions/{version}/pages/1/thumbnail/"),
    "applicants": ("get", "/api/cases/{case}/applicants/"),
    "upload document": ("post", "/api/cases/{case}/documents/"),
    "upload version": ("post", "/api/documents/{document}/versions/"),
}


def expected(user, case, endpoint):
    if user not in SEES[case]:
        return 404
    if ENDPOINTS[endpoint][0] == "post":
        return 201 if user in UPLOADS[case] else 403
    return 200


@pytest.fixture
def world(demo):
    """The two cases, each with a ready two-page plan set."""
    planning, building, fire, engineering = (
        demo.departments[s] for s in ("planning", "building", "fire", "engineering")
    )
    ids = {}
    for name, lead, other in (("planning case", planning, building), ("fire case", fire, engineering)):
        case = CaseFactory(lead_department=lead, departments=[other], title=name)
        version = VersionFactory(document=DocumentFactory(case=case), page_count=2)
        ids[name] = {"case": case.pk, "document": version.document_id, "version": version.pk}
        if name == "planning case":
            case.applicants.create(user=demo.applicant, added_by=demo.planner)
    return ids


CASES = ["planning case", "fire case"]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("user", USERS)
def test_permission_matrix(demo, world, api_as, user, case, endpoint):
    method, path = ENDPOINTS[endpoint]
    client = api_as(demo.users[user])
    documents, versions = Document.objects.count(), DocumentVersion.objects.count()
    if method == "post":
        response = client.post(
            path.format(**world[case]), {"title": "Resubmittal", "file": upload(data=sheet_pdf())}, format="multipart"
        )
    else:
        response = client.get(path.format(**world[case]))

    want = expected(user, case, endpoint)
    assert response.status_code == want, f"{user} on the {case}'s {endpoint}"
    if want == 404:
        assert response.json() == {"detail": "Not found."}
    if want == 403:
        assert response.json() == {
            "detail": "Only members of the lead department and the applicant can upload documents to this case."
        }
    if want != 201:
        assert (Document.objects.count(), DocumentVersion.objects.count()) == (documents, versions)


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS)
def test_the_case_list_holds_exactly_the_cases_the_user_may_see(demo, world, api_as, user):
    listed = {c["title"] for c in api_as(demo.users[user]).get("/api/cases/").json()}

    assert listed == {case for case in CASES if user in SEES[case]}


@pytest.mark.django_db
def test_a_hidden_object_answers_exactly_as_a_missing_one(demo, world, api_as):
    """Same status, same body, same headers that matter: nothing tells an outsider the id exists."""
    client = api_as(demo.fire)
    hidden, missing = world["planning case"], {"case": 999999, "document": 999999, "version": 999999}

    for endpoint, (method, path) in ENDPOINTS.items():
        if method == "post":
            continue
        a, b = client.get(path.format(**hidden)), client.get(path.format(**missing))
        assert (a.status_code, a.json(), a["Content-Type"]) == (b.status_code, b.json(), b["Content-Type"]), endpoint


INVITE, REMOVE = "/api/cases/{case}/applicants/", "/api/cases/{case}/applicants/x/"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("user", USERS)
def test_who_invites_and_removes_applicants(demo, world, api_as, user, case):
    from documents.models import CaseApplicant

    demo.users["x"] = demo.outsider.__class__.objects.create_user("x")
    client, path = api_as(demo.users[user]), INVITE.format(**world[case])
    before = CaseApplicant.objects.count()

    invited = client.post(path, {"username": "x"}, format="json")
    want = 404 if user not in SEES[case] else (201 if user in INVITES[case] else 403)
    assert invited.status_code == want, f"{user} inviting on the {case}"
    assert CaseApplicant.objects.count() == before + (want == 201)
    if want == 201:
        assert client.delete(REMOVE.format(**world[case])).status_code == 204
        assert CaseApplicant.objects.count() == before
    else:
        assert client.delete(REMOVE.format(**world[case])).status_code == want


def test_the_matrix_covers_every_documents_api_route():
    """A new route in documents/api/urls.py must join the matrix above."""
    from documents.api.urls import urlpatterns

    covered = {path for _, path in ENDPOINTS.values()} | {"/api/cases/", "/api/auth/token/", INVITE, REMOVE}
    routes = {
        "/api/" + str(p.pattern).replace("<int:pk>", "{}").replace("<int:number>", "1").replace("<str:username>", "x")
        for p in urlpatterns
    }
    normalised = {
        path.replace("{case}", "{}").replace("{document}", "{}").replace("{version}", "{}") for path in covered
    }

    assert routes <= normalised
