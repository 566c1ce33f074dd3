"""Who may do what: every API route and method (walked from the URL conf) and every websocket
command (the consumer's HANDLERS table) × every demo user × a case they may see and one they
may not.

Two cases: planning leads one with building taking part and `applicant` invited as its
applicant; fire leads the other with engineering. Each has a submitted plan set (a workflow and its tasks), a fresh resubmittal and
a markup by its lead department. Whoever does not see a case gets the same 404 as for a case
that does not exist; whoever sees it gets what the route's rule below says. A route or command
without a rule here fails `test_every_route_and_command_has_a_rule`: a new endpoint cannot
escape the matrix.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from civicreview.asgi import application
from documents.models import Case, DocumentVersion
from holds.services import place
from reviews.models import Annotation, VersionEvent
from reviews.realtime.consumer import VersionConsumer
from tests.factories import (
    CaseFactory,
    DocumentFactory,
    PageFactory,
    UserFactory,
    VersionFactory,
    sheet_pdf,
    upload,
)
from workflows.models import Task, Workflow
from workflows.services import engine
from workflows.services.templates import seed_standard_template

USERS = [
    "planner", "planning_head", "building", "building_head", "fire", "fire_head",
    "engineering", "engineering_head", "admin", "outsider", "applicant",
]  # fmt: skip
CASES = ["planning case", "fire case"]
TAKING_PART = {"planning case": ("planning", "building"), "fire case": ("fire", "engineering")}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_routes():
    """Every (path pattern, method) under /api/, from the URL conf."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
                if route.startswith("api/") and view is not None:
                    found.extend((route, m) for m in HTTP_METHODS if hasattr(view, m))
                elif route.startswith("api/"):
                    found.append((route, "post"))  # a function view (the token); its own test below

    walk(get_resolver().url_patterns, "")
    return sorted(found)


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, dict[str, int]]

    def for_case(self, case):
        return self.ids[case]


@pytest.fixture
def world(demo):
    seed_standard_template()
    ids = {}
    for name, (lead, other) in TAKING_PART.items():
        lead_department, other_department = demo.departments[lead], demo.departments[other]
        case = CaseFactory(lead_department=lead_department, departments=[other_department], title=name)
        document = DocumentFactory(case=case)
        version = _ready(VersionFactory(document=document, number=1, page_count=2))
        lead_reviewer = demo.users[lead if lead != "planning" else "planner"]
        workflow = engine.submit(lead_reviewer, version.pk, template="standard", departments=[other])
        fresh = _ready(VersionFactory(document=document, number=2, page_count=2))  # a resubmittal, not yet submitted
        Workflow.objects.filter(pk=workflow.pk).update(approved_set=version.file.name)  # as if stamped: downloadable
        task = Task.objects.filter(workflow=workflow).order_by("pk").first()
        annotation = Annotation.objects.create(
            version=version, page=1, kind="cloud", geometry={"points": [[1, 1], [20, 20]]},
            author=lead_reviewer, department=lead_department,
        )  # fmt: skip
        hold = place(lead_reviewer, parcel_id=f"APN {name}", kind="lien", reason="Lien")
        invited = demo.applicant if name == "planning case" else UserFactory(username="designer")
        case.applicants.create(user=invited, added_by=lead_reviewer)
        ids[name] = {
            "applicant": invited.username,
            "case_number": case.number,
            "case": case.pk, "document": document.pk, "version": version.pk, "fresh": fresh.pk,
            "annotation": annotation.pk, "workflow": workflow.pk, "task": task.pk, "number": 1, "hold": hold.pk,
        }  # fmt: skip
    return World(ids)


def _ready(version):
    DocumentVersion.objects.filter(pk=version.pk).update(status="ready")
    for number in (1, 2):
        if not version.pages.filter(number=number).exists():
            PageFactory(version=version, number=number)
    return version


# --- who is who -----------------------------------------------------------------------------


def sees(user, case):
    return user == "admin" or department_of(user) in TAKING_PART[case] or applicant(user, case)


def department_of(user):
    if user in ("admin", "outsider", "applicant"):
        return None
    return {"planner": "planning"}.get(user, user.removesuffix("_head"))


def applicant(user, case):
    return user == "applicant" and case == "planning case"


def member(user, case):
    """In a department taking part: marks the case up."""
    return department_of(user) in TAKING_PART[case]


def lead(user, case):
    """The lead department's members, and staff: upload, submit, change who takes part."""
    return user == "admin" or department_of(user) == TAKING_PART[case][0]


