"""The audit trail: append-only, a chain per case, each entry chained to the one before by a keyed
hash, so that any change to the record is found by verify_audit."""

import io

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import chain
from audit import services as audit
from audit.models import GENESIS, AppendOnly, AuditEntry, ChainHead, chain_of
from tests.factories import CaseFactory

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


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
    superuser, who can switch the append-only triggers off)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def verify_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue() + err.getvalue() + str(error)
    return True, out.getvalue()


# --- the chains ---------------------------------------------------------------------


def test_each_entry_links_to_the_one_before_in_its_case_chain(trail):
    entries = list(AuditEntry.objects.for_case(trail.pk))

    assert [e.seq for e in entries] == list(range(1, len(entries) + 1)) and {e.chain for e in entries} == {
        f"case:{trail.pk}"
    }
    assert entries[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:]))
    assert all(chain.entry_hash(e) == e.hash for e in entries)
    assert ChainHead.objects.get(chain=f"case:{trail.pk}").last_hash == entries[-1].hash


def test_each_case_has_its_own_chain_and_entries_about_no_case_the_system_chain(trail, demo):
    other = CaseFactory(lead_department=demo.departments["fire"])

    last = AuditEntry.objects.for_case(trail.pk).last()
    first_of_other = AuditEntry.objects.for_case(other.pk).first()
    audit.record("test.step", actor=None, case=other, summary="elsewhere")
    system = audit.record("test.step", actor=None, summary="about no case")
    next_one = audit.record("test.step", actor=None, case=trail, summary="step 5")

    assert (first_of_other.chain, first_of_other.seq, first_of_other.prev_hash) == (f"case:{other.pk}", 1, GENESIS)
    assert (system.chain, next_one.chain, next_one.seq, next_one.prev_hash) == (
        "system", f"case:{trail.pk}", last.seq + 1, last.hash,
    )  # fmt: skip
    result = audit.verify()
    assert result.intact, result.problems
    assert (
        result.heads[f"case:{trail.pk}"] == (next_one.seq, next_one.hash) and result.heads["system"][1] == system.hash
    )


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
    assert f"Audit trail intact: {AuditEntry.objects.count()} entries in {ChainHead.objects.count()} chains" in output


# --- the key ------------------------------------------------------------------------


def test_the_hash_is_keyed_with_AUDIT_HMAC_KEY(trail, settings):
    settings.AUDIT_HMAC_KEY = "another key"

    result = audit.verify()

    assert not result.intact
    assert f"case:{trail.pk}: entry #1 was altered" in result.problems[0]


def test_without_AUDIT_HMAC_KEY_the_key_is_derived_from_SECRET_KEY_and_the_deploy_check_warns(settings):
    settings.AUDIT_HMAC_KEY = ""
    derived = chain.signing_key()
    settings.SECRET_KEY = "another secret"

    assert chain.signing_key() != derived and len(derived) == 32
    assert [w.id for w in checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
            if w.id.startswith("audit.")] == ["audit.W001"]  # fmt: skip
    settings.AUDIT_HMAC_KEY = "set"
    assert chain.signing_key() == b"set"
    assert not [w for w in checks.run_checks(include_deployment_checks=True) if w.id.startswith("audit.")]


def test_changing_an_entry_is_found(trail):
    raw("UPDATE audit_auditentry SET summary = 'nothing happened' WHERE chain = %s AND seq = 3", [chain_of(trail.pk)])

    ok, output = verify_command()

    assert not ok
    assert f"case:{trail.pk}: entry #3 was altered" in output


def rewrite_and_rehash_from(trail, seq, key):
    """The attack: change entry `seq`'s content, re-hash it and every entry after it with `key`, and
    set the head to the new last hash, so every link holds."""
    entries = list(AuditEntry.objects.for_case(trail.pk))
    previous = entries[seq - 2].hash if seq > 1 else GENESIS
    for entry in entries[seq - 1 :]:
        if entry.seq == seq:
            entry.after = '{"n":99}'
        entry.prev_hash = previous
        entry.hash = previous = chain.entry_hash(entry, key)
        raw("UPDATE audit_auditentry SET after = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [entry.after, entry.prev_hash, entry.hash, entry.pk])  # fmt: skip
    raw("UPDATE audit_chainhead SET last_hash = %s WHERE chain = %s", [previous, chain_of(trail.pk)])


def test_rewriting_an_entry_and_rehashing_everything_after_it_without_the_key_is_found(trail):
    rewrite_and_rehash_from(trail, 2, key=b"the attacker's guess")

    ok, output = verify_command()

    assert not ok
    assert all(f"case:{trail.pk}: entry #{n} was altered" in output for n in (2, 3, 4))


def test_removing_an_entry_is_found(trail):
    raw("DELETE FROM audit_auditentry WHERE chain = %s AND seq = 2", [chain_of(trail.pk)])

    ok, output = verify_command()

    assert not ok
    assert f"case:{trail.pk}: entries #2–#2 are missing" in output and "entry #3 does not link" in output


def test_removing_the_last_entries_is_found_while_the_head_remembers_them(trail):
    last = AuditEntry.objects.for_case(trail.pk).last()
    raw("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])

    ok, output = verify_command()

    assert not ok
    assert f"case:{trail.pk}: the chain's head names entry #{last.seq}, but the last entry is #{last.seq - 1}" in output


def test_moving_an_entry_to_another_case_is_found(trail, demo):
    other = CaseFactory(lead_department=demo.departments["fire"])
    raw("UPDATE audit_auditentry SET case_id = %s WHERE chain = %s AND seq = 2", [other.pk, chain_of(trail.pk)])

    result = audit.verify()

    assert f"case:{trail.pk}: entry #2 names case {other.pk} but sits in another chain" in result.problems


# --- append-only in the application and the database ----------------------------------


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


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET summary = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditentry WHERE seq = 1",
        "TRUNCATE audit_auditentry",
        "TRUNCATE audit_auditentry, audit_chainhead",
        "DELETE FROM audit_chainhead",
        "TRUNCATE audit_chainhead",
        "UPDATE audit_chainhead SET last_seq = last_seq - 1",
        "UPDATE audit_chainhead SET chain = 'system' WHERE chain <> 'system'",
    ],
)
def test_on_postgresql_the_database_itself_refuses_to_change_the_trail(trail, sql):
    entries = AuditEntry.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only|only move forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert audit.verify().intact
    assert AuditEntry.objects.count() == entries


def test_a_missing_head_is_rebuilt_from_the_chains_last_entry(trail):
    last = AuditEntry.objects.for_case(trail.pk).last()
    raw("DELETE FROM audit_chainhead WHERE chain = %s", [chain_of(trail.pk)])
    assert f"case:{trail.pk}: the chain's head is missing" in audit.verify().problems

    entry = audit.record("test.step", actor=None, case=trail, summary="after the head was lost")

    assert (entry.seq, entry.prev_hash) == (last.seq + 1, last.hash) and audit.verify().intact
    assert entry.actor_name == "system"


def test_the_actor_comes_from_the_request_when_not_given(demo):
    with audit.acting_as(demo.fire):
        entry = audit.record("test.step", summary="by whoever is acting")

    assert entry.actor_name == "fire"


def test_values_are_written_canonically():
    assert audit.canonical({"b": 1, "a": [2, {"d": None, "c": "é"}]}) == '{"a":[2,{"c":"é","d":null}],"b":1}'
    assert audit.canonical(None) == ""
    with pytest.raises(TypeError):
        audit.canonical({"x": object()})
