"""GET /api/search/?q= and GET /api/versions/{id}/find/?q=: thin views over the services."""

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import selectors
from search import find, services
from search.query import BadQuery

_HIT_FIELDS: dict[str, serializers.Field] = {
    "type": serializers.ChoiceField(["case", "sheet", "annotation", "comment"]),
    "case": serializers.IntegerField(),
    "case_number": serializers.CharField(),
    "version": serializers.IntegerField(allow_null=True),
    "page": serializers.IntegerField(allow_null=True),
    "snippet": serializers.CharField(help_text="HTML: the text escaped, the words found in <mark>."),
    "url": serializers.CharField(),
    "rank": serializers.FloatField(),
}


def _number(request, name, default):
    value = request.query_params.get(name, "")
    if not value:
        return default
    if not value.isdigit():
        raise ValidationError({name: [f"{name} must be a whole number."]})
    return int(value)


def _query(request):
    return request.query_params.get("q")


class SearchView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, required=True, description='Web search syntax: "a phrase", OR, -word'
            ),
            OpenApiParameter("offset", OpenApiTypes.INT),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {services.MAX_LIMIT}, 20 unless given"),
        ],
        responses=inline_serializer(
            "SearchResults",
            {
                "results": inline_serializer("SearchHit", _HIT_FIELDS, many=True),
                "more": serializers.BooleanField(),
                "complete": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        offset, limit = _number(request, "offset", 0), _number(request, "limit", 20)
        try:
            hits, more, complete = services.search_bounded(request.user, _query(request), offset=offset, limit=limit)
        except BadQuery as error:
            raise ValidationError({"q": [str(error)]}) from None
        return Response({"results": [asdict(hit) for hit in hits], "more": more, "complete": complete})


class FindInVersion(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk):
        version = selectors.visible_version(request.user, pk)
        try:
            return Response(find.find_in_version(version, _query(request)))
        except BadQuery as error:
            raise ValidationError({"q": [str(error)]}) from None
