"""Holds in the admin: placed through the service (audited, announced), released by giving a reason."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from civicreview.errors import Conflict
from holds import services
from holds.models import Hold

PLACED_FIELDS = ["parcel_id", "kind", "reason", "external_ref"]
RECORD_FIELDS = ["source", "department", "placed_by", "placed_at", "released_at", "released_by"]


class HoldForm(forms.ModelForm):
    class Meta:
        model = Hold
        fields = [*PLACED_FIELDS, "release_reason"]
        help_texts = {"release_reason": "To release the hold, say why and save."}


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    form = HoldForm
    list_display = ["parcel_id", "kind", "source", "department", "placed_at", "released_at", "external_ref"]
    list_filter = ["kind", "source", ("released_at", admin.EmptyFieldListFilter), "department"]
    search_fields = ["parcel_id", "external_ref", "reason"]
    date_hierarchy = "placed_at"

    def get_fields(self, request, obj=None):
        if obj is None:
            return PLACED_FIELDS
        return [*PLACED_FIELDS, *RECORD_FIELDS, "release_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*PLACED_FIELDS, *RECORD_FIELDS] + ([] if obj.active else ["release_reason"])

    def has_delete_permission(self, request, obj=None):
        return False  # a hold is released, never deleted: its record stays

    def save_model(self, request, obj, form, change):
        try:
            if not change:
                values = {name: form.cleaned_data.get(name, "") for name in PLACED_FIELDS}
                obj.pk = services.place(request.user, **values).pk
            elif obj.active and form.cleaned_data.get("release_reason"):
                services.release(request.user, obj.pk, form.cleaned_data["release_reason"])
        except (ValidationError, PermissionDenied, Conflict) as refusal:
            text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
            self.message_user(request, f"Nothing was changed: {text}", messages.ERROR)
        obj.refresh_from_db() if obj.pk else None

    def log_change(self, request, obj, message):
        return None  # the audit trail records holds

    def log_addition(self, request, obj, message):
        return None
