"""Thin API views: parse, call a selector or service, render."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from civicreview.ranges import ranged_file_response
from documents import selectors
from documents.api.serializers import (
    ApplicantSerializer,
    CaseDepartmentsSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    DocumentSerializer,
    UploadSerializer,
    VersionSerializer,
    VersionUploadSerializer,
)
from documents.models import Document
from documents.services import cases, intake


class CaseList(generics.ListCreateAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self):
        return selectors.visible_cases(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = cases.create_case(self.request.user, **serializer.validated_data)


class CaseDetail(generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer

    def get_object(self):
        return selectors.case_detail(self.request.user, self.kwargs["pk"])

    @extend_schema(request=CaseDepartmentsSerializer, responses={200: CaseDetailSerializer})
    def patch(self, request, pk):
        case = self.get_object()
        changes = CaseDepartmentsSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        cases.change_departments(request.user, case, changes.validated_data["departments"])
        return Response(CaseDetailSerializer(self.get_object(), context={"request": request}).data)


class CaseApplicants(APIView):
    """The case's applicants: listed to whoever sees the case, invited by its lead department."""

    @extend_schema(responses=ApplicantSerializer(many=True))
    def get(self, request, pk):
        case = selectors.case_detail(request.user, pk)
        return Response(ApplicantSerializer(case.applicants.select_related("user", "added_by"), many=True).data)

    @extend_schema(request=ApplicantSerializer, responses={201: ApplicantSerializer})
    def post(self, request, pk):
        case = selectors.case_detail(request.user, pk)
        invited = cases.add_applicant(request.user, case, request.data.get("username"))
        return Response(ApplicantSerializer(invited).data, status=status.HTTP_201_CREATED)


class CaseApplicant(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk, username):
        cases.remove_applicant(request.user, selectors.case_detail(request.user, pk), username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadView(APIView):
    """Multipart uploads; the declared size is checked before the body is read."""

    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        # Before authentication: session auth checks CSRF, which reads the whole body.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        intake.check_upload_size(declared - intake.MULTIPART_OVERHEAD)
        super().initial(request, *args, **kwargs)


class CaseDocuments(UploadView):
    @extend_schema(request=UploadSerializer, responses={201: DocumentSerializer})
    def post(self, request, pk):
        case = selectors.case_detail(request.user, pk)
        with transaction.atomic():  # answer with the state as committed, before processing starts
            document = intake.add_document(
                request.user,
                case,
                title=request.data.get("title", ""),
                upload=request.FILES.get("file"),
                kind=request.data.get("kind") or Document.Kind.PLAN_SET,
            )
            answer = DocumentSerializer(document).data
        return Response(answer, status=status.HTTP_201_CREATED)


class DocumentDetail(generics.RetrieveAPIView):
    serializer_class = DocumentSerializer

    def get_object(self):
        return selectors.visible_document(self.request.user, self.kwargs["pk"])


class DocumentVersions(UploadView):
    @extend_schema(request=VersionUploadSerializer, responses={201: VersionSerializer})
    def post(self, request, pk):
        document = selectors.visible_document(request.user, pk)
        with transaction.atomic():  # answer with the state as committed, before processing starts
            version = intake.add_version(
                request.user,
                document,
                upload=request.FILES.get("file"),
                partial=str(request.data.get("partial", "")).lower() in ("1", "true", "on"),
            )
            answer = VersionSerializer(version).data
        return Response(answer, status=status.HTTP_201_CREATED)


class VersionDetail(generics.RetrieveAPIView):
    serializer_class = VersionSerializer

    def get_object(self):
        return selectors.visible_version(self.request.user, self.kwargs["pk"], with_pages=True)


class VersionFile(APIView):
    """The PDF, with HTTP range requests for PDF.js.

    The copy written at intake for the viewer when there is one (the same pages,
    arranged so that PDF.js needs a few requests before drawing sheet 1 instead of
    one per sheet: see documents.pdf.sandbox.web), else the upload itself;
    `?original=1` always gives the upload, byte for byte.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "original", OpenApiTypes.BOOL, description="The uploaded file itself, not the copy for the viewer."
            )
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk):
        version = selectors.visible_version(request.user, pk)
        filename = f"{version.document.case.number}-{version.document.title}-v{version.number}.pdf"
        if version.web_file and request.query_params.get("original") not in ("1", "true"):
            file, etag = version.web_file, f"{version.sha256}.web"
        else:
            file, etag = version.file, version.sha256
        return ranged_file_response(request, file, content_type="application/pdf", filename=filename, etag=etag)


class PageThumbnail(APIView):
    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request, pk, number):
        page = selectors.visible_page(request.user, pk, number)
        return ranged_file_response(request, page.thumbnail, content_type="image/png", filename=f"{number}.png")
