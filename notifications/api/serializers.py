"""The request of marking notifications read, for the schema (a notification's shape: notifications.shapes)."""

from rest_framework import serializers


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    marked = serializers.IntegerField(read_only=True)
