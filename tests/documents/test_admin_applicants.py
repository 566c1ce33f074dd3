"""The admin: signatories' titles are edited there; applicants are only read (invited through the API,
so that each change is audited and open sockets close)."""

import pytest

pytestmark = pytest.mark.django_db


def test_signatories_are_listed_and_added_in_the_admin(demo, client):
    client.force_login(demo.admin)

    listed = client.get("/admin/documents/signatory/")

    assert listed.status_code == 200 and "Planning Director" in listed.content.decode()
    assert client.get("/admin/documents/signatory/add/").status_code == 200


def test_applicants_are_read_only_in_the_admin(demo, client):
    client.force_login(demo.admin)

    assert client.get("/admin/documents/caseapplicant/").status_code == 200
    assert client.get("/admin/documents/caseapplicant/add/").status_code == 403
