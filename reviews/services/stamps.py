"""Dynamic stamps: the admin defines them (reviews.models.StampDefinition); a reviewer places one
and it is filled in with their name, department and the date. The filled text is what the markup
keeps: a stamp placed says what it said that day, whatever happens to its definition later."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from civicreview.shapes import render
from documents.models import Department
from reviews import markup_rules as rules
from reviews.models import StampDefinition
from reviews.shapes import StampDefinitionSerializer, StampSerializer


def usable_by(departments):
    """The active stamps any of `departments` may place (a stamp for no department in particular
    is everyone's)."""
    found = StampDefinition.objects.filter(active=True)
    return found.filter(Q(departments__isnull=True) | Q(departments__in=departments)).distinct()


def stamps_for(user):
    """The stamps offered to the user: those of the departments they belong to."""
    return usable_by(Department.objects.of_member(user))


stamp_json = render(StampSerializer)
definition_json = render(StampDefinitionSerializer)  # as the audit trail records it


def chosen_stamp(data):
    """The definition a new stamp markup names: `"stamp": id`, or (as older clients send) its
    wording as `text`."""
    if "stamp" in data:
        ident = data["stamp"]
        if not rules.is_number(ident) or int(ident) != ident:
            raise rules.invalid("stamp", "Stamp must be the id of a stamp.")
        found = StampDefinition.objects.filter(pk=int(ident), active=True).first()
    else:
        wording = data.get("text")
        found = (
            StampDefinition.objects.filter(wording__iexact=wording.strip(), active=True).first()
            if isinstance(wording, str)
            else None
        )
    if found is None:
        offered = ", ".join(StampDefinition.objects.filter(active=True).values_list("wording", flat=True))
        raise rules.invalid("stamp", f"Choose one of the stamps: {offered or 'none are defined'}.")
    return found


def filled_text(user, department, data, *, today=None):
    """The words of a stamp `user` places for `department`: its wording, then who, which
    department and when. A department the stamp is not given to may not place it."""
    stamp = chosen_stamp(data)
    if not usable_by([department]).filter(pk=stamp.pk).exists():
        raise PermissionDenied(f"{department.name} may not place the stamp {stamp.wording}.")
    day = today or timezone.localdate()
    who = user.get_full_name() or user.get_username()
    return f"{stamp.wording}\n{who} · {department.name} · {day.isoformat()}", stamp


def record_definition(user, stamp, verb, *, after=None):
    """An admin created, changed or deleted a stamp definition (`after`: its state, None when deleted)."""
    audit.record(
        f"stamp_definition.{verb}",
        actor=user,
        obj=("stamp_definition", stamp.pk),
        summary=f"{user.get_username()} {verb} the stamp {stamp.wording}",
        before=audit.last_state("stamp_definition", stamp.pk),
        after=after,
    )
