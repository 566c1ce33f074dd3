"""Mentions in replies: a department taking part (@fire) or a person reviewing the case, each told once."""

from notifications.models import Notification
from reviews.services import annotations
from tests.reviews.conftest import cloud, make_user


def test_mentioning_a_department_notifies_its_members_but_not_the_author(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    review.version.pages.filter(number=2).update(label="A-101", title="FIRST FLOOR PLAN")
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud(page=2)).data
    review.fire_user.email = "fire@example.gov"
    review.fire_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        annotations.add_comment(review.building_user, a["id"], "@Fire please check the rated wall; cc @building")
    to_fire = Notification.objects.filter(recipient__in=[review.fire_user, review.fire_colleague])
    assert to_fire.count() == 2
    assert "building mentioned Fire" in to_fire.first().text
    assert "Sheet A-101 — FIRST FLOOR PLAN (page 2)" in to_fire.first().text  # as the viewer names it
    assert to_fire.first().url == f"/versions/{review.version.pk}/?page=2&annotation={a['id']}"
    assert not Notification.objects.filter(recipient=review.building_user).exists()  # the author
    assert Notification.objects.filter(recipient=review.building_head).count() == 1
    assert [m.to for m in mailoutbox] == [["fire@example.gov"]]


def test_mentioning_a_person_tells_them_once_and_outsiders_are_not_mentioned(review, after_commit):
    outsider = make_user("stranger")
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    body = f"@{review.fire_colleague.username} and @Fire, please check; @{outsider.username} is not on the case"
    with after_commit():
        annotations.add_comment(review.building_user, a["id"], body)
    colleague = Notification.objects.get(recipient=review.fire_colleague)  # once, though also in Fire
    assert colleague.text.startswith(f"building mentioned you on {review.case.number}, Page 1:")
    assert "mentioned Fire" in Notification.objects.get(recipient=review.fire_user).text
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert not Notification.objects.filter(recipient=review.building_user).exists()


def test_departments_not_on_the_case_and_emails_are_not_mentions(review):
    a = annotations.create_annotation(review.fire_user, review.version.pk, cloud()).data
    annotations.add_comment(review.building_user, a["id"], "@engineering and plans@fire.gov")
    assert not Notification.objects.exists()
