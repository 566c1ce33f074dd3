"""Shapes of the workflow API, for the schema; the rules live in workflows.services."""

from rest_framework import serializers

from workflows.models import Decision, StageRun, Task, Workflow


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


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workflow = serializers.IntegerField()
    stage = serializers.IntegerField(help_text="The stage's number.")
    department = serializers.CharField(help_text="The department's slug.")
    kind = serializers.ChoiceField(choices=Task.Kind.choices)
    status = serializers.ChoiceField(choices=Task.Status.choices)
    assignee = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    decision = serializers.ChoiceField(choices=Decision.choices, allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class TaskCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class TaskListingSerializer(TaskSerializer):
    version = serializers.IntegerField()
    case = TaskCaseSerializer()
    document = serializers.CharField()
    version_number = serializers.IntegerField()
    viewer_url = serializers.CharField()


class StageSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[*StageRun.Status.choices, ("not_started", "Not started"), ("not_reached", "Not reached")]
    )
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class ConditionSerializer(serializers.Serializer):
    department = serializers.CharField()
    task = serializers.IntegerField()
    text = serializers.CharField()


class WorkflowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    case = serializers.IntegerField()
    template = serializers.CharField()
    status = serializers.ChoiceField(choices=Workflow.Status.choices)
    stage = serializers.IntegerField(help_text="The stage reached: the current one while in review.")
    stages = StageSerializer(many=True)
    conditions = ConditionSerializer(many=True)
    submitted_by = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    corrections_letter_url = serializers.CharField(
        help_text="The letter: corrections (a draft while in review), or approval once approved."
    )
    approved_set_url = serializers.CharField(
        allow_null=True, help_text="The version with every sheet stamped approved; null until it is written."
    )
    tasks = TaskSerializer(many=True)
