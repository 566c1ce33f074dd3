"""Websocket routes; the real-time markup consumer joins these (issue 3)."""

websocket_urlpatterns = []
