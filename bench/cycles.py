"""Resubmittal benchmark: what changed in a 100-sheet set, and carrying 1,000 open markups forward.

    .venv/bin/python bench/cycles.py [--repeat 3]

Needs PostgreSQL, like the integration tests:

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_cycles (dropped and created afresh)

A generated 100-sheet ARCH D plan set (documents/demo/planset, vector drawings) is version 1;
version 2 is the same file with a revision drawn on 5 sheets (a content stream added with
pikepdf: the text stays the same, so only the renders can tell). Both go through the real
intake pipeline (sandbox children), version 1 first with 1,000 open corrections on it, each
with a reply. Then, in the same run, interleaved, `--repeat` times, medians:

  raw        pypdfium2 rendering version 2's 100 sheets at CHANGE_DETECTION_WIDTH_PX on the
             longer side, grey, in this one process, nothing else
  detection  `documents.services.changes.compare_versions(v1, v2)`: matching, text comparison,
             and both versions' sheets rendered and compared in sandbox children
             (PDF_RENDER_PROCESSES at once); pages/s counts version 2's sheets
  replotted  the renders' part of detection (`documents.pdf.compare`) against a copy of
             version 2 whose every sheet differs in its bytes (a no-op added), as when a whole
             set is plotted again: no sheet can be skipped as byte-for-byte the same
  carry      `reviews.services.cycles.carry_forward` of the 1,000 markups with their replies
             (rolled back after each round)

Figures go to bench/out/cycles.json.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
sys.path.insert(0, str(BASE_DIR))
SHEETS, CHANGED, MARKUPS = 100, (7, 23, 48, 71, 96), 1000


def configure(database_url, media):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="civicreview.settings",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=media,
        CELERY_EAGER_IN_BACKGROUND="false",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def fresh_database(url):
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')


def plan_sets(folder):
    """Version 1 and version 2 (a revision drawn on the CHANGED sheets) of a SHEETS-sheet set."""
    import pikepdf

    from documents.demo.planset import write_plan_set

    first, second = folder / "v1.pdf", folder / "v2.pdf"
    write_plan_set(
        first, project="Riverside Commons mixed-use building", address="1200 Riverside Avenue", sheets=SHEETS
    )
    with pikepdf.open(first) as pdf:
        for number in CHANGED:
            page = pdf.pages[number - 1]
            revision = b"q 1 0 0 RG 6 w 900 600 300 200 re S Q"  # a red box drawn on the sheet
            page.contents_add(pikepdf.Stream(pdf, revision), prepend=False)
        pdf.save(second)
        for page in pdf.pages:  # every sheet's bytes differ, as when a whole set is plotted again
            page.contents_add(pikepdf.Stream(pdf, b"q Q"), prepend=False)
        pdf.save(folder / "v2-replotted.pdf")
    return first.read_bytes(), second.read_bytes()


def world(first_bytes, second_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from documents.models import Case, Department
    from documents.services import cases, intake
    from reviews.models import Annotation, Comment
    from tests.factories import Demo

    demo = Demo()
    case = cases.create_case(
        demo.planner, title="Bench", kind=Case.Kind.BUILDING_PERMIT,
        lead_department=Department.objects.get(slug="planning"), departments=[demo.departments["fire"]],
    )  # fmt: skip
    document = intake.add_document(
        demo.planner, case, title="Plan set", upload=SimpleUploadedFile("v1.pdf", first_bytes, "application/pdf")
    )
    first = document.versions.get()
    markups = Annotation.objects.bulk_create(
        Annotation(
            version=first, page=n % SHEETS + 1, kind="cloud", category="correction", text=f"Correction {n}",
            geometry={"points": [[100 + n % 50, 100], [400, 300 + n % 70]]}, author=demo.fire,
            department=demo.departments["fire"],
        )
        for n in range(MARKUPS)
    )  # fmt: skip
    Comment.objects.bulk_create(Comment(annotation=m, author=demo.fire, body="See the code section.") for m in markups)
    started = time.perf_counter()
    second = intake.add_version(
        demo.planner, document, upload=SimpleUploadedFile("v2.pdf", second_bytes, "application/pdf")
    )
    pipeline_s = time.perf_counter() - started
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == "ready" and first.superseded_by_id == second.pk, (second.status, second.error)
    connection.close()
    return first, second, pipeline_s


def raw(version):
    import pypdfium2 as pdfium
    from django.conf import settings

    started = time.perf_counter()
    pdf = pdfium.PdfDocument(version.file.path)
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        bitmap = page.render(scale=settings.CHANGE_DETECTION_WIDTH_PX / max(width, height), grayscale=True)
        bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    pdf.close()
    return SHEETS / (time.perf_counter() - started)


def detection(first, second):
    from documents.services.changes import compare_versions

    started = time.perf_counter()
    sheets, removed = compare_versions(first, second)
    rate = SHEETS / (time.perf_counter() - started)
    changed = [sheet["page"] for sheet in sheets if sheet["change"] != "unchanged"]
    assert changed == list(CHANGED) and not removed, (changed, removed)
    return rate


def detection_replotted(first, folder):
    """The renders' part of detection when no sheet is byte for byte the same: every pair rendered."""
    from django.conf import settings

    from documents import pdf

    started = time.perf_counter()
    differing = pdf.compare(
        first.file.path,
        str(folder / "v2-replotted.pdf"),
        [(n, n) for n in range(1, SHEETS + 1)],
        width_px=settings.CHANGE_DETECTION_WIDTH_PX,
        tolerance=settings.CHANGE_DETECTION_TOLERANCE,
    )
    rate = SHEETS / (time.perf_counter() - started)
    changed = [n for n, count in sorted(differing.items()) if count > settings.CHANGE_DETECTION_PIXELS]
    assert changed == list(CHANGED), changed
    return rate


