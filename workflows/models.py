"""Workflow templates: how a submitted plan set travels through the departments.

A template has ordered stages; each stage's steps run in parallel, each a
review or an approval by a department, due a number of business days after
the stage opens (weekends and holidays skipped).
"""

from django.db import models


class WorkflowTemplate(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkflowStage(models.Model):
    template = models.ForeignKey(WorkflowTemplate, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="unique_stage_order")]

    def __str__(self):
        return f"{self.template}: {self.order}. {self.name}"


class WorkflowStep(models.Model):
    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        APPROVAL = "approval", "Approval"

    class Assignee(models.TextChoices):
        CHOSEN_DEPARTMENTS = "chosen", "Each department chosen at submission"
        LEAD_DEPARTMENT = "lead", "The case's lead department"
        DEPARTMENT = "department", "A named department"

    stage = models.ForeignKey(WorkflowStage, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    assignee = models.CharField(max_length=16, choices=Assignee.choices, default=Assignee.CHOSEN_DEPARTMENTS)
    department = models.ForeignKey(
        "documents.Department", null=True, blank=True, on_delete=models.PROTECT,
        help_text="Only when the assignee is a named department.",
    )  # fmt: skip
    due_business_days = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["stage", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assignee="department", department__isnull=False)
                | (~models.Q(assignee="department") & models.Q(department__isnull=True)),
                name="step_department_matches_assignee",
            )
        ]

    def __str__(self):
        who = self.department or self.get_assignee_display()
        return f"{self.get_kind_display()} by {who}, due in {self.due_business_days} business days"


class Holiday(models.Model):
    """A day on which no business-day clock runs."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date}: {self.name}"
