"""Holds on parcels: a reason the city will not approve anything on a parcel until it is released."""

from django.conf import settings
from django.db import models


def parcel_key(parcel_id):
    """How parcel ids are compared: letter case and surrounding spaces ignored ("apn 052-118-07 " is
    "APN 052-118-07"), as `parcel_id__iexact` compares a hold's with the cases'."""
    return str(parcel_id or "").strip().upper()


class HoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)

    def on_parcel(self, parcel_id):
        key = parcel_key(parcel_id)
        return self.filter(parcel_key=key) if key else self.none()


class Hold(models.Model):
    class Kind(models.TextChoices):
        UNPAID_FEES = "unpaid_fees", "Unpaid fees"
        OPEN_VIOLATION = "open_violation", "Open code violation"
        LIEN = "lien", "Lien"
        OTHER = "other", "Other"

    class Source(models.TextChoices):
        STAFF = "staff", "Placed by staff"
        SYSTEM = "system", "From another system (bulk endpoint)"
        IMPORT = "import", "CSV import"

    parcel_id = models.CharField("parcel id", max_length=64)
    parcel_key = models.CharField(max_length=64, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(max_length=2000, help_text="For city staff; applicants see only the kind of hold.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    external_ref = models.CharField(
        "external reference",
        max_length=100,
        blank=True,
        help_text="The sending system's id of the hold (e.g. billing:INV-2291); a hold sent again with it changes nothing.",
    )
    department = models.ForeignKey(
        "documents.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(max_length=2000, blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        permissions = [("sync_holds", "Can place and lift holds in bulk (billing and other systems)")]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"], condition=~models.Q(external_ref=""), name="unique_hold_external_ref"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.parcel_id}"

    @property
    def active(self):
        return self.released_at is None

    def save(self, *args, **kwargs):
        self.parcel_key = parcel_key(self.parcel_id)
        super().save(*args, **kwargs)
