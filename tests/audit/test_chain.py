"""The audit trail: append-only, each entry chained to the one before by its hash, so that any
change to the record is found by verify_audit."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit import services as audit
from audit.models import GENESIS, AppendOnly, AuditEntry, ChainHead
from tests.factories import CaseFactory


@pytest.fixture
def trail(demo):
    case = CaseFactory(lead_department=demo.departments["planning"])
    for n in range(1, 5):
        audit.record(
            "test.step",
            actor=demo.planner,
            case=case,
            obj=("thing", n),
            summary=f"step {n}",
            before={"n": n - 1},
            after={"n": n},
        )
    return case


def raw(sql, params=()):
    """What someone with database access, not the application, might do (on PostgreSQL a
    superuser, who can switch the append-only trigger off)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


@on_postgresql
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditentry SET summary = 'x' WHERE seq = 1", "DELETE FROM audit_auditentry WHERE seq = 1"]
)
def test_on_postgresql_the_database_itself_refuses_to_change_the_trail(trail, sql):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert audit.verify().intact


def verify_command():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue() + err.getvalue() + str(error)
    return True, out.getvalue()


def test_each_entry_links_to_the_one_before(trail):
    entries = list(AuditEntry.objects.order_by("seq"))

    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:]))
    assert all(audit.entry_hash(e) == e.hash for e in entries)
    assert ChainHead.objects.get().last_hash == entries[-1].hash


def test_an_entry_says_who_what_when_and_before_and_after(trail, demo):
    entry = AuditEntry.objects.filter(action="test.step").last()

    assert (entry.actor, entry.actor_name, entry.case, entry.case_number) == (
        demo.planner,
        "planner",
        trail,
        trail.number,
    )
    assert (entry.object_type, entry.object_id, entry.before_data, entry.after_data) == (
        "thing",
        "4",
        {"n": 3},
        {"n": 4},
    )
    assert entry.at is not None


def test_an_intact_trail_verifies(trail):
    ok, output = verify_command()

    assert ok, output
    assert f"Audit trail intact: {AuditEntry.objects.count()} entries" in output


def test_changing_an_entry_is_found(trail):
    raw("UPDATE audit_auditentry SET summary = 'nothing happened' WHERE seq = 3")

    ok, output = verify_command()

    assert not ok
    assert "entry #3 was altered" in output


def test_changing_an_entry_and_its_hash_breaks_the_next_link(trail):
    entry = AuditEntry.objects.get(seq=3)
    entry.after = '{"n":99}'
    forged = audit.entry_hash(entry)
    raw("UPDATE audit_auditentry SET after = %s, hash = %s WHERE seq = 3", ['{"n":99}', forged])

    ok, output = verify_command()

    assert not ok and "entry #4 does not link to the entry before it" in output


def test_removing_an_entry_is_found(trail):
    raw("DELETE FROM audit_auditentry WHERE seq = 2")

    ok, output = verify_command()

    assert not ok and "entries #2–#2 are missing" in output and "entry #3 does not link" in output


def test_removing_the_last_entries_is_found(trail):
    last = AuditEntry.objects.order_by("-seq").first().seq
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [last])

    ok, output = verify_command()

    assert not ok and f"the chain's head names entry #{last}" in output


def test_entries_cannot_be_changed_or_deleted_through_the_application(trail):
    entry = AuditEntry.objects.first()

    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert audit.verify().intact


def test_the_head_is_rebuilt_from_the_last_entry_if_missing(trail, demo):
    ChainHead.objects.all().delete()

    audit.record("test.step", actor=None, summary="after the head was lost")

    assert audit.verify().intact
    assert AuditEntry.objects.order_by("-seq").first().actor_name == "system"


def test_the_actor_comes_from_the_request_when_not_given(demo):
    with audit.acting_as(demo.fire):
        entry = audit.record("test.step", summary="by whoever is acting")

    assert entry.actor_name == "fire"


def test_values_are_written_canonically():
    assert audit.canonical({"b": 1, "a": [2, {"d": None, "c": "é"}]}) == '{"a":[2,{"c":"é","d":null}],"b":1}'
    assert audit.canonical(None) == ""
    with pytest.raises(TypeError):
        audit.canonical({"x": object()})
