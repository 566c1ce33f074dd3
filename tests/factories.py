"""Factories for the rows the tests need, and for the PDFs they upload.

Rows: `CaseFactory` opens a case through the service, so its object
permissions are the real ones; `VersionFactory` stores a real PDF and makes
a ready version with pages and thumbnails without running the pipeline
(fast); tests of the pipeline itself upload and process for real.

PDFs: `sheet_pdf` draws plan sheets with reportlab (a title block with the
sheet number at the bottom-right); the `*_pdf` functions below it write the
broken and hostile files byte by byte.
"""

import hashlib
import io
import zlib

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from documents.management.commands.seed_demo import PEOPLE
from documents.models import Case, Department, Document, DocumentVersion, Page, Signatory
from documents.services import cases

ARCH_D = (2592.0, 1728.0)  # 36 x 24 in, landscape, in points
LETTER = (612.0, 792.0)

# --- rows ---------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov")
    password = factory.django.Password(settings.DEMO_PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"department-{n}")
    name = factory.LazyAttribute(lambda department: department.slug.replace("-", " ").title())
    group = factory.LazyAttribute(lambda department: Group.objects.get_or_create(name=department.name)[0])

    @factory.post_generation
    def members(department, create, extracted, **kwargs):
        for user in extracted or ():
            department.group.user_set.add(user)

    @factory.post_generation
    def head_users(department, create, extracted, **kwargs):
        for user in extracted or ():
            department.group.user_set.add(user)
            department.heads.add(user)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case opened through `cases.create_case`, so numbering and permissions are real."""

    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Case {n}")
    kind = Case.Kind.BUILDING_PERMIT
    address = "1200 Riverside Avenue"
    parcel_id = "APN 052-118-07"
    lead_department = factory.SubFactory(DepartmentFactory)
    departments = ()
    created_by = None  # a staff user unless given

    @classmethod
    def _create(cls, model_class, *, created_by, departments, **fields):
        created_by = created_by or UserFactory(username="case-factory-staff", is_staff=True)
        return cases.create_case(created_by, departments=departments, **fields)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Plan set {n}")


class VersionFactory(factory.django.DjangoModelFactory):
    """A ready version whose file is a real PDF in storage, with `page_count` pages and thumbnails."""

    class Meta:
        model = DocumentVersion
        exclude = ["content"]
        skip_postgeneration_save = True

    document = factory.SubFactory(DocumentFactory)
    number = factory.LazyAttribute(lambda version: version.document.versions.count() + 1)
    page_count = 2
    content = factory.LazyAttribute(lambda version: sheet_pdf(pages=version.page_count))
    sha256 = factory.LazyAttribute(lambda version: hashlib.sha256(version.content).hexdigest())
    size = factory.LazyAttribute(lambda version: len(version.content))
    pages_done = factory.SelfAttribute("page_count")
    status = DocumentVersion.Status.READY
    uploaded_by = factory.LazyAttribute(lambda version: UserFactory(username="version-factory-uploader"))

    @factory.lazy_attribute
    def file(self):
        name = f"versions/{self.sha256[:2]}/{self.sha256}.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(self.content))
        return name

    @factory.post_generation
    def pages(version, create, extracted, **kwargs):
        if not create or version.status != DocumentVersion.Status.READY:
            return
        for number in range(1, version.page_count + 1):
            PageFactory(version=version, number=number)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    version = factory.SubFactory(VersionFactory, page_count=0)
    number = factory.Sequence(lambda n: n + 1)
    width, height = ARCH_D
    label = factory.LazyAttribute(lambda page: f"A-{100 + page.number}")
    text = factory.LazyAttribute(lambda page: f"SHEET {page.label}")

    @factory.lazy_attribute
    def thumbnail(self):
        name = f"thumbnails/{self.version.sha256[:2]}/{self.version.sha256}/{self.number}.png"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(png_bytes()))
        return name


# --- the demo world, as seed_demo makes it ------------------------------------

DEPARTMENTS = [
    ("planning", "Planning", "#1565c0"),
    ("building", "Building", "#2e7d32"),
    ("fire", "Fire", "#d32f2f"),
    ("engineering", "Engineering", "#ef6c00"),
]


def reviewer_name(slug):
    return "planner" if slug == "planning" else slug


class Demo:
    """seed_demo's departments and users (without its demo case), plus an outsider in no department.

    `demo.fire` is the user, `demo.departments["fire"]` the department;
    every password is settings.DEMO_PASSWORD.
    """

    def __init__(self):
        self.departments = {}
        self.users = {"admin": UserFactory(username="admin", is_staff=True, is_superuser=True)}
        for slug, name, color in DEPARTMENTS:
            reviewer = UserFactory(username=reviewer_name(slug))
            head = UserFactory(username=f"{slug}_head")
            department = DepartmentFactory(slug=slug, name=name, color=color, members=[reviewer], head_users=[head])
            self.departments[slug] = department
            self.users[reviewer.username] = reviewer
            self.users[head.username] = head
        self.users["outsider"] = UserFactory(username="outsider")
        self.users["applicant"] = UserFactory(username="applicant")  # invited to no case until a test does
        for username, (first, last, title) in PEOPLE.items():
            user = self.users[username]
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
            if title:
                Signatory.objects.create(user=user, title=title)

    def __getattr__(self, name):
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None


# --- PDFs ---------------------------------------------------------------------


def upload(name="plans.pdf", data=None, content_type="application/pdf"):
    """A file as it arrives in a multipart request (a plan sheet unless `data` is given)."""
    return SimpleUploadedFile(name, sheet_pdf() if data is None else data, content_type)


def png_bytes(width=32, height=24):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def sheet_pdf(pages=1, *, size=ARCH_D, labels=None, notes=None, encrypt=None, title="Riverside Commons", drawn_on=()):
    """A plan set: on each sheet a border, a title block at the bottom-right with the sheet number in
    a large font, and a note; `labels` name the sheets (default A-101, A-102, ...), `notes` add text
    elsewhere on the sheet, e.g. a reference to a detail on another sheet; the sheets labelled in
    `drawn_on` get a wall drawn in the middle (a change without words)."""
    labels = list(labels or [f"A-{101 + index}" for index in range(pages)])
    notes = list(notes or [f"GENERAL NOTES FOR SHEET {label}" for label in labels])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, encrypt=encrypt, invariant=1)
    canvas.setTitle(title)
    width, height = size
    for label, note in zip(labels, notes, strict=True):
        canvas.rect(18, 18, width - 36, height - 36)
        canvas.rect(width - 250, 18, 232, 120)  # the title block
        canvas.setFont("Helvetica", 10)
        canvas.drawString(width - 240, 120, title.upper())
        canvas.drawString(60, height - 60, note)
        if label in drawn_on:
            canvas.setLineWidth(8)
            canvas.rect(width / 3, height / 3, width / 4, height / 5)
            canvas.setLineWidth(1)
        canvas.setFont("Helvetica-Bold", 36)
        canvas.drawRightString(width - 30, 30, label)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def rotated_sheet_pdf(label="A-101", reference="A-502"):
    """An ARCH D sheet stored portrait and turned for display (/Rotate 90), as plotters often write
    them: shown landscape, its number in large type at the bottom-right, a smaller reference to
    another sheet at the bottom-left and one at the top-left. The text is drawn turned a quarter
    counter-clockwise so that it reads upright on the displayed sheet."""
    width, height = ARCH_D[1], ARCH_D[0]  # the stored (media) box, portrait

    def text(string, size, x, y):
        return f"BT /F1 {size} Tf 0 1 -1 0 {x} {y} Tm ({string}) Tj ET".encode()

    content = b"\n".join(
        [
            text(label, 36, width - 40, height - 250),  # stored top-right: displayed bottom-right
            text(reference, 14, width - 100, 60),  # stored bottom-right: displayed bottom-left
            text("A-501", 14, 40, 60),  # stored bottom-left: displayed top-left
        ]
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:g} {height:g}] /Rotate 90 "
            f"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".encode(),
            stream(b"", content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def raw_pdf(objects, *, header=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"):
    """A PDF written object by object: `objects[0]` is object 1, the catalog."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(dictionary, data):
    return b"<< " + dictionary + f" /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def page_tree_bomb_pdf(depth=4, fan=10):
    """A page tree whose nodes list the same child `fan` times: fan**depth pages in under a kilobyte."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        kids = " ".join([f"{3 + level} 0 R"] * fan)
        objects.append(
            f"<< /Type /Pages /Kids [{kids}] /Count {fan ** (depth - level)} /MediaBox [0 0 612 792] >>".encode()
        )
    objects.append(f"<< /Type /Page /Parent {depth + 1} 0 R >>".encode())
    return raw_pdf(objects)


def form_bomb_pdf(levels=7, fan=10):
    """Form XObjects that each draw the next one `fan` times: fan**levels drawings to parse from 2 KB."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /F 5 0 R >> >> /Contents 4 0 R >>",
        stream(b"", b"/F Do"),
    ]
    for level in range(levels):
        number = 5 + level
        if level == levels - 1:
            body, resources = b"0 0 1 1 re f", b""
        else:
            body, resources = (
                b" ".join([b"/F Do"] * fan),
                f"/Resources << /XObject << /F {number + 1} 0 R >> >>".encode(),
            )
        objects.append(stream(b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + resources, body))
    return raw_pdf(objects)


