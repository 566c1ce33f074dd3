"""Reading workflows and tasks. Every lookup starts from the cases the user may see
(`Case.objects.visible_to`), so an outsider's answer is 404."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from civicreview.errors import Conflict
from documents.models import Case, Department, Document, DocumentVersion
from workflows.models import StageRun, Task, Workflow

TASK_RELATED = ["stage", "department", "assignee", "decided_by"]
LISTING_RELATED = [*TASK_RELATED, "workflow__case", "workflow__version__document"]


def headed_departments(user):
    return user.headed_departments.all() if user.is_authenticated else Department.objects.none()


def with_tasks(workflows):
    return workflows.select_related("template", "submitted_by", "case", "version__document").prefetch_related(
        Prefetch("tasks", queryset=Task.objects.select_related(*TASK_RELATED)),
        Prefetch("stages", queryset=StageRun.objects.order_by("number")),
    )


def visible_workflows(user):
    return Workflow.objects.filter(case__in=Case.objects.visible_to(user))


def visible_workflow(user, workflow_id):
    return get_object_or_404(with_tasks(visible_workflows(user)), pk=workflow_id)


def visible_tasks(user):
    return Task.objects.filter(workflow__case__in=Case.objects.visible_to(user))


def visible_task(user, task_id):
    return get_object_or_404(visible_tasks(user).select_related(*LISTING_RELATED), pk=task_id)


def case_workflows(case):
    return list(with_tasks(Workflow.objects.filter(case=case)).order_by("-submitted_at", "-id"))


def workflow_of_version(user, version_id):
    return get_object_or_404(with_tasks(visible_workflows(user)), version_id=version_id)


def submit_refusal(version):
    """Why `version` cannot be sent for review now, as the exception to raise, or None: the one
    rule, raised by the engine's `submit` (under the version's lock) and asked by the case page
    for the versions it offers."""
    if version.status == DocumentVersion.Status.PROCESSING:
        return ValidationError("This version is still being processed; submit it once it is ready.")
    if version.status != DocumentVersion.Status.READY:
        return ValidationError(
            "This version could not be processed; upload the plans again and submit the new version."
        )
    document = version.document
    if document.versions.filter(number__gt=version.number).exclude(status=DocumentVersion.Status.FAILED).exists():
        return ValidationError(f"Version {version.number} is not the latest of {document.title}; submit the latest.")
    if Workflow.objects.filter(version=version).exists():
        return Conflict(f"Version {version.number} of {document.title} was already submitted.")
    if Workflow.objects.filter(case=document.case_id, status=Workflow.Status.IN_PROGRESS).exists():
        return Conflict(in_review_refusal(document.case))
    return None


def in_review_refusal(case):
    return f"{case.number} already has a submission in review; it must finish before the next."


def submittable_versions(case):
    """The versions the case page offers to send for review: each document's latest that did not
    fail, if `submit_refusal` has nothing against it."""
    latest = (
        document.versions.exclude(status=DocumentVersion.Status.FAILED).order_by("-number").first()
        for document in case.documents.order_by("created_at", "pk")
    )
    return [version for version in latest if version is not None and submit_refusal(version) is None]


# Who decides a task no one is assigned: an approval is for the department's heads, a review for
# its members. The one rule, as a query over tasks (mine_q) and as the users of a task (deciders).
DECIDED_BY = {Task.Kind.APPROVAL: "heads", Task.Kind.REVIEW: "members"}


def mine_q(user):
    """The tasks that are the user's to decide: assigned to them, or unassigned and decided by
    the department's heads or members (DECIDED_BY) when the user is one of them."""
    departments = {"heads": headed_departments(user), "members": Department.objects.of_member(user)}
    by_kind = Q()
    for kind, who in DECIDED_BY.items():
        by_kind |= Q(kind=kind, department__in=departments[who])
    return Q(assignee__isnull=True) & by_kind | Q(assignee=user)


def deciders(task):
    """The active users whose task it is to decide: its assignee, else per DECIDED_BY."""
    if task.assignee_id:
        return [task.assignee]
    return list(getattr(task.department, DECIDED_BY[task.kind]).filter(is_active=True))


def open_tasks(user, *, mine=True):
    """Pending tasks of workflows in review, soonest due first: the user's own, or all they may see."""
    found = Task.objects.filter(status=Task.Status.PENDING, workflow__status=Workflow.Status.IN_PROGRESS)
    found = found.filter(mine_q(user)) if mine else found.filter(workflow__case__in=Case.objects.visible_to(user))
    return found.select_related(*LISTING_RELATED).order_by("due_at", "pk")


def may_decide(user, task):
    """Whether the task is the user's to decide (the engine enforces it)."""
    return user.is_authenticated and Task.objects.filter(pk=task.pk).filter(mine_q(user)).exists()


