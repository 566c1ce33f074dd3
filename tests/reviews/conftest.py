"""A case with a ready two-sheet version that planning leads and fire and building review."""

import pytest
from django.contrib.auth.models import Group, User

from documents.models import Case, Department, Document, DocumentVersion, Page
from documents.services import cases

SHEET = (2592.0, 1728.0)  # ARCH D, landscape


def make_department(slug):
    group = Group.objects.create(name=slug.title())
    return Department.objects.create(slug=slug, name=slug.title(), group=group, color="#123456")


def make_user(username, department=None, head=False):
    user = User.objects.create_user(username, password="pw")
    if department:
        department.group.user_set.add(user)
        if head:
            department.heads.add(user)
    return user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def review(db):
    """Departments, users and a ready version, as attributes of one object."""

    class Review:
        pass

    r = Review()
    r.planning, r.fire, r.building, r.engineering = (
        make_department(s) for s in ("planning", "fire", "building", "engineering")
    )
    r.planner = make_user("planner", r.planning)
    r.fire_user = make_user("fire", r.fire)
    r.fire_colleague = make_user("fire2", r.fire)
    r.building_user = make_user("building", r.building)
    r.building_head = make_user("building_head", r.building, head=True)
    r.engineer = make_user("engineering", r.engineering)  # not taking part
    r.outsider = make_user("outsider")
    r.case = cases.create_case(
        r.planner, title="Riverside", kind=Case.Kind.BUILDING_PERMIT, departments=[r.fire, r.building]
    )
    document = Document.objects.create(case=r.case, title="Plan set")
    r.version = DocumentVersion.objects.create(
        document=document, number=1, file="versions/x.pdf", sha256="0" * 64, size=1, page_count=2,
        status=DocumentVersion.Status.READY, uploaded_by=r.planner,
    )  # fmt: skip
    for number in (1, 2):
        Page.objects.create(version=r.version, number=number, width=SHEET[0], height=SHEET[1])
    return r


def cloud(page=1, points=((120.5, 88.0), (410.0, 260.25)), **extra):
    return {"page": page, "kind": "cloud", "geometry": {"points": [list(p) for p in points]}, **extra}
