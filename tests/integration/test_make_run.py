"""`make run` stops everything it started: the web server, the Celery worker (with its pool) and beat.

Each test starts the real processes on a Redis database of the tests and an empty SQLite file
(the server answers /healthz without tables), stops them the way a person or a supervisor
does, and checks that no process of the tree is left.
"""

import os
import signal
import subprocess
import urllib.error
import urllib.request

import psutil
import pytest

from tests.integration.conftest import ROOT, free_port, wait_for

pytestmark = pytest.mark.integration

WEB_AND_WORKERS = 5  # uvicorn, the worker and its pool of 2, beat


@pytest.fixture
def started(tmp_path, redis_url):
    """Start `command` in a session of its own; return its process once the server answers."""
    processes = []

    def start(*command):
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "REDIS_URL": redis_url,
            "PORT": str(port),
            "CELERY_CONCURRENCY": "2",
            "CELERY_BEAT_SCHEDULE": str(tmp_path / "beat-schedule"),
        }
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        wait_for(lambda: answers(port), timeout=60, what="the web server to answer")
        wait_for(lambda: len(tree(process)) >= WEB_AND_WORKERS, timeout=60, what="the worker's pool and beat")
        return process

    yield start
    for process in processes:  # whatever a failed test left
        for child in tree(process):
            child.kill()
        process.kill()
        process.wait()


def answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # 503 without tables: still answering
    except OSError:
        return False


def tree(process):
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def all_gone(processes):
    _, alive = psutil.wait_procs(processes, timeout=20)
    return [" ".join(p.cmdline()[:4]) for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_a_signal_to_make_stops_the_server_the_worker_and_beat(started):
    make = started("make", "-o", "setup", "run")  # -o setup: the database needs nothing here
    processes = tree(make)

    make.send_signal(signal.SIGTERM)  # as a supervisor, or `kill`, stops it

    assert all_gone(processes) == []
    make.wait(20)


def test_ctrl_c_stops_everything_and_ends_cleanly(started):
    script = started("scripts/run.sh")
    processes = tree(script)

    os.killpg(script.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole foreground group

    assert all_gone(processes) == []
    assert script.wait(20) == 0
