"""The holds API's requests and bulk answers, for the schema (a hold's own shape: holds.shapes)."""

from rest_framework import serializers

from holds.models import Hold


class PlaceHoldSerializer(serializers.Serializer):
    parcel_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    reason = serializers.CharField()
    external_ref = serializers.CharField(required=False)


class ReleaseHoldSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the hold is released.")


class BulkRowSerializer(PlaceHoldSerializer):
    action = serializers.ChoiceField(choices=["place", "lift"], default="place")
    external_ref = serializers.CharField()
    parcel_id = serializers.CharField(required=False)
    kind = serializers.ChoiceField(choices=Hold.Kind.choices, required=False)
    reason = serializers.CharField(required=False)


class BulkSerializer(serializers.Serializer):
    holds = BulkRowSerializer(many=True)


class BulkResultSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    external_ref = serializers.CharField()
    result = serializers.ChoiceField(choices=["placed", "lifted", "unchanged"])
    hold = serializers.IntegerField()


class BulkAnswerSerializer(serializers.Serializer):
    results = BulkResultSerializer(many=True)
