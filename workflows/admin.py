from django.contrib import admin

from workflows.models import Holiday, StageRun, Task, Workflow, WorkflowStage, WorkflowStep, WorkflowTemplate


class WorkflowStageInline(admin.TabularInline):
    model = WorkflowStage
    extra = 0
    show_change_link = True


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WorkflowStageInline]


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0


@admin.register(WorkflowStage)
class WorkflowStageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "template", "order"]
    list_filter = ["template"]
    inlines = [WorkflowStepInline]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]


class ReadOnly:
    """Workflows change only through the engine (its rules, its audit entries): here they are read."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StageRunInline(ReadOnly, admin.TabularInline):
    model = StageRun
    extra = 0
    fields = ["number", "name", "status", "outcome", "opened_at", "closed_at"]
    readonly_fields = fields


class TaskInline(ReadOnly, admin.TabularInline):
    model = Task
    extra = 0
    fields = ["stage", "department", "kind", "status", "decision", "comment", "decided_by", "decided_at", "due_at"]
    readonly_fields = fields


@admin.register(Workflow)
class WorkflowAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "case",
        "version",
        "template",
        "status",
        "stage",
        "submitted_by",
        "submitted_at",
        "finished_at",
    ]
    list_filter = ["status", "template"]
    search_fields = ["case__number", "case__title"]
    list_select_related = ["case", "version__document", "template", "submitted_by"]
    inlines = [StageRunInline, TaskInline]


@admin.register(Task)
class TaskAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "workflow", "department", "kind", "status", "decision", "due_at", "decided_by", "decided_at"]
    list_filter = ["status", "kind", "department", "decision"]
    search_fields = ["workflow__case__number", "comment"]
    list_select_related = ["workflow__version__document", "department", "decided_by"]
