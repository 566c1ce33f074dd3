"""Who reads which markups and replies (DESIGN, "Review cycles and who sees what").

A case's reviewers (staff, the departments taking part) read everything of its
versions. Its applicant reads only what the reviews released to them: the
corrections and notes of a cycle whose workflow has ended
(`AnnotationQuerySet.released`, `is_released` for one event), and of their
threads the replies shared with the applicant. HTTP lists and lookups, the
websocket's delivery and resume, the event log over HTTP and the letters all
ask here; an applicant asking for anything else gets 404, as an outsider would.
"""

from django.http import Http404

from documents.selectors import reviews_version
from reviews.models import Comment, is_released

HIDDEN = "hidden"  # an event the socket's user may not read: only its seq goes out, so no gap opens


def annotations_for(user, version):
    found = version.annotations.all()
    return found if reviews_version(user, version.pk) else found.released()


def replies_for(user, annotation):
    found = annotation.comments.all()
    return found if reviews_version(user, annotation.version_id) else found.filter(visibility=_SHARED)


def readable(user, annotation):
    """Whether a user who may see the annotation's version may read this annotation."""
    return reviews_version(user, annotation.version_id) or is_released({
        "category": annotation.category, "released_at": annotation.released_at
    })  # fmt: skip


def check_readable(user, annotation):
    if not readable(user, annotation):
        raise Http404


_SHARED = Comment.Visibility.APPLICANT


class ApplicantFeed:
    """What an applicant's socket (or event list) receives of a version's events.

    `shown`: ids of the annotations the applicant reads, as loaded when the feed
    began; an annotation that stops being readable (say, made internal) goes out
    as deleted. Every other event of a markup or reply is replaced by
    `{"type": "hidden", "seq"}`, so the client's seq stays gap-free.
    """

    def __init__(self, user, version):
        self.shown = set(annotations_for(user, version).values_list("pk", flat=True))

    def view(self, message):
        kind, data = message.get("type", ""), message.get("data") or {}
        if kind in ("annotation.created", "annotation.updated"):
            if is_released(data):
                self.shown.add(data["id"])
                return message
            if data.get("id") in self.shown:
                self.shown.discard(data["id"])
                return {**message, "type": "annotation.deleted", "data": {"id": data["id"]}}
            return _hidden(message)
        if kind == "annotation.deleted":
            if data.get("id") in self.shown:
                self.shown.discard(data["id"])
                return message
            return _hidden(message)
        if kind.startswith("comment."):
            if data.get("visibility") == _SHARED and data.get("annotation") in self.shown:
                return message
            return _hidden(message)
        return message


def _hidden(message):
    return {"type": HIDDEN, "seq": message["seq"]}


def events_for(user, version, messages):
    """The event log's messages as the user may read them."""
    if reviews_version(user, version.pk):
        return messages
    feed = ApplicantFeed(user, version)
    return [feed.view(message) for message in messages]
