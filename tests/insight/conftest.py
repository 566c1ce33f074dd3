from tests.workflows.conftest import decide, plans, submit  # noqa: F401 - the fixtures
