"""The workflow rules the engine and the screens share (workflows.selectors): what may be sent
for review, whose a task is to decide, and how a stage not run yet reads."""

from documents.models import DocumentVersion
from tests.factories import DocumentFactory, VersionFactory
from workflows import selectors
from workflows.models import Task


def test_the_case_page_offers_each_documents_latest_version_the_engine_would_take(plans, submit):
    report = DocumentFactory(case=plans.case, title="Drainage report")
    VersionFactory(document=report)
    processing = VersionFactory(document=report, status=DocumentVersion.Status.PROCESSING)
    failed = VersionFactory(document=plans.document, status=DocumentVersion.Status.FAILED)

    assert selectors.submittable_versions(plans.case) == [plans.version]  # a failed one leaves the one before
    assert str(selectors.submit_refusal(processing).messages[0]).startswith("This version is still being processed")
    assert selectors.submit_refusal(failed) is not None

    submit(departments=["fire"])
    assert selectors.submittable_versions(plans.case) == []
    assert "already submitted" in str(selectors.submit_refusal(plans.version))


def test_whose_task_it_is_is_one_rule_for_the_query_the_check_and_the_recipients(plans, submit, decide):
    demo = plans.demo
    submit(departments=["fire"])
    review = plans.task("fire")

    assert set(selectors.deciders(review)) == set(demo.departments["fire"].members) and demo.fire in selectors.deciders(
        review
    )
    assert [selectors.may_decide(user, review) for user in (demo.fire, demo.planner, demo.planning_head)] == [
        True, False, False,
    ]  # fmt: skip
    assert list(Task.objects.filter(selectors.mine_q(demo.fire))) == [review]

    decide("fire", "review", "approved")
    approval = plans.task("planning", kind="approval")
    assert selectors.deciders(approval) == [demo.planning_head]  # the heads only, not the members
    assert selectors.decidable_ids(demo.planning_head, [review, approval]) == {approval.pk}
    assert selectors.decidable_ids(demo.planner, [review, approval]) == set()

    Task.objects.filter(pk=approval.pk).update(assignee=demo.planner)
    approval.refresh_from_db()
    assert selectors.deciders(approval) == [demo.planner]
    assert selectors.decidable_ids(demo.planner, [approval]) == {approval.pk}
    assert not selectors.may_decide(demo.planning_head, approval)


def test_a_stage_not_run_reads_not_started_until_the_workflow_ends(plans, submit, decide):
    submit(departments=["fire"])
    workflow = plans.workflow()
    assert [stage["status"] for stage in selectors.timeline(workflow)] == ["open", "not_started"]

    decide("fire", "review", "rejected", comment="Wrong site")
    workflow = plans.workflow()
    assert [stage["status"] for stage in selectors.timeline(workflow)] == ["closed", "not_reached"]
