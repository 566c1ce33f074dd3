"""The shape of an audit entry in the API, for the schema (audit.services.entry_json writes it)."""

from rest_framework import serializers


class AuditEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField()
    object = serializers.CharField(allow_null=True)
    summary = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    prev_hash = serializers.CharField()
    hash = serializers.CharField()
