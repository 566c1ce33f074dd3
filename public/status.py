"""What a resident may read about a case, with no login: its status and a timeline in plain words.

One allowlist for the page, the JSON and the open-data export: a case's number, kind, address,
status and the dates of its steps. Never markups, comments, file names, document titles, user
names or e-mail addresses: each event's words are written here, not taken from what people typed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.shortcuts import get_object_or_404

from documents.models import Case, DocumentVersion
from workflows import selectors
from workflows.models import StageRun, Workflow

OPEN_DATA_FIELDS = ["number", "kind", "address", "parcel_id", "status", "opened_at", "updated_at", "decided_at"]


@dataclass(frozen=True)
class Event:
    at: datetime
    event: str


def case_status(number):
    """The public status of case `number` (404 when there is none), as the JSON answer carries it."""
    case = get_object_or_404(Case, number=number)
    events = timeline(case)
    status = selectors.case_status(case)  # its words name document kinds and cycles, never titles
    return {
        "number": case.number,
        "kind": case.get_kind_display(),
        "address": case.address,
        "status": status.status,
        "status_text": status.text,
        "opened_at": case.created_at,
        "updated_at": events[-1].at if events else case.created_at,
        "timeline": [{"at": event.at, "event": event.event} for event in events],
    }


def timeline(case):
    """The case's steps, oldest first: received, each submittal, each review's stages and its outcome."""
    events = [Event(case.created_at, "Application received")]
    versions = DocumentVersion.objects.filter(document__case=case).select_related("document")
    for version in versions.order_by("created_at", "pk"):
        kind = version.document.get_kind_display()
        verb = "submitted" if version.number == 1 else f"resubmitted (version {version.number})"
        events.append(Event(version.created_at, f"{kind} {verb}"))
    for workflow in Workflow.objects.filter(case=case).order_by("submitted_at", "pk"):
        events.append(Event(workflow.submitted_at, "Review started"))
        for stage in StageRun.objects.filter(workflow=workflow).order_by("number"):
            if stage.closed_at:
                events.append(Event(stage.closed_at, f"{stage.name} completed"))
        if workflow.finished_at:
            events.append(Event(workflow.finished_at, f"Review finished: {workflow.get_status_display()}"))
    return sorted(events, key=lambda event: event.at)


def open_data():
    """One row per case, oldest first, read from the database in batches (the export streams)."""
    kinds, statuses = dict(Case.Kind.choices), dict(Case.Status.choices)
    cases = (
        Case.objects.annotate(decided_at=Max("workflows__finished_at"))
        .order_by("pk")
        .values_list("number", "kind", "address", "parcel_id", "status", "created_at", "updated_at", "decided_at")
    )
    for number, kind, address, parcel_id, status, opened_at, updated_at, decided_at in cases.iterator(2000):
        dates = [when.isoformat() if when else "" for when in (opened_at, updated_at, decided_at)]
        yield [number, kinds[kind], address, parcel_id, statuses[status], *dates]
