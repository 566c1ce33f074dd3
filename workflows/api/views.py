"""Thin API views over workflows.services: parse, call, render."""

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import selectors
from workflows.api.serializers import DecisionSerializer, SubmitSerializer
from workflows.services import approved_set, engine, letters
from workflows.shapes import TaskListingSerializer, TaskSerializer, WorkflowSerializer


class SubmitVersion(APIView):
    @extend_schema(request=SubmitSerializer, responses={201: WorkflowSerializer})
    def post(self, request, pk):
        workflow = engine.submit(
            request.user,
            pk,
            template=request.data.get("template", "standard"),
            departments=request.data.get("departments", []),
        )
        shown = selectors.visible_workflow(request.user, workflow.pk)
        return Response(WorkflowSerializer(shown).data, status=status.HTTP_201_CREATED)


class VersionWorkflow(APIView):
    """The workflow a version was submitted to (404 before it is submitted)."""

    @extend_schema(responses=WorkflowSerializer)
    def get(self, request, pk):
        return Response(WorkflowSerializer(selectors.workflow_of_version(request.user, pk)).data)


class WorkflowDetail(APIView):
    @extend_schema(responses=WorkflowSerializer)
    def get(self, request, pk):
        return Response(WorkflowSerializer(selectors.visible_workflow(request.user, pk)).data)


class TaskList(APIView):
    """Open tasks: with `mine=1` the user's own (their department's, those they head, or
    assigned to them), otherwise every open task on cases the user may see."""

    @extend_schema(parameters=[OpenApiParameter("mine", bool)], responses=TaskListingSerializer(many=True))
    def get(self, request):
        mine = request.query_params.get("mine") in ("1", "true", "yes")
        found = selectors.open_tasks(request.user, mine=mine)[:500]
        return Response(TaskListingSerializer(found, many=True, context={"now": timezone.now()}).data)


class TaskDecision(APIView):
    @extend_schema(request=DecisionSerializer, responses={200: TaskSerializer})
    def post(self, request, pk):
        task = engine.decide(request.user, pk, request.data.get("decision"), request.data.get("comment", ""))
        return Response(TaskSerializer(task).data)


class CorrectionsLetter(APIView):
    """The corrections letter as PDF: the issued one once the review ended with corrections
    required, a draft before that."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        pdf, name, issued = letters.letter_for(request.user, pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["X-Letter-Status"] = "issued" if issued else "draft"
        response["Cache-Control"] = "private, no-cache"
        return response


class ApprovedSet(APIView):
    """The approved set: the version with every sheet stamped, for the case's staff and
    applicants (404 until it is written)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        stored, name = approved_set.approved_set_for(request.user, pk)
        response = FileResponse(stored.open("rb"), content_type="application/pdf", as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-cache"
        return response
