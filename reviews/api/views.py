"""Thin API views over reviews.services.annotations; changes made here are broadcast like the websocket's."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.selectors import visible_version
from reviews.api.chest import SUMMARY_FILTERS
from reviews.api.serializers import (
    AnnotationChangeSerializer,
    PageScaleSerializer,
    PlaceSerializer,
    VersionChangesSerializer,
)
from reviews.services import annotations, audience, cycles, events, sheets, summary
from reviews.shapes import AnnotationSerializer, CommentSerializer, EventSerializer, HiddenEventSerializer


def _int(value, field):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [f"{field} must be a whole number."]}) from None


class VersionAnnotations(APIView):
    @extend_schema(parameters=SUMMARY_FILTERS, responses=AnnotationSerializer(many=True))
    def get(self, request, pk):
        version = visible_version(request.user, pk)
        found = summary.filtered(request.user, version, request.query_params)
        return Response(AnnotationSerializer(found, many=True).data)

    @extend_schema(request=AnnotationSerializer, responses={201: AnnotationSerializer})
    def post(self, request, pk):
        event = annotations.create_annotation(request.user, pk, dict(request.data), ref=request.data.get("ref", ""))
        return Response(event.data, status=status.HTTP_201_CREATED)


class AnnotationDetail(APIView):
    @extend_schema(responses=AnnotationSerializer)
    def get(self, request, pk):
        return Response(annotations.annotation_json(annotations.visible_annotation(request.user, pk)))

    @extend_schema(request=AnnotationChangeSerializer, responses={200: AnnotationSerializer})
    def patch(self, request, pk):
        changes = {key: value for key, value in request.data.items() if key not in ("revision", "ref")}
        revision = _int(request.data.get("revision"), "revision")
        event = annotations.update_annotation(request.user, pk, revision, changes, ref=request.data.get("ref", ""))
        return Response(event.data)

    @extend_schema(parameters=[OpenApiParameter("revision", int, description="Or in the body.")], responses={204: None})
    def delete(self, request, pk):
        revision = _int(request.data.get("revision", request.query_params.get("revision")), "revision")
        annotations.delete_annotation(request.user, pk, revision, ref=request.data.get("ref", ""))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnotationComments(APIView):
    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, pk):
        return Response(CommentSerializer(annotations.comments_of(request.user, pk), many=True).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request, pk):
        event = annotations.add_comment(
            request.user,
            pk,
            request.data.get("body"),
            ref=request.data.get("ref", ""),
            visibility=request.data.get("visibility"),
        )
        return Response(event.data, status=status.HTTP_201_CREATED)


class VersionEvents(APIView):
    """The version's event log after `after` (a client's last seq): what it missed."""

    @extend_schema(
        parameters=[OpenApiParameter("after", int)],
        responses=PolymorphicProxySerializer(
            component_name="VersionEvent",
            serializers=[EventSerializer, HiddenEventSerializer],
            resource_type_field_name=None,
            many=True,
        ),
    )
    def get(self, request, pk):
        version = visible_version(request.user, pk)
        after = _int(request.query_params.get("after", 0), "after")
        found = [event.message() for event in events.events_after(version.pk, after)[:1000]]
        return Response(audience.events_for(request.user, version, found))


class PageSettings(APIView):
    """PATCH `{"scale": {"ratio", "unit", "label"} | null}`: a sheet's drawing scale, shared with everyone."""

    @extend_schema(request=PageScaleSerializer, responses={200: PageScaleSerializer})
    def patch(self, request, pk, number):
        if "scale" not in request.data:
            raise ValidationError({"scale": ["Send the scale, or null to clear it."]})
        event = sheets.set_page_scale(request.user, pk, number, request.data["scale"], ref=request.data.get("ref", ""))
        return Response(event.data)


class VersionChanges(APIView):
    """What changed against the previous version (contract `GET /api/versions/{id}/changes/`)."""

    @extend_schema(responses=VersionChangesSerializer)
    def get(self, request, pk):
        return Response(cycles.changes_json(request.user, pk))


class PlaceUnmatched(APIView):
    """A reviewer places one of the previous version's unmatched markups on a page of this one."""

    @extend_schema(request=PlaceSerializer, responses={201: AnnotationSerializer})
    def post(self, request, pk, annotation):
        placed = cycles.place_unmatched(request.user, pk, annotation, request.data.get("page"))
        return Response(annotations.annotation_json(placed), status=status.HTTP_201_CREATED)