class _Rollback(Exception):
    pass


def carry(second):
    from django.db import transaction

    from documents.models import VersionChanges
    from reviews.models import Annotation, VersionEvent
    from reviews.services import cycles

    changes = VersionChanges.objects.select_related("version__document__case", "previous").get(version=second)
    try:
        with transaction.atomic():
            Annotation.objects.filter(version=second).delete()
            VersionEvent.objects.filter(version=second).delete()
            started = time.perf_counter()
            carried = cycles.carry_forward(changes)
            elapsed = time.perf_counter() - started
            assert len(carried) == MARKUPS
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_cycles")
    fresh_database(database_url)
    with tempfile.TemporaryDirectory() as media:
        configure(database_url, media)
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        OUT.mkdir(parents=True, exist_ok=True)
        first_bytes, second_bytes = plan_sets(Path(media))
        first, second, pipeline_s = world(first_bytes, second_bytes)
        rounds = {"raw": [], "detection": [], "detection_replotted": [], "carry_s": []}
        for _ in range(args.repeat):
            rounds["raw"].append(raw(second))
            rounds["detection"].append(detection(first, second))
            rounds["detection_replotted"].append(detection_replotted(first, Path(media)))
            rounds["carry_s"].append(carry(second))
    medians = {name: statistics.median(values) for name, values in rounds.items()}
    figures = {
        "sheets": SHEETS,
        "changed_sheets": len(CHANGED),
        "markups": MARKUPS,
        "width_px": settings.CHANGE_DETECTION_WIDTH_PX,
        "render_processes": settings.PDF_RENDER_PROCESSES,
        "raw_pages_per_s": round(medians["raw"], 1),
        "detection_pages_per_s": round(medians["detection"], 1),
        "detection_over_raw": round(medians["detection"] / medians["raw"], 2),
        "replotted_pages_per_s": round(medians["detection_replotted"], 1),
        "replotted_over_raw": round(medians["detection_replotted"] / medians["raw"], 2),
        "carry_1000_s": round(medians["carry_s"], 3),
        "resubmittal_pipeline_s": round(pipeline_s, 1),
        "rounds": rounds,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    (OUT / "cycles.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps({k: v for k, v in figures.items() if k != "rounds"}, indent=2))


if __name__ == "__main__":
    main()
