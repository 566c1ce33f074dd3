"""Failed logins: 10 for one username, or from one address, within 15 minutes → 429 until the window passes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = 10


def token_for(username, password, address="203.0.113.5", **headers):
    return APIClient(REMOTE_ADDR=address, **headers).post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def fail(times, username="planner", address="203.0.113.5", **headers):
    """Wrong passwords; their statuses (the one that reaches the limit is answered 429 already)."""
    return [token_for(username, "guess", address, **headers).status_code for _ in range(times)]


def let_the_window_pass(minutes=16):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_nine_failures_still_let_the_right_password_in(demo):
    assert fail(LIMIT - 1) == [400] * (LIMIT - 1)

    assert token_for("planner", settings.DEMO_PASSWORD).status_code == 200


def test_the_tenth_failure_locks_the_username_out_with_429(demo):
    fail(LIMIT - 1)

    tenth = token_for("planner", "guess")
    right_password = token_for("planner", settings.DEMO_PASSWORD)

    assert tenth.status_code == 429
    assert right_password.status_code == 429
    assert right_password.json()["detail"].startswith("Too many failed logins")
    assert "Try again in 15 minutes" in right_password.json()["detail"]
    assert right_password["Retry-After"] == str(15 * 60)
    assert "token" not in right_password.json()


def test_the_username_is_locked_from_every_address(demo):
    for number in range(LIMIT):
        fail(1, address=f"198.51.100.{number}")

    assert token_for("planner", settings.DEMO_PASSWORD, address="192.0.2.200").status_code == 429
    assert token_for("fire", settings.DEMO_PASSWORD, address="192.0.2.200").status_code == 200


def test_a_success_in_between_does_not_reset_the_count(demo):
    fail(LIMIT - 1)
    assert token_for("planner", settings.DEMO_PASSWORD).status_code == 200

    assert token_for("planner", "guess").status_code == 429
    assert token_for("planner", settings.DEMO_PASSWORD).status_code == 429


def test_one_address_trying_many_usernames_is_locked_out_on_its_own(demo):
    for number in range(LIMIT):
        fail(1, username=f"nobody{number}", address="203.0.113.9")

    assert token_for("fire", settings.DEMO_PASSWORD, address="203.0.113.9").status_code == 429
    assert token_for("fire", settings.DEMO_PASSWORD, address="203.0.113.10").status_code == 200


def test_the_lockout_ends_when_the_window_has_passed(demo):
    assert fail(LIMIT) == [400] * (LIMIT - 1) + [429]
    assert token_for("planner", settings.DEMO_PASSWORD).status_code == 429

    let_the_window_pass(minutes=14)
    assert token_for("planner", settings.DEMO_PASSWORD).status_code == 429

    let_the_window_pass(minutes=2)
    assert token_for("planner", settings.DEMO_PASSWORD).status_code == 200


def test_the_failure_limit_and_window_come_from_the_settings(demo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)
    assert fail(2) == [400, 400]

    assert token_for("planner", "guess").status_code == 429
    assert "Try again in 5 minutes" in token_for("planner", settings.DEMO_PASSWORD).json()["detail"]
    let_the_window_pass(minutes=6)
    assert token_for("planner", settings.DEMO_PASSWORD).status_code == 200


def test_forwarded_addresses_are_ignored_unless_the_proxies_are_counted(demo):
    """Without TRUSTED_PROXY_COUNT a client cannot dodge the address lockout by inventing X-Forwarded-For."""
    for number in range(LIMIT):
        fail(1, username=f"nobody{number}", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert token_for("fire", settings.DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_one_proxy_the_address_it_forwarded_is_the_client(demo, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for number in range(LIMIT):
        fail(1, username=f"nobody{number}", address=proxy, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")

    attacker = token_for("fire", settings.DEMO_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="anything, 198.51.100.7")
    someone_else = token_for("fire", settings.DEMO_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert attacker.status_code == 429
    assert someone_else.status_code == 200


def test_the_login_form_says_to_wait_and_for_how_long(demo, client):
    client.get("/accounts/login/")
    for _ in range(LIMIT):
        client.post("/accounts/login/", {"username": "planner", "password": "guess"})

    response = client.post("/accounts/login/", {"username": "planner", "password": settings.DEMO_PASSWORD})

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    page = response.content.decode()
    assert "Please wait before logging in again" in page
    assert "Try again in 15 minutes." in page
    assert "sessionid" not in response.cookies


def test_the_admin_login_is_locked_out_too(demo, client):
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "admin", "password": "guess"})

    response = client.post("/admin/login/", {"username": "admin", "password": settings.DEMO_PASSWORD})

    assert response.status_code == 429
