"""Property: whatever a client sends on the websocket, every command answers a refusal (`error` with a
contract code and a message) or handles it, the socket stays open — a known-good command sent after
it is answered — and a refused command stores nothing.

One socket per command serves all of Hypothesis's examples; rate limits are lifted so that only the
message decides the answer. Messages are generated per command (tests/properties.py): the fields the
command takes, mostly plausible and otherwise wild (wrong types, huge, negative or non-finite numbers,
NUL characters, 3,000-deep nesting), and now and then not an object at all.
"""

import itertools

import pytest
from channels.db import database_sync_to_async
from hypothesis import given
from hypothesis import strategies as st

from documents.models import Page
from reviews.models import Annotation, Comment, VersionEvent
from reviews.realtime.consumer import VersionConsumer
from reviews.services import annotations
from tests.properties import (
    PROPERTY_SETTINGS,
    annotation_fields,
    dumps,
    field,
    numbers,
    objects,
    refs,
    scales,
    texts,
    wild,
)
from tests.reviews.conftest import cloud
from tests.reviews.test_consumer import joined

pytestmark = pytest.mark.django_db(transaction=True)

CODES = {"invalid", "forbidden", "conflict", "not_found"}  # rate limits are lifted here
pings = itertools.count()


def stored():
    return (
        list(Annotation.objects.order_by("pk").values_list("pk", "revision", "status", "text", "page", "geometry")),
        list(Comment.objects.order_by("pk").values_list("pk", "body")),
        VersionEvent.objects.count(),
        list(Page.objects.order_by("pk").values_list("pk", "scale_ratio", "scale_label", "scale_unit")),
    )


@pytest.fixture
async def live(review, monkeypatch):
    """Fire's socket on the version, a markup of fire's (`live.markup`) and no rate limits."""
    monkeypatch.setattr(VersionConsumer, "command_rate", (10**6, 10**6))
    monkeypatch.setattr(VersionConsumer, "cursor_rate", (10**6, 10**6))
    markup = (
        await database_sync_to_async(annotations.create_annotation)(review.fire_user, review.version.pk, cloud())
    ).data
    socket, _ = await joined(review.fire_user, review.version.pk)
    socket.markup = markup
    yield socket
    await socket.disconnect()


async def exchange(socket, text):
    """Send `text`, then a known-good `resume`; every frame that came before its answer."""
    ping = f"ping-{next(pings)}"
    await socket.send_to(text_data=text)
    await socket.send_json_to({"type": "resume", "ref": ping, "after_seq": 2**62})
    frames = []
    while (frame := await socket.receive_json_from(timeout=20)).get("ref") != ping or frame["type"] != "resumed":
        frames.append(frame)
    return frames


async def throw(socket, message):
    before = await database_sync_to_async(stored)()
    frames = await exchange(socket, dumps(message))  # the socket answered after it: still alive
    errors = [frame for frame in frames if frame["type"] == "error"]
    for error in errors:
        assert error["code"] in CODES and error["message"], error
    if errors:
        assert await database_sync_to_async(stored)() == before, f"refused ({errors[0]['message']}) yet stored"


pages = field(st.integers(0, 3))


def command_fields(markup_id):
    ids = field(st.sampled_from([markup_id, markup_id + 1]))
    revisions = field(st.integers(0, 3))
    return {
        "annotation.create": {"data": objects(annotation_fields)},
        "annotation.update": {"id": ids, "revision": revisions, "data": objects(annotation_fields)},
        "annotation.delete": {"id": ids, "revision": revisions},
        "comment.create": {"annotation": ids, "body": field(texts)},
        "page.scale": {"page": pages, "scale": field(st.none() | scales)},
        "cursor": {"page": pages, "x": field(numbers), "y": field(numbers)},
        "view": {"page": pages},
        "resume": {"after_seq": field(st.integers(0, 5))},
    }


def test_every_command_of_the_consumer_is_covered():
    assert set(command_fields(1)) == set(VersionConsumer.HANDLERS)


@pytest.mark.parametrize("command", sorted(command_fields(1)))
@PROPERTY_SETTINGS
@given(data=st.data())
async def test_a_command_with_generated_fields(live, command, data):
    fields = command_fields(live.markup["id"])[command]
    message = data.draw(st.fixed_dictionaries({"type": st.just(command), "ref": refs}, optional=fields))
    await throw(live, message)


@PROPERTY_SETTINGS
@given(message=st.one_of(wild, st.dictionaries(st.sampled_from(["type", "ref", "id", "data", "page"]), wild)))
async def test_any_message_at_all(live, message):
    await throw(live, message)


@PROPERTY_SETTINGS
@given(
    raw=st.one_of(
        st.text(min_size=1, max_size=200), st.sampled_from(["{", "[]" * 40000, '{"type": "cursor"' + " " * 70000 + "}"])
    )
)
async def test_any_text_at_all(live, raw):
    before = await database_sync_to_async(stored)()
    frames = await exchange(live, raw)
    assert all(frame["code"] in CODES for frame in frames if frame["type"] == "error")
    assert await database_sync_to_async(stored)() == before
