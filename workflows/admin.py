from django.contrib import admin

from workflows.models import Holiday, WorkflowStage, WorkflowStep, WorkflowTemplate


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
