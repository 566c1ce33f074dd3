from rest_framework import serializers


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField(help_text="What happened, in plain words.")


class PublicCaseSerializer(serializers.Serializer):
    """The allowlist: a resident's answer carries these fields and nothing else."""

    number = serializers.CharField()
    kind = serializers.CharField(help_text="The kind of application, in words.")
    address = serializers.CharField()
    status = serializers.CharField(help_text="open, in_review, corrections_required, approved, rejected or closed.")
    status_text = serializers.CharField(help_text="The status in words.")
    opened_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text="When the latest step happened.")
    timeline = TimelineEventSerializer(many=True)
