"""HTTPS settings from the environment, and `check --deploy` clean with the documented production values."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]


def documented_production_environment():
    """The `sh` block under "Settings for production" in docs/deployment.md, as a dict."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    section = text.split("## Settings for production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    variables = dict(line.split("#", 1)[0].strip().split("=", 1) for line in block.splitlines() if "=" in line)
    for generated in ("SECRET_KEY", "AUDIT_HMAC_KEY"):  # made where it is deployed
        assert variables[generated].startswith("$("), generated
        variables[generated] = secrets.token_hex(32)
    return variables


def check_deploy(variables):
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = check_deploy(documented_production_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_about_the_defaults():
    result = check_deploy({})

    assert result.returncode != 0
    for warning in ["security.W004", "security.W008", "security.W009", "security.W012", "security.W016"]:
        assert warning in result.stderr, warning


def test_a_malformed_proxy_header_setting_is_refused_with_its_name():
    result = check_deploy({**documented_production_environment(), "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"})

    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be" in result.stderr


@pytest.fixture
def https_settings(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(https_settings):
    response = Client().get("/accounts/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


@pytest.mark.django_db
def test_the_health_check_answers_on_plain_http(https_settings):
    assert Client().get("/healthz").status_code == 200


@pytest.mark.django_db
def test_behind_the_proxy_https_pages_carry_hsts_and_secure_cookies(https_settings):
    response = Client(HTTP_X_FORWARDED_PROTO="https").get("/accounts/login/")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.cookies["csrftoken"]["secure"] is True
