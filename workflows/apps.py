from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Approval workflows"

    def ready(self):
        from workflows.services import live

        live.connect_signals()
