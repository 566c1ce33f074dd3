"""The one shape of a notification (civicreview/shapes.py): what the API answers, the socket sends
and /api/schema/ documents."""

from rest_framework import serializers

from civicreview.shapes import Moment, Shape


class NotificationSerializer(Shape):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    created_at = Moment()
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None
