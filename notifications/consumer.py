"""/ws/notifications/: a user's own notifications as they arrive, each with the user's unread
count; on connect (and after each reconnection) a hello with that count, so every open page's
Inbox badge is right."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from civicreview.errors import CLOSE_UNAUTHENTICATED
from notifications import services as notifications


class NotificationConsumer(AsyncWebsocketConsumer):
    """A channel per socket joined to the user's group: one person's sockets are few."""

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            return await self.close(CLOSE_UNAUTHENTICATED)
        self.group = notifications.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        unread = await database_sync_to_async(notifications.unread_count)(user)
        await self.send(text_data=json.dumps({"type": "hello", "unread": unread}))

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification(self, event):
        message = {"type": "notification", "data": event["notification"], "unread": event["unread"]}
        await self.send(text_data=json.dumps(message))

    async def decision(self, event):
        """A decision a dashboard of this user's shows (insight.live)."""
        await self.send(text_data=json.dumps({"type": "decision", "data": event["decision"]}))

    async def unread(self, event):
        await self.send(text_data=json.dumps({"type": "unread", "unread": event["unread"]}))
