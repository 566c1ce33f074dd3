"""The dashboard's figures from generated timelines, checked against hand computations; on
PostgreSQL (percentile_cont) and on SQLite (the same percentiles taken in Python)."""

import datetime

import pytest
from django.utils import timezone

from documents.models import Case
from insight import figures
from tests.factories import CaseFactory, DocumentFactory, VersionFactory
from workflows.models import Task
from workflows.services import engine

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def reviewed(plans, after_commit):
    """`reviewed(days, decision, kind=..., cycles=1)`: a new case whose plan set fire reviewed in
    `days` (assigned Monday 9:00), cycle after cycle; the last cycle's review decides `decision`."""
    demo = plans.demo

    def make(days, decision="approved", kind=Case.Kind.BUILDING_PERMIT, cycles=1):
        case = CaseFactory(lead_department=demo.departments["planning"], created_by=demo.planner, kind=kind)
        document = DocumentFactory(case=case)
        for number in range(1, cycles + 1):
            version = VersionFactory(document=document, number=number)
            with after_commit():
                engine.submit(demo.planner, version.pk, departments=["fire"])
            outcome = decision if number == cycles else "corrections_required"
            for department, kind_, user in (
                ("fire", "review", demo.fire),
                ("planning", "approval", demo.planning_head),
            ):
                task = Task.objects.get(workflow__version=version, department__slug=department, kind=kind_)
                with after_commit():
                    engine.decide(user, task.pk, outcome)
                if outcome == "corrections_required":
                    break  # the review ends there
            fire = Task.objects.get(workflow__version=version, department__slug="fire", kind="review")
            Task.objects.filter(pk=fire.pk).update(created_at=MONDAY, decided_at=MONDAY + datetime.timedelta(days=days))
        return case

    return make


def test_turnaround_is_the_median_and_90th_percentile_by_week_and_department(plans, reviewed):
    for days in (1, 2, 5):
        reviewed(days)

    rows = figures.turnaround(plans.demo.fire_head, figures.Filters())

    # durations 1, 2, 5 days: median 2; p90 at 0.9 × 2 = 1.8 of the way: 2 + 0.8 × (5 − 2) = 4.4
    fire_week = [row for row in rows if row["department"] == "fire"]
    assert len(fire_week) == 1
    assert fire_week[0]["reviews"] == 3
    assert fire_week[0]["median_days"] == 2.0 and fire_week[0]["p90_days"] == 4.4
    assert datetime.date.fromisoformat(fire_week[0]["week"]).weekday() == 0  # weeks start on Monday


def test_the_filters_narrow_by_dates_and_case_kind(plans, reviewed):
    reviewed(1, kind=Case.Kind.SITE_PLAN)
    reviewed(3)
    head = plans.demo.fire_head

    assert [r["reviews"] for r in figures.turnaround(head, figures.Filters(kind=Case.Kind.SITE_PLAN))] == [1]
    before = figures.Filters(end=MONDAY.date())  # both were decided after Monday
    assert figures.turnaround(head, before) == []
    with pytest.raises(ValueError, match="start must be a date"):
        figures.Filters.parse({"start": "last week"})
    with pytest.raises(ValueError, match="kind must be one of"):
        figures.Filters.parse({"kind": "castle"})


def test_a_head_reads_only_their_departments_and_staff_read_all(plans, reviewed):
    reviewed(2)

    assert figures.turnaround(plans.demo.building_head, figures.Filters()) == []
    assert {row["department"] for row in figures.turnaround(plans.demo.admin, figures.Filters())} == {"fire"}


def test_cycles_per_approval_and_first_pass_rate(plans, reviewed):
    reviewed(1)  # approved on its first review
    reviewed(1, cycles=3)  # approved on its third
    reviewed(1, decision="corrections_required")  # not approved yet

    (row,) = figures.outcomes(plans.demo.fire_head, figures.Filters())

    assert row["kind"] == Case.Kind.BUILDING_PERMIT and row["documents"] == 3 and row["approved"] == 2
    assert row["cycles_per_approval"] == 2.0  # (1 + 3) / 2
    assert row["first_pass_rate"] == round(1 / 3, 3)


def test_workload_counts_open_and_overdue_reviews(plans, submit):
    submit(departments=["fire", "building"])
    Task.objects.filter(department__slug="fire").update(due_at=timezone.now() - datetime.timedelta(days=1))

    found = figures.workload(plans.demo.admin, figures.Filters())

    by_department = {row["department"]: row for row in found["departments"]}
    assert by_department["fire"] == {"department": "fire", "open": 1, "overdue": 1}
    assert by_department["building"] == {"department": "building", "open": 1, "overdue": 0}


def test_the_api_answers_heads_and_staff_with_json_and_csv_and_others_with_nothing(plans, reviewed, api_as):
    reviewed(2)
    head = api_as(plans.demo.fire_head)

    answer = head.get("/api/insight/")
    assert answer.status_code == 200 and answer.json()["turnaround"][0]["median_days"] == 2.0
    csv = head.get("/api/insight/turnaround.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[0] == "week,department,reviews,median_days,p90_days"
    assert head.get("/api/insight/", {"start": "yesterday"}).json() == {
        "detail": "start must be a date such as 2026-03-31."
    }
    nothing = {"turnaround": [], "workload": {"departments": [], "reviewers": []}, "outcomes": []}
    assert api_as(plans.demo.fire).get("/api/insight/").json() == nothing  # heads no department
