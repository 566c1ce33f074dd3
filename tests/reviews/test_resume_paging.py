"""`resume` over the socket is paged: at most 1,000 events an answer, `resumed.more` saying whether to
ask again from the `seq` it carries, and asking again continues where the last answer stopped."""

import pytest
from channels.db import database_sync_to_async

from reviews.models import VersionEvent
from reviews.realtime.consumer import RESUME_PAGE
from tests.reviews.test_consumer import joined

pytestmark = pytest.mark.django_db(transaction=True)


def logged(review, count):
    """`count` changes in the version's log (the log is all `resume` reads)."""
    VersionEvent.objects.bulk_create(
        VersionEvent(
            version=review.version, seq=seq, type="annotation.deleted", user=review.fire_user, data={"id": seq}
        )
        for seq in range(1, count + 1)
    )


async def resume(socket, after_seq, ref):
    """Send `resume`; (the seqs of the events answered, the closing `resumed`)."""
    await socket.send_json_to({"type": "resume", "ref": ref, "after_seq": after_seq})
    seqs = []
    while (frame := await socket.receive_json_from(timeout=20))["type"] != "resumed":
        if "seq" in frame and frame["type"] != "presence":
            seqs.append(frame["seq"])
    return seqs, frame


async def test_a_long_log_comes_in_pages_of_1000_and_the_next_resume_continues(review):
    assert RESUME_PAGE == 1000
    await database_sync_to_async(logged)(review, 2500)
    socket, hello = await joined(review.building_user, review.version.pk)
    assert hello["seq"] == 2500

    first, resumed = await resume(socket, 0, "r1")
    assert first == list(range(1, 1001))
    assert resumed == {"type": "resumed", "ref": "r1", "seq": 1000, "more": True}

    second, resumed = await resume(socket, resumed["seq"], "r2")
    assert second == list(range(1001, 2001))
    assert resumed["seq"] == 2000 and resumed["more"] is True

    last, resumed = await resume(socket, resumed["seq"], "r3")
    assert last == list(range(2001, 2501))
    assert resumed == {"type": "resumed", "ref": "r3", "seq": 2500, "more": False}
    await socket.disconnect()


async def test_exactly_1000_missed_events_need_no_second_page(review):
    await database_sync_to_async(logged)(review, 1000)
    socket, _ = await joined(review.building_user, review.version.pk)

    events, resumed = await resume(socket, 0, "r")

    assert len(events) == 1000 and resumed["seq"] == 1000 and resumed["more"] is False
    await socket.disconnect()


async def test_nothing_missed_answers_the_latest_seq(review):
    await database_sync_to_async(logged)(review, 3)
    socket, _ = await joined(review.building_user, review.version.pk)

    events, resumed = await resume(socket, 3, "r")

    assert events == [] and resumed == {"type": "resumed", "ref": "r", "seq": 3, "more": False}
    await socket.disconnect()
