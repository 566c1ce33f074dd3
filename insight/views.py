"""GET /api/insight/ (every figure as JSON) and /api/insight/{figure}.csv: department heads get
their departments' figures, staff every department's, anyone else empty figures (as other
lists answer); the dashboard draws its charts from them."""

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from insight import figures


def _filters(request):
    try:
        return figures.Filters.parse(request.query_params)
    except ValueError as error:
        raise ValidationError({"detail": str(error)}) from None


class Insight(APIView):
    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request):
        filters = _filters(request)
        user = request.user
        return Response(
            {
                "turnaround": figures.turnaround(user, filters),
                "workload": figures.workload(user, filters),
                "outcomes": figures.outcomes(user, filters),
            }
        )


CSV_ROWS = {
    "turnaround": lambda user, filters: figures.turnaround(user, filters),
    "workload": lambda user, filters: figures.workload(user, filters)["departments"],
    "reviewers": lambda user, filters: figures.workload(user, filters)["reviewers"],
    "outcomes": lambda user, filters: figures.outcomes(user, filters),
}


class InsightCsv(APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, figure):
        filters = _filters(request)
        rows = CSV_ROWS[figure](request.user, filters)
        out = io.StringIO()
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{figure}.csv"'
        return response
