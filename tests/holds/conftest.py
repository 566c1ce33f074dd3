from tests.workflows.conftest import decide, plans, submit  # noqa: F401  (the plans under review, for holds too)
