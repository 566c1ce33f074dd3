"""Audit chain benchmark: appends per second from one and two processes.

    .venv/bin/python bench/audit.py [--seconds 5] [--rounds 3]

Needs PostgreSQL:

  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_audit (dropped and created afresh)

It migrates the database, then for each scenario starts worker processes
(this script with --worker) that wait for a common start time and for
--seconds call `audit.services.record` as fast as they go, one transaction
per append (as each audited change is), each append on the next of the
process's cases in turn:

  one process             cases 1–10
  two processes, own cases  process A cases 1–10, process B cases 11–20
  two processes, one case   both on case 1 (the worst case: one chain, one head)
  two processes, no case    both on the system chain

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


def worker(cases, start_at, seconds):
    """Append until `seconds` after `start_at`; print how many."""
    from audit import services as audit

    cases = [None if case == "none" else int(case) for case in cases.split(",")]
    audit.record("bench.warmup", actor=None, case=cases[0], summary="warm-up")  # connection, head rows
    time.sleep(max(0.0, start_at - time.time()))
    deadline, appended = start_at + seconds, 0
    while time.time() < deadline:
        case = cases[appended % len(cases)]
        audit.record("bench.append", actor=None, case=case, summary=f"append {appended}", after={"n": appended})
        appended += 1
    print(json.dumps({"appended": appended, "seconds": time.time() - start_at}))


def run_scenario(name, seconds, database_url):
    start_at = time.time() + 3  # every process set up by then
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                ",".join("none" if c is None else str(c) for c in cases),
                "--start-at",
                str(start_at),
                "--seconds",
                str(seconds),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )  # fmt: skip
        for cases in SCENARIOS[name]
    ]
    results = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
    return sum(result["appended"] for result in results) / max(result["seconds"] for result in results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_audit")
    if args.worker:
        configure(database_url)
        return worker(args.worker, args.start_at, args.seconds)

    fresh_database(database_url)
    configure(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rates = {name: [] for name in SCENARIOS}
    for _ in range(args.rounds):
        for name in SCENARIOS:
            rates[name].append(run_scenario(name, args.seconds, database_url))
    from audit import services as audit

    started = time.perf_counter()
    verified = audit.verify()
    figures = {
        **{f"{name}_appends_per_s": round(statistics.median(values), 1) for name, values in rates.items()},
        "rounds": {name: [round(v, 1) for v in values] for name, values in rates.items()},
        "verify_s": round(time.perf_counter() - started, 2),
        "verified_entries": verified.entries,
        "intact": verified.intact,
        "cpus": os.cpu_count(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "audit.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
