"""Real answers checked against /api/schema/, strictly.

`Schema(document).check(response)` finds the operation the request was routed to, and validates
the answer's JSON against what the schema declares for its status: every required field there,
no field the schema does not name, each of the declared type and format (times ISO 8601 with a
zone), null only where the schema allows it. drf-spectacular writes OpenAPI 3.0, whose schema
objects are JSON Schema but for `nullable`; `as_json_schema` turns them into JSON Schema proper.
"""

import re
from datetime import datetime

from jsonschema import Draft202012Validator, FormatChecker

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_moment(text):
    return not isinstance(text, str) or datetime.fromisoformat(text).tzinfo is not None


def as_json_schema(node):
    """An OpenAPI 3.0 schema object as JSON Schema: `nullable` allows null, and an object with
    named properties allows no others (spectacular never declares `additionalProperties` itself
    but for a free-form object)."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items()}
    if "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def schema_path(response):
    """The schema's path of the route that answered: /api/versions/<int:pk>/ is /api/versions/{id}/."""
    route = response.resolver_match.route
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda name: "{%s}" % ("id" if name[1] == "pk" else name[1]), route)


class Schema:
    def __init__(self, document):
        self.paths = document["paths"]
        self.components = as_json_schema(document["components"])

    def check(self, response):
        """The answer, parsed, after checking it against the schema."""
        path, method = schema_path(response), response.request["REQUEST_METHOD"].lower()
        answers = self.paths[path][method]["responses"]
        status = str(response.status_code)
        assert status in answers, f"{method.upper()} {path} answered {status}, which the schema does not list"
        declared = answers[status]["content"]["application/json"]["schema"]
        validator = Draft202012Validator(
            {**as_json_schema(declared), "components": self.components}, format_checker=FORMATS
        )
        body = response.json()
        problems = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(body)
        ]
        assert not problems, f"{method.upper()} {path} ({status}) differs from the schema:\n" + "\n".join(problems)
        return body