def slow_render_pdf(operations=100_000, pages=1):
    """Pages whose shading is a PostScript function `operations` long, run for every pixel: opening
    the file is instant, drawing a page takes about operations / 550 seconds on this machine
    (100,000: minutes, a hostile file; 200: a third of a second, a slow but honest one)."""
    program = b"{ " + b"dup mul sqrt " * operations + b"pop }"
    first_page = 5
    kids = " ".join(f"{first_page + index} 0 R" for index in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Shading << /Sh 3 0 R >> >> /Contents 4 0 R >>"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
            f"<< /ShadingType 1 /ColorSpace /DeviceGray /Domain [0 1 0 1] /Matrix [612 0 0 792 0 0] /Function {first_page + pages} 0 R >>".encode(),
            stream(b"", b"/Sh sh"),
            *[page] * pages,
            stream(b"/FunctionType 4 /Domain [0 1 0 1] /Range [0 1] /Filter /FlateDecode", zlib.compress(program, 9)),
        ]
    )


def garbage_pdf():
    """A PDF header, then noise, then an end-of-file marker: passes the cheap checks, PDFium refuses it."""
    noise = hashlib.sha256(b"civicreview").digest() * 64
    return b"%PDF-1.7\n" + noise + b"\n%%EOF\n"


def html_as_pdf():
    return b"<!DOCTYPE html>\n<html><head><title>Plan set</title></head><body>Download failed</body></html>\n"


def truncated(data, fraction=0.5):
    return data[: int(len(data) * fraction)]
