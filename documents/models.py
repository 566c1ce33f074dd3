"""Cases, their documents, each document's uploaded versions and their pages."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class DepartmentQuerySet(models.QuerySet):
    def of_member(self, user):
        """The departments `user` is a member of (the users of a department's auth group)."""
        return self.filter(group__user=user)


class Department(models.Model):
    """A city department; its members are the users of its auth group."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="department")
    heads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="headed_departments")
    color = models.CharField(max_length=7, default="#1565c0", help_text="Markup colour, as #rrggbb.")

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def members(self):
        return self.group.user_set.all()


class CaseQuerySet(models.QuerySet):
    """Who may see a case. Its reviewers: staff, the departments taking part (guardian object
    permissions) and users given `view_case` in the admin. Its applicants: the users invited
    to it (CaseApplicant), who see the case but only what has been released to them of its
    reviews (reviews.models.AnnotationQuerySet.released)."""

    def visible_to(self, user):
        """The cases `user` may see, as a reviewer or as an applicant."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            _reviewer_q(user) | models.Exists(CaseApplicant.objects.filter(case=models.OuterRef("pk"), user=user))
        )

    def reviewed_by(self, user):
        """The cases `user` reviews: sees everything of, internal markups included."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(_reviewer_q(user))


def _reviewer_q(user):
    # Correlated EXISTS on the permission rows' indexes, never `IN` lists: PostgreSQL then checks
    # one case at a time when few are asked about (search's candidates, bench/insight.py) and
    # hashes the user's permission rows when many are, rather than always building the set of
    # the user's cases (50,000 for a department's reviewer, ~100 ms).
    case = models.OuterRef("pk")
    through_department = CaseGroupObjectPermission.objects.filter(
        content_object=case, permission__codename="view_case", group__user=user
    )
    given_in_admin = CaseUserObjectPermission.objects.filter(
        content_object=case, permission__codename="view_case", user=user
    )
    return models.Exists(through_department) | models.Exists(given_in_admin)


class Case(models.Model):
    class Kind(models.TextChoices):
        BUILDING_PERMIT = "building_permit", "Building permit"
        SITE_PLAN = "site_plan", "Site plan review"
        SUBDIVISION = "subdivision", "Subdivision"
        CONDITIONAL_USE = "conditional_use", "Conditional use permit"
        VARIANCE = "variance", "Variance"
        GRADING_PERMIT = "grading_permit", "Grading permit"
        FIRE_PERMIT = "fire_permit", "Fire protection permit"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        CORRECTIONS_REQUIRED = "corrections_required", "Corrections required"
        REJECTED = "rejected", "Rejected"
        CLOSED = "closed", "Closed"

    number = models.CharField(max_length=32, unique=True, editable=False)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    address = models.CharField(max_length=300, blank=True)
    parcel_id = models.CharField("parcel id", max_length=64, blank=True)
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="led_cases")
    departments = models.ManyToManyField(
        Department, related_name="cases", blank=True, help_text="Departments taking part in the review."
    )
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("upload_case", "Can upload documents to the case")]

    def __str__(self):
        return f"{self.number} {self.title}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseApplicant(models.Model):
    """A user invited to a case as its applicant (a design professional or the owner): they see
    the case and upload to it, and read and answer what the reviews release to them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="applicants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_case_applicant")]

    def __str__(self):
        return f"{self.user} on {self.case.number}"


class Signatory(models.Model):
    """How a user signs letters: their title under their full name (e.g. "Planning Director")."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signatory")
    title = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "signatories"

    def __str__(self):
        return f"{self.user}, {self.title}"


class CaseNumberSequence(models.Model):
    """The last number given per prefix and year, taken under a row lock."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="unique_case_number_sequence")]


class Document(models.Model):
    class Kind(models.TextChoices):
        PLAN_SET = "plan_set", "Plan set"
        REPORT = "report", "Report"
        FORM = "form", "Form"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PLAN_SET)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.title


