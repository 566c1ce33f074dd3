"""Case status for residents and the city's data portal: no login, only what public.status allows."""

import csv
import itertools
import json

from django.http import StreamingHttpResponse
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from public import status
from public.serializers import PublicCaseSerializer


class PublicView(APIView):
    authentication_classes: list = []  # the same answer for everyone, logged in or not
    permission_classes = [AllowAny]


class CaseStatus(PublicView):
    @extend_schema(responses=PublicCaseSerializer)
    def get(self, request, number):
        return Response(PublicCaseSerializer(status.case_status(number)).data)


class OpenDataCsv(PublicView):
    """Every case's status and dates, one row each; fields in docs/open-data.md."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        lines = csv.writer(Echo())
        rows = itertools.chain([status.OPEN_DATA_FIELDS], status.open_data())
        response = StreamingHttpResponse((lines.writerow(row) for row in rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cases.csv"'
        return response


class OpenDataJson(PublicView):
    """The same rows as the CSV, as one JSON array of objects, streamed."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.ANY})
    def get(self, request):
        return StreamingHttpResponse(json_array(status.open_data()), content_type="application/json")


def json_array(rows):
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(dict(zip(status.OPEN_DATA_FIELDS, row, strict=True)))
    yield "\n]\n"


class Echo:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, line):
        return line


def case_status_page(request, number):
    return render(request, "public/case_status.html", {"case": status.case_status(number)})
