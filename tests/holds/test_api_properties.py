"""Property: whatever is sent to the holds endpoints, the answer is a success or a 4xx saying what is
wrong — never a 500 — and a refused request changes no hold and writes no audit entry."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEntry
from holds.models import Hold
from tests.factories import UserFactory
from tests.properties import PROPERTY_SETTINGS, dumps, field, objects, texts, wild

pytestmark = pytest.mark.django_db

kinds = field(st.sampled_from([*Hold.Kind.values, "parking"]))
hold_fields = {"parcel_id": field(texts), "kind": kinds, "reason": field(texts), "external_ref": field(texts)}
rows = st.lists(
    objects({**hold_fields, "action": field(st.sampled_from(["place", "lift", "void"]))}) | wild, max_size=4
)


def stored():
    return list(Hold.objects.order_by("pk").values_list("pk", "released_at", "reason")), AuditEntry.objects.count()


def send(client, url, body):
    before = stored()
    response = client.post(url, dumps(body), content_type="application/json")
    assert response.status_code in {200, 201, 400, 403, 404, 409}, response.status_code
    if response.status_code >= 400:
        assert response.json(), "a refusal says what is wrong"
        assert stored() == before
    return response


@pytest.fixture
def billing(db, api_as):
    account = UserFactory(username="billing-system")
    account.user_permissions.add(Permission.objects.get(codename="sync_holds"))
    return api_as(account)


@PROPERTY_SETTINGS
@given(body=objects(hold_fields))
def test_placing_holds(billing, body):
    send(billing, "/api/holds/", body)


@PROPERTY_SETTINGS
@given(body=objects({"reason": field(texts)}))
def test_releasing_holds(billing, body):
    hold = Hold.objects.get_or_create(parcel_id="APN 1", kind="lien", defaults={"placed_at": timezone.now()})[0]
    send(billing, f"/api/holds/{hold.pk}/release/", body)


@PROPERTY_SETTINGS
@given(body=objects({"holds": field(rows)}))
def test_sending_batches(billing, body):
    send(billing, "/api/holds/bulk/", body)
