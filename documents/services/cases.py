"""Cases: numbering, the departments taking part, and who may see and upload."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import record
from documents.models import Case, CaseApplicant, CaseGroupObjectPermission, CaseNumberSequence, Department

NUMBER_PREFIXES = {
    Case.Kind.BUILDING_PERMIT: "BP",
    Case.Kind.SITE_PLAN: "SP",
    Case.Kind.SUBDIVISION: "SUB",
    Case.Kind.CONDITIONAL_USE: "CUP",
    Case.Kind.VARIANCE: "VAR",
    Case.Kind.GRADING_PERMIT: "GP",
    Case.Kind.FIRE_PERMIT: "FP",
}


def may_open_cases(user):
    """Department members and staff open cases; an applicant is invited to one."""
    return user.is_staff or Department.objects.of_member(user).exists()


def next_case_number(kind):
    prefix, year = NUMBER_PREFIXES[kind], timezone.localdate().year
    with transaction.atomic():
        sequence, _ = CaseNumberSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:05d}"


@transaction.atomic
def create_case(user, *, title, kind, address="", parcel_id="", lead_department=None, departments=()):
    """Open a case led by `lead_department` (by default the user's own department); the API, the
    pages and the admin all open cases here."""
    own = list(Department.objects.of_member(user))
    if lead_department is None:
        if not own:
            raise ValidationError({"lead_department": ["You belong to no department; name the lead department."]})
        lead_department = own[0]
    elif lead_department not in own and not user.is_staff:
        raise ValidationError({"lead_department": ["You can only open cases for your own department."]})
    case = Case.objects.create(
        number=next_case_number(kind),
        title=title,
        kind=kind,
        address=address,
        parcel_id=parcel_id,
        lead_department=lead_department,
        created_by=user,
    )
    case.departments.set({lead_department, *departments})
    record(
        "case.opened", actor=user, case=case, obj=("case", case.pk),
        summary=f"{user.get_username()} opened {case.number}, {case.title}, led by {lead_department.name}",
        after={"kind": kind, "title": title, "address": address, "parcel_id": parcel_id,
               "departments": sorted(d.slug for d in case.departments.all())},
    )  # fmt: skip
    sync_case_permissions(case)
    return case


def may_change_departments(user, case):
    """Who takes part in a case is for the lead department's members and staff to say."""
    return user.is_staff or user.groups.filter(pk=case.lead_department.group_id).exists()


@transaction.atomic
def change_departments(user, case, departments):
    """`user` makes `departments` (and always the lead) the ones taking part in `case`.

    A department taken off loses access at once, its open sockets included (the
    permission change this makes is noticed by reviews.realtime.access).
    """
    if not may_change_departments(user, case):
        raise PermissionDenied("Only members of the lead department can change the departments of this case.")
    set_departments(case, departments)
    return case


@transaction.atomic
def set_departments(case, departments):
    """Make `departments` (and always the lead) the ones taking part in the case."""
    case.departments.set({case.lead_department, *departments})
    sync_case_permissions(case)


def sync_case_permissions(case):
    """Grant the case's object permissions to exactly its departments' groups.

    Taking part lets a department's members see the case; leading it lets
    them upload documents. Everything else that asks "may this user see or
    upload?" reads these permissions.
    """
    wanted = {("view_case", d.group_id) for d in case.departments.all()}
    wanted.add(("view_case", case.lead_department.group_id))
    wanted.add(("upload_case", case.lead_department.group_id))
    granted = CaseGroupObjectPermission.objects.filter(
        content_object=case, permission__codename__in=["view_case", "upload_case"]
    ).select_related("permission", "group")
    have = {(g.permission.codename, g.group_id): g.group for g in granted}
    for codename, group_id in set(have) - wanted:
        remove_perm(codename, have[(codename, group_id)], case)
    groups = {d.group_id: d.group for d in Department.objects.select_related("group")}
    for codename, group_id in wanted - set(have):
        assign_perm(codename, groups[group_id], case)
    _record_permission_change(case, before=set(have), after=wanted)


PERMISSION_WORDS = {"view_case": "see the case", "upload_case": "upload its documents"}


def _record_permission_change(case, *, before, after):
    """Audit the case's object permissions going from `before` to `after`, each a set of
    (codename, group id); nothing is recorded when they are the same."""
    if before == after:
        return
    names = dict(Group.objects.filter(pk__in={g for _, g in before | after}).values_list("pk", "name"))

    def listed(grants):
        return sorted(f"{codename}:{names.get(group_id, group_id)}" for codename, group_id in grants)

    def described(grants, verb):
        by_permission = {}
        for codename, group_id in sorted(grants):
            by_permission.setdefault(codename, []).append(str(names.get(group_id, group_id)))
        return [
            f"{', '.join(sorted(groups))} {verb} {PERMISSION_WORDS.get(codename, codename)}"
            for codename, groups in by_permission.items()
        ]

    parts = described(after - before, "may now") + described(before - after, "may no longer")
    record(
        "case.permissions", case=case, obj=("case", case.pk), summary=f"Access to {case.number}: {'; '.join(parts)}",
        before=listed(before), after=listed(after),
    )  # fmt: skip


def can_upload(user, case):
    """The lead department's members (and staff): they upload, and submit for review."""
    return user.has_perm("documents.upload_case", case)


def may_upload_documents(user, case):
    """Who may add documents and new versions to the case: the lead department and its applicants."""
    return can_upload(user, case) or case.applicants.filter(user=user).exists()


@transaction.atomic
def add_applicant(user, case, username):
    """`user` (of the lead department, or staff) invites the user named `username` to the case
    as its applicant. Inviting someone already invited changes nothing."""
    if not may_change_departments(user, case):
        raise PermissionDenied("Only members of the lead department can invite applicants to this case.")
    applicant = _active_user(username)
    invited, created = CaseApplicant.objects.get_or_create(case=case, user=applicant, defaults={"added_by": user})
    if created:
        record(
            "case.applicant_added", actor=user, case=case, obj=("case", case.pk),
            summary=f"{user.get_username()} invited {applicant.get_username()} to {case.number} as its applicant",
            after={"applicant": applicant.get_username()},
        )  # fmt: skip
    return invited


@transaction.atomic
def remove_applicant(user, case, username):
    """Take an applicant off the case; their open sockets on its versions close (4403)."""
    from reviews.realtime.access import access_changed

    if not may_change_departments(user, case):
        raise PermissionDenied("Only members of the lead department can remove applicants from this case.")
    removed, _ = CaseApplicant.objects.filter(case=case, user__username=username).delete()
    if not removed:
        raise ValidationError({"username": [f"{username} is not an applicant on {case.number}."]})
    record(
        "case.applicant_removed", actor=user, case=case, obj=("case", case.pk),
        summary=f"{user.get_username()} removed {username} from {case.number} as its applicant",
        before={"applicant": username},
    )  # fmt: skip
    access_changed(case_ids=[case.pk])


def _active_user(username):
    if not isinstance(username, str) or not username.strip():
        raise ValidationError({"username": ["Name the user to invite by their username."]})
    found = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
    if found is None:
        raise ValidationError({"username": [f"There is no active user named {username.strip()}."]})
    return found
