"""What a user is told: a task, a reminder, a decision, a mention."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a user should see: a mention, a task, a reminder. Shown in the inbox and live."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_read")]

    def __str__(self):
        return f"to {self.recipient}: {self.text[:60]}"
