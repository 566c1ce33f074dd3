"""Holds in the admin: placed through the service (audited, announced), released by giving a reason."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from civicreview.errors import Conflict
from holds import services
from holds.csv_import import COLUMNS, read_rows
from holds.models import Hold

MAX_CSV_BYTES = 5 * 1024 * 1024

PLACED_FIELDS = ["parcel_id", "kind", "reason", "external_ref"]
RECORD_FIELDS = ["source", "department", "placed_by", "placed_at", "released_at", "released_by"]


class HoldForm(forms.ModelForm):
    class Meta:
        model = Hold
        fields = [*PLACED_FIELDS, "release_reason"]
        help_texts = {"release_reason": "To release the hold, say why and save."}


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=f"Columns: {', '.join(COLUMNS)}; a header row first.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(f"The file is over {MAX_CSV_BYTES // 1024 // 1024} MB; split it.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text; save it as CSV UTF-8.") from None


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    form = HoldForm
    change_list_template = "admin/holds/hold/change_list.html"
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

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_csv)
        return [path("import/", view, name="holds_hold_import"), *super().get_urls()]

    def import_csv(self, request):
        """Place and lift holds from an uploaded CSV file, all or nothing (as `manage.py import_holds`)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form, row_errors = ImportForm(request.POST or None, request.FILES or None), []
        if request.method == "POST" and form.is_valid():
            try:
                rows = read_rows(form.cleaned_data["file"])
                results = services.apply_batch(request.user, rows, source=Hold.Source.IMPORT, first_row=2)
            except services.BatchRejected as rejected:
                form.add_error(None, str(rejected))
                row_errors = rejected.errors
            except ValidationError as error:
                form.add_error("file", error)
            else:
                self.message_user(request, f"Imported: {services.summary(results)}.")
                return redirect("admin:holds_hold_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "row_errors": row_errors, "columns": COLUMNS, "title": "Import holds from CSV"}  # fmt: skip
        return TemplateResponse(request, "admin/holds/hold/import.html", context)

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
