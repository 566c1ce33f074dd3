"""Workflow benchmark: how fast submitted plans travel through the reviews on a real worker.

    .venv/bin/python bench/workflow.py [--latency 200] [--workflows 400] [--sweep 10000] [--concurrency 2]

Needs PostgreSQL and Redis, like the integration tests:

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_workflow (dropped and created afresh)
  BENCH_REDIS_URL     default redis://127.0.0.1:6379/13 (this Redis database is flushed)

It migrates the database, makes the demo departments and users and the
`standard` template, starts `celery -A civicreview worker` (prefork,
--concurrency processes) on that database and Redis, and measures, with the
services (workflows.services.engine) called from this process as the API
views call them and routing done by the worker:

  latency     one workflow at a time: the last review is decided, then this process polls
              (every 1 ms) until the next stage is committed. p50/p99 of decision-to-next-stage,
              and the same from the rows' own timestamps (the decision's `decided_at` to the
              stage's `opened_at`, both from the same clock).
  throughput  --workflows submissions from 4 threads; then every review decided from 4 threads
              as fast as they go; then every head's approval. Rates of each, how long the worker
              took to route them all, and each workflow's routing delay under that burst.
  reconciler  --sweep workflows in review (rows written in bulk, same shape as the engine's),
              none stuck: the time of one sweep's query; then 200 of them made stuck (their
              routing message "lost") and one sweep routing them all.
  audit       appends to the system chain (no case) per second from 1 and 8 threads (one transaction each;
              the chain's head lock serialises them), and `verify_audit` over the whole trail.

Mail goes to Django's dummy backend. Figures go to bench/out/workflow.json.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
CELERY = BASE_DIR / ".venv" / "bin" / "celery"
DEPARTMENTS = [("planning", "Planning"), ("building", "Building"), ("fire", "Fire"), ("engineering", "Engineering")]
THREADS = 4

sys.path.insert(0, str(BASE_DIR))

from bench.databases import fresh_database  # noqa: E402 - after the path


def configure(database_url, redis_url, media):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="civicreview.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        MEDIA_ROOT=str(media),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
    )


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def start_worker(concurrency, log_path):
    log = open(log_path, "ab")
    process = subprocess.Popen(
        [str(CELERY), "-A", "civicreview", "worker", "--pool=prefork", f"--concurrency={concurrency}", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname", f"bench-{os.getpid()}@%h"],
        cwd=BASE_DIR, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while " ready." not in Path(log_path).read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start; see {log_path}")
        time.sleep(0.1)
    return process


# --- the world ------------------------------------------------------------------------


def make_world():
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from documents.models import Department
    from workflows.services.templates import seed_standard_template

    users, departments = {}, {}
    for slug, name in DEPARTMENTS:
        group = Group.objects.create(name=name)
        department = Department.objects.create(slug=slug, name=name, group=group)
        reviewer = get_user_model().objects.create_user(
            "planner" if slug == "planning" else slug, password=settings.DEMO_PASSWORD
        )
        head = get_user_model().objects.create_user(f"{slug}_head", password=settings.DEMO_PASSWORD)
        group.user_set.add(reviewer, head)
        department.heads.add(head)
        departments[slug], users[reviewer.username], users[head.username] = department, reviewer, head
    seed_standard_template()
    return users, departments


def make_versions(users, departments, count, label):
    """`count` cases led by planning, each with a ready version (no file needed to route)."""
    from documents.models import Case, Document, DocumentVersion
    from documents.services import cases

    versions = []
    for index in range(count):
        case = cases.create_case(users["planner"], title=f"{label} {index}", kind=Case.Kind.BUILDING_PERMIT,
                                 lead_department=departments["planning"])  # fmt: skip
        document = Document.objects.create(case=case, title="Plan set")
        versions.append(
            DocumentVersion.objects.create(
                document=document,
                number=1,
                file="versions/bench.pdf",
                sha256=f"{index:064d}",
                size=1,
                page_count=12,
                status="ready",
                uploaded_by=users["planner"],
            )  # fmt: skip
        )
    return versions


def in_threads(items, action, threads=THREADS):
    """Run `action(item)` for every item, spread over `threads` threads; returns wall seconds."""
    from django.db import connection

    chunks = [items[index::threads] for index in range(threads)]
    errors = []

    def run(chunk):
        try:
            for item in chunk:
                action(item)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def wait_until(condition, timeout=600, interval=0.02):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the worker")
        time.sleep(interval)
    return time.perf_counter()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary_ms(values):
    return {"p50": round(percentile(values, 0.5) * 1000, 1), "p99": round(percentile(values, 0.99) * 1000, 1),
            "max": round(max(values) * 1000, 1), "n": len(values)}  # fmt: skip


# --- the measurements -------------------------------------------------------------------


def measure_latency(users, departments, count):
    from workflows.models import StageRun, Task, Workflow
    from workflows.services import engine

    versions = make_versions(users, departments, count, "Latency")
    end_to_end, internal = [], []
    for version in versions:
        workflow = engine.submit(users["planner"], version.pk, departments=["fire"])
        task = Task.objects.get(workflow=workflow)
        started = time.perf_counter()
        engine.decide(users["fire"], task.pk, "approved")
        routed = Workflow.objects.filter(pk=workflow.pk, stage=2)
        end_to_end.append(wait_until(routed.exists, timeout=60, interval=0.001) - started)
        opened = StageRun.objects.get(workflow=workflow, number=2).opened_at
        internal.append((opened - Task.objects.get(pk=task.pk).decided_at).total_seconds())
    return {
        "decision_to_next_stage_visible_ms": summary_ms(end_to_end),
        "decided_at_to_stage_opened_at_ms": summary_ms(internal),
    }


def measure_throughput(users, departments, count):
    from django.db.models import Max

    from workflows.models import StageRun, Task, Workflow
    from workflows.services import engine

    versions = make_versions(users, departments, count, "Throughput")
    started = time.perf_counter()
    submit_s = in_threads(versions, lambda v: engine.submit(users["planner"], v.pk, departments=["fire", "building"]))
    ids = list(Workflow.objects.filter(version__in=versions).values_list("pk", flat=True))
    reviews = list(
        Task.objects.filter(workflow_id__in=ids, kind="review").order_by("?").values_list("pk", "department__slug")
    )

    first_decision = time.perf_counter()
    decide_s = in_threads(reviews, lambda task: engine.decide(users[task[1]], task[0], "approved"))
    all_routed = wait_until(lambda: Workflow.objects.filter(pk__in=ids, stage=2).count() == len(ids))
    delays = []
    for workflow_id, opened in StageRun.objects.filter(workflow_id__in=ids, number=2).values_list(
        "workflow_id", "opened_at"
    ):
        last = Task.objects.filter(workflow_id=workflow_id, stage__number=1).aggregate(last=Max("decided_at"))["last"]
        delays.append((opened - last).total_seconds())

    approvals = list(Task.objects.filter(workflow_id__in=ids, kind="approval").values_list("pk", flat=True))
    first_approval = time.perf_counter()
    approve_s = in_threads(approvals, lambda task_id: engine.decide(users["planning_head"], task_id, "approved"))
    all_approved = wait_until(lambda: Workflow.objects.filter(pk__in=ids, status="approved").count() == len(ids))
    return {
        "workflows": count,
        "submissions_per_s": round(count / submit_s, 1),
        "review_decisions_per_s": round(len(reviews) / decide_s, 1),
        "stage_1_routed_per_s": round(count / (all_routed - first_decision), 1),
        "routing_delay_under_burst_ms": summary_ms(delays),
        "worker_behind_last_decision_s": round(all_routed - first_decision - decide_s, 2),
        "approvals_per_s": round(len(approvals) / approve_s, 1),
        "finished_per_s": round(count / (all_approved - first_approval), 1),
        "submitted_to_all_approved_s": round(all_approved - started, 2),
        "full_cycles_per_s": round(count / (all_approved - started), 1),
    }


def bulk_in_review(users, departments, count):
    """`count` workflows in review, written in bulk with the rows the engine writes."""
    from django.utils import timezone

    from documents.models import Case, Document, DocumentVersion
    from workflows.models import StageRun, Task, Workflow, WorkflowTemplate
    from workflows.services.engine import resolve_plan

    now = timezone.now()
    template = WorkflowTemplate.objects.get(slug="standard")
    planner, planning = users["planner"], departments["planning"]
    cases = Case.objects.bulk_create(
        [Case(number=f"SW-{index:07d}", title=f"Sweep {index}", kind="building_permit", lead_department=planning, created_by=planner,
              status="in_review") for index in range(count)], batch_size=2000)  # fmt: skip
    taking_part = Case.departments.through
    taking_part.objects.bulk_create(
        [
            taking_part(case=case, department=departments[slug])
            for case in cases
            for slug in ("planning", "fire", "building")
        ],
        batch_size=6000,
    )  # as submission leaves them (their object permissions are not needed to route)
    documents = Document.objects.bulk_create([Document(case=case, title="Plan set") for case in cases], batch_size=2000)
    versions = DocumentVersion.objects.bulk_create(
        [DocumentVersion(document=document, number=1, file="versions/bench.pdf", sha256="0" * 64, size=1, status="ready",
                         uploaded_by=planner) for document in documents], batch_size=2000)  # fmt: skip
    plan = resolve_plan(template, cases[0], [departments["fire"], departments["building"]])
    workflows = Workflow.objects.bulk_create(
        [Workflow(version=version, case=case, template=template, plan=plan, submitted_by=planner, submitted_at=now)
         for version, case in zip(versions, cases, strict=True)], batch_size=2000)  # fmt: skip
    runs = StageRun.objects.bulk_create(
        [StageRun(workflow=w, number=1, name="Department reviews", opened_at=now) for w in workflows], batch_size=2000
    )
    later = now + timezone.timedelta(days=14)
    Task.objects.bulk_create(
        [Task(workflow=run.workflow, stage=run, department=departments[slug], kind="review", created_at=now, due_at=later)
         for run in runs for slug in ("fire", "building")], batch_size=4000)  # fmt: skip
    return [w.pk for w in workflows]


def measure_reconciler(users, departments, count, stuck=200, repeat=5):
    from django.db import connection
    from django.utils import timezone

    from workflows.models import Task, Workflow
    from workflows.services import engine

    written = time.perf_counter()
    ids = bulk_in_review(users, departments, count)
    written = time.perf_counter() - written
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    in_review = Workflow.objects.filter(status="in_progress").count()
    later = timezone.now() + timezone.timedelta(minutes=5)
    sweeps = []
    for _ in range(repeat):
        started = time.perf_counter()
        found = engine.stuck_workflows(now=later)
        sweeps.append(time.perf_counter() - started)
    assert found == [], found
    lost = ids[:stuck]
    Task.objects.filter(workflow_id__in=lost).update(
        status="done", decision="approved", decided_at=timezone.now(), decided_by=users["fire"]
    )
    started, cpu = time.perf_counter(), time.process_time()
    routed = engine.reconcile(now=later)
    reconcile_s, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert sorted(routed) == sorted(lost) and set(routed.values()) == {"advanced"}
    return {
        "workflows_in_review": in_review,
        "bulk_write_s": round(written, 1),
        "sweep_nothing_stuck_ms": {
            "median": round(statistics.median(sweeps) * 1000, 1),
            "min": round(min(sweeps) * 1000, 1),
        },
        "stuck": stuck,
        "sweep_routing_stuck_s": round(reconcile_s, 2),
        "per_stuck_workflow_ms": round(reconcile_s / stuck * 1000, 1),
        "per_stuck_workflow_python_cpu_ms": round(cpu / stuck * 1000, 1),
    }


def measure_audit(users, per_thread=400):
    """Appends to the chain, beside the same number of bare one-row transactions for scale."""
    from django.db import connection, transaction

    from audit import services as audit
    from audit.models import AuditEntry

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, n integer)")

    def bare(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_bare (n) VALUES (%s)", [n])

    results = {}
    for threads in (1, 8):
        items = list(range(per_thread * threads))
        results[f"bare_transactions_per_s_{threads}_threads"] = round(len(items) / in_threads(items, bare, threads), 1)
    for threads in (1, 8):
        items = list(range(per_thread * threads))
        seconds = in_threads(
            items,
            lambda n: audit.record("bench.append", actor=users["fire"], summary=f"append {n}", after={"n": n}),
            threads,
        )
        results[f"appends_per_s_{threads}_threads"] = round(len(items) / seconds, 1)
    started = time.perf_counter()
    verified = audit.verify()
    results["verify_s"] = round(time.perf_counter() - started, 2)
    results["verified_entries"] = verified.entries
    results["intact"] = verified.intact
    results["entries_verified_per_s"] = round(verified.entries / results["verify_s"]) if results["verify_s"] else None
    assert verified.intact and verified.entries == AuditEntry.objects.count()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=int, default=200, help="workflows routed one at a time")
    parser.add_argument("--workflows", type=int, default=400, help="workflows in the throughput burst")
    parser.add_argument("--sweep", type=int, default=10000, help="workflows in review for the reconciler's sweep")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2, help="worker processes")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_workflow")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    OUT.mkdir(parents=True, exist_ok=True)
    media = Path(tempfile.mkdtemp(prefix="bench-workflow-"))
    configure(database_url, redis_url, media)
    fresh_database(database_url)
    flush_redis(redis_url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    users, departments = make_world()
    load_before = os.getloadavg()
    worker = start_worker(args.concurrency, OUT / "workflow-worker.log")
    try:
        figures = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_before": [round(x, 1) for x in load_before],
            },
            "worker_concurrency": args.concurrency,
            "latency": measure_latency(users, departments, args.latency),
            "throughput": measure_throughput(users, departments, args.workflows),
            "reconciler": measure_reconciler(users, departments, args.sweep),
            "audit": measure_audit(users),
        }
    finally:
        worker.terminate()
        worker.wait(30)
    figures["machine"]["load_after"] = [round(x, 1) for x in os.getloadavg()]
    (OUT / "workflow.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
