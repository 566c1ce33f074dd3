"""GET /api/cases/{id}/audit/: the case's chain, oldest first, for its reviewers only."""

from documents.services import cases
from reviews.services import annotations
from tests.factories import CaseFactory, DocumentFactory, VersionFactory


def test_the_case_audit_lists_who_did_what_in_its_chain(demo, api_as):
    case = CaseFactory(lead_department=demo.departments["planning"], departments=[demo.departments["fire"]])
    version = VersionFactory(document=DocumentFactory(case=case))
    cloud = {"page": 1, "kind": "cloud", "geometry": {"points": [[10, 10], [50, 50]]}, "text": "Check the exit"}
    created = annotations.create_annotation(demo.fire, version.pk, cloud).data

    entries = api_as(demo.planner).get(f"/api/cases/{case.pk}/audit/").json()

    assert [e["action"] for e in entries] == ["case.opened", "case.permissions", "annotation.created"]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    made = entries[-1]
    assert (made["actor"], made["object"], made["before"], made["after"]["text"]) == (
        "fire", f"annotation:{created['id']}", None, "Check the exit",
    )  # fmt: skip
    assert made["prev_hash"] == entries[-2]["hash"]


def test_the_case_audit_is_not_for_applicants_or_outsiders(demo, api_as, api):
    case = CaseFactory(lead_department=demo.departments["planning"])
    cases.add_applicant(demo.planner, case, "applicant")
    url = f"/api/cases/{case.pk}/audit/"

    assert api_as(demo.applicant).get(url).status_code == 404  # it tells internal markups' changes
    assert api_as(demo.outsider).get(url).status_code == 404
    assert api.get(url).status_code == 401
    assert api_as(demo.fire_head).get(url).status_code == 404  # fire takes no part
