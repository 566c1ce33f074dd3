"""The corrections letter: every open markup and its thread, by department and sheet, under
the case's header; a draft while in review, the issued letter once corrections are required."""

import io

import pypdfium2
import pytest

from reviews.services import annotations
from workflows.services import letters


def text_of(pdf):
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def cloud(page, text):
    return {"page": page, "kind": "cloud", "geometry": {"points": [[100, 100], [300, 200]]}, "text": text}


@pytest.fixture
def marked_up(plans, submit):
    submit(departments=["fire", "building"])
    demo = plans.demo
    fire = annotations.create_annotation(demo.fire, plans.version.pk, cloud(2, "Show the rated wall at grid C.")).data
    annotations.add_comment(demo.building, fire["id"], "Also on A-101, please.")
    annotations.create_annotation(demo.building, plans.version.pk, cloud(1, "Stair width is 36 in.; 44 in. required."))
    resolved = annotations.create_annotation(demo.building, plans.version.pk, cloud(1, "Resolved already")).data
    annotations.update_annotation(demo.building, resolved["id"], 1, {"status": "resolved"})
    return plans


def test_the_draft_lists_open_markups_by_department_and_sheet_with_their_threads(marked_up, api_as):
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
    assert building < text.index("Sheet A-101 (page 1)") < text.index("Stair width is 36 in.") < fire
    assert (
        fire
        < text.index("Sheet A-102 (page 2)")
        < text.index("Show the rated wall at grid C.")
        < text.index("building", fire)
    )
    assert "Also on A-101, please." in text
    assert "Resolved already" not in text
    assert "Page 1 of" in text


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
    assert "planning_head" in text  # signed by the lead department's head


def test_a_letter_without_open_markups_says_so(plans):
    text = text_of(letters.render(plans.version))

    assert "There are no open comments on these plans." in text