def is_head(user):
    return user.endswith("_head")


def uploads(user, case, ids=None):
    """New documents and resubmittals: the lead department, staff and the case's applicant."""
    return lead(user, case) or applicant(user, case)


# --- the rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How to call a route on a case (`path` filled from the world's ids, `body`), and what a
    user who sees the case gets: `allowed(user, case, ids)` → the success status, else 403."""

    path: str
    ok: int
    allowed: Callable[[str, str, dict[str, int]], bool] = lambda user, case, ids: True
    body: Any = None
    scoped: bool = True  # names an object of one case (else: the user's own list)
    public: bool = False  # the same answer for everyone, no login needed
    # absent for the applicant (404, as a missing one): the world's markup is not released, the letter not issued
    # before the review ends, the audit trail is the reviewers'
    hidden_from_applicant: bool = False


def task_department_member(user, case, ids):
    department = Task.objects.get(pk=ids["task"]).department
    return department is not None and department.slug == department_of(user)


def city_staff(user, case, ids):
    return user == "admin" or department_of(user) is not None


def may_change_lead_markup(user, case, ids):
    """Its department's members; a head of a department taking part may resolve it."""
    return lead(user, case) and user != "admin" or (member(user, case) and is_head(user))


RULES = {
    ("api/auth/token/", "post"): Rule("/api/auth/token/", 200, scoped=False),
    ("api/auth/token/", "delete"): Rule("/api/auth/token/", 204, scoped=False),
    ("api/public/cases/<str:number>/", "get"): Rule("/api/public/cases/{case_number}/", 200, public=True),
    ("api/public/cases.csv", "get"): Rule("/api/public/cases.csv", 200, scoped=False),
    ("api/public/cases.json", "get"): Rule("/api/public/cases.json", 200, scoped=False),
    ("api/cases/<int:pk>/applicants/", "get"): Rule("/api/cases/{case}/applicants/", 200),
    ("api/cases/<int:pk>/applicants/", "post"): Rule(
        "/api/cases/{case}/applicants/", 201, lambda u, c, i: lead(u, c), body={"username": "outsider"}
    ),
    ("api/cases/<int:pk>/applicants/<str:username>/", "delete"): Rule(
        "/api/cases/{case}/applicants/{applicant}/", 204, lambda u, c, i: lead(u, c)
    ),
    ("api/cases/", "get"): Rule("/api/cases/", 200, scoped=False),
    # who may open a case, and with what: tests/documents/test_api_cases.py
    ("api/cases/", "post"): Rule("/api/cases/", 201, scoped=False, allowed=lambda u, c, i: u != "outsider"),
    ("api/cases/<int:pk>/", "get"): Rule("/api/cases/{case}/", 200),
    ("api/cases/<int:pk>/", "patch"): Rule(
        "/api/cases/{case}/", 200, allowed=lambda u, c, i: lead(u, c), body={"departments": ["building", "fire"]}
    ),
    ("api/cases/<int:pk>/documents/", "post"): Rule("/api/cases/{case}/documents/", 201, uploads),
    ("api/cases/<int:pk>/audit/", "get"): Rule("/api/cases/{case}/audit/", 200, hidden_from_applicant=True),
    ("api/documents/<int:pk>/", "get"): Rule("/api/documents/{document}/", 200),
    ("api/documents/<int:pk>/versions/", "post"): Rule("/api/documents/{document}/versions/", 201, uploads),
    ("api/versions/<int:pk>/", "get"): Rule("/api/versions/{version}/", 200),
    ("api/versions/<int:pk>/file/", "get"): Rule("/api/versions/{version}/file/", 200),
    ("api/versions/<int:pk>/pages/<int:number>/thumbnail/", "get"): Rule(
        "/api/versions/{version}/pages/1/thumbnail/", 200
    ),
    ("api/versions/<int:pk>/pages/<int:number>/", "patch"): Rule(
        "/api/versions/{version}/pages/1/", 200, lambda u, c, i: member(u, c), body={"scale": None}
    ),
    ("api/versions/<int:pk>/find/", "get"): Rule("/api/versions/{version}/find/?q=sheet", 200),
    # what each finds: tests/search/test_search.py
    ("api/search/", "get"): Rule("/api/search/?q=sheet", 200, scoped=False),
    ("api/versions/<int:pk>/annotations/", "get"): Rule("/api/versions/{version}/annotations/", 200),
    ("api/versions/<int:pk>/annotations/", "post"): Rule(
        "/api/versions/{version}/annotations/",
        201,
        lambda u, c, i: member(u, c),
        body={"page": 1, "kind": "cloud", "geometry": {"points": [[5, 5], [50, 50]]}},
    ),  # fmt: skip
    ("api/versions/<int:pk>/events/", "get"): Rule("/api/versions/{version}/events/", 200),
    ("api/versions/<int:pk>/changes/", "get"): Rule("/api/versions/{fresh}/changes/", 200),
    ("api/versions/<int:pk>/unmatched/<int:annotation>/place/", "post"): Rule(  # past the permission check:
        "/api/versions/{fresh}/unmatched/{annotation}/place/",  # that markup is not waiting to be placed
        400,
        lambda u, c, i: member(u, c),
        body={"page": 1},
    ),
    ("api/versions/<int:pk>/submit/", "post"): Rule(  # past the permission check: the case is already in review
        "/api/versions/{fresh}/submit/", 409, lambda u, c, i: lead(u, c), body={"template": "standard"}
    ),
    ("api/versions/<int:pk>/workflow/", "get"): Rule("/api/versions/{version}/workflow/", 200),
    ("api/versions/<int:pk>/corrections-letter.pdf", "get"): Rule(
        "/api/versions/{version}/corrections-letter.pdf", 200, hidden_from_applicant=True
    ),
    ("api/versions/<int:pk>/approved-set.pdf", "get"): Rule("/api/versions/{version}/approved-set.pdf", 200),
    ("api/annotations/<int:pk>/", "get"): Rule("/api/annotations/{annotation}/", 200, hidden_from_applicant=True),
    ("api/annotations/<int:pk>/", "patch"): Rule(
        "/api/annotations/{annotation}/",
        200,
        may_change_lead_markup,
        body={"revision": 1, "status": "resolved"},
        hidden_from_applicant=True,
    ),
    ("api/annotations/<int:pk>/", "delete"): Rule(
        "/api/annotations/{annotation}/",
        204,
        lambda u, c, i: lead(u, c) and u != "admin",
        body={"revision": 1},
        hidden_from_applicant=True,
    ),
    ("api/annotations/<int:pk>/comments/", "get"): Rule(
        "/api/annotations/{annotation}/comments/", 200, hidden_from_applicant=True
    ),
    ("api/annotations/<int:pk>/comments/", "post"): Rule(
        "/api/annotations/{annotation}/comments/",
        201,
        lambda u, c, i: member(u, c),
        body={"body": "Noted."},
        hidden_from_applicant=True,
    ),
    ("api/versions/<int:pk>/annotations/summary.csv", "get"): Rule(
        "/api/versions/{version}/annotations/summary.csv", 200
    ),
    ("api/versions/<int:pk>/annotations/summary.pdf", "get"): Rule(
        "/api/versions/{version}/annotations/summary.pdf", 200
    ),
    ("api/standard-comments/", "get"): Rule("/api/standard-comments/", 200, scoped=False),
    # who keeps which library: tests/reviews/test_tool_chest.py
    ("api/standard-comments/", "post"): Rule("/api/standard-comments/", 201, scoped=False),
    ("api/standard-comments/<int:pk>/", "patch"): Rule("/api/standard-comments/999999/", 404, scoped=False, body={}),
    ("api/standard-comments/<int:pk>/", "delete"): Rule("/api/standard-comments/999999/", 404, scoped=False),
    ("api/stamps/", "get"): Rule("/api/stamps/", 200, scoped=False),
    ("api/notifications/", "get"): Rule("/api/notifications/", 200, scoped=False),
    ("api/insight/", "get"): Rule("/api/insight/", 200, scoped=False),  # a head's departments' figures; else none
    (r"api/^insight/(?P<figure>turnaround|workload|reviewers|outcomes)\.csv$", "get"): Rule(
        "/api/insight/turnaround.csv", 200, scoped=False
    ),
    ("api/notifications/read/", "post"): Rule("/api/notifications/read/", 200, scoped=False, body={}),
    ("api/workflows/<int:pk>/", "get"): Rule("/api/workflows/{workflow}/", 200),
    ("api/tasks/", "get"): Rule("/api/tasks/", 200, scoped=False),
    ("api/tasks/<int:pk>/decision/", "post"): Rule(
        "/api/tasks/{task}/decision/", 200, task_department_member, body={"decision": "approved"}
    ),
    # parcel holds are the city's: department members and staff (the list is empty to others); released by the
    # placing department or staff;
    # in bulk by accounts with holds.sync_holds (the superuser here). Their rules: tests/holds/
    ("api/holds/", "get"): Rule("/api/holds/", 200, city_staff, scoped=False),
    ("api/holds/", "post"): Rule(
        "/api/holds/", 201, city_staff, scoped=False, body={"parcel_id": "APN 9", "kind": "lien", "reason": "Lien"}
    ),
    ("api/holds/<int:pk>/release/", "post"): Rule(
        "/api/holds/{hold}/release/", 200, lambda u, c, i: lead(u, c), scoped=False, body={"reason": "Paid"}
    ),
    ("api/holds/bulk/", "post"): Rule(
        "/api/holds/bulk/",
        200,
        lambda u, c, i: u == "admin",
        scoped=False,
        body={"holds": [{"external_ref": "m:1", "parcel_id": "APN 9", "kind": "lien", "reason": "Lien"}]},
    ),  # fmt: skip
    ("api/schema/", "get"): Rule("/api/schema/", 200, scoped=False),
    ("api/docs/", "get"): Rule("/api/docs/", 200, scoped=False),
}

