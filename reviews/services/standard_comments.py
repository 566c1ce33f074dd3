"""The tool chest's standard comments: each department's library, kept by its heads and the
admins, and each reviewer's own. A reviewer reads their departments' libraries and their own."""

import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404

from audit import services as audit
from documents.models import Department
from reviews import markup_rules as rules
from reviews.models import StandardComment
from reviews.shapes import StandardCommentSerializer

SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_CODE = 80
FIELDS = {"shortcut", "code", "text"}


def library_for(user):
    """Standard comments the user may use: their departments' (every department's, for an admin)
    and their own."""
    departments = Department.objects.all() if user.is_staff else Department.objects.of_member(user)
    return StandardComment.objects.filter(Q(department__in=departments) | Q(owner=user)).select_related("department")


def may_keep(user, department):
    """Heads of the department and admins keep its library."""
    return user.is_staff or department.heads.filter(pk=user.pk).exists()


def comment_json(comment, user):
    return StandardCommentSerializer(context={"user": user}).to_representation(comment)


def create(user, data):
    """`data`: {"shortcut", "code"?, "text", "department"?: slug}; without a department, the
    reviewer's own."""
    if not isinstance(data, dict):
        raise rules.invalid("data", "Send the standard comment as an object.")
    comment = StandardComment(owner=user)
    if data.get("department") not in (None, ""):
        comment.owner, comment.department = None, _kept_department(user, data["department"])
    elif not (user.is_staff or Department.objects.of_member(user).exists()):
        raise PermissionDenied("Standard comments are for the departments' reviewers.")
    _apply(comment, {"code": "", **{k: v for k, v in data.items() if k in FIELDS}}, required=True)
    return _saved(user, comment, "created", before=None)


def update(user, comment_id, changes):
    comment = _editable(user, comment_id)
    if not isinstance(changes, dict) or not set(changes) & FIELDS:
        raise rules.invalid("data", f"Send the fields to change: {', '.join(sorted(FIELDS))}.")
    before = comment_json(comment, user)
    _apply(comment, changes, required=False)
    return _saved(user, comment, "updated", before=before)


def delete(user, comment_id):
    comment = _editable(user, comment_id)
    before = comment_json(comment, user)
    with transaction.atomic():
        comment.delete()
        _record(user, "deleted", before, before=before, after=None)


def _kept_department(user, slug):
    department = Department.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if department is None:
        raise rules.invalid("department", f"There is no department {slug!r}.")
    if not may_keep(user, department):
        raise PermissionDenied(f"Only the heads of {department.name} and the admins keep its standard comments.")
    return department


def _editable(user, comment_id):
    comment = library_for(user).filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    if comment.owner_id != user.pk and not may_keep(user, comment.department):
        raise PermissionDenied(
            f"Only the heads of {comment.department.name} and the admins keep its standard comments."
        )
    return comment


def _apply(comment, values, *, required):
    if required or "shortcut" in values:
        shortcut = values.get("shortcut")
        shortcut = shortcut.strip().lstrip("#").lower() if isinstance(shortcut, str) else shortcut
        if not (isinstance(shortcut, str) and SHORTCUT.match(shortcut)):
            raise rules.invalid(
                "shortcut", "The shortcut is a word of letters, digits, - or _ (up to 40), typed after #."
            )
        comment.shortcut = shortcut
    if "code" in values:
        code = rules.check_text(values["code"], "code").strip()
        if len(code) > MAX_CODE:
            raise rules.invalid("code", f"The code reference is limited to {MAX_CODE} characters.")
        comment.code = code
    if required or "text" in values:
        text = rules.check_text(values.get("text"), "text").strip()
        if not text:
            raise rules.invalid("text", "Write the comment's text.")
        comment.text = text


def _saved(user, comment, verb, *, before):
    try:
        with transaction.atomic():
            comment.save()
            after = comment_json(comment, user)
            _record(user, verb, after, before=before, after=after)
    except IntegrityError:
        raise rules.invalid("shortcut", f"#{comment.shortcut} is already in this library.") from None
    return after


def _record(user, verb, shown, *, before, after):
    library = f"the {shown['department']} library" if shown["department"] else "their own library"
    audit.record(
        f"standard_comment.{verb}",
        actor=user,
        obj=("standard_comment", shown["id"]),
        summary=f"{user.get_username()} {verb} standard comment #{shown['shortcut']} in {library}",
        before=before,
        after=after,
    )
