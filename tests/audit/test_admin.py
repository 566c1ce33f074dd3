"""The audit trail in the admin: readable, never added to, changed or deleted."""

import pytest

from audit import services as audit
from audit.models import AuditEntry


@pytest.fixture
def entry(demo):
    return audit.record("test.step", actor=demo.planner, summary="something happened", before={"a": 1}, after={"a": 2})


@pytest.fixture
def admin(client, demo):
    client.force_login(demo.admin)
    return client


def test_admins_read_the_trail(admin, entry):
    listing = admin.get("/admin/audit/auditentry/")
    detail = admin.get(f"/admin/audit/auditentry/{entry.pk}/change/")

    assert listing.status_code == 200 and "something happened" in listing.content.decode()
    assert detail.status_code == 200 and entry.hash in detail.content.decode()
    assert "&quot;a&quot;: 2" in detail.content.decode()


def test_admins_cannot_add_change_or_delete_entries(admin, entry):
    assert admin.get("/admin/audit/auditentry/add/").status_code == 403
    assert admin.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "edited"}).status_code == 403
    assert admin.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).summary == "something happened"
