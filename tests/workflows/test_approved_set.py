"""The approved set (contract v2, workflow `approved_set_url`): once a review ends approved, a worker
writes the version with every sheet stamped — vector overlay, upright in the displayed top-right corner
of rotated, cropped and oversized sheets — stored, audited, downloadable by the case's staff and
applicants and nobody else."""

import hashlib
import io
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from django.utils import timezone
from PIL import ImageChops

from audit.models import AuditEntry
from documents.pdf.stamping import stamp
from tests.factories import sheet_pdf
from workflows.models import Workflow
from workflows.services import approved_set
from workflows.tasks import reconcile_workflows

DATA = Path(__file__).resolve().parent.parent / "data" / "pdf"
CORPUS = Path("/work/shared/corpus/pdf")
A0 = (2384, 3370)  # portrait, in points


def reshaped(path, *, media=None, crop=None, rotate=None, inherited=False):
    """`path` rewritten with its pages' boxes and /Rotate changed (set on the page tree when `inherited`)."""
    with pikepdf.open(io.BytesIO(path.read_bytes())) as pdf:
        for page in pdf.pages:
            if media:
                page.obj.MediaBox = pikepdf.Array(media)
            if crop:
                page.obj.CropBox = pikepdf.Array(crop)
            if rotate is not None and not inherited:
                page.obj.Rotate = rotate
            if inherited and pikepdf.Name.Rotate in page.obj:
                del page.obj.Rotate
        if inherited:
            pdf.Root.Pages.Rotate = rotate
        out = path.with_name(f"reshaped-{path.name}")
        pdf.save(out)
    return out


def sheets(tmp_path, size=(36 * 72, 24 * 72), pages=2):
    path = tmp_path / "sheets.pdf"
    path.write_bytes(sheet_pdf(pages=pages, size=size))
    return path


SHEETS = {
    "ARCH D landscape": lambda tmp: sheets(tmp),
    "ARCH D stored portrait, /Rotate 90": lambda tmp: reshaped(_copy(DATA / "rotated-sheet.pdf", tmp)),
    "A0 portrait, /Rotate 90": lambda tmp: reshaped(sheets(tmp, size=A0), rotate=90),
    "CropBox inside a larger MediaBox, /Rotate 270": lambda tmp: reshaped(
        sheets(tmp), media=[-300, -200, 2900, 2000], crop=[150, 120, 2400, 1650], rotate=270
    ),
    "CropBox offset, /Rotate 180": lambda tmp: reshaped(sheets(tmp), crop=[400, 300, 2592, 1728], rotate=180),
    "/Rotate 90 inherited from the page tree": lambda tmp: reshaped(sheets(tmp), rotate=90, inherited=True),
}
CORPUS_SHEETS = [
    "pdfjs-issue14497.pdf",
    "bops-Site_plan.pdf",
    "pdfjs-issue12810.pdf",
]  # A0 /Rotate 90, /Rotate 270, ARCH D


def _copy(path, tmp):
    (tmp / path.name).write_bytes(path.read_bytes())
    return tmp / path.name


@pytest.fixture(scope="module")
def stamp_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("stamp") / "stamp.pdf"
    path.write_bytes(
        approved_set.draw_stamp("APPROVED", ["City Plan Review", "Case BP-2026-00042", "By Maria Alvarez"])
    )
    return path


def changed_region(before, after, index):
    """The box (left, top, right, bottom) of what the stamp changed on the page as displayed, as
    fractions of its width and height (PDFium applies the CropBox and /Rotate)."""
    renders = []
    for path in (before, after):
        document = pypdfium2.PdfDocument(path)
        page = document[index]
        renders.append(page.render(scale=600 / max(page.get_size())).to_pil().convert("RGB"))
        document.close()
    box = ImageChops.difference(*renders).getbbox()
    assert box is not None, "the stamp is not visible on the page"
    assert box[2] - box[0] > 2 * (box[3] - box[1]), "the stamp is not upright (it is wider than tall)"
    width, height = renders[0].size
    return box[0] / width, box[1] / height, box[2] / width, box[3] / height


def stamped_text(path, index):
    document = pypdfium2.PdfDocument(path)
    page = document[index]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    found = textpage.search("APPROVED").get_next()
    left, bottom, right, top = textpage.get_charbox(found[0]) if found else (0, 0, 0, 0)
    crop = page.get_cropbox()
    inside = found and crop[0] <= left and right <= crop[2] and crop[1] <= bottom and top <= crop[3]
    document.close()
    return text, bool(inside)


