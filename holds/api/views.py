"""Thin API views over holds.services."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from holds import services
from holds.api.serializers import BulkAnswerSerializer, BulkSerializer, PlaceHoldSerializer, ReleaseHoldSerializer
from holds.models import Hold
from holds.shapes import HoldSerializer


def _staff_only(user):
    if not services.may_place(user):
        raise PermissionDenied("Only department staff and administrators see parcel holds.")


class HoldList(APIView):
    """Holds, newest first (`?parcel_id=` one parcel's, `?active=1` those not released); empty but to city staff."""

    @extend_schema(
        parameters=[OpenApiParameter("parcel_id", str), OpenApiParameter("active", bool)],
        responses=HoldSerializer(many=True),
    )
    def get(self, request):
        holds = services.visible_holds(request.user).select_related("department", "placed_by", "released_by")
        if request.query_params.get("parcel_id"):
            holds = holds.on_parcel(request.query_params["parcel_id"])
        if request.query_params.get("active") in ("1", "true"):
            holds = holds.active()
        return Response(HoldSerializer(holds[:1000], many=True).data)

    @extend_schema(request=PlaceHoldSerializer, responses={201: HoldSerializer})
    def post(self, request):
        data = request.data
        hold = services.place(
            request.user,
            parcel_id=data.get("parcel_id"),
            kind=data.get("kind"),
            reason=data.get("reason"),
            external_ref=data.get("external_ref", ""),
        )
        return Response(services.hold_json(hold), status=status.HTTP_201_CREATED)


class HoldRelease(APIView):
    @extend_schema(request=ReleaseHoldSerializer, responses={200: HoldSerializer})
    def post(self, request, pk):
        _staff_only(request.user)
        hold = services.release(request.user, pk, request.data.get("reason"))
        return Response(services.hold_json(hold))


class HoldBulk(APIView):
    """Another system (an account with `holds.sync_holds`) places and lifts holds in one batch, all or
    nothing; sending the same batch again changes nothing (each row's `external_ref`)."""

    @extend_schema(request=BulkSerializer, responses={200: BulkAnswerSerializer})
    def post(self, request):
        if not services.may_sync(request.user):
            raise PermissionDenied(
                "This account may not place holds in bulk: it needs the permission holds.sync_holds."
            )
        try:
            results = services.apply_batch(request.user, request.data.get("holds"), source=Hold.Source.SYSTEM)
        except services.BatchRejected as rejected:
            return Response(rejected.as_json(), status=status.HTTP_400_BAD_REQUEST)
        return Response({"results": results})
