"""Intake benchmark (`make bench`): how fast a plan set becomes sheets a reviewer can open.

    .venv/bin/python bench/intake.py [--repeat 3] [--skip-browser] [--regenerate]

On a generated 100-sheet ARCH D plan set of about 50 MB (a raster photo on
every sheet), in one run:

  raw        pypdfium2 rendering the same thumbnails in one process, nothing else
  pipeline   the real `documents.services.intake.process_version` on a stored
             version (sandbox children, thumbnails, text, sheet labels, DB rows,
             and the web copy for the viewer)
  ratio      pipeline pages/s over raw pages/s (aim >= 0.8), also within each round
  memory     the pipeline's peak RSS, worker and sandbox children together (aim < 500 MB)
  browser    ms from navigation start until the viewer has drawn sheet 1 in
             Debian's Chromium, and the PDF bytes and requests by then (aim < 2 s),
             served the web copy and, interleaved, the upload itself
  range      the server's time for one 64 KB range request of the PDF, against /healthz

Between raw and pipeline three decomposition steps show where the time goes:
raw+png (thumbnail encoding), raw+png+text (text and sheet label extraction)
and sandbox (`documents.pdf.render`: child processes, JSON, no database).

Every measurement runs in a fresh process, the steps interleaved, `--repeat`
times; medians are reported, in pages per second of wall time and per
CPU-second (the step's process and its children: steadier on a shared
machine). The database and media folder are throwaway
(SQLite in a temporary folder); the plan set is kept in bench/out/, and the
figures are written to bench/out/intake.json.
"""

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
PLAN_SET = OUT / "planset-100-raster.pdf"
SHEETS = 100
PROJECT, ADDRESS = "Riverside Commons mixed-use building", "1200 Riverside Avenue"
STEPS = ["raw", "raw+png", "raw+png+text", "sandbox", "pipeline"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
USERNAME, PASSWORD = "bench", "bench-password-1"

sys.path.insert(0, str(BASE_DIR))


def configure(workdir):
    """Point Django at a throwaway database and media folder; call before django.setup()."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "civicreview.settings",
            "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
            "MEDIA_ROOT": str(Path(workdir) / "media"),
            "CELERY_EAGER_IN_BACKGROUND": "0",
        }
    )
    os.environ.pop("REDIS_URL", None)


def peak_rss_mb(pid="self"):
    """The process's high-water RSS (VmHWM), fresh at exec; ru_maxrss would carry over the parent's through fork."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the measured steps, each in its own process --------------------------------


def timed(work):
    """Run `work()` (which returns a page count): pages, wall seconds, CPU seconds of this process and its children."""
    wall, cpu = time.perf_counter(), os.times()
    pages = work()
    cpu_after = os.times()
    return pages, time.perf_counter() - wall, sum(cpu_after[:4]) - sum(cpu[:4])


def step_raw(path, thumb_width, png, text, outdir):
    """pypdfium2 in-process: the thumbnail bitmaps, optionally PNG files and the text as well."""
    import pypdfium2 as pdfium

    from documents.pdf.sandbox import PNG_COMPRESS_LEVEL, read_text

    def work():
        document = pdfium.PdfDocument(path)
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            bitmap = page.render(scale=min(thumb_width / width, 2 * thumb_width / height), may_draw_forms=True)
            image = bitmap.to_pil()
            if png:
                image.save(f"{outdir}/{index + 1}.png", compress_level=PNG_COMPRESS_LEVEL)
            if text:
                read_text(page)
            page.close()
        pages = len(document)
        document.close()
        return pages

    return timed(work)


def step_sandbox(path, outdir):
    """`documents.pdf.render`: the sandbox child does all the PDF work; no database."""
    from documents import pdf

    return timed(lambda: sum(1 for _ in pdf.render(path, outdir)))


def step_pipeline(version_id):
    """The real task body on a version put back to `processing`, its pages removed beforehand."""
    from documents.models import DocumentVersion
    from documents.services import intake

    version = DocumentVersion.objects.get(pk=version_id)
    # Not timed: a first upload has no pages to discard, nor a web copy already made.
    intake._discard_pages(version)
    if version.web_file:
        version.web_file.delete(save=False)
    DocumentVersion.objects.filter(pk=version_id).update(
        status=DocumentVersion.Status.PROCESSING, pages_done=0, web_file=""
    )
    status = []
    pages, seconds, cpu = timed(lambda: status.append(intake.process_version(version_id)) or version.pages.count())
    version.refresh_from_db()
    assert status == [DocumentVersion.Status.READY], version.error
    assert version.web_file, "no web copy was made"
    return pages, seconds, cpu


def run_step(args):
    """Entry point of a step's process: prints one JSON line."""
    configure(args.workdir)
    import django

    django.setup()
    from django.conf import settings

    with tempfile.TemporaryDirectory() as outdir:
        if args.step.startswith("raw"):
            png, text = "png" in args.step, "text" in args.step
            pages, seconds, cpu = step_raw(args.pdf, settings.THUMBNAIL_WIDTH_PX, png, text, outdir)
        elif args.step == "sandbox":
            pages, seconds, cpu = step_sandbox(args.pdf, outdir)
        else:
            pages, seconds, cpu = step_pipeline(args.version)
    print(json.dumps({"pages": pages, "seconds": seconds, "cpu_seconds": cpu, "worker_peak_rss_mb": peak_rss_mb()}))


def measure(step, workdir, version_id):
    """Run `step` in a fresh process; sample the RSS of its process tree every 25 ms.

    The tree's peak is the largest sum seen at one instant; a child's own peak
    (the sandbox's) is its VmHWM as last read before it exited.
    """
    import psutil

    command = [
        sys.executable,
        __file__,
        "--step",
        step,
        "--workdir",
        str(workdir),
        "--pdf",
        str(PLAN_SET),
        "--version",
        str(version_id),
    ]
    child = subprocess.Popen(command, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True)
    peak = {"tree": 0, "children": {}}
    done = threading.Event()

    def sample():
        while not done.wait(0.025):
            try:
                process = psutil.Process(child.pid)
                children = process.children(recursive=True)
                peak["tree"] = max(peak["tree"], sum(p.memory_info().rss for p in [process, *children]) / 2**20)
                for p in children:
                    peak["children"][p.pid] = max(peak["children"].get(p.pid, 0), peak_rss_mb(p.pid))
            except (psutil.Error, OSError):
                continue

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"step {step} failed with exit code {child.returncode}")
    result = json.loads(output.strip().splitlines()[-1])
    result["pages_per_s"] = result["pages"] / result["seconds"]
    result["pages_per_cpu_s"] = result["pages"] / result["cpu_seconds"]
    result["tree_peak_rss_mb"] = peak["tree"]
    result["sandbox_peak_rss_mb"] = max(peak["children"].values(), default=0.0)
    return result