# The websocket: (command, message), who among those who see the version may send it, and whether
# it names the world's markup (not released: the applicant is answered `not_found`, as for a markup
# that does not exist, the same as over HTTP).
COMMANDS: dict[str, tuple[dict[str, Any], Callable[[str, str], bool], bool]] = {
    "annotation.create": ({"data": {"page": 1, "kind": "cloud", "geometry": {"points": [[5, 5], [9, 9]]}}}, member, False),
    "annotation.update": ({"id": "{annotation}", "revision": 1, "data": {"text": "changed"}}, lambda u, c: lead(u, c) and u != "admin", True),
    "annotation.delete": ({"id": "{annotation}", "revision": 1}, lambda u, c: lead(u, c) and u != "admin", True),
    "comment.create": ({"annotation": "{annotation}", "body": "Noted."}, member, True),
    "page.scale": ({"page": 1, "scale": None}, member, False),
    "cursor": ({"page": 1, "x": 1, "y": 2}, lambda u, c: True, False),
    "view": ({"page": 1}, lambda u, c: True, False),
    "resume": ({"after_seq": 0}, lambda u, c: True, False),
}  # fmt: skip


def test_every_route_and_command_has_a_rule():
    routes = set(api_routes())
    assert routes - set(RULES) == set(), "routes without a rule in the permission matrix"
    assert set(RULES) - routes == set(), "rules for routes that no longer exist"
    assert set(VersionConsumer.HANDLERS) == set(COMMANDS), "websocket commands without a rule (or rules left over)"


