"""GET /healthz: is each configured service reachable? 200 when all are, 503 naming the one that is not."""

import socket
import time

import pytest
from django.db import OperationalError, connection


def closed_port():
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_embedded_everything_is_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "memory", "broker": "eager"}


@pytest.mark.django_db
def test_it_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_redis_down_is_503_naming_the_channel_layer_and_the_broker(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"

    started = time.monotonic()
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"]) == ("error", "ok")
    assert body["channel_layer"].startswith("redis unreachable")
    assert body["broker"].startswith("redis unreachable")
    assert time.monotonic() - started < 5, "a health check must answer quickly when Redis does not"


@pytest.mark.django_db
def test_database_down_is_503_naming_the_database(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unreachable: OperationalError",
        "channel_layer": "memory",
        "broker": "eager",
    }
