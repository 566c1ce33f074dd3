"""The audit trail over the API."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import entries_for_case
from audit.shapes import AuditEntrySerializer
from documents.models import Case


class CaseAudit(APIView):
    """The case's audit trail, oldest first: who did what, when, and what changed."""

    @extend_schema(responses=AuditEntrySerializer(many=True))
    def get(self, request, pk):
        # its reviewers only: the trail tells every markup change, internal ones included
        case = get_object_or_404(Case.objects.reviewed_by(request.user), pk=pk)
        return Response(AuditEntrySerializer(entries_for_case(case.pk), many=True).data)
