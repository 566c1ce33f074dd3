"""The one shape of workflows and tasks (CONTRACT.md, extended; civicreview/shapes.py): what the
API answers and /api/schema/ documents. `context["now"]`: the moment a task's `overdue` is judged
at, the same for every task of one answer (now, when not given)."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicreview.shapes import Moment, Shape
from workflows.models import Decision, StageRun, Task, Workflow
from workflows.selectors import stage_status


class TaskSerializer(Shape):
    id = serializers.IntegerField()
    workflow = serializers.IntegerField(source="workflow_id")
    stage = serializers.IntegerField(source="stage.number", help_text="The stage's number.")
    department = serializers.CharField(source="department.slug", help_text="The department's slug.")
    kind = serializers.ChoiceField(choices=Task.Kind.choices)
    status = serializers.ChoiceField(choices=Task.Status.choices)
    assignee = serializers.CharField(source="assignee.username", allow_null=True)
    due_at = Moment()
    overdue = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    comment = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = Moment(allow_null=True)

    def get_overdue(self, task) -> bool:
        return task.status == Task.Status.PENDING and task.due_at <= (self.context.get("now") or timezone.now())

    @extend_schema_field(serializers.ChoiceField(choices=Decision.choices, allow_null=True))
    def get_decision(self, task):
        return task.decision or None


class TaskCaseSerializer(Shape):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class TaskListingSerializer(TaskSerializer):
    """A task with what a list of tasks needs to say which plans it is about."""

    version = serializers.IntegerField(source="workflow.version_id")
    case = TaskCaseSerializer(source="workflow.case")
    document = serializers.CharField(source="workflow.version.document.title")
    version_number = serializers.IntegerField(source="workflow.version.number")
    viewer_url = serializers.SerializerMethodField()

    def get_viewer_url(self, task) -> str:
        return reverse("documents:viewer", args=[task.workflow.version_id])


class StageSerializer(Shape):
    number = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[*StageRun.Status.choices, ("not_started", "Not started"), ("not_reached", "Not reached")]
    )
    opened_at = Moment(allow_null=True)
    closed_at = Moment(allow_null=True)


class ConditionSerializer(Shape):
    department = serializers.CharField()
    task = serializers.IntegerField()
    text = serializers.CharField()


class WorkflowSerializer(Shape):
    id = serializers.IntegerField()
    version = serializers.IntegerField(source="version_id")
    case = serializers.IntegerField(source="case_id")
    template = serializers.CharField(source="template.slug")
    status = serializers.ChoiceField(choices=Workflow.Status.choices)
    stage = serializers.IntegerField(help_text="The stage reached: the current one while in review.")
    stages = serializers.SerializerMethodField()
    conditions = ConditionSerializer(many=True)
    submitted_by = serializers.CharField(source="submitted_by.username")
    submitted_at = Moment()
    finished_at = Moment(allow_null=True)
    corrections_letter_url = serializers.SerializerMethodField(
        help_text="The letter: corrections (a draft while in review), or approval once approved."
    )
    approved_set_url = serializers.SerializerMethodField(
        help_text="The version with every sheet stamped approved; null until it is written."
    )
    approved_set_error = serializers.SerializerMethodField(
        help_text="Why the approved set could not be written (it is not tried again); else null."
    )
    tasks = serializers.SerializerMethodField()

    @extend_schema_field(StageSerializer(many=True))
    def get_stages(self, workflow):
        runs = {run.number: run for run in workflow.stages.all()}
        stages = [_stage(workflow, planned, runs.get(planned["number"])) for planned in workflow.plan]
        return StageSerializer(stages, many=True).data

    def get_corrections_letter_url(self, workflow) -> str:
        return reverse("api:corrections-letter", args=[workflow.version_id])

    def get_approved_set_url(self, workflow) -> str | None:
        return reverse("api:approved-set", args=[workflow.version_id]) if workflow.approved_set else None

    def get_approved_set_error(self, workflow) -> str | None:
        return workflow.approved_set_error or None

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, workflow):
        tasks = sorted(workflow.tasks.all(), key=lambda t: (t.stage.number, t.kind, t.department.name, t.pk))
        return TaskSerializer(tasks, many=True, context={"now": timezone.now(), **self.context}).data


def _stage(workflow, planned, run):
    return {
        "number": planned["number"],
        "name": planned["name"],
        "status": stage_status(workflow, run),
        "opened_at": run and run.opened_at,
        "closed_at": run and run.closed_at,
    }
