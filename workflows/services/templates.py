"""Workflow templates that ship with CivicReview."""

from django.db import transaction

from workflows.models import WorkflowStage, WorkflowStep, WorkflowTemplate


@transaction.atomic
def seed_standard_template():
    """`standard`: each chosen department reviews, then the lead department's head approves."""
    template, created = WorkflowTemplate.objects.get_or_create(
        slug="standard",
        defaults={
            "name": "Standard plan review",
            "description": "Stage 1: review by each chosen department. Stage 2: approval by the lead department's head.",
        },
    )
    if not created:
        return template
    review = WorkflowStage.objects.create(template=template, order=1, name="Department reviews")
    WorkflowStep.objects.create(
        stage=review,
        kind=WorkflowStep.Kind.REVIEW,
        assignee=WorkflowStep.Assignee.CHOSEN_DEPARTMENTS,
        due_business_days=10,
    )
    approval = WorkflowStage.objects.create(template=template, order=2, name="Approval")
    WorkflowStep.objects.create(
        stage=approval,
        kind=WorkflowStep.Kind.APPROVAL,
        assignee=WorkflowStep.Assignee.LEAD_DEPARTMENT,
        due_business_days=5,
    )
    return template
