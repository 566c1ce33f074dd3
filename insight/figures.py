"""The figures a department head (their departments) or a director (staff: every department)
reads on the dashboard, computed in the database from the workflow records:

- turnaround: days from a review task's assignment to its decision, median and 90th percentile,
  by week decided and department;
- workload: open review tasks and those overdue, by department; open corrections by reviewer;
- outcomes: cycles per approval (reviews a document went through until approved) and the
  first-pass approval rate (documents approved by their first review), by case kind.

Filters: `start`/`end` (dates, inclusive), `department` (a slug among the user's), `kind` (a case
kind). On PostgreSQL the percentiles are `percentile_cont`; SQLite has none, so there the
grouped durations are read and the percentiles taken in Python (tests and small installs only).
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Min, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from documents.models import Case, Department
from reviews.models import Annotation
from workflows.models import Task, Workflow

APPROVED = [Workflow.Status.APPROVED, Workflow.Status.APPROVED_WITH_CONDITIONS]
DAY_S = 86400.0


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression), PostgreSQL's."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class Filters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    department: str = ""
    kind: str = ""

    @classmethod
    def parse(cls, params):
        """From query parameters; a bad value raises ValueError naming it."""

        def date(name):
            value = params.get(name) or ""
            try:
                return datetime.date.fromisoformat(value) if value else None
            except ValueError:
                raise ValueError(f"{name} must be a date such as 2026-03-31.") from None

        kind = params.get("kind") or ""
        if kind and kind not in Case.Kind.values:
            raise ValueError(f"kind must be one of: {', '.join(Case.Kind.values)}.")
        found = cls(date("start"), date("end"), params.get("department") or "", kind)
        if found.start and found.end and found.start > found.end:
            raise ValueError("start must not be after end.")
        return found


def departments_for(user, filters):
    """The departments whose figures `user` may read, narrowed to `filters.department`."""
    found = Department.objects.all() if user.is_staff else user.headed_departments.all()
    if filters.department:
        found = found.filter(slug=filters.department)
    return found.order_by("name")


def _day_start(date):
    """The first instant of `date` in the city's time zone: dates compared as instants, so that an
    index on the time serves the filter (a column cast to a date would be read row by row)."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


def _decided_reviews(user, filters):
    tasks = Task.objects.filter(
        kind=Task.Kind.REVIEW, status=Task.Status.DONE, department__in=departments_for(user, filters)
    )
    if filters.start:
        tasks = tasks.filter(decided_at__gte=_day_start(filters.start))
    if filters.end:
        tasks = tasks.filter(decided_at__lt=_day_start(filters.end + datetime.timedelta(days=1)))
    if filters.kind:
        tasks = tasks.filter(workflow__case__kind=filters.kind)
    return tasks


