"""GET /api/schema/: an OpenAPI 3 schema of the whole API, listing every path of the contract."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import Resolver404, resolve
from drf_spectacular.validation import validate_schema

# The contract's HTTP table (../shared/CONTRACT.md), as the schema spells the paths.
DOCUMENTS_PATHS = [
    "/api/auth/token/",
    "/api/cases/",
    "/api/cases/{id}/",
    "/api/cases/{id}/documents/",
    "/api/documents/{id}/versions/",
    "/api/versions/{id}/",
    "/api/public/cases/{number}/",
    "/api/public/cases.csv",
    "/api/public/cases.json",
]
REVIEWS_PATHS = [
    "/api/versions/{id}/annotations/",
    "/api/annotations/{id}/",
    "/api/annotations/{id}/comments/",
    "/api/versions/{id}/submit/",
    "/api/workflows/{id}/",
    "/api/tasks/",
    "/api/tasks/{id}/decision/",
    "/api/versions/{id}/corrections-letter.pdf",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    assert re.match(r"^3\.\d+\.\d+$", schema["openapi"])
    validate_schema(schema)
    assert schema["info"]["title"] == "CivicReview API"


def test_the_schema_generates_without_warnings(tmp_path):
    """drf-spectacular warns when it must guess a view's shape; a guess is a hole in the documentation."""
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    assert yaml.safe_load(out.read_text())["paths"]


@pytest.mark.parametrize("path", DOCUMENTS_PATHS)
def test_the_schema_lists_the_contracts_path(schema, path):
    assert path in schema["paths"]


def test_the_schema_lists_the_file_and_thumbnail_downloads(schema):
    assert "/api/versions/{id}/file/" in schema["paths"]
    assert "/api/versions/{id}/pages/{number}/thumbnail/" in schema["paths"]
    assert "application/pdf" in schema["paths"]["/api/versions/{id}/file/"]["get"]["responses"]["200"]["content"]


def served(path):
    try:
        resolve(path.replace("{id}", "1"))
        return True
    except Resolver404:
        return False


@pytest.mark.parametrize("path", REVIEWS_PATHS)
def test_every_contract_path_the_server_routes_is_in_the_schema(schema, path):
    """The review paths arrive with the reviews API; whichever the server routes must be documented."""
    if served(path):
        assert path in schema["paths"]
    else:
        assert path not in schema["paths"]


def test_uploads_are_documented_as_multipart_with_a_file(schema):
    for path in ("/api/cases/{id}/documents/", "/api/documents/{id}/versions/"):
        content = schema["paths"][path]["post"]["requestBody"]["content"]
        assert "multipart/form-data" in content
        (ref,) = {content["multipart/form-data"]["schema"]["$ref"]}
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert component["properties"]["file"]["format"] == "binary"


def test_creating_a_case_answers_201_with_a_number(schema):
    responses = schema["paths"]["/api/cases/"]["post"]["responses"]
    ref = responses["201"]["content"]["application/json"]["schema"]["$ref"]

    assert "number" in schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]


def test_the_token_answer_and_its_revocation_are_documented(schema):
    token = schema["paths"]["/api/auth/token/"]
    ref = token["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]

    assert properties["expires_at"] == {"type": "string", "format": "date-time", "readOnly": True}
    assert "429" in token["post"]["responses"]
    assert "204" in token["delete"]["responses"]
