"""Placing and releasing parcel holds, one at a time (staff) or in batches (other systems), and the
rule that a case on a parcel with an active hold is not approved.

Who: department members and staff place holds; so do accounts given `holds.sync_holds` (the
billing system's). A hold is released by a member of the department that placed it, by staff, or
by such an account. Every change is audited and announced to the webhooks after commit.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import services as audit
from civicreview.errors import Conflict
from civicreview.shapes import render
from civicreview.text import storable
from documents.models import Case, Department
from documents.selectors import reviews_case
from holds.models import Hold, parcel_key
from holds.shapes import ApplicantHoldSerializer, HoldSerializer
from webhooks import services as webhooks
from workflows.models import Workflow

MAX_REASON = 2000
MAX_PARCEL = 64
MAX_REF = 100
MAX_BATCH = 5000


def may_place(user):
    return user.is_active and (
        user.is_staff or user.has_perm("holds.sync_holds") or Department.objects.of_member(user).exists()
    )


def visible_holds(user):
    """Every hold to city staff (and service accounts); none to anyone else, who sees holds only on their cases."""
    return Hold.objects.all() if may_place(user) else Hold.objects.none()


def may_release(user, hold):
    if user.is_staff or user.has_perm("holds.sync_holds"):
        return True
    return hold.department_id is not None and Department.objects.of_member(user).filter(pk=hold.department_id).exists()


def may_sync(user):
    return user.is_active and user.has_perm("holds.sync_holds")


# --- one hold at a time ------------------------------------------------------------


def place(user, *, parcel_id, kind, reason, external_ref="", source=Hold.Source.STAFF):
    """`user` places a hold on the parcel; returns it."""
    if not may_place(user):
        raise PermissionDenied("Only department staff and administrators place holds on parcels.")
    values = _checked_hold(parcel_id=parcel_id, kind=kind, reason=reason, external_ref=external_ref)
    if source == Hold.Source.STAFF and not user.is_staff and not Department.objects.of_member(user).exists():
        source = Hold.Source.SYSTEM  # a service account's own
    with transaction.atomic():
        if values["external_ref"] and Hold.objects.filter(external_ref=values["external_ref"]).exists():
            raise Conflict(f"A hold with the external reference {values['external_ref']} already exists.")
        return _create(user, source=source, **values)


def release(user, hold_id, reason):
    """`user` releases the hold, saying why; releasing one already released → 409."""
    why = _text(reason, "reason", "Say why the hold is released.", MAX_REASON)
    with transaction.atomic():
        hold = Hold.objects.select_for_update().filter(pk=hold_id).first()
        if hold is None:
            raise Hold.DoesNotExist
        if not may_release(user, hold):
            raise PermissionDenied(_release_refusal(hold))
        if not hold.active:
            when = timezone.localtime(hold.released_at).strftime("%b %-d, %Y")
            raise Conflict(f"This hold was already released on {when}.", current=hold_json(hold))
        _release(user, hold, why)
    return hold


def _release_refusal(hold):
    if hold.department is not None:
        return f"Only {hold.department.name} or an administrator releases this hold."
    if hold.source == Hold.Source.STAFF:
        return "Only an administrator releases this hold."
    return "This hold came from another system; it or an administrator releases it."


def _create(user, *, source, parcel_id, kind, reason, external_ref):
    _lock_reviews_on_parcel(parcel_id)
    own = Department.objects.of_member(user).first() if user is not None else None
    hold = Hold.objects.create(
        parcel_id=parcel_id, kind=kind, reason=reason, external_ref=external_ref, source=source,
        department=own if source == Hold.Source.STAFF else None, placed_by=user, placed_at=timezone.now(),
    )  # fmt: skip
    cases = _case_numbers(hold)
    audit.record(
        "hold.placed", actor=user, obj=("hold", hold.pk),
        summary=f"{_who(user)} placed a hold ({hold.get_kind_display().lower()}) on parcel {hold.parcel_id}"
        + (f", affecting {', '.join(cases[:10])}" if cases else ""),
        after={**_state(hold), "cases": cases},
    )  # fmt: skip
    webhooks.emit("hold.placed", hold_event(hold, cases))
    return hold


def _lock_reviews_on_parcel(parcel_id):
    """Take the row locks of the reviews under way on the parcel's cases, which a decision takes
    first (workflows.services.engine.decide): an approval deciding at this moment either committed
    before (the hold comes after it) or waits for this hold and is refused."""
    in_review = Workflow.objects.filter(case__parcel_id__iexact=parcel_id, status=Workflow.Status.IN_PROGRESS)
    list(in_review.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))


def _release(user, hold, reason):
    before = _state(hold)
    hold.released_at, hold.released_by, hold.release_reason = timezone.now(), user, reason
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    cases = _case_numbers(hold)
    audit.record(
        "hold.released", actor=user, obj=("hold", hold.pk),
        summary=f"{_who(user)} released the hold ({hold.get_kind_display().lower()}) on parcel {hold.parcel_id}: "
        + reason[:200],
        before=before, after={**_state(hold), "cases": cases},
    )  # fmt: skip
    webhooks.emit("hold.lifted", hold_event(hold, cases))


def _who(user):
    return user.get_username() if user is not None else "The import"


# --- what a case shows, and what blocks its approval ------------------------------------


def active_holds(case):
    return Hold.objects.active().on_parcel(case.parcel_id).select_related("department", "placed_by", "released_by")


def case_holds_json(user, case):
    """The holds shown on the case (its page and JSON) to `user`: everything to its reviewers, to
    its applicant only the kind and date of each (the reason, who placed it and the sending system's
    reference are the city's own business)."""
    for_applicant = not reviews_case(user, case)
    return [hold_json(hold, for_applicant=for_applicant) for hold in active_holds(case)]


def holds_context(user, case):
    """What the case page shows of holds: the active ones, and which forms `user` gets."""
    active = list(active_holds(case))
    return {
        "holds": active,
        "hold_kinds": Hold.Kind.choices,
        "can_place_hold": bool(case.parcel_id) and may_place(user),
        "releasable_holds": {hold.pk for hold in active if may_release(user, hold)},
    }


def check_approvable(case):
    """Conflict naming the holds on the case's parcel, if any is active: the case is not approved."""
    holds = list(active_holds(case))
    if not holds:
        return
    described = "; ".join(_described(hold) for hold in holds)
    raise Conflict(
        f"{case.number} cannot be approved while parcel {case.parcel_id} is on hold — {described}. "
        "The hold must be released first."
    )


def _described(hold):
    by = hold.department.name if hold.department else hold.get_source_display().lower()
    placed = timezone.localtime(hold.placed_at).strftime("%b %-d, %Y")
    return f"{hold.get_kind_display().lower()} (hold #{hold.pk}, {by}, {placed}): {hold.reason[:200]}"


def _case_numbers(hold):
    return list(Case.objects.filter(parcel_id__iexact=hold.parcel_id).order_by("pk").values_list("number", flat=True))


# --- what is said about a hold --------------------------------------------------------


def _state(hold):
    return {
        "parcel_id": hold.parcel_id, "kind": hold.kind, "reason": hold.reason, "source": hold.source,
        "external_ref": hold.external_ref, "released_at": hold.released_at, "release_reason": hold.release_reason,
    }  # fmt: skip


_shaped = render(HoldSerializer)
_shaped_for_applicant = render(ApplicantHoldSerializer)


def hold_json(hold, *, for_applicant=False):
    """A hold as the API answers it: everything to staff; to an applicant only that it is there and what kind."""
    return (_shaped_for_applicant if for_applicant else _shaped)(hold)


def hold_event(hold, cases):
    """A webhook's data about a hold: what the sending system needs to match it, no staff's text."""
    return {
        "hold": {
            "id": hold.pk, "parcel_id": hold.parcel_id, "kind": hold.kind, "external_ref": hold.external_ref,
            "placed_at": hold.placed_at, "released_at": hold.released_at,
        },
        "cases": cases,
    }  # fmt: skip


# --- checking what comes in -------------------------------------------------------------


def _text(value, name, missing, limit, *, required=True):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({name: [f"The {name.replace('_', ' ')} must be text."]})
    value = storable(value, name).strip()
    if required and not value:
        raise ValidationError({name: [missing]})
    if len(value) > limit:
        raise ValidationError({name: [f"Keep the {name.replace('_', ' ')} under {limit} characters."]})
    return value


def _checked_hold(*, parcel_id, kind, reason, external_ref):
    errors = {}
    values = {}
    checks = {
        "parcel_id": lambda: _text(parcel_id, "parcel_id", "Name the parcel id.", MAX_PARCEL),
        "kind": lambda: _kind(kind),
        "reason": lambda: _text(reason, "reason", "Say why the parcel is on hold.", MAX_REASON),
        "external_ref": lambda: _text(external_ref, "external_ref", "", MAX_REF, required=False),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def _kind(kind):
    if kind not in Hold.Kind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(Hold.Kind.values)}."]})
    return kind


# --- batches: the bulk endpoint and the CSV import ------------------------------------------

PLACE, LIFT = "place", "lift"


@dataclass
class BatchRejected(Exception):
    """Some rows are wrong; nothing was changed. `errors`: [{"row": n, "errors": {field: [message]}}]."""

    errors: list = field(default_factory=list)
    total: int = 0

    def __str__(self):
        return f"{len(self.errors)} of {self.total} rows have errors; nothing was changed."

    def as_json(self):
        return {"detail": str(self), "rows": self.errors}


def apply_batch(user, rows, *, source, first_row=1):
    """Place and lift holds, row by row, all or nothing; each row a dict with `action` ("place" or
    "lift"), `external_ref`, and for placing `parcel_id`, `kind`, `reason` (lifting: `reason`
    optional). A row whose `external_ref` was already applied changes nothing, so a sender may send
    a batch again. Returns [{"row", "external_ref", "result": "placed"|"lifted"|"unchanged", "hold"}];
    raises BatchRejected naming every wrong row (numbered from `first_row`)."""
    if not isinstance(rows, list) or not rows:
        raise ValidationError({"holds": ["Send a list of holds to place or lift."]})
    if len(rows) > MAX_BATCH:
        raise ValidationError({"holds": [f"Send at most {MAX_BATCH} holds at once."]})
    results, errors = [], []
    with audit.acting_as(user), transaction.atomic():
        for number, row in enumerate(rows, start=first_row):
            try:
                results.append({"row": number, **_apply_row(user, row, source)})
            except ValidationError as error:
                errors.append({"row": number, "errors": error.message_dict})
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise BatchRejected(errors, len(rows))
    return results


def summary(results):
    """What a batch did, in words: "2 placed, 1 lifted, 0 unchanged"."""
    counts = {
        outcome: sum(1 for r in results if r["result"] == outcome) for outcome in ("placed", "lifted", "unchanged")
    }
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items())