@contextmanager
def _room_to_sort():
    """A transaction whose sorts and groupings of a city's history stay in memory on PostgreSQL
    (its default work_mem, 4 MB, sent the sort of 100,000 reviews to disk: bench/insight.py)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def turnaround(user, filters):
    """[{"week", "department", "reviews", "median_days", "p90_days"}], oldest week first."""
    with _room_to_sort():
        return _turnaround(user, filters)


def _turnaround(user, filters):
    took = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    reviews = _decided_reviews(user, filters).annotate(week=TruncWeek("decided_at"), took=took)
    order = ("week", "department__slug")
    if connection.vendor == "postgresql":
        seconds = _EpochSeconds(F("took"))
        grouped = (
            reviews.values(*order)
            .order_by(*order)
            .annotate(
                reviews=Count("decided_at"), median=PercentileCont(seconds, 0.5), p90=PercentileCont(seconds, 0.9)
            )
        )
        return [_turnaround_row(row, row["median"], row["p90"]) for row in grouped]
    return _turnaround_in_python(reviews.order_by(*order).values(*order, "took"))


class _EpochSeconds(Aggregate):
    """EXTRACT(EPOCH FROM interval) as a plain expression (not an aggregate)."""

    contains_aggregate = False
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def _turnaround_in_python(rows):
    groups: dict[tuple, list[float]] = {}
    for row in rows:
        groups.setdefault((row["week"], row["department__slug"]), []).append(row["took"].total_seconds())
    return [
        _turnaround_row({"week": week, "department__slug": slug, "reviews": len(took)}, *_percentiles(took))
        for (week, slug), took in groups.items()
    ]


def _percentiles(values):
    """Median and 90th percentile with linear interpolation, as percentile_cont computes them."""
    ordered = sorted(values)

    def at(fraction):
        position = fraction * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return at(0.5), at(0.9)


def _turnaround_row(row, median_s, p90_s):
    week = row["week"]
    return {
        "week": (week.date() if isinstance(week, datetime.datetime) else week).isoformat(),
        "department": row["department__slug"],
        "reviews": row["reviews"],
        "median_days": round(median_s / DAY_S, 2),
        "p90_days": round(p90_s / DAY_S, 2),
    }


def workload(user, filters, now=None):
    """{"departments": [{"department", "open", "overdue"}], "reviewers": [{"reviewer", "department", "open_corrections"}]}."""
    now = now or timezone.now()
    departments = departments_for(user, filters)
    open_reviews = Task.objects.filter(department__in=departments, status=Task.Status.PENDING, kind=Task.Kind.REVIEW)
    if filters.kind:
        open_reviews = open_reviews.filter(workflow__case__kind=filters.kind)
    none: dict[str, int] = {"open": 0, "overdue": 0}
    counted = {
        row["department"]: row
        for row in open_reviews.values("department")
        .order_by()
        .annotate(open=Count("due_at"), overdue=Count("due_at", filter=Q(due_at__lte=now)))  # from the index alone
    }
    corrections = Annotation.objects.filter(
        department__in=departments,
        status=Annotation.Status.OPEN,
        category=Annotation.Category.CORRECTION,
        version__in=Workflow.objects.filter(status=Workflow.Status.IN_PROGRESS).values("version_id"),
    )
    if filters.kind:
        corrections = corrections.filter(version__document__case__kind=filters.kind)
    by_reviewer = (
        corrections.values("author__username", "department__slug")
        .annotate(open_corrections=Count("version"))  # a column of the index: the rows are not read
        .order_by("-open_corrections", "author__username")
    )
    return {
        "departments": [
            {
                "department": department.slug,
                "open": counted.get(department.pk, none)["open"],
                "overdue": counted.get(department.pk, none)["overdue"],
            }
            for department in departments
        ],
        "reviewers": [
            {
                "reviewer": r["author__username"],
                "department": r["department__slug"],
                "open_corrections": r["open_corrections"],
            }
            for r in by_reviewer
        ],
    }


def outcomes(user, filters):
    """[{"kind", "documents", "approved", "cycles_per_approval", "first_pass_rate"}] over the documents
    whose first review finished in the dates, on cases taking in the user's departments: each
    document's reviews counted in the database, then the documents by kind, in one query."""
    taking_part = Case.departments.through.objects.filter(department__in=departments_for(user, filters))
    workflows = Workflow.objects.filter(case__in=taking_part.values("case_id"))
    if filters.kind:
        workflows = workflows.filter(case__kind=filters.kind)
    documents = (
        workflows.order_by()  # no default ordering in the GROUP BY
        .values(document=F("version__document"), kind=F("case__kind"))
        .annotate(
            first_finished=Min("finished_at"),
            cycles=Count("pk"),
            approved=Count("pk", filter=Q(status__in=APPROVED)),
            first_pass=Count("pk", filter=Q(status__in=APPROVED, version__number=1)),
        )
        .filter(first_finished__isnull=False)
    )
    if filters.start:
        documents = documents.filter(first_finished__gte=_day_start(filters.start))
    if filters.end:
        documents = documents.filter(first_finished__lt=_day_start(filters.end + datetime.timedelta(days=1)))
    per_document, params = documents.query.sql_with_params()
    with _room_to_sort(), connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT kind, count(*), count(*) FILTER (WHERE approved > 0),
                       sum(cycles) FILTER (WHERE approved > 0), count(*) FILTER (WHERE first_pass > 0)
                FROM ({per_document}) per_document GROUP BY kind ORDER BY kind""",
            params,
        )
        rows = cursor.fetchall()
    return [
        {
            "kind": kind,
            "documents": count,
            "approved": approved,
            "cycles_per_approval": round(cycles / approved, 2) if approved else None,
            "first_pass_rate": round(first / count, 3),
        }
        for kind, count, approved, cycles, first in rows
    ]
