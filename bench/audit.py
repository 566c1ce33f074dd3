"""Audit chain benchmark: appends per second from one and two processes.

    .venv/bin/python bench/audit.py [--seconds 5] [--rounds 3] [--hold-ms 0] [--only one_process,...]

Needs PostgreSQL:

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_audit (dropped and created afresh)

It migrates the database, then for each scenario starts worker processes
(this script with --worker); each sets up Django, appends once, says it is
ready, and once all are ready they start together and for --seconds call
`audit.services.record` as fast as they go, one transaction per append (as
each audited change is), each append on the next of the process's cases in
turn:

  one process               cases 1–10
  two processes, own cases  process A cases 1–10, process B cases 11–20
  two processes, one case   both on case 1 (the worst case: one chain, one head)
  two processes, no case    both on the system chain (entries about no case)
  two processes, bare       one-row INSERT transactions, no audit: what the
                            database and this machine allow at that moment

With --hold-ms each append's transaction stays open that long after the
append (a change doing more work after `record`, or a slow commit): the
chain's head stays locked meanwhile, which is what the chains contend on;
the sleep takes no CPU, so the figure shows the lock rather than how loaded
the machine is. --only runs the scenarios named.

Each scenario runs --rounds times, interleaved; the medians of the total
appends per second are printed and written to bench/out/audit.json, with
`verify()` over the whole trail at the end.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
sys.path.insert(0, str(BASE_DIR))

SCENARIOS = {
    "one_process": [range(1, 11)],
    "two_processes_own_cases": [range(1, 11), range(11, 21)],
    "two_processes_one_case": [range(1, 2), range(1, 2)],
    "two_processes_no_case": [[None], [None]],
    "two_processes_bare": [["bare"], ["bare"]],
}


def configure(database_url):
    os.environ.update(DJANGO_SETTINGS_MODULE="civicreview.settings", DATABASE_URL=database_url, LOG_LEVEL="WARNING")
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


def worker(cases, seconds, hold_s):
    """Append (or insert bare rows) for `seconds` from the start time read on stdin; print how many."""
    from django.db import connection, transaction

    from audit import services as audit

    def bare(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_bare (n) VALUES (%s)", [n])

    def append(n):
        case = cases[n % len(cases)]
        with transaction.atomic():
            audit.record("bench.append", actor=None, case=case, summary=f"append {n}", after={"n": n})
            if hold_s:
                time.sleep(hold_s)

    if cases == "bare":
        step = bare
    else:
        cases = [None if case == "none" else int(case) for case in cases.split(",")]
        step = append
    step(0)  # the connection made, the chain's head there
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))
    deadline, done = start_at + seconds, 0
    while time.time() < deadline:
        step(done)
        done += 1
    print(json.dumps({"appended": done, "seconds": time.time() - start_at}), flush=True)


def run_scenario(name, seconds, hold_ms, database_url):
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                ",".join("none" if c is None else str(c) for c in cases),
                "--seconds",
                str(seconds),
                "--hold-ms",
                str(hold_ms),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )  # fmt: skip
        for cases in SCENARIOS[name]
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    start_at = time.time() + 0.2
    for process in processes:
        process.stdin.write(f"{start_at}\n")
        process.stdin.flush()
    results = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
    return sum(result["appended"] for result in results) / max(result["seconds"] for result in results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hold-ms", type=float, default=0)
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_audit")
    if args.worker:
        configure(database_url)
        return worker(args.worker, args.seconds, args.hold_ms / 1000)

    fresh_database(database_url)
    configure(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (id bigserial PRIMARY KEY, n integer)")
    rates = {name: [] for name in (args.only.split(",") if args.only else SCENARIOS)}
    for _ in range(args.rounds):
        for name in rates:
            rates[name].append(run_scenario(name, args.seconds, args.hold_ms, database_url))
    from audit import services as audit

    started = time.perf_counter()
    verified = audit.verify()
    figures = {
        **{f"{name}_appends_per_s": round(statistics.median(values), 1) for name, values in rates.items()},
        "rounds": {name: [round(v, 1) for v in values] for name, values in rates.items()},
        "verify_s": round(time.perf_counter() - started, 2),
        "verified_entries": verified.entries,
        "intact": verified.intact,
        "hold_ms": args.hold_ms,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "audit.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
