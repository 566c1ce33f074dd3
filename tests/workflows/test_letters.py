"""The letters: the corrections letter prints the open corrections and notes released to the
applicant (never internal markups or replies), by department and sheet, numbered, with measured
values, signed with the head's full name and title; a draft while in review, the issued letter once
corrections are required; an approved outcome gets an approval letter with its conditions."""

import io

import pypdfium2
import pytest

from reviews.services import annotations
from tests.tagged_pdfs import in_order, structure
from workflows.services import letters


def text_of(pdf):
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def cloud(page, text, category="correction"):
    return {
        "page": page, "kind": "cloud", "geometry": {"points": [[100, 100], [300, 200]]},
        "text": text, "category": category,
    }  # fmt: skip


@pytest.fixture
def marked_up(plans, submit):
    submit(departments=["fire", "building"])
    demo, pk = plans.demo, plans.version.pk
    plans.version.pages.filter(number=1).update(scale_ratio=48, scale_label='1/4" = 1\'-0"', scale_unit="ft")
    plans.version.pages.filter(number=2).update(title="FIRST FLOOR PLAN")
    fire = annotations.create_annotation(demo.fire, pk, cloud(2, "Show the rated wall at grid C.")).data
    annotations.add_comment(demo.building, fire["id"], "@fire is this the corridor wall?")  # internal
    annotations.add_comment(demo.fire, fire["id"], "See CBC 706.", visibility="applicant")
    annotations.create_annotation(demo.building, pk, cloud(1, "Stair width is 36 in.; 44 in. required."))
    annotations.create_annotation(demo.building, pk, cloud(1, "@fire please check", "internal"))
    annotations.create_annotation(demo.building, pk, cloud(1, "Sprinklers per NFPA 13.", "note"))
    annotations.create_annotation(
        demo.building, pk, {"page": 1, "kind": "rectangle", "geometry": {"points": [[10, 10], [50, 50]]}}
    )
    annotations.create_annotation(
        demo.building, pk, {"page": 1, "kind": "measure_length", "geometry": {"points": [[0, 0], [180, 0]]},
                            "text": "Corridor too narrow"},
    )  # fmt: skip
    resolved = annotations.create_annotation(demo.building, pk, cloud(1, "Resolved already")).data
    annotations.update_annotation(demo.building, resolved["id"], 1, {"status": "resolved"})
    return plans


def test_the_draft_lists_released_kinds_by_department_and_sheet_numbered(marked_up, api_as):
    response = api_as(marked_up.demo.planner).get(f"/api/versions/{marked_up.version.pk}/corrections-letter.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["X-Letter-Status"] == "draft"
    text = text_of(response.content)
    assert "Corrections letter — DRAFT" in text
    for expected in (
        marked_up.case.number,
        "Riverside Commons",
        "1200 Riverside Avenue",
        "APN 052-118-07",
        "Architectural plan set, version 1",
    ):
        assert expected in text
    building, fire = text.index("Building Department"), text.index("Fire Department")
    assert building < text.index("Sheet A-101 (page 1)") < text.index("1.") < text.index("Stair width is 36 in.") < fire
    assert fire < text.index("Sheet A-102 — FIRST FLOOR PLAN (page 2)") < text.index("Show the rated wall at grid C.")
    assert "4." in text and "Show the rated wall" in text[text.index("4.") :]  # numbered across departments
    assert "Sprinklers per NFPA 13." in text and "note" in text
    assert "Resolved already" not in text


def test_internal_markups_replies_and_textless_shapes_stay_out(marked_up, api_as):
    text = text_of(letters.render(marked_up.version))

    assert "See CBC 706." in text
    assert "@fire" not in text and "corridor wall" not in text
    assert "without text" not in text and "rectangle" not in text.lower()


def test_a_measurement_prints_its_measured_value(marked_up):
    text = text_of(letters.render(marked_up.version))

    assert "Corridor too narrow Measured length: 10'-0\"." in text.replace("\r\n", " ")  # 180 pt at 1/4" = 1'-0"


def test_once_corrections_are_required_the_issued_letter_is_served(marked_up, decide, api_as):
    decide("fire", "review", "corrections_required", comment="See the markups.")
    decide("building", "review", "corrections_required")
    annotations.create_annotation(marked_up.demo.planner, marked_up.version.pk, cloud(1, "Added after issue"))

    response = api_as(marked_up.demo.fire).get(f"/api/versions/{marked_up.version.pk}/corrections-letter.pdf")

    assert response["X-Letter-Status"] == "issued"
    text = text_of(response.content)
    assert "DRAFT" not in text and "Corrections letter" in text
    assert (
        "Department decisions" in text
        and "See the markups." in text
        and "Corrections required" in text.replace("\r\n", " ")
    )
    assert "Added after issue" not in text  # the letter as issued, not as the markups are now
    assert "Maria Alvarez" in text and "Planning Director" in text  # the lead department's head, by name and title
    assert "planning_head" not in text


def test_an_approved_outcome_gets_an_approval_letter_with_its_conditions(marked_up, decide, api_as):
    decide("fire", "review", "approved_with_conditions", comment="Fire lane kept clear during construction.")
    decide("building", "review", "approved")
    decide("planning", "approval", "approved")

    response = api_as(marked_up.demo.planner).get(f"/api/versions/{marked_up.version.pk}/corrections-letter.pdf")

    assert response["X-Letter-Status"] == "issued"
    assert "approval-letter.pdf" in response["Content-Disposition"]
    text = text_of(response.content).replace("\r\n", " ")
    assert "Approval letter" in text and "Corrections letter" not in text
    assert "Conditions of approval" in text and "1. Fire lane kept clear during construction. (Fire)" in text
    assert "Maria Alvarez" in text and "Planning Director" in text  # the head whose approval ended it
    workflow = marked_up.workflow()
    assert workflow.approval_letter.name.endswith(f"-approval-{workflow.pk}.pdf") and not workflow.corrections_letter
    with workflow.approval_letter.open("rb") as stored:
        assert stored.read() == response.content  # the letter as issued and stored, served as it is


def test_a_letter_without_open_markups_says_so(plans):
    text = text_of(letters.render(plans.version))

    assert "There are no open comments on these plans." in text


def test_the_letter_is_a_tagged_pdf_read_in_order(marked_up):
    typed = 'Typst markup stays text: #set page(fill: red) *not bold* $x$ "quoted" \\ done'
    annotations.create_annotation(marked_up.demo.fire, marked_up.version.pk, cloud(2, typed))
    pdf = letters.render(marked_up.version)

    types = structure(pdf)
    assert in_order(types, "H1", "Table", "TD", "H2", "H2", "H3", "L", "LI", "H2", "H3", "L", "LI")
    text = text_of(pdf)
    order = ["Corrections letter", "Comments", "Building Department", "Sheet A-101", "Stair width", "Fire Department"]
    assert [text.index(words) for words in order] == sorted(text.index(words) for words in order)
    assert typed in text.replace("\r\n", " ")