def check_stamped(source, stamp_file, tmp_path):
    dest = tmp_path / "approved.pdf"
    with pikepdf.open(source) as original:
        pages, images = len(original.pages), [len(page.get_images()) for page in original.pages]
    assert stamp(source, stamp_file, dest) == pages
    with pikepdf.open(dest) as written:
        assert [len(page.get_images()) for page in written.pages] == images  # nothing rasterised
    for index in range(pages):
        left, top, right, bottom = changed_region(source, dest, index)
        assert left > 0.5 and bottom < 0.5, f"page {index + 1}: the stamp is not in the top-right corner"
        assert right < 1 and top > 0, f"page {index + 1}: the stamp runs off the sheet"
        text, inside = stamped_text(dest, index)
        assert "APPROVED" in text and "BP-2026-00042" in text and inside
    return dest


@pytest.mark.parametrize("make", SHEETS.values(), ids=SHEETS.keys())
def test_every_sheet_is_stamped_upright_in_its_visible_top_right_corner(make, stamp_file, tmp_path):
    source = make(tmp_path)
    original_text, _ = stamped_text(source, 0)

    dest = check_stamped(source, stamp_file, tmp_path)

    text, _ = stamped_text(dest, 0)
    assert set(original_text.split()) <= set(text.split())  # the sheet's own text is still text


@pytest.mark.parametrize("name", CORPUS_SHEETS)
def test_real_rotated_and_oversized_sheets_from_the_corpus(name, stamp_file, tmp_path):
    if not (CORPUS / name).exists():
        pytest.skip("the shared corpus is not on this machine")
    check_stamped(CORPUS / name, stamp_file, tmp_path)


def test_the_stamp_is_shared_so_the_set_grows_by_little_more_than_one_stamp(stamp_file, tmp_path):
    source = sheets(tmp_path, pages=30)
    dest = tmp_path / "approved.pdf"
    stamp(source, stamp_file, dest)
    assert dest.stat().st_size <= source.stat().st_size * 1.05 + stamp_file.stat().st_size


# --- the approved set of a workflow ---------------------------------------------------


def approve(decide, conditions=""):
    decide("fire", "review", "approved_with_conditions" if conditions else "approved", comment=conditions)
    decide("building", "review", "approved")
    decide("planning", "approval", "approved")


def pdf_text(data):
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    return ["\n".join(page.get_textpage().get_text_range().splitlines()) for page in document]


