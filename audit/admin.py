"""The audit trail in the admin: readable and searchable, never added to, changed or deleted."""

import json

from django.contrib import admin
from django.utils.html import format_html

from audit.models import AuditEntry
from civicreview.admin import ReadOnlyAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "chain", "seq", "actor_name", "action", "case_number", "summary"]
    list_filter = ["action"]
    search_fields = ["case_number", "chain", "actor_name", "summary", "object_id", "hash"]
    date_hierarchy = "at"
    ordering = ["-id"]  # newest first across the chains
    fields = [
        "chain", "seq", "at", "actor_name", "action", "case_number", "object_type", "object_id", "summary",
        "before_pretty", "after_pretty", "prev_hash", "hash",
    ]  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False  # counting a long trail on every page costs more than it tells

    @admin.display(description="before")
    def before_pretty(self, entry):
        return _pretty(entry.before_data)

    @admin.display(description="after")
    def after_pretty(self, entry):
        return _pretty(entry.after_data)


def _pretty(data):
    if data is None:
        return "—"
    return format_html(
        "<pre style='white-space: pre-wrap; margin: 0'>{}</pre>", json.dumps(data, indent=2, ensure_ascii=False)
    )
