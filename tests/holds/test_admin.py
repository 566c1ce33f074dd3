"""Holds in the admin: placed and released through the service (audited), imported from a CSV upload."""

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from holds.models import Hold


def csv_file(text):
    return SimpleUploadedFile("holds.csv", text.encode("utf-8-sig"), "text/csv")


def test_an_admin_places_and_releases_a_hold(demo, client):
    client.force_login(demo.admin)

    added = client.post(
        "/admin/holds/hold/add/", {"parcel_id": "APN 5", "kind": "lien", "reason": "County lien", "external_ref": ""}
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    hold = Hold.objects.get()
    assert (hold.placed_by, hold.source, hold.active) == (demo.admin, "staff", True)

    page = client.get(f"/admin/holds/hold/{hold.pk}/change/").content.decode()
    assert 'name="release_reason"' in page and 'name="reason"' not in page  # what was placed is read only
    client.post(f"/admin/holds/hold/{hold.pk}/change/", {"release_reason": "Lien satisfied"})

    hold.refresh_from_db()
    assert (hold.active, hold.released_by, hold.release_reason) == (False, demo.admin, "Lien satisfied")
    assert list(AuditEntry.objects.filter(action__startswith="hold.").values_list("action", "actor_name")) == [
        ("hold.placed", "admin"), ("hold.released", "admin"),
    ]  # fmt: skip


def test_the_admin_imports_a_csv_and_names_the_bad_rows_of_a_refused_one(demo, client):
    client.force_login(demo.admin)
    assert "Import holds from CSV" in client.get("/admin/holds/hold/").content.decode()

    refused = client.post(
        "/admin/holds/hold/import/",
        {"file": csv_file("external_ref,parcel_id,kind,reason\nw:1,APN 1,lien,Lien\nw:2,APN 2,fine,Fine\n")},
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and "1 of 2 rows have errors; nothing was changed." in page
    assert "<td>3</td><td>kind</td>" in page
    assert not Hold.objects.exists()

    done = client.post(
        "/admin/holds/hold/import/", {"file": csv_file("external_ref,parcel_id,kind,reason\nw:1,APN 1,lien,Lien\n")},
        follow=True,
    )  # fmt: skip
    assert "Imported: 1 placed, 0 lifted, 0 unchanged." in done.content.decode()
    assert Hold.objects.get().placed_by == demo.admin


def test_a_file_that_is_not_csv_text_is_refused(demo, client):
    client.force_login(demo.admin)
    response = client.post("/admin/holds/hold/import/", {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad")})
    assert "not UTF-8 text" in response.content.decode() and not Hold.objects.exists()
