"""The apps build on each other one way: reviews (markups) never imports workflows (the reviews
that run over them); what reviews needs of a review, workflows provides (reviews.services.review_state)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BELOW = {"reviews": {"workflows"}, "notifications": {"reviews", "workflows"}}


def imported_apps(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno


@pytest.mark.parametrize("app", sorted(BELOW))
def test_an_app_does_not_import_the_apps_built_on_it(app):
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for imported, line in imported_apps(path)
        if imported in BELOW[app]
    ]
    assert found == []
