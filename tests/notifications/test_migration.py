"""Notifications moved from reviews to their own app (reviews 0005, notifications 0001): every
row stays, and moving back restores the old table."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REVIEWS_BEFORE = ("reviews", "0004_existing_stamp_wordings")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def test_the_move_keeps_every_notification_and_can_be_undone():
    user = UserFactory(username="told")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate([REVIEWS_BEFORE, ("notifications", None)]).get_model("reviews", "Notification")
    old.objects.create(recipient_id=user.pk, kind="mention", text="kept through the move")

    migrate(latest)
    assert list(Notification.objects.values_list("recipient__username", "text")) == [("told", "kept through the move")]

    old = migrate([REVIEWS_BEFORE, ("notifications", None)]).get_model("reviews", "Notification")
    assert list(old.objects.values_list("text", flat=True)) == ["kept through the move"]
    migrate(latest)