def expected(user, case, key, ids):
    rule = RULES[key]
    if rule.public:
        return rule.ok
    if rule.scoped and not sees(user, case) or rule.hidden_from_applicant and applicant(user, case):
        return 404
    return rule.ok if rule.allowed(user, case, ids) else 403


def call(client, method, rule, ids):
    path = rule.path.format(**ids)
    if path.endswith("/documents/") or path.endswith("/versions/") and method == "post":
        return client.post(path, {"title": "Resubmittal", "file": upload(data=sheet_pdf())}, format="multipart")
    if rule.body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, rule.body, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(k for k, rule in RULES.items() if rule.scoped), ids="{0[1]} {0[0]}".format)
@pytest.mark.parametrize("case", CASES)
def test_http_matrix(demo, world, api_as, case, key):
    """Every user in turn, each in a savepoint rolled back afterwards: each meets the world as it was built."""
    ids = world.for_case(case)
    cases = Case.objects.count()
    wrong = []
    for user in USERS:
        with transaction.atomic():
            response = call(api_as(demo.users[user]), key[1], RULES[key], ids)
            want = expected(user, case, key, ids)
            if response.status_code != want or want == 404 and response.json() != {"detail": "Not found."}:
                wrong.append(f"{user}: {response.status_code}, not {want}: {response.content[:300]!r}")
            elif want == 404 and Case.objects.count() != cases:
                wrong.append(f"{user}: 404, yet a case was created")
            transaction.set_rollback(True)

    assert wrong == [], f"{key[1].upper()} {key[0]} on the {case}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    sorted(
        k for k, rule in RULES.items() if not rule.scoped and k[1] != "post" or k == ("api/notifications/read/", "post")
    ),
    ids="{0[1]} {0[0]}".format,
)
@pytest.mark.parametrize("user", USERS)
def test_the_user_s_own_routes_answer_every_user(demo, world, api_as, user, key):
    response = call(api_as(demo.users[user]), key[1], RULES[key], {})

    assert response.status_code == RULES[key].ok, f"{user} {key}"


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS)
def test_lists_hold_only_what_the_user_may_see(demo, world, api_as, user):
    client = api_as(demo.users[user])
    listed_cases = {c["id"] for c in client.get("/api/cases/").json()}
    listed_tasks = {t["id"] for t in client.get("/api/tasks/?mine=0").json()}

    visible = [world.for_case(case) for case in CASES if sees(user, case)]
    assert listed_cases == {ids["case"] for ids in visible}
    assert listed_tasks <= set(
        Task.objects.filter(workflow__version__document__case__in=listed_cases).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_hidden_object_answers_exactly_as_a_missing_one(demo, world, api_as):
    """Same status, body and content type: nothing tells an outsider the id exists."""
    client = api_as(demo.fire)
    hidden = world.for_case("planning case")
    missing = dict.fromkeys(hidden, 999999) | {"number": 1}
    for key, rule in RULES.items():
        if rule.scoped and not rule.public and key[1] == "get":
            a, b = (client.get(rule.path.format(**ids)) for ids in (hidden, missing))
            assert (a.status_code, a.json(), a["Content-Type"]) == (b.status_code, b.json(), b["Content-Type"]), key


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS)
def test_a_token_is_given_to_every_user_for_their_password(demo, api, user, settings):
    response = api.post("/api/auth/token/", {"username": user, "password": settings.DEMO_PASSWORD})

    assert response.status_code == 200 and response.json()["token"]