def decidable_ids(user, tasks):
    """The ids of those `tasks`, still open, that the user may decide (for the screens' forms)."""
    pending = [t.pk for t in tasks if t.status == Task.Status.PENDING]
    if not pending or not user.is_authenticated:
        return set()
    return set(Task.objects.filter(pk__in=pending).filter(mine_q(user)).values_list("pk", flat=True))


BOARD_ROWS = 50  # tasks listed in each of a board's panels, the most urgent first; the counts are of all


def dashboard(user, *, now=None):
    """For each department the user heads: how many of its tasks are open, overdue and awaiting
    the head, the most urgent BOARD_ROWS of each, and its latest decisions."""
    now = now or timezone.now()
    boards = []
    for department in headed_departments(user).order_by("name"):
        pending = Task.objects.filter(
            department=department, status=Task.Status.PENDING, workflow__status=Workflow.Status.IN_PROGRESS
        )
        panels = {
            "awaiting": Q(kind=Task.Kind.APPROVAL) & (Q(assignee=None) | Q(assignee=user)),
            "queue": Q(kind=Task.Kind.REVIEW),
            "overdue": Q(due_at__lte=now),
        }
        counts = pending.aggregate(**{name: Count("pk", filter=condition) for name, condition in panels.items()})
        recent = list(  # its own decisions, and every department's on the cases it leads
            Task.objects.filter(Q(department=department) | Q(workflow__case__lead_department=department))
            .filter(status=Task.Status.DONE)
            .select_related(*LISTING_RELATED)
            .order_by("-decided_at", "-pk")[:10]
        )
        board = {name: _listed(pending.filter(condition)) for name, condition in panels.items()}
        boards.append({"department": department, **board, "counts": counts, "recent": recent})
    return boards


def _listed(tasks):
    return list(tasks.select_related(*LISTING_RELATED).order_by("due_at", "pk")[:BOARD_ROWS])


def finished_review(version):
    """For a query over departments: whether each one's review of `version` is done
    (its markups on it are then final)."""
    return Exists(
        Task.objects.filter(
            workflow__version=version, department=OuterRef("pk"), kind=Task.Kind.REVIEW, status=Task.Status.DONE
        )
    )


def timeline(workflow):
    """The workflow's stages as the case page shows them: each planned stage with its run
    (if it opened) and its tasks, or the departments it will ask."""
    runs = {run.number: run for run in workflow.stages.all()}
    tasks = sorted(workflow.tasks.all(), key=lambda t: (t.kind, t.department.name))
    departments = Department.objects.in_bulk({step["department"] for stage in workflow.plan for step in stage["steps"]})
    stages = []
    for planned in workflow.plan:
        run = runs.get(planned["number"])
        stages.append(
            {
                "number": planned["number"],
                "name": planned["name"],
                "run": run,
                "status": stage_status(workflow, run),
                "tasks": [t for t in tasks if run and t.stage_id == run.pk],
                "planned": [{**step, "department": departments.get(step["department"])} for step in planned["steps"]],
            }
        )
    return stages


def stage_status(workflow, run):
    """open / closed for a stage that ran (`run`), else not_started, or not_reached once the workflow ended."""
    if run is not None:
        return run.status
    return "not_reached" if workflow.finished else "not_started"


def applicant_page(case):
    """What the applicant's case page shows: per document its versions and, for the latest
    version whose review ended, that review and what it released to them, sheet by sheet."""
    from reviews.services import audience

    workflows = {w.version_id: w for w in Workflow.objects.filter(case=case)}
    documents = []
    for document in case.documents.all():
        versions = list(document.versions.all())
        reviewed = next((v for v in reversed(versions) if v.pk in workflows and workflows[v.pk].finished), None)
        sheets = []
        if reviewed is not None:
            pages = {page.number: page for page in reviewed.pages.all()}
            items = audience.released_items(reviewed, pages)
            for number in sorted({item.markup.page for item in items}):
                found = [item for item in items if item.markup.page == number]
                sheets.append({"number": number, "page": pages.get(number), "items": found})
        latest = versions[-1] if versions else None
        documents.append({
            "document": document, "versions": versions, "latest": latest,
            "workflow": workflows.get(latest.pk) if latest else None,
            "reviewed": reviewed, "review": workflows.get(reviewed.pk) if reviewed else None, "sheets": sheets,
        })  # fmt: skip
    return documents


# --- what a case's status is -------------------------------------------------------

STATUS_ORDER = [  # the case takes the first found
    Case.Status.REJECTED,
    Case.Status.CORRECTIONS_REQUIRED,
    Case.Status.IN_REVIEW,
    Case.Status.APPROVED,
    Case.Status.OPEN,
]