def version_upload_to(version, filename):
    digest = version.sha256
    return f"versions/{digest[:2]}/{digest}.pdf"


def web_copy_upload_to(version, filename):
    digest = version.sha256
    return f"versions/{digest[:2]}/{digest}.web.pdf"


class DocumentVersion(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=200)
    web_file = models.FileField(
        upload_to=web_copy_upload_to,
        max_length=200,
        blank=True,
        help_text="The same PDF rewritten at intake for the viewer (see documents.pdf.sandbox.web); "
        "empty when it could not be made, and the viewer gets the upload itself.",
    )
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    page_count = models.PositiveIntegerField(default=0)
    pages_done = models.PositiveIntegerField(default=0, help_text="Pages processed so far.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    attempt = models.PositiveIntegerField(default=0, help_text="Processing runs started; only the latest may write.")
    progressed_at = models.DateTimeField(
        default=timezone.now, help_text="Last sign of life of its processing: queued, started, or pages saved."
    )
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Until when the live processing run holds the version (renewed by its heartbeat); "
        "no other run takes it before (documents.services.runs).",
    )
    restarts = models.PositiveSmallIntegerField(
        default=0, help_text="Times the sweep found its processing stalled after it had started, and started it again."
    )
    error = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The newer version that replaced this one once it was ready; the version is read-only since.",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_version_number")]

    def __str__(self):
        return f"{self.document} v{self.number}"

    @property
    def case(self):
        return self.document.case


class VersionChanges(models.Model):
    """What changed in a resubmitted version against the one it replaced, sheet by sheet
    (documents.services.changes), and which of the replaced version's markups found no sheet
    to be carried onto (reviews.services.cycles)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"

    version = models.OneToOneField(DocumentVersion, on_delete=models.CASCADE, related_name="changes")
    previous = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    sheets = models.JSONField(
        default=list, blank=True, help_text='[{"page", "label", "previous_page", "change"}], one per sheet.'
    )
    removed = models.JSONField(default=list, blank=True, help_text='[{"page", "label"}] of the previous version.')
    unmatched_annotations = models.JSONField(
        default=list, blank=True, help_text="Ids of the previous version's markups waiting to be placed by hand."
    )
    carried_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "version changes"

    def __str__(self):
        return f"{self.version} against v{self.previous.number}"


def thumbnail_upload_to(page, filename):
    return f"thumbnails/{page.version.sha256[:2]}/{page.version.sha256}/{page.number}.png"


class Page(models.Model):
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    width = models.FloatField(help_text="Points, as displayed (rotation applied).")
    height = models.FloatField(help_text="Points, as displayed (rotation applied).")
    rotation = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=32, blank=True, help_text="Sheet number, such as A-101.")
    title = models.CharField(max_length=120, blank=True, help_text="Sheet title from the title block.")
    thumbnail = models.FileField(upload_to=thumbnail_upload_to, max_length=200, blank=True)
    text = models.TextField(blank=True)
    scale_ratio = models.FloatField(
        null=True, blank=True, help_text='Drawing scale: real length per paper length (48 for 1/4" = 1\'-0").'
    )
    scale_label = models.CharField(max_length=40, blank=True)
    scale_unit = models.CharField(max_length=4, blank=True, choices=[("ft", "feet"), ("m", "metres")])

    class Meta:
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="unique_page_number")]

    def __str__(self):
        return f"{self.version} p{self.number}" + (f" ({self.label})" if self.label else "")

    @property
    def scale(self):
        if self.scale_ratio is None:
            return None
        return {"ratio": self.scale_ratio, "label": self.scale_label, "unit": self.scale_unit}

    @scale.setter
    def scale(self, value):
        value = value or {}
        self.scale_ratio, self.scale_label, self.scale_unit = (
            value.get("ratio"),
            value.get("label", ""),
            value.get("unit", ""),
        )
