"""Markups and their comment threads. Every change is checked, stored, logged and broadcast.

Who may do what: members of a department taking part in the case see and
annotate its versions; they edit or delete only their own department's
markups; a department head may also resolve or reopen anyone's.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from civicreview.errors import Conflict
from civicreview.prepared import insert, prepared
from civicreview.shapes import render
from documents.models import Department
from documents.selectors import (
    case_reviewers,
    may_see_version,
    page_sizes,
    reviews_version,
    sheet_name_in,
    visible_version,
)
from notifications import services as notifications
from reviews import markup_rules as rules
from reviews.models import Annotation, Comment
from reviews.services import audience, events, locks, review_state, stamps
from reviews.shapes import AnnotationSerializer, CommentSerializer

annotation_json = render(AnnotationSerializer)
comment_json = render(CommentSerializer)


def reviewing_department(user, version):
    """The user's department taking part in this version's case, None if they only look on;
    its `finished` tells whether it has finished its review of the version."""
    row = _reviewing_department(user, version)
    if row is None:
        return None
    finished = row.pop("finished")
    department = Department.from_db(None, list(row), list(row.values()))
    department.finished = finished  # type: ignore[attr-defined]  # the annotation of the query
    return department


@prepared(key=lambda user, version: (user.pk, version.pk))  # asked before every change
def _reviewing_department(user, version):
    return (
        Department.objects.of_member(user)
        .filter(cases=version.document.case_id)
        .annotate(finished=review_state.finished_review(version))
        .order_by("pk")
        .values("id", "slug", "name", "group_id", "color", "finished")
    )


def reviewer_json(user, version_id):
    """Who the user is on this version, and what the markup tools should let them do."""
    version = visible_version(user, version_id)
    department = reviewing_department(user, version) or Department.objects.of_member(user).order_by("pk").first()
    return {
        "id": user.pk,
        "username": user.username,
        "department": department and department.slug,
        "color": department and department.color,
        "can_annotate": _may_annotate(user, version),
        "heads": list(user.headed_departments.filter(cases=version.document.case_id).values_list("slug", flat=True)),
    }


def _may_annotate(user, version):
    if locks.why_locked(version) is not None:  # replaced by a newer version, or approved
        return False
    try:
        require_department(user, version)
    except PermissionDenied:
        return False
    return True


def require_department(user, version):
    department = reviewing_department(user, version)
    if department is None:
        raise PermissionDenied("Only members of a department taking part in this case can mark it up.")
    if department.finished:
        raise PermissionDenied(
            f"{department.name} has finished its review of this version; its markups can no longer change."
        )
    return department


def require_markup_open(annotation):
    """A department's markups on a version are final once it has finished its review of that
    version: nobody changes, resolves or deletes them any more, another department's head
    included. (Its own members are stopped earlier, by `require_department`.)"""
    finished = (
        Department.objects.filter(pk=annotation.department_id)
        .annotate(finished=review_state.finished_review(annotation.version))
        .values_list("finished", flat=True)
        .first()
    )
    if finished:
        raise PermissionDenied(
            f"{annotation.department.name} has finished its review of this version; its markups can no longer change."
        )


def visible_annotation(user, annotation_id, version_id=None, *, locked=False):
    """The annotation, if the user may see it (and it is on `version_id`, when given); 404 otherwise.
    `locked`: under a row lock until the transaction ends, to change it."""
    found = Annotation.objects.select_related("author", "department", "version__document__case")
    if locked:
        found = found.select_for_update(of=("self",))
    annotation = get_object_or_404(found, pk=annotation_id)
    if version_id not in (None, annotation.version_id):
        raise Http404
    if reviews_version(user, annotation.version_id):
        return annotation
    if not may_see_version(user, annotation.version_id):
        raise Http404
    audience.check_readable(user, annotation)  # the applicant: only what was released to them
    return annotation


def create_annotation(user, version, data, *, ref=""):
    """`version`: its id, or the version itself where the caller holds it (see `visible_version`)."""
    version = visible_version(user, version)
    department = require_department(user, version)
    if not isinstance(data, dict):
        raise rules.invalid("data", "Send the annotation as an object.")
    sizes = page_sizes(version)
    page = rules.check_page(data.get("page"), sizes)
    kind = rules.check_kind(data.get("kind"))
    fields = {
        "page": page,
        "kind": kind,
        "geometry": rules.check_geometry(data.get("geometry"), kind, sizes[page]),
        "style": rules.check_style(data.get("style", {"color": department.color, "width": 2})),
        "text": rules.check_text(data.get("text", "")),
        "status": rules.check_status(data.get("status", Annotation.Status.OPEN)),
        "category": rules.check_category(data.get("category", Annotation.Category.CORRECTION)),
    }
    if kind == Annotation.Kind.STAMP:
        fields["text"], stamp = stamps.filled_text(user, department, data)
        fields["style"] = {**fields["style"], "color": stamp.color}

    def change():
        annotation = insert(Annotation(version=version, author=user, department=department, **fields))
        return events.record(version, type="annotation.created", user=user, ref=ref, data=annotation_json(annotation))

    return events.apply_once(version.pk, user, ref, change)


def update_annotation(user, annotation_id, revision, changes, *, ref="", version_id=None):
    def change():
        current = visible_annotation(user, annotation_id, version_id, locked=True)
        rules.check_changes(changes)
        _check_revision(current, revision)
        _check_may_change(user, current, changes)
        sizes = page_sizes(current.version)
        if "page" in changes:
            current.page = rules.check_page(changes["page"], sizes)
        if "geometry" in changes or "page" in changes:
            current.geometry = rules.check_geometry(
                changes.get("geometry", current.geometry), current.kind, sizes[current.page]
            )
        if "style" in changes:
            current.style = rules.check_style(changes["style"])
        if "text" in changes and changes["text"] != current.text:
            if current.kind == Annotation.Kind.STAMP:
                raise rules.invalid("text", "A stamp keeps the words it was placed with; place another stamp instead.")
            current.text = rules.check_text(changes["text"])
        if "status" in changes:
            current.status = rules.check_status(changes["status"])
        if "category" in changes:
            current.category = rules.check_category(changes["category"])
        current.revision += 1
        current.save()
        return events.record(
            current.version, type="annotation.updated", user=user, ref=ref, data=annotation_json(current)
        )

    return events.apply_once(version_id, user, ref, change)


def delete_annotation(user, annotation_id, revision, *, ref="", version_id=None):
    def change():
        current = visible_annotation(user, annotation_id, version_id, locked=True)
        _check_revision(current, revision)
        _check_may_change(user, current, {"delete": True})
        version, pk = current.version, current.pk
        current.delete()
        return events.record(version, type="annotation.deleted", user=user, ref=ref, data={"id": pk})

    return events.apply_once(version_id, user, ref, change)


def add_comment(user, annotation_id, body, *, ref="", version_id=None, visibility=None):
    """A reply: a reviewer's is internal unless `visibility` is "applicant"; the applicant's
    (an answer to a released correction) always goes to the reviewers as "applicant"."""

    def change():
        annotation = visible_annotation(user, annotation_id, version_id)
        applicant = not reviews_version(user, annotation.version_id)  # then it answers a released correction
        shared = _reply_visibility(user, annotation, visibility, applicant)
        if not isinstance(body, str) or not body.strip():
            raise rules.invalid("body", "Write something to reply.")
        text = rules.check_text(body.strip(), "body")
        comment = insert(Comment(annotation=annotation, author=user, body=text, visibility=shared))
        (_notify_answered if applicant else _notify_mentioned)(user, annotation, text)
        return events.record(annotation.version, type="comment.created", user=user, ref=ref, data=comment_json(comment))

    return events.apply_once(version_id, user, ref, change)


def _reply_visibility(user, annotation, visibility, applicant):
    if applicant:  # who reads only released markups
        if annotation.category != Annotation.Category.CORRECTION:
            raise PermissionDenied("This is a note for your information; only corrections are answered.")
        return Comment.Visibility.APPLICANT
    require_department(user, annotation.version)
    return rules.check_visibility(visibility or Comment.Visibility.INTERNAL, annotation.category)


MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9_-]*)", re.IGNORECASE)  # as static/js/markup/mentions.js


def mentioned(body, case):
    """Who `body` mentions as @name on `case`: (departments taking part, people reviewing it).
    A name that is a department's is the department's; the others are reviewers' usernames."""
    names = {name.lower() for name in MENTION.findall(body)}
    if not names:
        return [], []
    departments = list(Department.objects.filter(slug__in=names, cases=case))
    names -= {department.slug for department in departments}
    people = [person for person in case_reviewers(case) if person["username"].lower() in names]
    return departments, people


