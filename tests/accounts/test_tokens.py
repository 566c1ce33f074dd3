"""API tokens: they expire after TOKEN_TTL_HOURS (401 saying so) and their owner can revoke them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import tokens

pytestmark = pytest.mark.django_db


def obtain(username="planner"):
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": settings.DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def age(key, hours):
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(hours=hours))


def test_a_token_says_when_it_expires(demo):
    before = timezone.now()

    answer = obtain()

    expires = parse_datetime(answer["expires_at"])
    assert before + timedelta(hours=720) <= expires <= timezone.now() + timedelta(hours=720)


def test_the_lifetime_comes_from_the_settings(demo, settings):
    settings.TOKEN_TTL_HOURS = 2

    answer = obtain()

    assert parse_datetime(answer["expires_at"]) <= timezone.now() + timedelta(hours=2)


def test_an_expired_token_is_401_saying_it_expired(demo):
    key = obtain()["token"]
    age(key, hours=721)

    response = with_token(key).get("/api/cases/")

    assert response.status_code == 401
    assert response.json() == {"detail": tokens.EXPIRED}


def test_a_token_just_before_its_expiry_still_works(demo):
    key = obtain()["token"]
    age(key, hours=719)

    assert with_token(key).get("/api/cases/").status_code == 200


def test_asking_again_after_expiry_gives_a_new_token(demo):
    old = obtain()["token"]
    age(old, hours=721)

    new = obtain()["token"]

    assert new != old
    assert with_token(new).get("/api/cases/").status_code == 200
    assert with_token(old).get("/api/cases/").status_code == 401


def test_a_user_revokes_their_token_with_it(demo):
    key = obtain()["token"]

    response = with_token(key).delete("/api/auth/token/")

    assert response.status_code == 204
    after = with_token(key).get("/api/cases/")
    assert after.status_code == 401
    assert after.json() == {"detail": "Invalid token."}


def test_a_user_revokes_their_token_from_their_session(demo, api_as):
    key = obtain("planner")["token"]
    others = obtain("fire")["token"]

    assert api_as(demo.planner).delete("/api/auth/token/").status_code == 204

    assert with_token(key).get("/api/cases/").status_code == 401
    assert with_token(others).get("/api/cases/").status_code == 200


def test_revoking_needs_a_login(demo, api):
    key = obtain()["token"]

    assert api.delete("/api/auth/token/").status_code == 401
    assert with_token(key).get("/api/cases/").status_code == 200


def test_an_expired_token_cannot_revoke_or_be_used_again(demo):
    key = obtain()["token"]
    age(key, hours=721)

    assert with_token(key).delete("/api/auth/token/").status_code == 401
