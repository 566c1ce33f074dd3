from django.urls import path

from reviews.realtime.consumer import VersionConsumer
from workflows.realtime import LiveConsumer

websocket_urlpatterns = [
    path("ws/versions/<int:pk>/", VersionConsumer.as_asgi()),
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/notifications/", LiveConsumer.as_asgi()),  # its first name, before it carried the screens too
]
