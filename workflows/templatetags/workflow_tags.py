"""Small helpers for the workflow screens: the decision form and how a due date reads."""

import datetime

from django import template
from django.utils import timezone

from workflows.services import business_days

register = template.Library()


@register.inclusion_tag("workflows/_decide_form.html")
def decide_form(task, compact=False):
    return {"task": task, "compact": compact}


@register.filter
def due_label(task, now=None):
    """ "Overdue by 2 days", "Due today", "Due tomorrow" or "Due Mon Dec 8", in local time."""
    now = now or timezone.now()
    due_day, today = business_days.last_day(task.due_at), business_days.local_today(now)
    if task.due_at <= now:
        late = (today - due_day).days
        return "Overdue" if late <= 0 else f"Overdue by {late} day{'s' if late != 1 else ''}"
    if due_day == today:
        return "Due today"
    if due_day == today + datetime.timedelta(days=1):
        return "Due tomorrow"
    return f"Due {business_days.last_day_text(task.due_at)}"


@register.filter
def due_state(task, now=None):
    """overdue / soon (today or tomorrow) / later: for the badge's colour."""
    now = now or timezone.now()
    if task.due_at <= now:
        return "overdue"
    return "soon" if task.due_at - now <= datetime.timedelta(days=1) else "later"


@register.filter
def due_day(task):
    """The last day the task may be done on (its due time is the end of that day)."""
    return business_days.last_day(task.due_at)
