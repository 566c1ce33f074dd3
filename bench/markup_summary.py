"""Markup summary benchmark: how long the CSV and the PDF of a version's markup list take.

    .venv/bin/python bench/markup_summary.py [--markups 100,1000] [--replies 2] [--rounds 3]

Needs PostgreSQL:

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_summary (dropped and created afresh)

It migrates the database, makes one department, reviewer and case with a 12-sheet ARCH D version
(labels and titles), then for each --markups count writes that many markups (a sentence of text
each, spread over the sheets) with --replies replies each, and times what the two endpoints do
(reviews.services.summary): the rows read as the list reads them, then written as CSV, or drawn
as a tagged PDF by Typst. Each is run --rounds times; the medians are printed and written to
bench/out/markup_summary.json with the machine's description.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
sys.path.insert(0, str(BASE_DIR))

from bench.databases import fresh_database  # noqa: E402 - after the path


def world():
    from django.contrib.auth.models import Group, User

    from documents.models import Case, Department, Document, DocumentVersion, Page
    from documents.services import cases

    department = Department.objects.create(slug="fire", name="Fire", group=Group.objects.create(name="Fire"))
    reviewer = User.objects.create_user("fire", first_name="Dana", last_name="Cruz")
    department.group.user_set.add(reviewer)
    case = cases.create_case(reviewer, title="Bench", kind=Case.Kind.BUILDING_PERMIT, departments=[department])
    document = Document.objects.create(case=case, title="Plan set")
    version = DocumentVersion.objects.create(
        document=document, number=1, file="versions/x.pdf", sha256="0" * 64, size=1, page_count=12,
        status=DocumentVersion.Status.READY, uploaded_by=reviewer,
    )  # fmt: skip
    for number in range(1, 13):
        Page.objects.create(
            version=version, number=number, width=2592, height=1728, label=f"A-{100 + number}", title="FLOOR PLAN"
        )
    return reviewer, department, version


def mark_up(reviewer, department, version, count, replies):
    from reviews.models import Annotation, Comment

    Annotation.objects.filter(version=version).delete()
    sentence = "Show the fire-resistance rating of the corridor walls and the tested assembly at grid {}."
    Annotation.objects.bulk_create(
        Annotation(
            version=version, page=1 + i % 12, kind="cloud", geometry={"points": [[100, 100], [400, 300]]},
            text=sentence.format(i), author=reviewer, department=department,
        )
        for i in range(count)
    )  # fmt: skip
    Comment.objects.bulk_create(
        Comment(annotation=markup, author=reviewer, body=f"Reply {n}: noted, will revise the sheet.")
        for markup in Annotation.objects.filter(version=version)
        for n in range(replies)
    )


def timed(function, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(function())
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3), size


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--markups", default="100,1000")
    parser.add_argument("--replies", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_summary")
    fresh_database(url)
    os.environ.update(DJANGO_SETTINGS_MODULE="civicreview.settings", DATABASE_URL=url, LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from reviews.services import summary

    call_command("migrate", verbosity=0)
    reviewer, department, version = world()
    results = []
    for count in (int(n) for n in args.markups.split(",")):
        mark_up(reviewer, department, version, count, args.replies)
        csv_s, csv_bytes = timed(lambda: summary.as_csv(summary.rows(reviewer, version, {})), args.rounds)
        pdf_s, pdf_bytes = timed(
            lambda: summary.as_pdf(version, summary.rows(reviewer, version, {}), filters=""), args.rounds
        )
        row = {"markups": count, "replies_each": args.replies, "csv_s": csv_s, "csv_bytes": csv_bytes}
        row.update(pdf_s=pdf_s, pdf_bytes=pdf_bytes)
        results.append(row)
        print(json.dumps(row))
    OUT.mkdir(exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    (OUT / "markup_summary.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
