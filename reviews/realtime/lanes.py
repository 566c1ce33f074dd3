"""Where a socket's stored changes run: lanes of one thread each, a version always on the same one.

Channels runs all of a process's database work on one thread. A stored change spends most
of its wall time waiting on PostgreSQL (its row locks, its commit) rather than on the
interpreter, so that one thread capped a process at 1 / (wall time of a change) changes a
second across every version it serves. Changes of different versions now run on different
lanes at once; the changes of one version all run on its lane, one after another in the
order they came, so its events are committed and broadcast in `seq` order as before.
Each lane keeps a database connection of its own (REALTIME_DB_LANES more per process).
"""

from concurrent.futures import ThreadPoolExecutor
from functools import cache

from channels.db import DatabaseSyncToAsync
from django.conf import settings


@cache
def _lanes():
    return [ThreadPoolExecutor(1, thread_name_prefix=f"lane-{n}") for n in range(settings.REALTIME_DB_LANES)]


def on_lane(version_id, function):
    """`function` as a coroutine function that runs on `version_id`'s lane (closing stale
    database connections before and after, as database_sync_to_async does)."""
    lanes = _lanes()
    return DatabaseSyncToAsync(function, thread_sensitive=False, executor=lanes[version_id % len(lanes)])


def close_connections():
    """Close the lanes' database connections (tests, before their database is dropped)."""
    from django.db import connections

    if _lanes.cache_info().currsize == 0:  # no lane started
        return
    for lane in _lanes():
        lane.submit(connections.close_all).result()
