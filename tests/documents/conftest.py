"""Fixtures the documents tests share."""

import pytest

from documents.services import intake
from tests.factories import CaseFactory, upload


@pytest.fixture
def uploaded(demo):
    """`uploaded(pdf_bytes)`: a version of a new planning case, uploaded by the planner, not processed yet."""
    case = CaseFactory(lead_department=demo.departments["planning"])

    def make(data):
        return intake.add_document(demo.planner, case, title="Plans", upload=upload(data=data)).versions.get()

    return make
