from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from civicreview.admin import ReadOnlyAdminMixin
from documents.models import Case, CaseApplicant, Department, Document, DocumentVersion, Page, Signatory
from documents.services import cases


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "group", "color"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["heads"]
    prepopulated_fields = {"slug": ["name"]}


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["title", "kind", "created_at"]
    readonly_fields = ["created_at"]
    show_change_link = True


@admin.register(Case)
class CaseAdmin(GuardedModelAdmin):
    list_display = ["number", "title", "kind", "status", "lead_department", "address", "created_at"]
    list_filter = ["status", "kind", "lead_department", "departments"]
    search_fields = ["number", "title", "address", "parcel_id"]
    readonly_fields = ["number", "created_by", "created_at", "updated_at"]
    filter_horizontal = ["departments"]
    inlines = [DocumentInline]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        opened = cases.create_case(
            request.user, title=obj.title, kind=obj.kind, address=obj.address, parcel_id=obj.parcel_id,
            lead_department=obj.lead_department,
        )  # fmt: skip
        for field in Case._meta.concrete_fields:  # the admin goes on with its form's object: make it the case opened
            setattr(obj, field.attname, getattr(opened, field.attname))
        obj._state.adding, obj._state.db = False, opened._state.db

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cases.set_departments(form.instance, form.instance.departments.all())


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["number", "status", "page_count", "size", "uploaded_by", "created_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # versions come in through uploads, which validate the file


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "case", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "case__number", "case__title"]
    list_select_related = ["case"]
    raw_id_fields = ["case"]
    inlines = [VersionInline]


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["number", "label", "width", "height", "rotation"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "page_count", "size", "uploaded_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["document__title", "document__case__number", "sha256"]
    list_select_related = ["document", "uploaded_by"]
    readonly_fields = [
        "document", "number", "file", "sha256", "size", "page_count", "pages_done",
        "status", "error", "uploaded_by", "created_at", "processed_at", "progressed_at", "attempt", "restarts",
    ]  # fmt: skip
    inlines = [PageInline]
    actions = ["reprocess"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Process the selected versions again")
    def reprocess(self, request, queryset):
        from documents.services.intake import reprocess

        for version in queryset:
            reprocess(request.user, version)
        self.message_user(request, f"{queryset.count()} version(s) queued for processing.")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "label", "width", "height", "rotation"]
    search_fields = ["label", "text", "version__document__title"]
    list_select_related = ["version__document"]
    readonly_fields = ["version", "number", "width", "height", "rotation", "label", "thumbnail", "text"]

    def has_add_permission(self, request):
        return False


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ["user", "title"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    autocomplete_fields = ["user"]


@admin.register(CaseApplicant)
class CaseApplicantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read here; invited and removed through the API, so that it is audited and open sockets close."""

    list_display = ["case", "user", "added_by", "added_at"]
    search_fields = ["case__number", "user__username"]
