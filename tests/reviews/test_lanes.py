"""Stored changes of different versions run at once; one version's run in the order they came."""

import asyncio
import random
import threading
import time

import pytest

from reviews.realtime.lanes import on_lane

# A lane closes stale database connections around each change, as database_sync_to_async does.
pytestmark = pytest.mark.django_db


def test_changes_of_two_versions_run_at_the_same_time():
    both_running = threading.Barrier(2, timeout=5)  # broken (an error) unless both wait at once

    def change():
        both_running.wait()
        return threading.current_thread().name

    async def scenario():
        return await asyncio.gather(on_lane(1, change)(), on_lane(2, change)())

    first, second = asyncio.run(scenario())
    assert first != second


def test_one_versions_changes_run_one_after_another_in_order():
    done, running = [], []

    def change(n):
        running.append(n)
        assert len(running) == 1, "two changes of one version ran at once"
        time.sleep(random.uniform(0, 0.005))
        done.append(n)
        running.remove(n)

    async def scenario():
        await asyncio.gather(*(on_lane(7, change)(n) for n in range(30)))

    asyncio.run(scenario())
    assert done == list(range(30))
