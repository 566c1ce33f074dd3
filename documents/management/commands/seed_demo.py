"""python manage.py seed_demo: departments, demo users, and a demo case with a plan set. Idempotent."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from documents.demo.planset import write_plan_set
from documents.models import Case, Department, Signatory
from documents.services import cases, intake
from reviews.demo import seed_standard_comments
from workflows.services.templates import seed_standard_template

DEPARTMENTS = [
    ("planning", "Planning", "#1565c0"),
    ("building", "Building", "#2e7d32"),
    ("fire", "Fire", "#d32f2f"),
    ("engineering", "Engineering", "#ef6c00"),
]
DEMO_CASE_TITLE = "Riverside Commons mixed-use building"
# Full names and the titles letters are signed with; the applicant is a design professional, not staff.
PEOPLE = {
    "planning_head": ("Maria", "Alvarez", "Planning Director"),
    "building_head": ("Robert", "Okafor", "Chief Building Official"),
    "fire_head": ("Helen", "Brandt", "Fire Marshal"),
    "engineering_head": ("Samuel", "Reyes", "City Engineer"),
    "applicant": ("Jordan", "Lee", "Architect, Lee & Partners"),
}


class Command(BaseCommand):
    help = "Create the demo departments, users, workflow template and a case with a plan set (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            departments = {slug: self.department(slug, name, color) for slug, name, color in DEPARTMENTS}
            self.user("admin", superuser=True)
            for slug, department in departments.items():
                reviewer = self.user("planner" if slug == "planning" else slug)
                head = self.user(f"{slug}_head")
                department.group.user_set.add(reviewer, head)
                department.heads.add(head)
            self.user("applicant")
            seed_standard_template()
            seed_standard_comments(departments)
        self.demo_case(departments)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready; every password is {settings.DEMO_PASSWORD!r}."))

    def department(self, slug, name, color):
        group, _ = Group.objects.get_or_create(name=name)
        department, _ = Department.objects.get_or_create(
            slug=slug, defaults={"name": name, "group": group, "color": color}
        )
        return department

    def user(self, username, superuser=False):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.gov", "is_staff": superuser, "is_superuser": superuser},
        )
        if created:
            user.first_name, user.last_name, title = PEOPLE.get(username, ("", "", ""))
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            if title:
                Signatory.objects.create(user=user, title=title)
        return user

    @transaction.atomic
    def demo_case(self, departments):
        existing = Case.objects.filter(title=DEMO_CASE_TITLE).first()
        if existing is not None:
            self.invite_applicant(existing)
            return
        planner = get_user_model().objects.get(username="planner")
        case = cases.create_case(
            planner,
            title=DEMO_CASE_TITLE,
            kind=Case.Kind.BUILDING_PERMIT,
            address="1200 Riverside Avenue",
            parcel_id="APN 052-118-07",
            lead_department=departments["planning"],
            departments=departments.values(),
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan-set.pdf"
            write_plan_set(path, project=DEMO_CASE_TITLE, address=case.address, sheets=12)
            upload = SimpleUploadedFile("Riverside Commons plan set.pdf", path.read_bytes(), "application/pdf")
            intake.add_document(planner, case, title="Architectural plan set", upload=upload)
        self.invite_applicant(case)
        self.stdout.write(f"Demo case {case.number} created with a 12-sheet plan set.")

    def invite_applicant(self, case):
        planner = get_user_model().objects.get(username="planner")
        cases.add_applicant(planner, case, "applicant")
