"""/ws/notifications/: a user's own notifications as they arrive."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

from reviews.realtime.consumer import CLOSE_UNAUTHENTICATED
from reviews.services import notifications


class NotificationConsumer(AsyncWebsocketConsumer):
    """A channel per socket joined to the user's group: one person's sockets are few."""

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            return await self.close(CLOSE_UNAUTHENTICATED)
        self.group = notifications.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification(self, event):
        await self.send(text_data=json.dumps({"type": "notification", "data": event["notification"]}))
