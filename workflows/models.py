"""Workflow templates, and the workflows that run from them.

A template has ordered stages; each stage's steps run in parallel, each a
review or an approval by a department, due a number of business days after
the stage opens (weekends and holidays skipped).

Submitting a version starts a `Workflow` with the template resolved into a
plan (which departments, how long) that later edits to the template do not
touch. Each stage the workflow reaches is a `StageRun` holding one `Task` per
department and kind. The rules that move them live in workflows.services.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
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

    def clean(self):
        if self.assignee == self.Assignee.DEPARTMENT and self.department_id is None:
            raise ValidationError({"department": "Name the department, or choose another assignee."})
        if self.assignee != self.Assignee.DEPARTMENT and self.department_id is not None:
            raise ValidationError({"department": "Only a step for a named department names one."})

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


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    CORRECTIONS_REQUIRED = "corrections_required", "Corrections required"
    REJECTED = "rejected", "Rejected"


class Workflow(models.Model):
    """One submitted version on its way through the departments."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In review"
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
        CORRECTIONS_REQUIRED = "corrections_required", "Corrections required"
        REJECTED = "rejected", "Rejected"

    APPROVED: tuple[str, ...] = (
        Status.APPROVED,
        Status.APPROVED_WITH_CONDITIONS,
    )  # the outcomes that approve the version

    version = models.OneToOneField("documents.DocumentVersion", on_delete=models.PROTECT, related_name="workflow")
    case = models.ForeignKey("documents.Case", on_delete=models.PROTECT, related_name="workflows")
    template = models.ForeignKey(WorkflowTemplate, on_delete=models.PROTECT, related_name="workflows")
    plan = models.JSONField(
        help_text='The template as resolved at submission: [{"number", "name", "steps": [{"kind", "department", "due_business_days"}]}].'
    )
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.IN_PROGRESS)
    stage = models.PositiveSmallIntegerField(
        default=1, help_text="The stage reached (the current one while in review)."
    )
    conditions = models.JSONField(
        default=list, blank=True, help_text='[{"department", "text"}] from approvals with conditions.'
    )
    corrections_letter = models.FileField(upload_to="letters/", max_length=200, blank=True)
    approval_letter = models.FileField(
        upload_to="letters/", max_length=200, blank=True, help_text="Issued when the review ends approved."
    )
    approved_set = models.FileField(
        upload_to="approved/", max_length=200, blank=True,
        help_text="The version with every sheet stamped approved, written by a worker after an approval.",
    )  # fmt: skip
    approved_set_error = models.TextField(
        blank=True, help_text="Why the approved set could not be written; the sweep leaves such a workflow alone."
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="in_progress"), name="one_workflow_in_progress_per_case"
            )
        ]

    def __str__(self):
        return f"{self.version} ({self.get_status_display()})"

    @property
    def finished(self):
        return self.status != self.Status.IN_PROGRESS


class StageRun(models.Model):
    """A stage of a workflow, from when it opened until its last task closed it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(
        max_length=32, blank=True, help_text="What closing it led to: the next stage, or the workflow's end."
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workflow", "number"]
        constraints = [models.UniqueConstraint(fields=["workflow", "number"], name="one_run_per_stage")]
        indexes = [models.Index(fields=["status"], name="stagerun_status")]

    def __str__(self):
        return f"{self.workflow_id}: {self.number}. {self.name} ({self.status})"


class Task(models.Model):
    """A department's review or approval in one stage; a decision closes it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    Kind = WorkflowStep.Kind
    Decision = Decision

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="tasks")
    stage = models.ForeignKey(StageRun, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey("documents.Department", on_delete=models.PROTECT, related_name="workflow_tasks")
    kind = models.CharField(max_length=16, choices=WorkflowStep.Kind.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="workflow_tasks",
        help_text="One person, when the task is theirs alone; otherwise the department's members (heads, for an approval).",
    )  # fmt: skip
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decision = models.CharField(max_length=32, choices=Decision.choices, blank=True)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder goes out; none for short tasks."
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workflow", "stage__number", "kind", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "department", "kind"], name="one_task_per_department_and_kind"),
            models.CheckConstraint(
                condition=models.Q(status="done", decided_at__isnull=False) & ~models.Q(decision="")
                | ~models.Q(status="done") & models.Q(decision=""),
                name="task_decided_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="task_department_status"),
            models.Index(fields=["department", "changed_at"], name="task_department_changed"),
            models.Index(fields=["status", "due_at"], name="task_status_due"),
            models.Index(fields=["status", "remind_at"], name="task_status_remind"),
            # The dashboard (insight.figures, selectors.dashboard): open tasks counted and listed
            # by due date, and decided reviews' turnaround, from the index alone.
            models.Index(
                fields=["department", "kind", "due_at"], name="task_open_due", condition=models.Q(status="pending")
            ),
            models.Index(
                fields=["department", "decided_at"],
                name="task_decided_review",
                include=["created_at"],
                condition=models.Q(status="done", kind="review"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.department} of {self.workflow.version} ({self.status})"


class DigestSent(models.Model):
    """A head's daily digest went out for `date` (so a sweep run twice sends it once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="one_digest_per_day")]
