from django.contrib import admin

from civicreview.admin import ReadOnlyAdminMixin
from reviews.models import Annotation, Comment, StampDefinition, StandardComment, VersionEvent
from reviews.services import stamps


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    readonly_fields = ["author", "body", "created_at"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "version", "page", "department", "author", "status", "revision", "updated_at"]
    list_filter = ["status", "kind", "department"]
    search_fields = ["text", "version__document__title", "version__document__case__number"]
    list_select_related = ["version__document", "department", "author"]
    readonly_fields = ["version", "author", "department", "revision", "created_at", "updated_at"]
    inlines = [CommentInline]

    def has_add_permission(self, request):
        return False  # markups are drawn in the viewer, where their rules apply


@admin.register(VersionEvent)
class VersionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The event log is append-only: readable here, never edited."""

    list_display = ["version", "seq", "type", "user", "ref", "created_at"]
    list_filter = ["type"]
    search_fields = ["ref", "version__document__case__number"]
    list_select_related = ["version__document", "user"]


@admin.register(StampDefinition)
class StampDefinitionAdmin(admin.ModelAdmin):
    """Stamps reviewers place; filled in with the reviewer's name, department and the date."""

    list_display = ["wording", "color", "active", "order"]
    list_editable = ["active", "order"]
    filter_horizontal = ["departments"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the departments are saved by now
        stamp = form.instance
        stamps.record_definition(
            request.user, stamp, "changed" if change else "created", after=stamps.definition_json(stamp)
        )

    def delete_model(self, request, obj):
        stamps.record_definition(request.user, obj, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for stamp in queryset:
            stamps.record_definition(request.user, stamp, "deleted")
        super().delete_queryset(request, queryset)


@admin.register(StandardComment)
class StandardCommentAdmin(admin.ModelAdmin):
    list_display = ["shortcut", "code", "department", "owner", "updated_at"]
    list_filter = ["department"]
    search_fields = ["shortcut", "code", "text"]
    list_select_related = ["department", "owner"]
