"""Markups, their comment threads, the per-version event log and presence."""

from django.conf import settings
from django.db import models

RELEASED_CATEGORIES = ("correction", "note")  # what a review cycle sends out; never "internal"
RELEASED = models.Q(category__in=RELEASED_CATEGORIES, released_at__isnull=False)


class AnnotationQuerySet(models.QuerySet):
    def released(self):
        """What an applicant may read: corrections and notes whose review cycle has ended.
        The same rule for one event's data: `is_released` below."""
        return self.filter(RELEASED)


def is_released(data):
    """`AnnotationQuerySet.released` for an annotation's JSON (an event's data)."""
    return data.get("category") in RELEASED_CATEGORIES and data.get("released_at") is not None


class Annotation(models.Model):
    """A markup on one page of a version, in PDF points (top-left origin, rotation applied)."""

    class Kind(models.TextChoices):
        PIN = "pin"
        RECTANGLE = "rectangle"
        ELLIPSE = "ellipse"
        CLOUD = "cloud"
        TEXT = "text"
        HIGHLIGHT = "highlight"
        ARROW = "arrow"
        LINE = "line"
        MEASURE_LENGTH = "measure_length"
        CALLOUT = "callout"
        POLYLINE = "polyline"
        POLYGON = "polygon"
        FREEHAND = "freehand"
        MEASURE_AREA = "measure_area"
        STAMP = "stamp"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Category(models.TextChoices):
        CORRECTION = "correction", "Correction"  # the applicant must answer it
        NOTE = "note", "Note"  # for the applicant's information
        INTERNAL = "internal", "Internal"  # reviewers only: never shown to an applicant nor printed

    version = models.ForeignKey("documents.DocumentVersion", on_delete=models.CASCADE, related_name="annotations")
    page = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    geometry = models.JSONField()
    style = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.CORRECTION)
    released_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its review cycle ended and it went out to the applicant (never, if internal).",
    )
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        help_text="The markup of the previous version this one was carried forward from at a resubmittal.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    department = models.ForeignKey("documents.Department", on_delete=models.PROTECT, related_name="annotations")
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["version", "page", "id"]
        indexes = [
            models.Index(fields=["version", "page"]),
            # The dashboard's open corrections by reviewer (insight.figures.workload), from the index alone.
            models.Index(
                fields=["department", "version"],
                name="annotation_open_corrections",
                include=["author"],
                condition=models.Q(status="open", category="correction"),
            ),
        ]

    def __str__(self):
        return f"{self.kind} on p{self.page} of {self.version} by {self.department}"


class Comment(models.Model):
    class Visibility(models.TextChoices):
        INTERNAL = "internal", "Reviewers only"
        APPLICANT = "applicant", "Shared with the applicant"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author} on {self.annotation_id}: {self.body[:40]}"


class VersionEvent(models.Model):
    """The append-only log of a version's changes; `seq` counts 1, 2, 3 … without gaps.

    Clients resume from the last `seq` they saw, so the log, not the channel
    layer, is what makes sure nobody misses a change. `(version, user, ref)`
    is unique: a command sent again after a reconnect is applied once.
    """

    version = models.ForeignKey("documents.DocumentVersion", on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=32)
    ref = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["version", "seq"], name="unique_event_seq"),
            models.UniqueConstraint(
                fields=["version", "user", "ref"], condition=~models.Q(ref=""), name="unique_event_ref"
            ),
        ]

    def __str__(self):
        return f"{self.version_id}#{self.seq} {self.type}"

    def message(self):
        """The event as the socket sends it and the API lists it (its one shape: reviews.shapes)."""
        from reviews.shapes import event_json  # the shapes import these models

        return event_json(self)


class Presence(models.Model):
    """Who has a version open, one row per socket; never part of the event log.

    Each server process refreshes its sockets' rows; rows older than
    PRESENCE_TTL_S belong to a process that died and are ignored.
    """

    version = models.ForeignKey("documents.DocumentVersion", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    socket = models.CharField(max_length=100, unique=True)
    page = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["version", "updated_at"])]


class StandardComment(models.Model):
    """A saved comment a reviewer inserts into a markup's text: a department's library entry
    (kept by its heads and the admins) or a reviewer's own (kept by them), exactly one of the two."""

    department = models.ForeignKey(
        "documents.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="standard_comments"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="standard_comments"
    )
    shortcut = models.SlugField(max_length=40, help_text="Typed as #shortcut in a markup's text, e.g. egress.")
    code = models.CharField(max_length=80, blank=True, help_text="The code section cited, e.g. IBC 1005.3.2.")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shortcut", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True, owner__isnull=False)
                | models.Q(department__isnull=False, owner__isnull=True),
                name="standard_comment_department_or_owner",
            ),
            models.UniqueConstraint(
                fields=["department", "shortcut"],
                condition=models.Q(owner__isnull=True),
                name="unique_department_shortcut",
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut"], condition=models.Q(department__isnull=True), name="unique_owner_shortcut"
            ),
        ]

    def __str__(self):
        return f"#{self.shortcut} ({self.department or self.owner})"


class StampDefinition(models.Model):
    """A stamp reviewers place on a sheet; placed, it is filled in with the reviewer's name,
    department and the date, and that filled text is kept on the markup."""

    wording = models.CharField(max_length=60, unique=True, help_text="The stamp's words, e.g. APPROVED AS NOTED.")
    color = models.CharField(max_length=7, default="#2e7d32", help_text="As #rrggbb.")
    departments = models.ManyToManyField(
        "documents.Department", blank=True, related_name="stamps", help_text="Who may place it; none: every department."
    )
    active = models.BooleanField(default=True, help_text="Offered to reviewers; stamps already placed stay.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "wording"]

    def __str__(self):
        return self.wording
