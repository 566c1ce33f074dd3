"""The one shape of an audit entry (civicreview/shapes.py): what the case's audit API answers and
/api/schema/ documents."""

from rest_framework import serializers

from civicreview.shapes import Moment, Shape


class AuditEntrySerializer(Shape):
    seq = serializers.IntegerField(help_text="Its place in the case's chain.")
    at = Moment()
    actor = serializers.CharField(source="actor_name")
    action = serializers.CharField()
    object = serializers.SerializerMethodField()
    summary = serializers.CharField()
    before = serializers.JSONField(source="before_data", allow_null=True)
    after = serializers.JSONField(source="after_data", allow_null=True)
    prev_hash = serializers.CharField()
    hash = serializers.CharField()

    def get_object(self, entry) -> str | None:
        return f"{entry.object_type}:{entry.object_id}" if entry.object_type else None
