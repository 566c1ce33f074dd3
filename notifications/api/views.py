"""Thin API views over notifications.services."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import services as notifications
from notifications.api.serializers import MarkReadSerializer
from notifications.shapes import NotificationSerializer


class Notifications(APIView):
    """The user's notifications, newest first (`?unread=1`: only those not read yet)."""

    @extend_schema(parameters=[OpenApiParameter("unread", bool)], responses=NotificationSerializer(many=True))
    def get(self, request):
        found = notifications.inbox(request.user, unread_only=request.query_params.get("unread") in ("1", "true"))
        return Response(NotificationSerializer(found[:200], many=True).data)


class NotificationsRead(APIView):
    """Mark notifications read: `{"ids": [...]}`, or all of them without ids."""

    @extend_schema(request=MarkReadSerializer, responses={200: MarkReadSerializer})
    def post(self, request):
        ids = request.data.get("ids")
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
            raise ValidationError({"ids": ["ids must be a list of notification ids."]})
        return Response({"marked": notifications.mark_read(request.user, ids)})
