"""A chain per case on PostgreSQL: an append waits only for appends to the same case's chain."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from audit import services as audit
from audit.models import ChainHead, chain_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_chain():
    """Case 1's chain head, locked by another connection (a long transaction appending to it)."""
    audit.record("test.step", actor=None, case=1, summary="the chain exists")
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                ChainHead.objects.select_for_update().get(chain=chain_of(1))
                held.set()
                release.wait(60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(30)
    yield
    release.set()
    holder.join(30)


def append_within(case, timeout="2s"):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
        return audit.record("test.step", actor=None, case=case, summary="while case 1's chain is held")


def test_appends_to_other_cases_and_the_system_chain_do_not_wait_for_a_held_chain(held_chain):
    other_case = append_within(2)
    new_case = append_within(3)
    system = append_within(None)

    assert (other_case.chain, new_case.chain, system.chain) == ("case:2", "case:3", "system")
    with pytest.raises(OperationalError, match="lock timeout"):
        append_within(1, timeout="200ms")


def test_many_cases_appended_from_threads_keep_every_chain_whole():
    errors = []

    def append(case):
        try:
            for n in range(20):
                audit.record("test.step", actor=None, case=case if n % 5 else None, summary=f"{case}: {n}")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(case,)) for case in (1, 1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    result = audit.verify()
    assert errors == [] and result.intact, result.problems
    assert result.heads["case:1"][0] == 32 and result.heads["case:2"][0] == 16 and result.heads["system"][0] == 16
