"""The reviewer's tool chest over HTTP: standard comments, the stamps one may place, and the
markup summary (CSV and PDF) of a version's markup list."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.selectors import visible_version
from reviews.services import stamps, standard_comments, summary
from reviews.shapes import StampSerializer, StandardCommentSerializer


class StandardComments(APIView):
    """Your departments' standard comments and your own."""

    @extend_schema(responses=StandardCommentSerializer(many=True))
    def get(self, request):
        found = standard_comments.library_for(request.user)
        return Response(StandardCommentSerializer(found, many=True, context={"user": request.user}).data)

    @extend_schema(request=StandardCommentSerializer, responses={201: StandardCommentSerializer})
    def post(self, request):
        return Response(standard_comments.create(request.user, dict(request.data)), status=status.HTTP_201_CREATED)


class StandardCommentDetail(APIView):
    @extend_schema(request=StandardCommentSerializer, responses={200: StandardCommentSerializer})
    def patch(self, request, pk):
        return Response(standard_comments.update(request.user, pk, dict(request.data)))

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        standard_comments.delete(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Stamps(APIView):
    """The stamps your departments may place."""

    @extend_schema(responses=StampSerializer(many=True))
    def get(self, request):
        return Response(StampSerializer(stamps.stamps_for(request.user), many=True).data)


SUMMARY_FILTERS = [
    OpenApiParameter("page", int),
    OpenApiParameter("status", str, enum=["open", "resolved"]),
    OpenApiParameter("category", str, enum=["correction", "note", "internal"]),
    OpenApiParameter("department", str, description="A department's slug."),
    OpenApiParameter("author", str, description="A username."),
    OpenApiParameter("kind", str),
]


def _filters_in_words(params):
    return ", ".join(f"{name} {params[name]}" for name in summary.FILTERS if params.get(name))


class SummaryCsv(APIView):
    """The markup list, with the list's filters, as CSV."""

    @extend_schema(parameters=SUMMARY_FILTERS, responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk):
        version = visible_version(request.user, pk)
        found = summary.rows(request.user, version, request.query_params)
        return _download(summary.as_csv(found), "text/csv; charset=utf-8", summary.file_name(version, "csv"))


class SummaryPdf(APIView):
    """The markup list, with the list's filters, as PDF."""

    @extend_schema(parameters=SUMMARY_FILTERS, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        version = visible_version(request.user, pk)
        found = summary.rows(request.user, version, request.query_params)
        pdf = summary.as_pdf(version, found, filters=_filters_in_words(request.query_params))
        return _download(pdf, "application/pdf", summary.file_name(version, "pdf"))


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-cache"
    return response
