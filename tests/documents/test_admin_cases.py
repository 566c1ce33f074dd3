"""A case opened in the admin is opened by the same service as over the API: numbered, its
departments' members given access, and audited."""

import pytest

from audit.models import AuditEntry
from documents.models import Case
from documents.selectors import visible_cases

pytestmark = pytest.mark.django_db


def test_a_case_opened_in_the_admin_is_numbered_shared_and_audited(demo, client):
    client.force_login(demo.admin)
    planning, fire = demo.departments["planning"], demo.departments["fire"]
    form = {
        "title": "Harbor pump station", "kind": Case.Kind.BUILDING_PERMIT, "address": "1 Quay Road",
        "parcel_id": "12-345", "lead_department": planning.pk, "departments": [fire.pk], "status": Case.Status.OPEN,
        "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000",
    }  # fmt: skip

    response = client.post("/admin/documents/case/add/", form)

    assert response.status_code == 302, response.content.decode()[-2000:]
    case = Case.objects.get(title="Harbor pump station")
    assert case.number.startswith("BP-") and case.created_by == demo.admin
    assert set(case.departments.values_list("slug", flat=True)) == {"planning", "fire"}
    assert visible_cases(demo.fire_head).filter(pk=case.pk).exists()
    opened = AuditEntry.objects.get(case_id=case.pk, action="case.opened")
    assert opened.actor == demo.admin and case.number in opened.summary
