"""Every resource's shape (civicreview/shapes.py) renders real objects exactly as DRF's own
Serializer would: its faster reading changes nothing of what comes out."""

from django.utils import timezone
from rest_framework import serializers

from audit.models import AuditEntry
from audit.shapes import AuditEntrySerializer
from civicreview.shapes import Shape
from holds.models import Hold
from holds.shapes import ApplicantHoldSerializer, HoldSerializer
from notifications.models import Notification
from notifications.shapes import NotificationSerializer
from reviews.models import Annotation, Comment, StampDefinition, StandardComment, VersionEvent
from reviews.shapes import (
    AnnotationSerializer,
    CommentSerializer,
    EventSerializer,
    StampDefinitionSerializer,
    StampSerializer,
    StandardCommentSerializer,
)
from tests.test_api_against_schema import CLOUD, schema, world  # noqa: F401  (fixtures)
from workflows.models import Task, Workflow
from workflows.shapes import (
    ConditionSerializer,
    StageSerializer,
    TaskCaseSerializer,
    TaskListingSerializer,
    TaskSerializer,
    WorkflowSerializer,
)


def every_shape():
    found, waiting = set(), [Shape]
    while waiting:
        for shape in waiting.pop().__subclasses__():
            found.add(shape)
            waiting.append(shape)
    return found


def test_every_shape_renders_real_objects_as_drf_would(world, demo, after_commit):
    fire, planner, version = world.as_["fire"], world.as_["planner"], world.version.pk
    markup = fire.post(f"/api/versions/{version}/annotations/", CLOUD, format="json").json()
    fire.patch(f"/api/annotations/{markup['id']}/", {"revision": 1, "text": "Egress width"}, format="json")
    fire.post(f"/api/annotations/{markup['id']}/comments/", {"body": "@building see here"}, format="json")
    fire.post("/api/standard-comments/", {"shortcut": "egress", "text": "Show egress."}, format="json")
    planner.post("/api/holds/", {"parcel_id": "APN 052-118-07", "kind": "lien", "reason": "Lien"}, format="json")
    stamp = StampDefinition.objects.create(wording="SEEN BY FIRE")
    stamp.departments.set([demo.departments["fire"]])
    with after_commit():
        planner.post(f"/api/versions/{version}/submit/", {"departments": ["fire"]}, format="json")
        task = Task.objects.get(department__slug="fire")
        fire.post(f"/api/tasks/{task.pk}/decision/", {"decision": "approved_with_conditions", "comment": "Sprinklers."})
    workflow = Workflow.objects.get()
    now = timezone.now()

    rendered = [
        (AnnotationSerializer, Annotation.objects.all(), {}),
        (CommentSerializer, Comment.objects.all(), {}),
        (NotificationSerializer, Notification.objects.all(), {}),
        (StampSerializer, [stamp], {}),
        (StampDefinitionSerializer, [stamp], {}),
        (StandardCommentSerializer, StandardComment.objects.all(), {"user": demo.fire}),
        (EventSerializer, VersionEvent.objects.all(), {}),
        (TaskSerializer, Task.objects.all(), {"now": now}),
        (TaskListingSerializer, Task.objects.all(), {"now": now}),
        (TaskCaseSerializer, [workflow.case], {}),
        (WorkflowSerializer, [workflow], {"now": now}),
        (StageSerializer, WorkflowSerializer(workflow).data["stages"], {}),
        (ConditionSerializer, workflow.conditions, {}),
        (AuditEntrySerializer, AuditEntry.objects.all(), {}),
        (HoldSerializer, Hold.objects.all(), {}),
        (ApplicantHoldSerializer, Hold.objects.all(), {}),
    ]

    assert {shape for shape, _, _ in rendered} == every_shape()
    for shape, instances, context in rendered:
        assert instances, shape
        for instance in instances:
            made = shape(context=context)
            assert made.to_representation(instance) == serializers.Serializer.to_representation(made, instance)
