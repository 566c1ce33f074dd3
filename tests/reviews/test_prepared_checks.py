"""The checks asked before every markup change: queries built once per key and asked
again every time (civicreview.prepared), and page sizes kept once a version is ready."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from civicreview.prepared import insert, prepared
from documents.models import DocumentVersion, Page
from documents.selectors import may_see_version, page_sizes
from reviews.models import Annotation, VersionEvent
from reviews.services.annotations import create_annotation
from tests.reviews.conftest import cloud

pytestmark = pytest.mark.django_db


def counting(build):
    """`build`, counting its calls."""

    def counted(*args):
        counted.calls += 1
        return build(*args)

    counted.calls = 0
    return counted


def test_the_query_is_built_once_per_key_and_answered_afresh_every_time():
    build = counting(lambda name: Group.objects.filter(name=name).values("name"))
    group_named = prepared(key=lambda name: name)(build)

    assert group_named("fire") is None
    Group.objects.create(name="fire")
    assert group_named("fire") == {"name": "fire"}
    assert group_named("fire") == {"name": "fire"}
    assert build.calls == 1

    assert group_named("building") is None
    assert build.calls == 2


def test_a_query_that_can_have_no_rows_answers_none_without_asking(django_assert_num_queries):
    nothing = prepared(key=lambda: None)(lambda: Group.objects.none().values("name"))
    with django_assert_num_queries(0):
        assert nothing() is None


def test_the_key_names_what_the_sql_depends_on(review):
    """A user made staff sees every case: `may_see_version` keys on the staff flag too."""
    outsider = review.outsider
    assert not may_see_version(outsider, review.version.pk)
    outsider.is_staff = True
    assert may_see_version(outsider, review.version.pk)
    outsider.is_active = False
    assert not may_see_version(outsider, review.version.pk)


def test_page_sizes_are_read_once_a_version_is_ready(review, django_assert_num_queries):
    version = DocumentVersion.objects.get(pk=review.version.pk)
    page_sizes(version)
    with django_assert_num_queries(0):
        assert page_sizes(version) == {1: (2592.0, 1728.0), 2: (2592.0, 1728.0)}


def test_page_sizes_of_a_version_still_processing_are_read_every_time(review):
    version = DocumentVersion.objects.get(pk=review.version.pk)
    version.status = DocumentVersion.Status.PROCESSING
    assert set(page_sizes(version)) == {1, 2}
    Page.objects.create(version=version, number=3, width=1224.0, height=792.0)
    assert page_sizes(version)[3] == (1224.0, 792.0)


def test_insert_stores_a_row_as_save_would_in_one_query(review, django_assert_num_queries):
    """Defaults, `auto_now` and JSON as `Model.save()` stores them; the pk set from the INSERT."""
    annotation = Annotation(
        version=review.version, page=1, kind="cloud", geometry={"points": [[1, 2], [3, 4]]},
        author=review.planner, department=review.planning,
    )  # fmt: skip
    with django_assert_num_queries(1):
        insert(annotation)

    stored = Annotation.objects.get(pk=annotation.pk)
    assert (stored.style, stored.status, stored.revision, stored.text) == ({}, "open", 1, "")
    assert stored.geometry == {"points": [[1, 2], [3, 4]]}
    assert stored.created_at == annotation.created_at and stored.updated_at == annotation.updated_at
    assert stored.created_at is not None and not annotation._state.adding


def test_the_event_log_counts_on_after_a_change_inserted_by_hand(review):
    """The next `seq` is read after the version's lock, from the log as it is then."""
    create_annotation(review.planner, review.version.pk, cloud(), ref="a")
    VersionEvent.objects.create(version=review.version, seq=7, type="annotation.created", user=review.planner, data={})

    event = create_annotation(review.planner, review.version.pk, cloud(), ref="b")

    assert event.seq == 8


def test_insert_runs_the_statement_given_after_it_in_one_round_trip_on_postgresql(review, django_assert_num_queries):
    """As the audit chain's head moves with its new entry."""
    group = Group.objects.create(name="before")
    annotation = Annotation(
        version=review.version, page=1, kind="pin", geometry={"points": [[1, 2]]},
        author=review.planner, department=review.planning,
    )  # fmt: skip
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        insert(annotation, then=("UPDATE auth_group SET name = %s WHERE id = %s", ["after", group.pk]))

    assert Annotation.objects.filter(pk=annotation.pk, kind="pin").exists()
    assert Group.objects.get(pk=group.pk).name == "after"
