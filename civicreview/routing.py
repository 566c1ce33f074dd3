from django.urls import path

from reviews.realtime.consumer import VersionConsumer

websocket_urlpatterns = [
    path("ws/versions/<int:pk>/", VersionConsumer.as_asgi()),
]
