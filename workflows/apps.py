from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Approval workflows"

    def ready(self):
        from reviews.services import review_state
        from workflows import selectors
        from workflows.models import Workflow
        from workflows.services import live

        review_state.provide(
            locking_outcomes={status: Workflow.Status(status).label for status in Workflow.APPROVED},
            finished_review=selectors.finished_review,
        )
        live.connect_signals()
