"""Shapes of the markup API, for the schema; the rules live in reviews.markup_rules."""

from rest_framework import serializers

from reviews.models import Annotation, Comment


class AnnotationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    page = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Annotation.Kind.choices)
    geometry = serializers.JSONField(help_text='{"points": [[x, y], ...]} in PDF points, top-left origin.')
    style = serializers.JSONField(required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Annotation.Status.choices, required=False)
    category = serializers.ChoiceField(choices=Annotation.Category.choices, required=False)
    released_at = serializers.DateTimeField(read_only=True, allow_null=True)
    carried_from = serializers.IntegerField(read_only=True, allow_null=True)
    author = serializers.CharField(read_only=True)
    department = serializers.CharField(read_only=True)
    revision = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class AnnotationChangeSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="The revision the client last saw.")
    page = serializers.IntegerField(required=False)
    geometry = serializers.JSONField(required=False)
    style = serializers.JSONField(required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Annotation.Status.choices, required=False)
    category = serializers.ChoiceField(choices=Annotation.Category.choices, required=False)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    annotation = serializers.IntegerField(read_only=True)
    author = serializers.CharField(read_only=True)
    body = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Comment.Visibility.choices, required=False)
    created_at = serializers.DateTimeField(read_only=True)


class EventSerializer(serializers.Serializer):
    type = serializers.CharField()
    seq = serializers.IntegerField()
    ref = serializers.CharField(allow_null=True)
    data = serializers.JSONField()


class PageScaleSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    scale = serializers.JSONField(help_text='{"ratio": 48, "unit": "ft", "label": "1/4\\" = 1\'-0\\""} or null.')


class SheetChangeSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    label = serializers.CharField()
    previous_page = serializers.IntegerField(allow_null=True, help_text="Null when the sheet was added.")
    change = serializers.ChoiceField(choices=["added", "changed", "unchanged"])


class RemovedSheetSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    label = serializers.CharField()


class VersionChangesSerializer(serializers.Serializer):
    previous = serializers.IntegerField(allow_null=True, help_text="The version this one replaced.")
    status = serializers.ChoiceField(choices=["pending", "ready"])
    sheets = SheetChangeSerializer(many=True)
    removed = RemovedSheetSerializer(many=True)
    unmatched_annotations = serializers.ListField(
        child=serializers.IntegerField(), help_text="Markups of the previous version waiting to be placed by hand."
    )


class PlaceSerializer(serializers.Serializer):
    page = serializers.IntegerField(help_text="The page of this version to carry the markup onto.")
