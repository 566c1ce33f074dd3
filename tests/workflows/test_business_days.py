"""Due dates count business days: weekends and the admin's holidays are skipped."""

import datetime
import zoneinfo

from workflows.services.business_days import add_business_days, due_dates, is_business_day

TZ = zoneinfo.ZoneInfo("America/Chicago")
MON, FRI, SAT = datetime.date(2026, 3, 2), datetime.date(2026, 3, 6), datetime.date(2026, 3, 7)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def test_weekends_are_not_business_days():
    assert is_business_day(MON) and is_business_day(FRI)
    assert not is_business_day(SAT) and not is_business_day(SAT + datetime.timedelta(days=1))


def test_counting_from_friday_skips_the_weekend():
    assert add_business_days(FRI, 1) == datetime.date(2026, 3, 9)
    assert add_business_days(FRI, 5) == datetime.date(2026, 3, 13)
    assert add_business_days(MON, 10) == datetime.date(2026, 3, 16)


def test_holidays_are_skipped_like_weekends():
    holiday = datetime.date(2026, 3, 9)

    assert add_business_days(FRI, 1, {holiday}) == datetime.date(2026, 3, 10)
    assert not is_business_day(holiday, {holiday})


def test_zero_days_is_the_same_day_or_the_next_business_day():
    assert add_business_days(MON, 0) == MON
    assert add_business_days(SAT, 0) == datetime.date(2026, 3, 9)


def test_a_task_is_due_at_the_end_of_its_last_business_day_and_reminded_the_day_before():
    due_at, remind_at = due_dates(at(MON, 14, 30), 10, tz=TZ)

    assert due_at == at(datetime.date(2026, 3, 17), 0)  # the end of Monday the 16th
    assert remind_at == at(datetime.date(2026, 3, 13), 0)  # the start of Friday the 13th, the business day before


def test_a_one_day_task_opened_on_friday_is_due_monday_and_reminded_that_morning():
    due_at, remind_at = due_dates(at(FRI, 16), 1, tz=TZ)

    assert due_at == at(datetime.date(2026, 3, 10), 0)
    assert remind_at == at(datetime.date(2026, 3, 9), 0)


def test_a_task_due_today_gets_no_reminder():
    due_at, remind_at = due_dates(at(MON, 9), 0, tz=TZ)

    assert due_at == at(datetime.date(2026, 3, 3), 0)
    assert remind_at is None


def test_a_holiday_in_the_period_moves_the_due_date_and_the_reminder():
    holidays = {datetime.date(2026, 3, 4)}

    due_at, remind_at = due_dates(at(MON, 10), 5, holidays, tz=TZ)

    assert due_at == at(datetime.date(2026, 3, 11), 0)  # Tue 3, Thu 5, Fri 6, Mon 9, Tue 10: due by the end of the 10th
    assert remind_at == at(datetime.date(2026, 3, 9), 0)
