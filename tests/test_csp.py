"""The Content-Security-Policy: on every answer, strict for scripts, and our templates keep to it."""

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.I)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs/", "/admin/login/", "/api/cases/"])
def test_every_answer_carries_the_policy(path):
    policy = directives(Client().get(path))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_static_files_carry_it_too_for_pdfjs_worker():
    """A worker runs under the policy its script is served with."""
    response = Client().get("/static/pdfjs/pdf.worker.min.mjs")

    assert response.status_code == 200
    assert "'wasm-unsafe-eval'" in directives(response)["script-src"]


@pytest.mark.django_db
def test_the_api_docs_start_up_script_is_a_file():
    page = Client().get("/api/docs/").content.decode()
    script = Client().get("/api/docs/?script=")

    assert not INLINE_SCRIPT.search(page)
    assert "<style" not in page
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@pytest.mark.parametrize("template", sorted((ROOT / "templates").rglob("*.html")), ids=lambda path: path.name)
def test_no_template_has_inline_script(template):
    text = template.read_text()

    assert not INLINE_SCRIPT.search(text), "move the script into static/js/"
    assert not INLINE_HANDLER.search(text), "attach the handler from static/js/"
    assert "<style" not in text, "move the style into static/css/"
