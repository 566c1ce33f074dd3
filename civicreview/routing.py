from django.urls import path

from reviews.realtime.consumer import VersionConsumer
from reviews.realtime.inbox import NotificationConsumer

websocket_urlpatterns = [
    path("ws/versions/<int:pk>/", VersionConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
