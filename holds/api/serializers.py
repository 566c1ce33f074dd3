"""The holds API's shapes, for the schema (the answers are built by holds.services.hold_json)."""

from rest_framework import serializers

from holds.models import Hold


class HoldSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parcel_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    kind_text = serializers.CharField()
    active = serializers.BooleanField()
    reason = serializers.CharField()
    source = serializers.ChoiceField(choices=Hold.Source.choices)
    external_ref = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    placed_by = serializers.CharField(allow_null=True)
    placed_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(allow_null=True)
    released_by = serializers.CharField(allow_null=True)
    release_reason = serializers.CharField()


class ApplicantHoldSerializer(serializers.Serializer):
    """A hold as the case's applicant sees it: that it is there, and what kind."""

    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    kind_text = serializers.CharField()
    placed_at = serializers.DateTimeField()
    active = serializers.BooleanField()


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
