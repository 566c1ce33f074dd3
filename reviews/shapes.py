"""The one shape of each markup resource (civicreview/shapes.py): what the API answers, what the
event log stores and the socket sends, what /api/schema/ documents. The rules of what may be
written live in reviews.markup_rules; the fields marked writable here only document the requests."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicreview.shapes import Moment, Shape, render
from reviews.models import Annotation, Comment


class AnnotationSerializer(Shape):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(source="version_id", read_only=True)
    page = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Annotation.Kind.choices)
    geometry = serializers.JSONField(help_text='{"points": [[x, y], ...]} in PDF points, top-left origin.')
    style = serializers.JSONField(required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Annotation.Status.choices, required=False)
    category = serializers.ChoiceField(choices=Annotation.Category.choices, required=False)
    released_at = Moment(read_only=True, allow_null=True)
    carried_from = serializers.IntegerField(source="carried_from_id", read_only=True, allow_null=True)
    author = serializers.CharField(source="author.username", read_only=True)
    department = serializers.CharField(source="department.slug", read_only=True)
    revision = serializers.IntegerField(read_only=True)
    created_at = Moment(read_only=True)
    updated_at = Moment(read_only=True)


class CommentSerializer(Shape):
    id = serializers.IntegerField(read_only=True)
    annotation = serializers.IntegerField(source="annotation_id", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    body = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Comment.Visibility.choices, required=False)
    created_at = Moment(read_only=True)


class StampSerializer(Shape):
    id = serializers.IntegerField()
    wording = serializers.CharField()
    color = serializers.CharField()


class StampDefinitionSerializer(StampSerializer):
    """A stamp definition as the audit trail records it."""

    departments = serializers.SerializerMethodField()
    active = serializers.BooleanField()

    def get_departments(self, stamp) -> list[str]:
        return sorted(stamp.departments.values_list("slug", flat=True)) if stamp.pk else []


class StandardCommentSerializer(Shape):
    """A standard comment as `context["user"]` sees it: whether it is their own, and whether they may edit it."""

    id = serializers.IntegerField(read_only=True)
    department = serializers.CharField(
        source="department.slug",
        required=False,
        allow_null=True,
        help_text="A department's slug (its heads and admins only); none: your own.",
    )
    own = serializers.SerializerMethodField()
    shortcut = serializers.CharField(help_text="Typed as #shortcut in a markup's text.")
    code = serializers.CharField(required=False, allow_blank=True, help_text="e.g. IBC 1005.3.2")
    text = serializers.CharField()
    editable = serializers.SerializerMethodField()

    def get_own(self, comment) -> bool:
        return comment.owner_id == self.context["user"].pk

    def get_editable(self, comment) -> bool:
        from reviews.services.standard_comments import may_keep

        return self.get_own(comment) or may_keep(self.context["user"], comment.department)


class EventSerializer(Shape):
    """A change in the version's event log, as the socket sends it and `GET …/events/` lists it."""

    type = serializers.CharField(help_text="annotation.created, annotation.updated, comment.created, …")
    seq = serializers.IntegerField(help_text="The version's events are numbered 1, 2, 3, … without gaps.")
    ref = serializers.SerializerMethodField()
    user = serializers.CharField(source="user.username", help_text="Who made the change.")
    data = serializers.JSONField()

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The sender's ref, if it gave one."))
    def get_ref(self, event):
        return event.ref or None


class HiddenEventSerializer(serializers.Serializer):
    """An event the reader may not read (an applicant's): only its seq, so theirs has no gap."""

    type = serializers.ChoiceField(choices=["hidden"])
    seq = serializers.IntegerField()


event_json = render(EventSerializer)