# --- setup: the plan set, a database with a stored version --------------------------


def plan_set(regenerate):
    from documents.demo.planset import write_plan_set

    OUT.mkdir(parents=True, exist_ok=True)
    if regenerate or not PLAN_SET.exists():
        started = time.perf_counter()
        write_plan_set(PLAN_SET, project=PROJECT, address=ADDRESS, sheets=SHEETS, raster_images=True)
        print(f"generated {PLAN_SET.relative_to(BASE_DIR)} in {time.perf_counter() - started:.1f} s")
    return PLAN_SET.stat().st_size


def stored_version():
    """Migrate the throwaway database; a user, a case and the plan set uploaded but not yet processed."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import UploadedFile
    from django.core.management import call_command
    from django.db import connections

    from documents.models import Case, Department
    from documents.services import cases, intake

    call_command("migrate", verbosity=0)
    group = Group.objects.create(name="Planning")
    department = Department.objects.create(slug="planning", name="Planning", group=group, color="#1565c0")
    user = get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    group.user_set.add(user)
    case = cases.create_case(
        user, title=PROJECT, kind=Case.Kind.BUILDING_PERMIT, address=ADDRESS, lead_department=department
    )
    process_after_commit, intake._process_after_commit = intake._process_after_commit, lambda version: None
    started = time.perf_counter()
    try:
        with open(PLAN_SET, "rb") as file:
            upload = UploadedFile(
                file, name="plan-set.pdf", content_type="application/pdf", size=PLAN_SET.stat().st_size
            )
            document = intake.add_document(user, case, title="Plan set", upload=upload)
    finally:
        intake._process_after_commit = process_after_commit
    upload_seconds = time.perf_counter() - started
    version = document.versions.get()
    connections.close_all()
    return version.pk, upload_seconds


# --- time to the first sheet in Chromium -------------------------------------------

FIRST_SHEET_PROBE = """
performance.setResourceTimingBufferSize(100000);
new MutationObserver(() => {
  if (window.__firstSheetMs === undefined && document.querySelector('[data-rendered-page="1"]'))
    window.__firstSheetMs = performance.now();
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-rendered-page"]});
"""


TIMELINE = """(path) => {
  const at = window.__firstSheetMs;
  const entries = performance.getEntriesByType("resource");
  const file = entries.filter(e => e.name.includes(path) && e.responseEnd <= at);
  const waits = file.map(e => e.responseStart - e.startTime).sort((a, b) => a - b);
  const worker = entries.find(e => e.name.includes("pdf.worker"));
  return {
    at,
    file_requests: file.length,
    file_bytes: file.reduce((n, e) => n + e.encodedBodySize, 0),
    file_requests_after: entries.filter(e => e.name.includes(path)).length - file.length,
    pdfjs_loaded_ms: worker ? worker.responseEnd : null,
    first_file_request_ms: file.length ? Math.min(...file.map(e => e.startTime)) : null,
    last_file_response_ms: file.length ? Math.max(...file.map(e => e.responseEnd)) : null,
    median_file_wait_ms: waits.length ? waits[Math.floor(waits.length / 2)] : null,
  };
}"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir):
    import urllib.request

    port = free_port()
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv/bin/uvicorn"),
            "civicreview.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=os.environ.copy(),
        stderr=open(OUT / "server.log", "w"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not answer /healthz within 30 s; see {OUT / 'server.log'}")


def first_sheet(base_url, version_id, runs, variants):
    """Each run in a fresh browser context (cold cache): log in, open the viewer, wait for sheet 1.

    `variants` maps a name to a function that sets the server up for it; every
    run goes through them in turn (interleaved), and ends with range_cost.
    """
    from playwright.sync_api import sync_playwright

    results = {name: [] for name in variants} | {"range_cost": []}
    file_path = f"/api/versions/{version_id}/file/"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                for name, prepare in variants.items():
                    prepare()
                    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
                    page = context.new_page()
                    page.goto(f"{base_url}/accounts/login/")
                    page.fill("input[name=username]", USERNAME)
                    page.fill("input[name=password]", PASSWORD)
                    with page.expect_navigation():
                        page.press("input[name=password]", "Enter")
                    page.add_init_script(FIRST_SHEET_PROBE)
                    started = time.perf_counter()
                    page.goto(f"{base_url}/versions/{version_id}/")
                    page.wait_for_selector('[data-rendered-page="1"]', state="attached", timeout=60_000)
                    wall_ms = (time.perf_counter() - started) * 1000
                    probe = page.evaluate(TIMELINE, file_path)
                    results[name].append({"first_sheet_ms": probe.pop("at"), "wall_ms": wall_ms, **probe})
                    session = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
                    context.close()
                results["range_cost"].append(range_cost(base_url, file_path, session))
        finally:
            chromium.close()
    return results


def range_cost(base_url, file_path, session, count=100):
    """Median ms of one 64 KB range request of the PDF as the viewer makes them, one at a time on a
    kept-alive connection, at offsets spread through the file; /healthz (no session, no query but
    SELECT 1) on the same connection for the server's own floor."""
    import http.client
    import random
    from urllib.parse import urlsplit

    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Cookie": f"sessionid={session}"}
    size = PLAN_SET.stat().st_size
    offsets = random.Random(1).sample(range(0, size - 65536, 65536), count)

    def milliseconds(path, extra=None):
        started = time.perf_counter()
        connection.request("GET", path, headers={**headers, **(extra or {})})
        response = connection.getresponse()
        response.read()
        assert response.status in (200, 206), (path, response.status)
        return (time.perf_counter() - started) * 1000

    milliseconds("/healthz")  # warm up
    ranges = [milliseconds(file_path, {"Range": f"bytes={first}-{first + 65535}"}) for first in offsets]
    healthz = [milliseconds("/healthz") for _ in range(count)]
    connection.close()
    return {"range_ms": statistics.median(ranges), "healthz_ms": statistics.median(healthz)}


# --- the run -----------------------------------------------------------------------


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def machine():
    import pypdfium2

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "pypdfium2": str(pypdfium2.PYPDFIUM_INFO),
        "pdfium": str(pypdfium2.PDFIUM_INFO),
        "platform": platform.platform(),
    }


def main(args):
    workdir = Path(tempfile.mkdtemp(prefix="civicreview-bench-"))
    configure(workdir)
    import django

    django.setup()
    from django.conf import settings

    try:
        report = {
            "machine": machine(),
            "plan_set": {"sheets": SHEETS, "bytes": plan_set(args.regenerate)},
            "thumbnail_width_px": settings.THUMBNAIL_WIDTH_PX,
            "repeat": args.repeat,
            "load_average_before": os.getloadavg(),
        }
        version_id, report["upload_seconds"] = stored_version()
        runs = {step: [] for step in STEPS}
        for repetition in range(args.repeat):
            for step in STEPS:
                runs[step].append(measure(step, workdir, version_id))
                last = runs[step][-1]
                print(
                    f"  run {repetition + 1} {step:13} {last['pages_per_s']:6.1f} pages/s "
                    f"{last['pages_per_cpu_s']:6.1f} pages/CPU-s",
                    flush=True,
                )
        report["steps"] = {
            step: {
                "pages_per_s": median(r, "pages_per_s"),
                "seconds": median(r, "seconds"),
                "pages_per_cpu_s": median(r, "pages_per_cpu_s"),
                "cpu_seconds": median(r, "cpu_seconds"),
                "tree_peak_rss_mb": max(x["tree_peak_rss_mb"] for x in r),
                "worker_peak_rss_mb": max(x["worker_peak_rss_mb"] for x in r),
                "sandbox_peak_rss_mb": max(x["sandbox_peak_rss_mb"] for x in r),
                "runs": r,
            }
            for step, r in runs.items()
        }
        report["ratio"] = report["steps"]["pipeline"]["pages_per_s"] / report["steps"]["raw"]["pages_per_s"]
        report["cpu_ratio"] = report["steps"]["pipeline"]["pages_per_cpu_s"] / report["steps"]["raw"]["pages_per_cpu_s"]
        # On a shared machine the load moves within seconds: the ratio within each round (raw and pipeline
        # measured a few seconds apart) is steadier than the ratio of medians taken across rounds.
        report["round_ratios"] = [
            pipeline["pages_per_s"] / raw["pages_per_s"]
            for raw, pipeline in zip(runs["raw"], runs["pipeline"], strict=True)
        ]
        report["load_average_after"] = os.getloadavg()
        if not args.skip_browser:
            report["browser"] = browser_figures(workdir, version_id, args.repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    (OUT / "intake.json").write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)


def browser_figures(workdir, version_id, repeat):
    """First sheet in Chromium with the web copy the pipeline made, and with the upload itself."""
    from documents.models import DocumentVersion

    def serve(web_file):
        """Serve the version with `web_file` as its web copy ("": none); on a thread, as Playwright's loop runs in this one."""
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(DocumentVersion.objects.filter(pk=version_id).update, web_file=web_file).result()

    web_file = DocumentVersion.objects.get(pk=version_id).web_file.name
    variants = {"web copy": lambda: serve(web_file), "original": lambda: serve("")}
    server, base_url = start_server(workdir)
    try:
        results = first_sheet(base_url, version_id, repeat, variants)
    except Exception as error:  # the viewer may not be there yet; keep the rest
        return {"error": f"{type(error).__name__}: {error}".splitlines()[0]}
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # a cancelled download may keep uvicorn's graceful shutdown waiting
            server.kill()
            server.wait()
        variants["web copy"]()
    report = {}
    for name in variants:
        runs = results[name]
        report[name] = {
            key: median(runs, key)
            for key in ("first_sheet_ms", "wall_ms", "file_bytes", "file_requests", "last_file_response_ms")
        }
        report[name]["runs"] = runs
    report["range_cost"] = {key: median(results["range_cost"], key) for key in ("range_ms", "healthz_ms")}
    report["range_cost"]["runs"] = results["range_cost"]
    return report


def print_table(report):
    steps, pipeline = report["steps"], report["steps"]["pipeline"]
    print(
        f"\n{report['plan_set']['sheets']}-sheet ARCH D plan set, {report['plan_set']['bytes'] / 1e6:.1f} MB; "
        f"{report['machine']['cpus']} CPUs, load average {report['load_average_before'][0]:.1f} before, "
        f"{report['load_average_after'][0]:.1f} after; medians of {report['repeat']} runs\n"
    )
    print(f"{'step':14} {'pages/s':>8} {'seconds':>8} {'pages/CPU-s':>12} {'peak RSS MB':>12}")
    for step, result in steps.items():
        print(
            f"{step:14} {result['pages_per_s']:8.1f} {result['seconds']:8.2f} {result['pages_per_cpu_s']:12.1f} "
            f"{result['tree_peak_rss_mb']:12.0f}"
        )
    print(f"\npipeline / raw: {report['ratio']:.2f} in pages/s (aim >= 0.8), {report['cpu_ratio']:.2f} in pages/CPU-s")
    print(
        f"pipeline / raw in pages/s within each round: {', '.join(f'{r:.2f}' for r in report['round_ratios'])} "
        f"(median {statistics.median(report['round_ratios']):.2f})"
    )
    print(
        f"pipeline peak RSS, worker + sandbox at one instant: {pipeline['tree_peak_rss_mb']:.0f} MB "
        f"(worker's own peak {pipeline['worker_peak_rss_mb']:.0f} MB + "
        f"sandbox's {pipeline['sandbox_peak_rss_mb']:.0f} MB; "
        f"aim < 500 MB)"
    )
    print(f"upload (inspect + hash + store), before processing: {report['upload_seconds']:.2f} s")
    browser = report.get("browser", {})
    if "error" in browser:
        print(f"first sheet visible in Chromium: not measured ({browser['error']})")
    for name in ("web copy", "original"):
        if name not in browser:
            continue
        result = browser[name]
        print(
            f"first sheet visible in Chromium, {name}: {result['first_sheet_ms']:.0f} ms from navigation start "
            f"({result['file_bytes'] / 1e6:.2f} MB of the PDF in {result['file_requests']:.0f} requests by then; "
            f"aim < 2000 ms)"
        )
        for run in result["runs"]:
            print(
                f"  PDF.js loaded {run['pdfjs_loaded_ms']:.0f} ms, PDF requests {run['first_file_request_ms']:.0f}"
                f"-{run['last_file_response_ms']:.0f} ms (median wait {run['median_file_wait_ms']:.0f} ms), "
                f"sheet 1 drawn {run['first_sheet_ms']:.0f} ms"
            )
    if "range_cost" in browser:
        cost = browser["range_cost"]
        print(
            f"one 64 KB range request of the PDF: {cost['range_ms']:.1f} ms (median, one at a time); "
            f"/healthz {cost['healthz_ms']:.1f} ms"
        )
    print(f"\nwritten to {(OUT / 'intake.json').relative_to(BASE_DIR)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--regenerate", action="store_true", help="draw the plan set again")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--pdf", help=argparse.SUPPRESS)
    parser.add_argument("--version", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    run_step(arguments) if arguments.step else main(arguments)
