"""The one shape of a hold (civicreview/shapes.py): what the holds API and the case's JSON answer
and /api/schema/ documents; to the case's applicant only that it is there and what kind."""

from rest_framework import serializers

from civicreview.shapes import Moment, Shape
from holds.models import Hold


class ApplicantHoldSerializer(Shape):
    """A hold as the case's applicant sees it: that it is there, and what kind."""

    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    kind_text = serializers.CharField(source="get_kind_display")
    placed_at = Moment()
    active = serializers.BooleanField()


class HoldSerializer(Shape):
    id = serializers.IntegerField()
    parcel_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    kind_text = serializers.CharField(source="get_kind_display")
    placed_at = Moment()
    active = serializers.BooleanField()
    reason = serializers.CharField()
    source = serializers.ChoiceField(choices=Hold.Source.choices)
    external_ref = serializers.CharField()
    department = serializers.CharField(source="department.slug", allow_null=True)
    placed_by = serializers.CharField(source="placed_by.username", allow_null=True)
    released_at = Moment(allow_null=True)
    released_by = serializers.CharField(source="released_by.username", allow_null=True)
    release_reason = serializers.CharField()
