"""Reminders before a task is due, escalation to the head once it is overdue, a daily digest
for each head; a sweep run twice notifies once."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from notifications.models import Notification
from workflows.models import DigestSent
from workflows.services import deadlines


@pytest.fixture
def in_review(plans, submit):
    submit(departments=["fire", "building"])
    return plans


def kinds(user):
    return list(
        Notification.objects.filter(recipient=user).exclude(kind="task.assigned").values_list("kind", flat=True)
    )


def test_nothing_is_sent_before_the_reminder_time(in_review):
    assert deadlines.send_reminders() == 0
    assert deadlines.escalate_overdue() == 0


def test_the_reviewers_are_reminded_once_when_the_reminder_time_comes(
    in_review, mailoutbox, django_capture_on_commit_callbacks
):
    task = in_review.task("fire")
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.send_reminders(now=task.remind_at) == 2  # fire's and building's
    assert deadlines.send_reminders(now=task.remind_at + datetime.timedelta(hours=1)) == 0

    (reminder,) = Notification.objects.filter(recipient=in_review.demo.fire, kind="task.reminder")
    assert reminder.text.startswith("Due ") and in_review.case.number in reminder.text
    assert any(mail.to == ["fire@example.gov"] and mail.subject.startswith("Reminder:") for mail in mailoutbox)


def test_a_decided_task_is_not_reminded(in_review, decide):
    decide("fire", "review", "approved")

    assert deadlines.send_reminders(now=in_review.task("building").remind_at) == 1
    assert kinds(in_review.demo.fire) == []


def test_an_overdue_task_is_escalated_to_the_departments_head_once(in_review):
    due = in_review.task("fire").due_at

    assert deadlines.escalate_overdue(now=due - datetime.timedelta(seconds=1)) == 0
    assert deadlines.escalate_overdue(now=due) == 2
    assert deadlines.escalate_overdue(now=due + datetime.timedelta(days=1)) == 0

    assert kinds(in_review.demo.fire_head) == ["task.overdue"]
    assert kinds(in_review.demo.fire) == []
    entry = AuditEntry.objects.filter(action="task.escalated").first()
    assert "escalated to fire_head" in entry.summary or "escalated to building_head" in entry.summary


def test_each_head_gets_one_digest_a_business_day(in_review, decide):
    decide("fire", "review", "approved")
    decide("building", "review", "approved")
    monday_morning = timezone.make_aware(datetime.datetime(2030, 3, 4, 8, 0))
    overdue = monday_morning  # every task is long overdue by then

    assert deadlines.send_digests(now=monday_morning) == 1  # only planning has open work: its approval
    assert deadlines.send_digests(now=monday_morning + datetime.timedelta(hours=2)) == 0

    (digest,) = Notification.objects.filter(kind="digest")
    assert digest.recipient == in_review.demo.planning_head
    assert digest.text.startswith("Planning: 0 review(s) open, 1 approval(s) awaiting you, 1 overdue.")
    assert in_review.case.number in digest.text and overdue
    assert DigestSent.objects.get().date == datetime.date(2030, 3, 4)


def test_no_digest_before_the_morning_or_at_weekends(in_review):
    early = timezone.make_aware(datetime.datetime(2030, 3, 4, 5, 0))
    saturday = timezone.make_aware(datetime.datetime(2030, 3, 9, 9, 0))

    assert deadlines.send_digests(now=early) == 0
    assert deadlines.send_digests(now=saturday) == 0


def test_heads_with_nothing_open_get_no_digest(plans):
    assert deadlines.send_digests(now=timezone.make_aware(datetime.datetime(2030, 3, 4, 9, 0))) == 0