def _notify_mentioned(author, annotation, body):
    """Each person mentioned hears "mentioned you"; the members of each department mentioned
    (the author and those already told aside) hear the department was."""
    version, case = annotation.version, annotation.version.document.case
    where = f"{case.number}, {sheet_name_in(version.pk, annotation.page)}: {body[:200]}"
    url = _markup_url(annotation)
    departments, people = mentioned(body, case)
    told = {author.pk}
    users = get_user_model().objects.filter(pk__in=[person["pk"] for person in people]).exclude(pk__in=told)
    notifications.notify(
        users, kind="mention", text=f"{author.username} mentioned you on {where}", url=url,
        subject=f"{case.number}: {author.username} mentioned you",
    )  # fmt: skip
    told |= {person["pk"] for person in people}
    for department in departments:
        members = department.members.exclude(pk__in=told)
        notifications.notify(
            members, kind="mention", text=f"{author.username} mentioned {department.name} on {where}", url=url,
            subject=f"{case.number}: {department.name} was mentioned",
        )  # fmt: skip
        told |= {member.pk for member in members}


def _notify_answered(applicant, annotation, body):
    """The applicant answered a correction: its department's members hear of it."""
    version, case = annotation.version, annotation.version.document.case
    notifications.notify(
        annotation.department.members,
        kind="answer",
        text=f"{applicant.get_full_name() or applicant.username} answered a correction on {case.number}, "
        f"{sheet_name_in(version.pk, annotation.page)}: {body[:200]}",
        url=_markup_url(annotation),
        subject=f"{case.number}: the applicant answered a correction",
    )


def _markup_url(annotation):
    return f"/versions/{annotation.version_id}/?page={annotation.page}&annotation={annotation.pk}"


def comments_of(user, annotation_id):
    annotation = visible_annotation(user, annotation_id)
    return audience.replies_for(user, annotation).select_related("author")


def _check_revision(annotation, revision):
    """Refuse an edit made on an older revision than the annotation's, with the annotation as it stands."""
    if revision != annotation.revision:
        raise Conflict(
            f"Someone changed this markup meanwhile (you saw revision {revision}, it is now {annotation.revision}).",
            current=annotation_json(annotation),
        )


def _check_may_change(user, annotation, changes):
    """Members change their own department's markups; heads may also resolve or reopen any
    whose department is still reviewing (see `require_markup_open`)."""
    department = require_department(user, annotation.version)
    if department.pk != annotation.department_id:
        require_markup_open(annotation)
    if department.pk == annotation.department_id or user.groups.filter(pk=annotation.department.group_id).exists():
        return
    case_id = annotation.version.document.case_id
    if set(changes) == {"status"} and user.headed_departments.filter(cases=case_id).exists():
        return
    raise PermissionDenied(f"This markup belongs to {annotation.department.name}; only its members can change it.")
