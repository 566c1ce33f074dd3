"""Processing runs: the lease a live run holds on its version, and the run's work folder.

A run of `process_version` takes a version (its `attempt` + 1) only when no live run holds
it: the holder keeps `lease_expires_at` PROCESSING_LEASE_S ahead, renewed every
PROCESSING_HEARTBEAT_S by a thread of its own, and gives it back when it ends. So a message
Redis hands out again (visibility timeout) or a duplicate sent by the sweep does nothing
while a worker anywhere is at work on the version, and a lease left to pass marks its
holder dead (the stall sweep takes the version up again).

Each run renders in a folder of its own, PROCESSING_WORK_DIR/v<version>-a<attempt>, and
holds an exclusive flock on the folder's `.lock` for as long as its process lives. The
kernel drops the lock when the process dies, however it dies (kill -9 included), so a folder
whose lock can be taken belongs to a dead run on this machine: its files are removed and its
version is taken up at once, without waiting for the lease to pass. A folder appears under
its final name only with its lock held (made under a temporary name, then renamed), so a
live run's folder is never mistaken for a dead one.
"""

import contextlib
import fcntl
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from documents.models import DocumentVersion

log = logging.getLogger(__name__)

_FOLDER = re.compile(r"^v(?P<version>\d+)-a(?P<attempt>\d+)$")
_LOCK = ".lock"


def lease_until(now=None):
    return (now or timezone.now()) + timedelta(seconds=settings.PROCESSING_LEASE_S)


def held_by_a_live_run(version, now):
    """Whether a live run holds `version` (locked row): its lease has not passed and its
    holder is not a run known dead on this machine (whose folder is then removed)."""
    if version.lease_expires_at is None or version.lease_expires_at <= now:
        return False
    return not remove_if_dead(version.pk, version.attempt)


def work_dir() -> Path:
    return Path(settings.PROCESSING_WORK_DIR)


def folder_of(version_id, attempt) -> Path:
    return work_dir() / f"v{version_id}-a{attempt}"


@contextlib.contextmanager
def run(version) -> Iterator[Path]:
    """The run of `version` (just claimed, `version.attempt` its own): yields its work folder,
    locked, while a heartbeat renews its lease; at the end the folder is removed and the
    lease given back."""
    folder, lock = _locked_folder(version.pk, version.attempt)
    heartbeat = _Heartbeat(version.pk, version.attempt)
    heartbeat.start()
    try:
        yield folder
    finally:
        heartbeat.stop()
        _release(version)
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)


def _locked_folder(version_id, attempt):
    work_dir().mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".starting-", dir=work_dir()))
    lock = os.open(staging / _LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    folder = folder_of(version_id, attempt)
    staging.rename(folder)
    return folder, lock


def _release(version):
    try:
        DocumentVersion.objects.filter(pk=version.pk, attempt=version.attempt).update(lease_expires_at=None)
    except DatabaseError:
        log.warning("could not give back the lease of version %s; it passes by itself", version.pk)


class _Heartbeat(threading.Thread):
    """Renews a run's lease every PROCESSING_HEARTBEAT_S until stopped or superseded."""

    def __init__(self, version_id, attempt):
        super().__init__(name=f"lease-v{version_id}", daemon=True)
        self.version_id, self.attempt = version_id, attempt
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(settings.PROCESSING_HEARTBEAT_S):
                if not self._renew():
                    return  # superseded: the run learns it at its next save
        finally:
            connection.close()  # this thread's own

    def _renew(self):
        try:
            return DocumentVersion.objects.filter(
                pk=self.version_id, attempt=self.attempt, status=DocumentVersion.Status.PROCESSING
            ).update(lease_expires_at=lease_until())
        except DatabaseError:
            log.warning("could not renew the lease of version %s; trying again", self.version_id, exc_info=True)
            close_old_connections()
            return True

    def stop(self):
        self.stopped.set()
        self.join()


def remove_if_dead(version_id, attempt) -> bool:
    """Remove the folder of run `attempt` of the version if that run died on this machine."""
    folder = folder_of(version_id, attempt)
    return folder.is_dir() and _remove_if_unlocked(folder)


def dead_runs() -> list[tuple[int, int]]:
    """Remove the folders of the runs that died on this machine; their (version id, attempt)."""
    dead = []
    with contextlib.suppress(FileNotFoundError):
        for folder in work_dir().iterdir():
            match = _FOLDER.match(folder.name)
            if match and _remove_if_unlocked(folder):
                dead.append((int(match["version"]), int(match["attempt"])))
    return dead


def _remove_if_unlocked(folder):
    try:
        lock = os.open(folder / _LOCK, os.O_RDWR)
    except FileNotFoundError:
        lock = None  # a run makes its lock before the folder gets its name: this one is debris
    try:
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # its run lives
    finally:
        if lock is not None:
            os.close(lock)
    shutil.rmtree(folder, ignore_errors=True)
    return True
