"""A database connection lost under a request is answered 503 with a message, never a 500; the
kept connection is checked before it is used again (the real fault: tests/integration/
test_database_connections_lost.py)."""

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError

from documents.models import Case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError("terminating connection"), InterfaceError("connection closed")])
def test_a_lost_connection_answers_503_with_a_message(demo, api_as, monkeypatch, error):
    def lost(*args, **kwargs):
        raise error

    monkeypatch.setattr(Case.objects.__class__, "visible_to", lost)

    response = api_as(demo.planner).get("/api/cases/")

    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable for a moment; try again."}


def test_kept_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
