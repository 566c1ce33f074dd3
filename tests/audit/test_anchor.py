"""Anchors: every chain's head copied out of the database (`audit_anchor`), so that what a database
writer cuts off the end of a chain, or rewrites with the key, is found (`verify_audit --anchor`)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit import chain
from audit import services as audit
from audit.models import GENESIS, AuditEntry, chain_of
from tests.audit.test_chain import raw, rewrite_and_rehash_from, verify_command
from tests.factories import CaseFactory

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


@pytest.fixture
def trail(demo):
    """Two cases with four entries each, and one entry about no case."""
    cases = [CaseFactory(lead_department=demo.departments["planning"]) for _ in range(2)]
    for case in cases:
        for n in range(1, 5):
            audit.record("test.step", actor=demo.planner, case=case, summary=f"step {n}", after={"n": n})
    audit.record("test.step", actor=None, summary="about no case")
    return cases


@pytest.fixture
def anchored(trail, tmp_path):
    path = tmp_path / "anchors.log"
    call_command("audit_anchor", "--to", str(path), stdout=io.StringIO())
    return path


def test_an_anchor_is_one_line_with_every_chains_head(trail, anchored):
    out = io.StringIO()
    call_command("audit_anchor", "--to", str(anchored), stdout=out)

    lines = anchored.read_text().splitlines()
    anchor = json.loads(lines[-1])
    total = AuditEntry.objects.count()
    assert len(lines) == 2 and out.getvalue().startswith(f"Anchored 3 chain head(s) ({total} entries) in {anchored}")
    assert anchor["entries"] == total and set(anchor["heads"]) == {
        chain_of(trail[0].pk),
        chain_of(trail[1].pk),
        "system",
    }
    last = AuditEntry.objects.for_case(trail[0].pk).last()
    assert anchor["heads"][chain_of(trail[0].pk)] == [last.seq, last.hash]


def test_without_a_file_the_anchor_goes_to_standard_output(trail):
    out = io.StringIO()
    call_command("audit_anchor", stdout=out)

    assert json.loads(out.getvalue())["entries"] == AuditEntry.objects.count()


def test_an_intact_trail_verifies_against_its_anchor_and_may_grow_after_it(trail, anchored, demo):
    audit.record("test.step", actor=None, case=trail[0], summary="after the anchor")
    audit.record("test.step", actor=None, case=CaseFactory(lead_department=demo.departments["fire"]), summary="new")

    ok, output = verify_command("--anchor", str(anchored))

    assert ok, output
    assert (
        f"Audit trail intact: {AuditEntry.objects.count()} entries in 4 chains; every head of the anchor of" in output
    )


def test_deleting_the_last_entries_and_rewinding_the_head_is_found_only_against_an_anchor(trail, anchored):
    last, kept = AuditEntry.objects.for_case(trail[0].pk).reverse()[:3:2]  # two entries cut off the end
    raw("DELETE FROM audit_auditentry WHERE chain = %s AND seq > %s", [kept.chain, kept.seq])
    raw("UPDATE audit_chainhead SET last_seq = %s, last_hash = %s WHERE chain = %s", [kept.seq, kept.hash, kept.chain])

    assert verify_command()[0]  # what is left is a shorter chain that verifies
    ok, output = verify_command("--anchor", str(anchored))

    assert not ok
    removed = f"saw {last.seq} entries, the database has {kept.seq}: entries #{kept.seq + 1}–#{last.seq} were removed"
    assert f"case:{trail[0].pk}: the anchor of" in output and removed in output


@on_postgresql
@pytest.mark.parametrize("past_the_trigger", ["replica", "drop the trigger"])
def test_truncating_the_entries_and_resetting_the_heads_is_found_against_an_anchor(trail, anchored, past_the_trigger):
    with connection.cursor() as cursor:
        if past_the_trigger == "replica":  # a superuser switching triggers off
            cursor.execute("SET session_replication_role = replica")
        else:  # the table's owner dropping them
            cursor.execute("DROP TRIGGER audit_entry_no_truncate ON audit_auditentry")
            cursor.execute("DROP TRIGGER audit_chainhead_forward_only ON audit_chainhead")
        cursor.execute("TRUNCATE audit_auditentry")
        cursor.execute("UPDATE audit_chainhead SET last_seq = 0, last_hash = %s", [GENESIS])
        cursor.execute("SET session_replication_role = DEFAULT")

    assert verify_command()[0]  # an empty trail with empty heads verifies
    ok, output = verify_command("--anchor", str(anchored))

    assert not ok
    for name in (chain_of(trail[0].pk), chain_of(trail[1].pk), "system"):
        count = json.loads(anchored.read_text())["heads"][name][0]
        assert f"{name}: the anchor of" in output and f"saw {count} entries, the database has 0: all its entries were removed" in output  # fmt: skip


def test_rewriting_an_entry_with_the_key_is_found_only_against_an_anchor(trail, anchored):
    rewrite_and_rehash_from(trail[1], 3, key=chain.signing_key())
    last = AuditEntry.objects.for_case(trail[1].pk).last()

    assert verify_command()[0]  # whoever holds the key can rewrite a chain
    ok, output = verify_command("--anchor", str(anchored))

    assert not ok and f"case:{trail[1].pk}: entry #{last.seq} is not the one the anchor of" in output


def test_rewriting_an_entry_without_the_key_is_found_with_or_without_an_anchor(trail, anchored):
    rewrite_and_rehash_from(trail[1], 3, key=b"the attacker's guess")

    for args in ((), ("--anchor", str(anchored))):
        ok, output = verify_command(*args)
        assert not ok and f"case:{trail[1].pk}: entry #3 was altered" in output


def test_the_newest_anchor_line_counts(trail, anchored):
    before = AuditEntry.objects.for_case(trail[0].pk).last()
    newest = audit.record("test.step", actor=None, case=trail[0], summary="after the first anchor")
    call_command("audit_anchor", "--to", str(anchored), stdout=io.StringIO())
    raw("DELETE FROM audit_auditentry WHERE id = %s", [newest.pk])
    raw("UPDATE audit_chainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
        [before.seq, before.hash, before.chain])  # fmt: skip

    ok, output = verify_command("--anchor", str(anchored))

    assert not ok and f"saw {newest.seq} entries, the database has {before.seq}: entries #{newest.seq}–#{newest.seq} were removed" in output  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the anchor file"),
        ("", "holds no anchor"),
        ('{"at": "x"}\nnot json\n', "line 2 of"),
        ('{"at": "x", "heads": {"system": [1]}}\n', "line 1 of"),
    ],
)
def test_a_bad_anchor_file_is_named(trail, tmp_path, content, message):
    path = tmp_path / "anchors.log"
    if content is not None:
        path.write_text(content)

    with pytest.raises(CommandError, match=message) as refused:
        call_command("verify_audit", "--anchor", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert str(path) in str(refused.value)


def test_an_anchor_file_that_cannot_be_written_is_named(trail, tmp_path):
    with pytest.raises(CommandError, match="cannot append to"):
        call_command("audit_anchor", "--to", str(tmp_path / "no" / "such" / "dir"), stdout=io.StringIO())
