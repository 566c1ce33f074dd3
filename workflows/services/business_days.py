"""Due dates counted in business days: weekends and the admin's holidays do not count.

A task given N business days is due at the end of the Nth business day after
the day its stage opened (local time, settings.TIME_ZONE), and its reminder
goes out at the start of the business day before that. The calendar
arithmetic is pure; only `holidays_from` reads the database.
"""

import datetime
from collections.abc import Set

from django.utils import timezone

from workflows.models import Holiday

ONE_DAY = datetime.timedelta(days=1)
NO_HOLIDAYS: frozenset[datetime.date] = frozenset()


def is_business_day(day: datetime.date, holidays: Set[datetime.date] = NO_HOLIDAYS) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(day: datetime.date, count: int, holidays: Set[datetime.date] = NO_HOLIDAYS) -> datetime.date:
    """The `count`th business day after `day`; with 0, `day` itself if it is one, else the next."""
    if count == 0:
        while not is_business_day(day, holidays):
            day += ONE_DAY
        return day
    while count:
        day += ONE_DAY
        if is_business_day(day, holidays):
            count -= 1
    return day


def previous_business_day(day: datetime.date, holidays: Set[datetime.date] = NO_HOLIDAYS) -> datetime.date:
    day -= ONE_DAY
    while not is_business_day(day, holidays):
        day -= ONE_DAY
    return day


def start_of(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)


def end_of(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    """The end of `day`: the first instant of the next calendar day."""
    return start_of(day + ONE_DAY, tz)


def last_day(due_at: datetime.datetime) -> datetime.date:
    """The last day a task due at `due_at` may be done on, in local time (`due_at` is its end)."""
    return timezone.localtime(due_at - datetime.timedelta(microseconds=1)).date()


def last_day_text(due_at: datetime.datetime) -> str:
    """The last day as notifications and the audit trail say it: "Mon Dec 8"."""
    return f"{last_day(due_at):%a %b} {last_day(due_at).day}"


def due_dates(
    opened_at: datetime.datetime,
    business_days: int,
    holidays: Set[datetime.date] = NO_HOLIDAYS,
    tz: datetime.tzinfo | None = None,
) -> tuple[datetime.datetime, datetime.datetime | None]:
    """(due_at, remind_at) for a task opened at `opened_at` with `business_days` to do it.

    The reminder is at the start of the business day before the due day, or of
    the due day itself when the task is too short for that; None when even that
    is not after `opened_at`.
    """
    tz = tz or timezone.get_current_timezone()
    opened_day = timezone.localtime(opened_at, tz).date()
    due_day = add_business_days(opened_day, business_days, holidays)
    remind_at = next(
        (
            moment
            for moment in (start_of(previous_business_day(due_day, holidays), tz), start_of(due_day, tz))
            if moment > opened_at
        ),
        None,
    )
    return end_of(due_day, tz), remind_at


def holidays_from(day: datetime.date, *, days: int = 730) -> frozenset[datetime.date]:
    """The holidays from `day` on (two years is longer than any due time)."""
    return frozenset(
        Holiday.objects.filter(date__gte=day, date__lte=day + datetime.timedelta(days=days)).values_list(
            "date", flat=True
        )
    )


def local_today(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localtime(now or timezone.now()).date()