@dataclass(frozen=True)
class DocumentStatus:
    document: Document
    status: str  # a Case.Status value
    cycle: int  # reviews of this document so far (0: never sent for review)
    text: str  # "Corrections required — plan set, cycle 2": no title, no name (the public reads it)
    next_step: str  # what happens next, for the case pages
    waiting_on: str  # who: "the applicant", "Fire (review)", "the head of Planning", …


@dataclass(frozen=True)
class CaseStatus:
    status: str
    text: str
    documents: list[DocumentStatus]

    @property
    def waiting(self):
        """The documents someone still has to act on, each with who and what."""
        return [d for d in self.documents if d.waiting_on]


def case_status(case):
    """The case's status from all its documents under review (those sent for review at least once):
    "Approved" only when every one of them is; otherwise the first of rejected, corrections
    required, in review, with the document's kind and cycle. The one rule for the case pages,
    the stored `Case.status` and the public status."""
    workflows = list(Workflow.objects.filter(case=case).select_related("version").order_by("version__number", "pk"))
    pending = list(
        Task.objects.filter(
            workflow__case=case, workflow__status=Workflow.Status.IN_PROGRESS, status=Task.Status.PENDING
        )
        .select_related("department")
        .order_by("kind", "department__name")
    )
    lead = case.lead_department.name
    documents = []
    for document in case.documents.order_by("created_at", "pk").prefetch_related("versions"):
        reviewed = [w for w in workflows if w.version.document_id == document.pk]
        versions = [v for v in document.versions.all() if v.status != DocumentVersion.Status.FAILED]
        documents.append(_document_status(lead, document, reviewed, versions, pending))
    under_review = [d for d in documents if d.cycle]
    if not under_review:
        return CaseStatus(Case.Status.OPEN, "Open", documents)
    first = min(under_review, key=lambda d: STATUS_ORDER.index(d.status))
    if first.status == Case.Status.APPROVED:
        return CaseStatus(Case.Status.APPROVED, "Approved", documents)
    return CaseStatus(first.status, first.text, documents)


def _document_status(lead, document, reviewed, versions, pending):
    kind, cycle = document.get_kind_display().lower(), len(reviewed)
    latest = versions[-1] if versions else None
    if not reviewed:
        step = (
            "Being processed." if latest is None or latest.status == DocumentVersion.Status.PROCESSING
            else f"Version {latest.number} is waiting for {lead} to send it for review."
        )  # fmt: skip
        return DocumentStatus(document, Case.Status.OPEN, 0, f"Received — {kind}", step, lead if latest else "")
    workflow = reviewed[-1]
    newer = latest is not None and latest.number > workflow.version.number
    where = f"{kind}, cycle {cycle}"
    if workflow.status == Workflow.Status.IN_PROGRESS:
        tasks = [t for t in pending if t.workflow_id == workflow.pk]
        who = ", ".join(_task_owner(t) for t in tasks) or lead
        step = f"Version {workflow.version.number} is in review; waiting on {who}."
        return DocumentStatus(document, Case.Status.IN_REVIEW, cycle, f"In review — {where}", step, who)
    if newer and workflow.status == Workflow.Status.CORRECTIONS_REQUIRED:
        step = (
            f"Version {latest.number} is being processed." if latest.status == DocumentVersion.Status.PROCESSING  # type: ignore[union-attr]
            else f"Version {latest.number} was resubmitted and is waiting for {lead} to send it for review "  # type: ignore[union-attr]
            f"(cycle {cycle + 1})."
        )  # fmt: skip
        return DocumentStatus(document, Case.Status.IN_REVIEW, cycle, f"Resubmitted — {kind}, cycle {cycle + 1}",
                              step, lead)  # fmt: skip
    if workflow.status == Workflow.Status.CORRECTIONS_REQUIRED:
        step = "The applicant answers each correction, revises the sheets and uploads a new version."
        return DocumentStatus(document, Case.Status.CORRECTIONS_REQUIRED, cycle, f"Corrections required — {where}",
                              step, "the applicant")  # fmt: skip
    if workflow.status == Workflow.Status.REJECTED:
        return DocumentStatus(document, Case.Status.REJECTED, cycle, f"Rejected — {where}",
                              "The review ended: rejected. The letter gives the reasons.", "")  # fmt: skip
    label = Workflow.Status(workflow.status).label
    step = "Approved. " + (
        "The stamped approved set is ready to download." if workflow.approved_set
        else workflow.approved_set_error or "The stamped approved set is being written."
    )  # fmt: skip
    return DocumentStatus(document, Case.Status.APPROVED, cycle, f"{label} — {where}", step, "")


def _task_owner(task):
    if task.kind == Task.Kind.APPROVAL:
        return f"the head of {task.department.name}"
    return f"{task.department.name} (review)"
