"""The markup API's requests and the answers that are no resource of their own, for the schema (the
resources' shapes are in reviews.shapes; the rules live in reviews.markup_rules)."""

from rest_framework import serializers

from reviews.models import Annotation


class AnnotationChangeSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="The revision the client last saw.")
    page = serializers.IntegerField(required=False)
    geometry = serializers.JSONField(required=False)
    style = serializers.JSONField(required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Annotation.Status.choices, required=False)
    category = serializers.ChoiceField(choices=Annotation.Category.choices, required=False)


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