def test_an_approval_writes_the_stamped_set_for_staff_and_applicants(plans, submit, decide, api_as, api):
    demo = plans.demo
    assert api_as(demo.planner).post(f"/api/cases/{plans.case.pk}/applicants/", {"username": "applicant"},
                                     format="json").status_code == 201  # fmt: skip
    submit()
    url = f"/api/versions/{plans.version.pk}/approved-set.pdf"
    assert api_as(demo.planner).get(f"/api/versions/{plans.version.pk}/workflow/").json()["approved_set_url"] is None
    assert api_as(demo.planner).get(url).status_code == 404  # nothing before the approval

    approve(decide)

    workflow = plans.workflow()
    assert api_as(demo.applicant).get(f"/api/versions/{plans.version.pk}/workflow/").json()["approved_set_url"] == url
    for user in (demo.planner, demo.fire, demo.applicant):
        response = api_as(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert f"{plans.case.number}-v1-approved-set.pdf" in response["Content-Disposition"]
    data = b"".join(api_as(demo.applicant).get(url).streaming_content)
    pages = pdf_text(data)
    assert len(pages) == plans.version.page_count
    day = timezone.localtime(workflow.finished_at).strftime("%B %-d, %Y")
    for text in pages:
        assert "APPROVED" in text and f"Case {plans.case.number}" in text and f"Date {day}" in text
        assert "City Plan Review" in text and "Planning Department" in text
        assert "By Maria Alvarez, Planning Director" in text and "condition" not in text
    written = AuditEntry.objects.get(action="workflow.approved_set_written", case_id=plans.case.pk)
    assert written.after_data["sha256"] == hashlib.sha256(data).hexdigest() and written.after_data["sheets"] == 2
    assert api_as(demo.engineering).get(url).status_code == 404  # not on the case
    assert api_as(demo.outsider).get(url).status_code == 404
    assert api.get(url).status_code in (401, 403)  # the public never


def test_conditions_are_referenced_on_every_sheet(plans, submit, decide, api_as):
    submit()
    approve(decide, conditions="Fire lane kept clear during construction.")

    data = b"".join(
        api_as(plans.demo.planner).get(f"/api/versions/{plans.version.pk}/approved-set.pdf").streaming_content
    )
    for text in pdf_text(data):
        assert "APPROVED WITH CONDITIONS" in text and "Subject to 1 condition in the approval letter" in text


def test_writing_again_changes_nothing(plans, submit, decide):
    submit()
    approve(decide)
    first = plans.workflow().approved_set.name

    assert approved_set.write(plans.workflow().pk) is None
    assert plans.workflow().approved_set.name == first
    assert AuditEntry.objects.filter(action="workflow.approved_set_written").count() == 1


def test_a_set_sent_back_for_corrections_gets_no_stamp(plans, submit, decide, api_as):
    submit()
    decide("fire", "review", "corrections_required")
    decide("building", "review", "approved")

    assert approved_set.write(plans.workflow().pk) is None
    assert api_as(plans.demo.planner).get(f"/api/versions/{plans.version.pk}/approved-set.pdf").status_code == 404


def test_the_sweep_writes_a_set_whose_message_was_lost(plans, submit, decide, monkeypatch):
    monkeypatch.setattr("workflows.services.engine._write_approved_set_after_commit", lambda workflow_id: None)
    submit()
    approve(decide)
    workflow = plans.workflow()
    assert not workflow.approved_set
    Workflow.objects.filter(pk=workflow.pk).update(finished_at=timezone.now() - timezone.timedelta(minutes=5))

    reconcile_workflows.apply()

    assert plans.workflow().approved_set


def test_the_sweep_carries_on_when_the_broker_is_unreachable(plans, submit, decide, monkeypatch):
    from kombu.exceptions import OperationalError

    monkeypatch.setattr("workflows.services.engine._write_approved_set_after_commit", lambda workflow_id: None)
    submit()
    approve(decide)
    Workflow.objects.filter(pk=plans.workflow().pk).update(finished_at=timezone.now() - timezone.timedelta(minutes=5))

    def unreachable(*args):
        raise OperationalError("connection refused")

    monkeypatch.setattr("workflows.tasks.write_approved_set.delay", unreachable)
    assert reconcile_workflows.apply().get() == {}  # routing went on; the set waits for the next sweep
    assert not plans.workflow().approved_set


def test_a_set_the_stamping_cannot_read_fails_once_with_the_reason_and_the_sweep_leaves_it(
    plans, submit, decide, api_as, monkeypatch
):
    monkeypatch.setattr("workflows.services.engine._write_approved_set_after_commit", lambda workflow_id: None)
    submit()
    approve(decide)
    Path(plans.version.file.path).write_bytes(b"%PDF-1.7\nnot a PDF qpdf can read\n%%EOF\n")
    Workflow.objects.filter(pk=plans.workflow().pk).update(finished_at=timezone.now() - timezone.timedelta(minutes=5))

    reconcile_workflows.apply()

    workflow = plans.workflow()
    assert not workflow.approved_set
    assert workflow.approved_set_error.startswith(
        "The approved set of Architectural plan set v1 could not be written: The PDF is damaged and cannot be read."
    )
    failed = AuditEntry.objects.get(action="workflow.approved_set_failed", case_id=plans.case.pk)
    assert failed.summary == workflow.approved_set_error
    body = api_as(plans.demo.planner).get(f"/api/versions/{plans.version.pk}/workflow/").json()
    assert (body["approved_set_url"], body["approved_set_error"]) == (None, workflow.approved_set_error)
    assert workflow.approved_set_error in api_as(plans.demo.planner).get(f"/cases/{plans.case.pk}/").content.decode()
    sent = []
    monkeypatch.setattr("workflows.tasks.write_approved_set.delay", sent.append)
    reconcile_workflows.apply()
    assert sent == [], "the sweep does not try a failed set again"
    assert approved_set.write(workflow.pk) is None
    assert AuditEntry.objects.filter(action="workflow.approved_set_failed").count() == 1
