import threading

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from civicreview.errors import Conflict
from reviews.models import Annotation, Comment, VersionEvent
from reviews.services import annotations, events, sheets
from tests.reviews.conftest import cloud


def seqs(version):
    return list(VersionEvent.objects.filter(version=version).values_list("seq", flat=True))


def test_a_created_markup_belongs_to_the_authors_department_and_is_logged(review):
    event = annotations.create_annotation(
        review.fire_user, review.version.pk, cloud(text="Show fire separation"), ref="a1"
    )
    assert event.type == "annotation.created" and event.seq == 1 and event.ref == "a1"
    assert event.data["department"] == "fire" and event.data["author"] == "fire" and event.data["revision"] == 1
    assert event.data["style"] == {"color": "#123456", "width": 2}  # the department's colour by default
    assert Annotation.objects.get().text == "Show fire separation"


def test_every_change_takes_the_next_seq(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    annotations.update_annotation(review.fire_user, a["id"], 1, {"text": "moved"})
    annotations.add_comment(review.building_user, a["id"], "Agreed")
    annotations.delete_annotation(review.fire_user, a["id"], 2)
    assert seqs(review.version) == [1, 2, 3, 4]
    assert events.latest_seq(review.version.pk) == 4
    assert [e.type for e in events.events_after(review.version.pk, 2)] == ["comment.created", "annotation.deleted"]


def test_a_repeated_ref_is_applied_once(review):
    first = annotations.create_annotation(review.fire_user, review.version.pk, cloud(), ref="r-1")
    again = annotations.create_annotation(review.fire_user, review.version.pk, cloud(), ref="r-1")
    assert again.pk == first.pk and again.replayed
    assert Annotation.objects.count() == 1 and seqs(review.version) == [1]


def test_a_repeated_edit_deletion_reply_or_scale_is_answered_with_its_first_event(review):
    """Sent again, these meet what their first try changed (a newer revision, a markup gone,
    the ref taken) and answer the event it logged; nothing is applied twice."""
    fire, version = review.fire_user, review.version.pk
    a = annotations.create_annotation(fire, version, cloud()).data
    scale = {"ratio": 48, "unit": "ft"}
    commands = [
        lambda: annotations.update_annotation(fire, a["id"], 1, {"text": "once"}, ref="u"),
        lambda: annotations.add_comment(fire, a["id"], "Noted", ref="c"),
        lambda: sheets.set_page_scale(fire, version, 1, scale, ref="s"),
        lambda: annotations.delete_annotation(fire, a["id"], 2, ref="d", version_id=version),
    ]
    for command in commands:
        first, again = command(), command()
        assert again.pk == first.pk and again.replayed
    assert seqs(review.version) == [1, 2, 3, 4, 5]
    assert not Annotation.objects.exists() and Comment.objects.count() == 0  # the comment went with its markup


def test_a_refusal_that_no_earlier_try_explains_stands(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    annotations.update_annotation(review.fire_colleague, a["id"], 1, {"text": "theirs"})
    with pytest.raises(Conflict):
        annotations.update_annotation(review.fire_user, a["id"], 1, {"text": "mine"}, ref="never-applied")


def test_the_same_ref_from_another_user_is_another_command(review):
    annotations.create_annotation(review.fire_user, review.version.pk, cloud(), ref="r-1")
    annotations.create_annotation(review.fire_colleague, review.version.pk, cloud(), ref="r-1")
    assert Annotation.objects.count() == 2


def test_a_stale_revision_is_refused_with_the_current_markup(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    annotations.update_annotation(review.fire_colleague, a["id"], 1, {"text": "first"})
    with pytest.raises(Conflict) as conflict:
        annotations.update_annotation(review.fire_user, a["id"], 1, {"text": "second"})
    assert conflict.value.current["text"] == "first" and conflict.value.current["revision"] == 2
    assert Annotation.objects.get().text == "first" and seqs(review.version) == [1, 2]


def test_others_cannot_edit_or_delete_a_departments_markup(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    with pytest.raises(PermissionDenied, match="belongs to Fire"):
        annotations.update_annotation(review.building_user, a["id"], 1, {"text": "mine now"})
    with pytest.raises(PermissionDenied):
        annotations.delete_annotation(review.building_user, a["id"], 1)
    assert Annotation.objects.get().revision == 1


def test_a_colleague_in_the_same_department_may_edit(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    assert (
        annotations.update_annotation(review.fire_colleague, a["id"], 1, {"status": "resolved"}).data["status"]
        == "resolved"
    )


def test_a_department_head_may_resolve_any_markup_but_not_redraw_it(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    assert annotations.update_annotation(review.building_head, a["id"], 1, {"status": "resolved"}).data["revision"] == 2
    with pytest.raises(PermissionDenied):
        annotations.update_annotation(review.building_head, a["id"], 2, {"text": "no"})


def test_outsiders_and_non_participants_cannot_see_or_mark_up(review):
    with pytest.raises(Http404):
        annotations.create_annotation(review.outsider, review.version.pk, cloud())
    with pytest.raises(Http404):
        annotations.create_annotation(review.engineer, review.version.pk, cloud())
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    with pytest.raises(Http404):
        annotations.add_comment(review.outsider, a["id"], "hello")


def test_invalid_markups_are_refused_and_nothing_is_logged(review):
    with pytest.raises(ValidationError):
        annotations.create_annotation(review.fire_user, review.version.pk, cloud(page=9))
    with pytest.raises(ValidationError):
        annotations.create_annotation(review.fire_user, review.version.pk, cloud(points=((1, 1), (3000, 1))))
    assert Annotation.objects.count() == 0 and seqs(review.version) == []


def test_comments_thread_on_a_markup(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    reply = annotations.add_comment(review.planner, a["id"], "  See sheet A-201  ")
    assert reply.data["body"] == "See sheet A-201" and reply.data["annotation"] == a["id"]
    with pytest.raises(ValidationError, match="Write something"):
        annotations.add_comment(review.planner, a["id"], "   ")
    assert Comment.objects.count() == 1


def test_a_markup_is_only_reachable_through_its_own_version(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    with pytest.raises(Http404):
        annotations.update_annotation(review.fire_user, a["id"], 1, {"text": "x"}, version_id=review.version.pk + 1)


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks (SQLite's shared in-memory test database locks whole tables); CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_distinct_gapless_seqs(review):
    errors = []

    def write(user, n):
        try:
            for i in range(n):
                annotations.create_annotation(user, review.version.pk, cloud(), ref=f"{user.username}-{i}")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(u, 10)) for u in (review.fire_user, review.building_user, review.planner)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert seqs(review.version) == list(range(1, 31))
