"""Stamping benchmark (issue 10): writing the approved set of a 100-sheet ARCH D plan set.

    .venv/bin/python bench/stamping.py [--repeat 5] [--sheets 100] [--raster] [--regenerate]

On a generated plan set (vector drawings; with --raster, a raster photo on every
sheet as in bench/intake.py), each round measures, in a fresh process:

  in-process   documents.pdf.stamping.stamp: open, overlay the stamp on every sheet, save
  sandbox      the same as the worker runs it: `python -m documents.pdf.sandbox stamp` in a
               child process with the memory limit (documents.pdf.stamp), start-up included

and reports medians of wall seconds and sheets per second (aim: 100 sheets in < 10 s), and
the sizes: input, output, the stamp drawing, and how much the output grew beyond input + stamp
(aim: output <= 1.05 × input + stamp). Figures go to bench/out/stamping.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
PROJECT, ADDRESS = "Riverside Commons mixed-use building", "1200 Riverside Avenue"
LINES = [
    "City Plan Review",
    "Planning Department",
    "Case BP-2026-00042",
    "Date December 2, 2026",
    "By Maria Alvarez, Planning Director",
    "Subject to 2 conditions in the approval letter",
]

sys.path.insert(0, str(BASE_DIR))


def plan_set(sheets, raster, regenerate):
    from documents.demo.planset import write_plan_set

    path = OUT / f"planset-{sheets}-{'raster' if raster else 'vector'}.pdf"
    if regenerate or not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_plan_set(path, project=PROJECT, address=ADDRESS, sheets=sheets, raster_images=raster)
        print(f"generated {path.relative_to(BASE_DIR)} in {time.perf_counter() - started:.1f} s")
    return path


def stamp_drawing(workdir):
    """The stamp as the worker draws it (workflows.services.approved_set.draw_stamp)."""
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "civicreview.settings", "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3"}
    )
    import django

    django.setup()
    from workflows.services.approved_set import draw_stamp

    path = Path(workdir) / "stamp.pdf"
    path.write_bytes(draw_stamp("APPROVED WITH CONDITIONS", LINES))
    return path


def in_process(source, stamp, dest):
    code = (
        "import sys, time; from documents.pdf.stamping import stamp; t = time.perf_counter(); "
        "n = stamp(*sys.argv[1:4]); print(n, time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(source), str(stamp), str(dest)],
        cwd=BASE_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    sheets, seconds = out.stdout.split()
    return int(sheets), float(seconds)


def sandbox(source, stamp, dest):
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "documents.pdf.sandbox", "stamp", str(source), str(stamp), str(dest)],
        cwd=BASE_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.splitlines()[-1])["stamped"], time.perf_counter() - started


def main(args):
    source = plan_set(args.sheets, args.raster, args.regenerate)
    with tempfile.TemporaryDirectory(prefix="civicreview-bench-stamp-") as work:
        stamp = stamp_drawing(work)
        dest = Path(work) / "approved.pdf"
        runs = {"in-process": [], "sandbox": []}
        for _ in range(args.repeat):  # interleaved, so a noisy neighbour hits both alike
            for name, step in (("in-process", in_process), ("sandbox", sandbox)):
                sheets, seconds = step(source, stamp, dest)
                assert sheets == args.sheets
                runs[name].append(seconds)
        sizes = {"input": source.stat().st_size, "output": dest.stat().st_size, "stamp": stamp.stat().st_size}
    report = {
        "plan_set": source.name,
        "sheets": args.sheets,
        "repeat": args.repeat,
        "seconds": {name: round(statistics.median(values), 3) for name, values in runs.items()},
        "sheets_per_s": {name: round(args.sheets / statistics.median(values), 1) for name, values in runs.items()},
        "bytes": sizes,
        "growth_beyond_input_and_stamp": sizes["output"] - sizes["input"] - sizes["stamp"],
        "growth_percent": round(100 * (sizes["output"] - sizes["input"]) / sizes["input"], 3),
        "within_size_aim": sizes["output"] <= 1.05 * sizes["input"] + sizes["stamp"],
        "cpus": os.cpu_count(),
        "load_1min": round(os.getloadavg()[0], 2),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "stamping.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sheets", type=int, default=100)
    parser.add_argument("--raster", action="store_true", help="a raster photo on every sheet (as bench/intake.py)")
    parser.add_argument("--regenerate", action="store_true")
    main(parser.parse_args())
