from django.urls import path

from notifications.consumer import NotificationConsumer
from reviews.realtime.consumer import VersionConsumer

websocket_urlpatterns = [
    path("ws/versions/<int:pk>/", VersionConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
