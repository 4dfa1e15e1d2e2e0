"""Which duties are on a shop-local day's agenda, and in which state, on a frozen clock.

The week used: Monday 23 to Sunday 29 November 2026 (ISO week 2026-W48), ordinary
working days Monday to Friday.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from shopops.core import agenda
from shopops.core.agenda import DutyState
from shopops.core.duties import Duty, Schedule, Worklist, registry
from shopops.core.roles import Role, Shift
from shopops.core.selectors import agenda_for_day, agenda_for_role
from shopops.core.services import duty_run_mark_done

SHANGHAI = ZoneInfo("Asia/Shanghai")


def items_of(duty_id: str, *, role: str | None = None, shift: str = "") -> list:
    role = role or registry.get(duty_id).role
    return [i for i in agenda_for_role(role, shift=shift) if i.duty.id == duty_id]


def state_of(duty_id: str, **kwargs) -> DutyState:
    (item,) = items_of(duty_id, **kwargs)
    return item.state


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local_time", "state"),
    [
        ("2026-11-26 16:00", DutyState.UPCOMING),
        ("2026-11-26 17:30", DutyState.DUE),
        ("2026-11-26 18:00", DutyState.DUE),
        ("2026-11-26 18:30", DutyState.OVERDUE),
    ],
)
def test_daily_18_00_purchase_duty_moves_from_upcoming_to_overdue(
    frozen_clock, local_time, state
):
    # Given LOG-1.1, due daily at 18:00 (the purchasing cut-off)
    frozen_clock(local_time)

    # Then its state follows the clock
    assert state_of("LOG-1.1") == state


@pytest.mark.django_db
def test_daily_duty_is_done_once_marked_done_for_today(frozen_clock, make_staff):
    # Given a logistics officer at 18:30, LOG-1.1 overdue
    frozen_clock("2026-11-26 18:30")
    officer = make_staff(Role.LOGISTICS)
    assert state_of("LOG-1.1") == DutyState.OVERDUE

    # When they mark today's occurrence done
    duty_run_mark_done(actor=officer.user, duty_id="LOG-1.1", period_key="2026-11-26")

    # Then it is done, with the run that closed it
    (item,) = items_of("LOG-1.1")
    assert item.state == DutyState.DONE
    assert item.run.done_by == officer.user
    # and tomorrow it starts afresh
    frozen_clock("2026-11-27 16:00")
    assert state_of("LOG-1.1") == DutyState.UPCOMING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local_time", "state"),
    [
        ("2026-11-26 19:59", DutyState.UPCOMING),
        ("2026-11-26 20:30", DutyState.DUE),
        ("2026-11-26 21:05", DutyState.OVERDUE),
    ],
)
def test_evening_window_duty_is_due_during_its_window(frozen_clock, local_time, state):
    # Given CS-1, the evening shift's 20:00-21:00 window
    frozen_clock(local_time)

    assert state_of("CS-1", shift=Shift.EVENING) == state


@pytest.mark.django_db
def test_evening_window_duty_is_not_on_other_shifts_agenda(frozen_clock):
    frozen_clock("2026-11-26 20:30")

    assert items_of("CS-1", shift=Shift.PRE_SALE) == []
    assert items_of("CS-1", shift="") == []


@pytest.mark.django_db
def test_twice_daily_duty_has_two_occurrences_with_their_own_period_keys(
    frozen_clock, make_staff
):
    # Given LOG-4.2 (10:00 and 20:00) at noon
    frozen_clock("2026-11-26 12:00")
    officer = make_staff(Role.LOGISTICS)

    items = items_of("LOG-4.2")

    # Then the morning one is overdue and the evening one upcoming, each its own period
    by_key = {i.period_key: i.state for i in items}
    assert by_key == {
        "2026-11-26T10:00": DutyState.OVERDUE,
        "2026-11-26T20:00": DutyState.UPCOMING,
    }
    # and closing the morning one leaves the evening one open
    duty_run_mark_done(
        actor=officer.user, duty_id="LOG-4.2", period_key="2026-11-26T10:00"
    )
    by_key = {i.period_key: i.state for i in items_of("LOG-4.2")}
    assert by_key["2026-11-26T10:00"] == DutyState.DONE
    assert by_key["2026-11-26T20:00"] == DutyState.UPCOMING


@pytest.mark.django_db
def test_weekly_duty_shows_from_its_weekday_and_stays_overdue_for_the_week(
    frozen_clock, make_staff
):
    # Given LOG-3.1, weekly on Wednesday at 15:00
    assert str(registry.get("LOG-3.1").schedule) == "weekly Wed 15:00"

    # On Tuesday it is not on the agenda yet
    frozen_clock("2026-11-24 15:00")
    assert items_of("LOG-3.1") == []

    # On Wednesday morning it is upcoming, from 14:00 due
    frozen_clock("2026-11-25 10:00")
    assert state_of("LOG-3.1") == DutyState.UPCOMING
    frozen_clock("2026-11-25 14:30")
    assert state_of("LOG-3.1") == DutyState.DUE

    # On Friday, not done, it is overdue, still keyed by the ISO week
    frozen_clock("2026-11-27 09:00")
    (item,) = items_of("LOG-3.1")
    assert item.state == DutyState.OVERDUE
    assert item.period_key == "2026-W48"

    # Once done on Friday, it stays done for the rest of the week
    officer = make_staff(Role.LOGISTICS)
    duty_run_mark_done(actor=officer.user, duty_id="LOG-3.1", period_key="2026-W48")
    frozen_clock("2026-11-29 09:00")
    assert state_of("LOG-3.1") == DutyState.DONE

    # and the next Monday it is gone until Wednesday
    frozen_clock("2026-11-30 09:00")
    assert items_of("LOG-3.1") == []


@pytest.mark.django_db
def test_monthly_duty_shows_from_its_day_of_month_until_the_month_ends(frozen_clock):
    # Given LOG-1.4, monthly on the 1st at 09:00
    frozen_clock("2026-12-01 08:30")
    (item,) = items_of("LOG-1.4")
    assert (item.state, item.period_key) == (DutyState.DUE, "2026-12")

    frozen_clock("2026-12-31 23:00")
    (item,) = items_of("LOG-1.4")
    assert (item.state, item.period_key) == (DutyState.OVERDUE, "2026-12")

    # Given OPS-1.3, monthly on the 25th: not on the 24th
    frozen_clock("2026-12-24 12:00")
    assert items_of("OPS-1.3") == []
    frozen_clock("2026-12-25 12:00")
    assert state_of("OPS-1.3") == DutyState.OVERDUE


def test_monthly_duty_on_a_day_the_month_lacks_falls_on_its_last_day():
    duty = Duty("TST-1", Role.FINANCE, "测试", "Test", Schedule.monthly(31, "10:00"))

    assert agenda.occurrences(duty, dt.date(2027, 2, 27)) == []
    (occurrence,) = agenda.occurrences(duty, dt.date(2027, 2, 28))
    assert occurrence.key == "2027-02"
    assert occurrence.due == dt.datetime(2027, 2, 28, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local_time", "on_agenda"),
    [
        ("2026-11-27 10:00", True),  # Friday
        ("2026-11-29 10:00", False),  # Sunday
        ("2026-02-14 10:00", True),  # Saturday made a working day
        ("2026-02-17 10:00", False),  # Spring Festival, a Tuesday
    ],
)
def test_working_days_only_duty_is_absent_on_days_off(
    frozen_clock, local_time, on_agenda
):
    # Given LOG-2.5, pack orders promptly on working days (the shipping clerk)
    frozen_clock(local_time)

    assert bool(items_of("LOG-2.5")) is on_agenda


@pytest.mark.django_db
def test_continuous_duty_is_due_all_day(frozen_clock):
    frozen_clock("2026-11-27 00:05")
    assert state_of("LOG-2.5") == DutyState.DUE
    frozen_clock("2026-11-27 23:55")
    assert state_of("LOG-2.5") == DutyState.DUE


@pytest.mark.django_db
def test_agenda_sorts_open_duties_by_due_time_and_done_ones_last(
    frozen_clock, make_staff
):
    frozen_clock("2026-11-26 12:00")
    officer = make_staff(Role.LOGISTICS)
    duty_run_mark_done(actor=officer.user, duty_id="LOG-4.3", period_key="2026-11-26")

    items = agenda_for_role(Role.LOGISTICS, user=officer.user)

    open_dues = [i.occurrence.due for i in items if i.state != DutyState.DONE]
    assert open_dues == sorted(open_dues)
    assert items[-1].duty.id == "LOG-4.3"
    assert items[-1].state == DutyState.DONE


@pytest.mark.django_db
def test_agenda_shows_a_duty_s_worklist_only_where_one_is_plugged_in(
    frozen_clock, make_staff, monkeypatch
):
    # Given LOG-4.1 served by the catalog, and LOG-1.3 served by nothing
    monkeypatch.setattr(registry.get("LOG-1.3"), "worklist", None)
    frozen_clock("2026-11-27 09:30")  # a Friday: LOG-1.3 is weekly on Fridays
    officer = make_staff(Role.LOGISTICS)

    items = {i.duty.id: i for i in agenda_for_role(Role.LOGISTICS, user=officer.user)}

    assert items["LOG-4.1"].worklist is not None
    assert items["LOG-4.1"].worklist.count == 0
    assert items["LOG-4.1"].worklist.url.startswith("/catalog/listings/")
    assert items["LOG-1.3"].worklist is None


@pytest.mark.django_db
def test_agenda_for_an_empty_list_of_duties_is_empty(frozen_clock):
    frozen_clock("2026-11-26 09:30")
    assert agenda_for_day([]) == []


@pytest.mark.django_db
def test_a_duty_due_twice_a_day_asks_its_worklist_once(frozen_clock, monkeypatch):
    # Given LOG-4.2 (10:00 and 20:00) served by a worklist that counts its calls
    calls = []

    def worklist(user, day):
        calls.append(day)
        return Worklist(count=2, url="/x/", label="x")

    monkeypatch.setattr(registry.get("LOG-4.2"), "worklist", worklist)
    frozen_clock("2026-11-26 12:00")

    items = items_of("LOG-4.2")

    # Then both occurrences carry the worklist, computed once
    assert [i.worklist.count for i in items] == [2, 2]
    assert calls == [dt.date(2026, 11, 26)]
