"""The workflow API's requests, for the schema (the answers' shapes are in workflows.shapes; the rules
live in workflows.services)."""

from rest_framework import serializers

from workflows.models import Decision


class SubmitSerializer(serializers.Serializer):
    template = serializers.CharField(default="standard", help_text="A workflow template's slug.")
    departments = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The reviewing departments' slugs, for steps by chosen departments.",
    )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, help_text="Needed for conditions and rejections.")