# --- the websocket --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    "user", ["planner", "building", "building_head", "admin", "applicant", "fire", "outsider", "designer"]
)
async def test_websocket_matrix(demo, world, user, command, case="planning case"):
    """One case (the other is the same rule mirrored, and a socket test is slow): its lead
    department, a department taking part (reviewer and head), the admin, its applicant, and three
    who do not see it: a reviewer of another case, an outsider, and the other case's applicant."""
    from channels.db import database_sync_to_async

    ids = world.for_case(case)
    token = await database_sync_to_async(lambda: Token.objects.create(user=User.objects.get(username=user)).key)()
    socket = WebsocketCommunicator(
        application,
        f"/ws/versions/{ids['version']}/",
        headers=[(b"authorization", f"Token {token}".encode()), (b"origin", b"http://testserver")],
    )
    connected, _ = await socket.connect(timeout=10)
    assert connected
    first = await socket.receive_output(timeout=10)
    if not sees(user, case):
        assert first == {"type": "websocket.close", "code": 4403}, f"{user} opened the {case}'s version: {first}"
        return
    assert json.loads(first["text"])["type"] == "hello", f"{user} could not open the {case}'s version: {first}"
    body, allowed, names_markup = COMMANDS[command]
    message = {
        "type": command,
        "ref": "m",
        **json.loads(json.dumps(body).replace('"{annotation}"', str(ids["annotation"]))),
    }
    await socket.send_json_to(message)

    answer = await _answer(socket)
    if allowed(user, case):
        assert answer is None or answer["type"] != "error", f"{user} {command} on the {case}: {answer}"
        assert answer is not None or command in ("cursor", "view"), f"{user} {command}: no answer"
    else:
        refusal = "not_found" if names_markup and applicant(user, case) else "forbidden"
        assert answer and answer["type"] == "error" and answer["code"] == refusal, f"{user} {command}: {answer}"
    await socket.disconnect(timeout=10)
    await database_sync_to_async(_assert_unchanged)(ids, user, command)


def _assert_unchanged(ids, user, command):
    """A refused or read-only command left the world's markup and the event log as they were."""
    if not COMMANDS[command][1](user, "planning case") or command in ("cursor", "view", "resume"):
        annotation = Annotation.objects.get(pk=ids["annotation"])
        assert (annotation.revision, annotation.comments.count()) == (1, 0), f"{user} {command} changed the markup"
        assert not VersionEvent.objects.filter(version_id=ids["version"]).exists(), f"{user} {command} logged"


async def _answer(socket):
    """The sender's answer: its change's event, `resumed` or an error; None when nothing more
    came (cursor and view answer the sender nothing)."""
    while not await socket.receive_nothing(timeout=2):
        frame = await socket.receive_json_from()
        if frame.get("ref") == "m" or frame.get("type") == "error":
            return frame
    return None
