"""A case's public status, for residents and the city's data portal: no login, an allowlist of fields,
never what reviewers wrote, file names, document titles, user names or e-mail addresses."""

import csv
import io
import json

import pytest

from reviews.models import Annotation, Comment

SECRETS = [
    "Riverside Commons",  # the case's title, as staff typed it
    "Architectural plan set",  # the document's title
    "plans.pdf",  # the upload's file name
    "egress width short by 6 inches",  # a markup
    "@fire please check",  # a reply
    "corrections look fine",  # a department's decision comment
]
PUBLIC_FIELDS = {"number", "kind", "address", "status", "status_text", "opened_at", "updated_at", "timeline"}


@pytest.fixture
def reviewed(plans, submit, decide, demo):
    """The plans after fire asked for corrections, with a markup, a reply and people's names on everything."""
    for user in demo.users.values():
        user.first_name, user.last_name, user.email = "Pat", "Quigley", f"{user.username}@city.example"
        user.save()
    submit(departments=["fire", "building"])
    markup = Annotation.objects.create(
        version=plans.version,
        page=1,
        kind="rectangle",
        geometry={"x": 1, "y": 1, "w": 2, "h": 2},
        text=SECRETS[3],
        author=demo.fire,
        department=demo.departments["fire"],
    )
    Comment.objects.create(annotation=markup, author=demo.fire, body=SECRETS[4])
    decide("fire", "review", "corrections_required", comment=SECRETS[5])
    decide("building", "review", "approved")
    plans.case.refresh_from_db()
    return plans


def words(answer):
    return answer.content.decode() if hasattr(answer, "content") else "".join(b.decode() for b in answer)


def test_anyone_reads_a_cases_status_and_timeline_without_logging_in(reviewed, api):
    answer = api.get(f"/api/public/cases/{reviewed.case.number}/")

    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == PUBLIC_FIELDS
    assert (body["number"], body["kind"], body["address"]) == (
        reviewed.case.number,
        reviewed.case.get_kind_display(),
        reviewed.case.address,
    )
    assert body["status"] == reviewed.case.status
    events = [step["event"] for step in body["timeline"]]
    assert events[:3] == ["Application received", "Plan set submitted", "Review started"]
    assert [step["at"] for step in body["timeline"]] == sorted(step["at"] for step in body["timeline"])


def test_every_field_of_the_answer_is_on_the_allowlist_and_names_nothing_private(reviewed, api):
    body = api.get(f"/api/public/cases/{reviewed.case.number}/").json()

    def walk(value, path=""):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, f"{path}[]")
        else:
            yield path, str(value)

    fields = dict(walk(body))
    assert set(fields) <= (PUBLIC_FIELDS - {"timeline"}) | {"timeline[].at", "timeline[].event"}
    private = [*SECRETS, "Quigley", "@city.example"]
    leaks = [(path, text) for path, value in walk(body) for text in private if text.lower() in value.lower()]
    assert leaks == []


def test_the_page_for_residents_shows_the_same_and_nothing_private(reviewed, client, demo):
    answer = client.get(f"/public/cases/{reviewed.case.number}/")

    assert answer.status_code == 200
    page = words(answer)
    assert reviewed.case.number in page and "Application received" in page
    assert [text for text in [*SECRETS, "Quigley", "@city.example"] if text in page] == []


def test_a_logged_in_reviewer_gets_the_same_public_answer(reviewed, api, api_as, demo):
    url = f"/api/public/cases/{reviewed.case.number}/"

    assert api_as(demo.fire).get(url).json() == api.get(url).json()


@pytest.mark.parametrize("url", ["/api/public/cases/BP-1999-99999/", "/public/cases/BP-1999-99999/"])
def test_an_unknown_number_is_404(db, api, url):
    assert api.get(url).status_code == 404


def test_the_open_data_export_has_a_row_per_case_with_its_status_and_dates(reviewed, api, demo):
    from tests.factories import CaseFactory

    CaseFactory(lead_department=demo.departments["planning"], created_by=demo.planner, address="9 Elm St")
    answer = api.get("/api/public/cases.csv")

    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(words(answer.streaming_content))))
    assert [row["number"] for row in rows] == sorted(row["number"] for row in rows) and len(rows) == 2
    first = rows[0]
    assert first["number"] == reviewed.case.number
    assert first["status"] == reviewed.case.get_status_display()
    assert first["opened_at"].startswith(str(reviewed.case.created_at.year))
    assert rows[1]["address"] == "9 Elm St" and rows[1]["decided_at"] == ""
    text = words(api.get("/api/public/cases.csv").streaming_content)
    assert [secret for secret in [*SECRETS, "Quigley", "@city.example"] if secret in text] == []


def test_the_open_data_as_json_has_the_same_rows_as_the_csv(reviewed, api, demo):
    from tests.factories import CaseFactory

    CaseFactory(lead_department=demo.departments["planning"], created_by=demo.planner, address="9 Elm St")
    answer = api.get("/api/public/cases.json")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    rows = json.loads(words(answer.streaming_content))
    assert rows == list(csv.DictReader(io.StringIO(words(api.get("/api/public/cases.csv").streaming_content))))
    assert [row["number"] for row in rows] == [reviewed.case.number, rows[1]["number"]] and len(rows) == 2


def test_the_open_data_as_json_is_an_empty_array_without_cases(db, api):
    assert json.loads(words(api.get("/api/public/cases.json").streaming_content)) == []