def _apply_row(user, row, source):
    if not isinstance(row, dict):
        raise ValidationError({"row": ["Each hold must be an object."]})
    action = row.get("action", PLACE)
    if action not in (PLACE, LIFT):
        raise ValidationError({"action": ['Say "place" or "lift".']})
    ref = _text(row.get("external_ref"), "external_ref", "Give the hold's external reference.", MAX_REF)
    existing = Hold.objects.select_for_update().filter(external_ref=ref).first()
    if action == LIFT:
        return _lift_row(user, existing, ref, row)
    values = _checked_hold(
        parcel_id=row.get("parcel_id"), kind=row.get("kind"), reason=row.get("reason"), external_ref=ref
    )
    if existing is None:
        try:
            with transaction.atomic():
                hold = _create(user, source=source, **values)
            return {"external_ref": ref, "result": "placed", "hold": hold.pk}
        except IntegrityError:  # the same reference sent twice at once: the other one placed it
            existing = Hold.objects.get(external_ref=ref)
    if parcel_key(existing.parcel_id) != parcel_key(values["parcel_id"]) or existing.kind != values["kind"]:
        raise ValidationError(
            {"external_ref": [f"{ref} is already a hold ({existing.kind}) on parcel {existing.parcel_id}."]}
        )
    return {"external_ref": ref, "result": "unchanged", "hold": existing.pk}


def _lift_row(user, hold, ref, row):
    if hold is None:
        raise ValidationError({"external_ref": [f"There is no hold with the external reference {ref}."]})
    if not hold.active:
        return {"external_ref": ref, "result": "unchanged", "hold": hold.pk}
    reason = _text(row.get("reason"), "reason", "", MAX_REASON, required=False) or "Lifted by the sending system."
    _release(user, hold, reason)
    return {"external_ref": ref, "result": "lifted", "hold": hold.pk}
