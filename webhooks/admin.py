"""Webhook endpoints (URL, secret, events) and the delivery log, with a replay action."""

from django import forms
from django.contrib import admin, messages

from civicreview.admin import ReadOnlyAdminMixin
from webhooks import services
from webhooks.models import EVENTS, Delivery, Endpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", help_text="Where deliveries are POSTed.")
    events = forms.MultipleChoiceField(
        choices=[(event, f"{event}: {words}") for event, words in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this endpoint.",
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events", "secret", "active"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_code", "created_at", "last_attempt_at"]
    list_filter = ["status", "event", "endpoint"]
    search_fields = ["event_id", "delivery_id", "error"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "endpoint", "event", "event_id", "delivery_id", "status", "attempts", "response_code", "error",
        "next_attempt_at", "last_attempt_at", "delivered_at", "created_at", "replay_of", "body",
    ]  # fmt: skip
    actions = ["replay"]

    def has_replay_permission(self, request):
        return request.user.has_perm("webhooks.change_delivery")

    @admin.action(description="Replay: send the selected deliveries' events again", permissions=["replay"])
    def replay(self, request, queryset):
        copies = services.replay(list(queryset))
        self.message_user(
            request, f"{len(copies)} deliver{'y' if len(copies) == 1 else 'ies'} queued again.", messages.SUCCESS
        )
