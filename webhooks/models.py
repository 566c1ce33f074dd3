"""Outbound webhooks: the endpoints other city systems registered, and every delivery made to them."""

import secrets
import uuid

from django.db import models

EVENTS = {
    "case.received": "A document or a new version of one was uploaded to a case",
    "case.submitted": "A version was submitted for review",
    "task.decided": "A department decided its review or approval",
    "case.decided": "A review ended (approved, with conditions, corrections required or rejected)",
    "case.comments_released": "A review's corrections and notes were released to the applicant",
    "case.approved": "A review ended approved (or approved with conditions)",
    "hold.placed": "A hold was placed on a parcel",
    "hold.lifted": "A hold on a parcel was released",
}


def new_secret():
    return secrets.token_urlsafe(32)


class Endpoint(models.Model):
    name = models.CharField(max_length=100, help_text="Whose system this is, e.g. Billing.")
    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=200, default=new_secret, help_text="Signs every delivery (HMAC-SHA256); give it to the receiver."
    )
    events = models.JSONField(default=list, help_text="The events sent to it: " + ", ".join(EVENTS) + ".")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.url})"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.UUIDField(help_text="The event's id, the same in every endpoint's delivery of it.")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.TextField(help_text="The JSON sent, byte for byte as signed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event} to {self.endpoint.name}"
