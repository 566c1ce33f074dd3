"""Other systems place and lift holds in batches: the bulk endpoint and the CSV import, all or nothing,
idempotent by each row's external reference."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEntry
from holds.models import Hold
from tests.factories import UserFactory


@pytest.fixture
def billing(db):
    """The billing system's service account: a token and the permission holds.sync_holds."""
    account = UserFactory(username="billing-system")
    account.user_permissions.add(Permission.objects.get(codename="sync_holds"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=account).key}")
    return client


def place(ref, parcel="APN 100-200-30", kind="unpaid_fees", reason="Invoice 2291 unpaid"):
    return {"action": "place", "external_ref": ref, "parcel_id": parcel, "kind": kind, "reason": reason}


def bulk(client, rows):
    return client.post("/api/holds/bulk/", {"holds": rows}, format="json")


def test_a_batch_sent_twice_places_each_hold_once(billing):
    rows = [place("billing:INV-1"), place("billing:INV-2", parcel="APN 7")]

    first, second = bulk(billing, rows), bulk(billing, rows)

    assert first.status_code == second.status_code == 200, first.content
    assert [r["result"] for r in first.json()["results"]] == ["placed", "placed"]
    assert [r["result"] for r in second.json()["results"]] == ["unchanged", "unchanged"]
    assert Hold.objects.count() == 2 and set(Hold.objects.values_list("source", flat=True)) == {"system"}
    assert AuditEntry.objects.filter(action="hold.placed", actor_name="billing-system").count() == 2


def test_lifting_is_idempotent_and_a_lifted_reference_is_not_placed_again(billing):
    bulk(billing, [place("billing:INV-1")])

    lifted = bulk(billing, [{"action": "lift", "external_ref": "billing:INV-1", "reason": "Paid 2026-12-01"}])
    again = bulk(billing, [{"action": "lift", "external_ref": "billing:INV-1"}, place("billing:INV-1")])

    assert [r["result"] for r in lifted.json()["results"]] == ["lifted"]
    assert [r["result"] for r in again.json()["results"]] == ["unchanged", "unchanged"]
    hold = Hold.objects.get()
    assert (hold.active, hold.release_reason) == (False, "Paid 2026-12-01")


def test_a_batch_with_bad_rows_changes_nothing_and_names_each(billing):
    bulk(billing, [place("billing:INV-1")])
    rows = [
        place("billing:INV-3"),
        place("billing:INV-4", kind="parking"),
        {"action": "lift", "external_ref": "billing:INV-404"},
        place("billing:INV-1", parcel="APN 999"),
        {"action": "void", "external_ref": "x"},
        place("", reason=""),
    ]
    before = (Hold.objects.count(), AuditEntry.objects.count())

    response = bulk(billing, rows)

    assert response.status_code == 400
    body = response.json()
    assert "5 of 6 rows" in body["detail"] and "nothing was changed" in body["detail"]
    assert [(row["row"], sorted(row["errors"])) for row in body["rows"]] == [
        (2, ["kind"]), (3, ["external_ref"]), (4, ["external_ref"]), (5, ["action"]), (6, ["external_ref"]),
    ]  # fmt: skip
    assert "INV-404" in body["rows"][1]["errors"]["external_ref"][0]
    assert (Hold.objects.count(), AuditEntry.objects.count()) == before


def test_only_an_account_with_the_permission_sends_batches(demo, api_as, api):
    assert api.post("/api/holds/bulk/", {"holds": [place("a")]}, format="json").status_code == 401
    for user in (demo.fire_head, demo.outsider):
        response = api_as(user).post("/api/holds/bulk/", {"holds": [place("a")]}, format="json")
        assert response.status_code == 403 and "holds.sync_holds" in response.json()["detail"]
    assert not Hold.objects.exists()


@pytest.mark.parametrize("holds", [None, [], "place", [["a"]]])
def test_a_batch_that_is_not_a_list_of_objects_is_refused(billing, holds):
    response = billing.post("/api/holds/bulk/", {"holds": holds}, format="json")
    assert response.status_code == 400 and not Hold.objects.exists()


def write_csv(tmp_path, text):
    path = tmp_path / "holds.csv"
    path.write_text(text)
    return path


def test_the_csv_import_places_and_lifts_and_can_be_run_again(db, tmp_path, capsys):
    path = write_csv(
        tmp_path,
        "action,external_ref,parcel_id,kind,reason\n"
        "place,dw:1,APN 1,lien,County lien 44\n"
        "place,dw:2,APN 2,open_violation,Case CE-2026-88\n"
        "lift,dw:1,,,Lien satisfied\n",
    )

    call_command("import_holds", str(path))
    call_command("import_holds", str(path))

    assert capsys.readouterr().out.splitlines() == [
        "2 placed, 1 lifted, 0 unchanged",
        "0 placed, 0 lifted, 3 unchanged",
    ]
    assert sorted((h.external_ref, h.source, h.active) for h in Hold.objects.all()) == [
        ("dw:1", "import", False), ("dw:2", "import", True),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action="hold.placed", actor_name="system").count() == 2


def test_a_csv_with_bad_rows_imports_nothing_and_names_each_row(db, tmp_path, capsys):
    path = write_csv(
        tmp_path,
        "external_ref,parcel_id,kind,reason\n"
        "dw:1,APN 1,lien,County lien\n"
        "dw:2,,lien,No parcel\n"
        "dw:3,APN 3,fine,Unknown kind\n",
    )

    with pytest.raises(CommandError, match="2 of 3 rows have errors; nothing was changed"):
        call_command("import_holds", str(path))

    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith("row 3: parcel_id:") and errors[1].startswith("row 4: kind:")
    assert not Hold.objects.exists() and not AuditEntry.objects.filter(action="hold.placed").exists()


def test_a_csv_with_a_wrong_header_is_refused_saying_which_columns(db, tmp_path):
    path = write_csv(tmp_path, "ref,parcel,kind\nx,APN 1,lien\n")

    with pytest.raises(CommandError, match="missing column.*external_ref; unknown column.*ref, parcel"):
        call_command("import_holds", str(path))
