"""Writes of `core`: closing a duty (duty_run_mark_done) and the scheduler's tick."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shopops.core import services
from shopops.core.audit import audit_record
from shopops.core.duties import registry
from shopops.core.models import AuditEntry, DutyJobRun, DutyRun, Notification
from shopops.core.roles import Role
from shopops.core.services import duties_tick, duty_run_mark_done
from shopops.core.tasks import duty_tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.LOGISTICS, username="wuliu").user


@pytest.fixture
def ops(make_staff):
    return make_staff(Role.OPS_MANAGER, username="yunying").user


@pytest.fixture
def restore_duty_jobs():
    """Put back every duty's jobs after a test that registers its own."""
    saved = {duty.id: (list(duty.jobs), list(duty.deadline_jobs)) for duty in registry}
    yield
    for duty in registry:
        duty.jobs[:], duty.deadline_jobs[:] = saved[duty.id]


def titles(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).values_list("title", flat=True)
    )


# --- duty_run_mark_done -------------------------------------------------------


def test_marking_a_duty_done_records_who_when_and_the_note(frozen_clock, officer):
    now = frozen_clock("2026-11-26 17:45")

    run = duty_run_mark_done(
        actor=officer, duty_id="LOG-1.1", period_key="2026-11-26", note="  已下单  "
    )

    assert (run.duty_id, run.period_key, run.done_by) == (
        "LOG-1.1",
        "2026-11-26",
        officer,
    )
    assert run.done_at == now
    assert run.note == "已下单"


def test_marking_another_role_s_duty_done_is_permission_denied(
    frozen_clock, make_staff
):
    frozen_clock("2026-11-26 17:45")
    designer = make_staff(Role.DESIGNER).user

    with pytest.raises(PermissionDenied):
        duty_run_mark_done(actor=designer, duty_id="LOG-1.1", period_key="2026-11-26")
    assert not DutyRun.objects.exists()


@pytest.mark.parametrize("role", [Role.OPS_MANAGER, Role.GENERAL_MANAGER])
def test_overseeing_roles_may_close_another_role_s_duty(frozen_clock, make_staff, role):
    frozen_clock("2026-11-26 17:45")
    manager = make_staff(role).user

    run = duty_run_mark_done(actor=manager, duty_id="LOG-1.1", period_key="2026-11-26")

    assert run.done_by == manager


@pytest.mark.parametrize(
    "period_key",
    [
        "2026-11-18",  # eight days ago
        "2026-11-27",  # tomorrow
        "2026-W48",  # a weekly key for a daily duty
        "nonsense",
    ],
)
def test_marking_a_period_the_duty_does_not_have_is_a_validation_error(
    frozen_clock, officer, period_key
):
    frozen_clock("2026-11-26 17:45")

    with pytest.raises(ValidationError):
        duty_run_mark_done(actor=officer, duty_id="LOG-1.1", period_key=period_key)


def test_yesterday_s_occurrence_may_still_be_closed(frozen_clock, officer):
    frozen_clock("2026-11-26 09:00")

    run = duty_run_mark_done(actor=officer, duty_id="LOG-1.1", period_key="2026-11-25")

    assert run.period_key == "2026-11-25"


def test_marking_a_duty_group_done_is_a_validation_error(frozen_clock, officer):
    frozen_clock("2026-11-26 09:00")

    with pytest.raises(ValidationError):
        duty_run_mark_done(actor=officer, duty_id="LOG-1", period_key="2026-11-26")


def test_marking_the_same_occurrence_done_twice_is_a_validation_error(
    frozen_clock, officer, ops
):
    frozen_clock("2026-11-26 17:45")
    duty_run_mark_done(actor=officer, duty_id="LOG-1.1", period_key="2026-11-26")

    with pytest.raises(ValidationError):
        duty_run_mark_done(actor=ops, duty_id="LOG-1.1", period_key="2026-11-26")
    assert DutyRun.objects.count() == 1
    assert AuditEntry.objects.filter(verb="duty_run.done").count() == 1


def test_marking_a_duty_done_writes_an_audit_entry(frozen_clock, officer):
    frozen_clock("2026-11-26 17:45")

    run = duty_run_mark_done(
        actor=officer, duty_id="LOG-1.1", period_key="2026-11-26", note="ok"
    )

    entry = AuditEntry.objects.get(verb="duty_run.done")
    assert entry.actor == officer
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.object_id == str(run.pk)
    assert entry.object_repr == "LOG-1.1 2026-11-26"
    assert entry.changes == {"duty": "LOG-1.1", "period": "2026-11-26", "note": "ok"}


def test_a_failing_audit_write_leaves_no_duty_run(frozen_clock, officer, monkeypatch):
    # Given the audit write fails
    frozen_clock("2026-11-26 17:45")

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)

    # When the duty is marked done, the whole step fails
    with pytest.raises(RuntimeError), transaction.atomic():
        duty_run_mark_done(actor=officer, duty_id="LOG-1.1", period_key="2026-11-26")

    # Then the run was rolled back with it: they share one transaction
    assert not DutyRun.objects.exists()


def test_audit_record_outside_a_transaction_is_refused(make_staff, monkeypatch):
    # Given no transaction is open (every test runs inside one, so pretend: a
    # transactional test's database flush costs more than the whole file)
    from shopops.core import audit

    class NoTransaction:
        in_atomic_block = False

    user = make_staff(Role.OPS_MANAGER).user

    with monkeypatch.context() as patch:
        patch.setattr(audit.transaction, "get_connection", lambda: NoTransaction())
        with pytest.raises(RuntimeError, match="transaction"):
            audit_record(actor=user, verb="test.outside")
    assert not AuditEntry.objects.filter(verb="test.outside").exists()


def test_audit_record_inside_a_transaction_writes_the_row(make_staff):
    user = make_staff(Role.OPS_MANAGER).user

    with transaction.atomic():
        audit_record(actor=user, verb="test.inside")

    assert AuditEntry.objects.get(verb="test.inside").actor == user


# --- duties_tick ------------------------------------------------------------------


def test_tick_reminds_the_duty_s_role_when_it_falls_due(frozen_clock, officer, ops):
    # Given 18:00:30: LOG-1.1 (due 18:00) has been due since 17:00
    frozen_clock("2026-11-26 18:00:30")

    handled = duties_tick()

    # Then the logistics officer has one reminder for it
    assert "LOG-1.1@2026-11-26:start" in handled
    reminders = [t for t in titles(officer) if "LOG-1.1" in t]
    assert len(reminders) == 1
    # and nobody else got the logistics reminder
    assert not [t for t in titles(ops) if "LOG-1.1" in t]
    note = Notification.objects.get(recipient=officer, title__contains="LOG-1.1")
    assert note.url == "/today/"


def test_tick_twice_reminds_once(frozen_clock, officer):
    frozen_clock("2026-11-26 18:00:30")

    duties_tick()
    frozen_clock("2026-11-26 18:01:30")
    second = duties_tick()

    assert not [h for h in second if h.startswith("LOG-1.1@")]
    assert len([t for t in titles(officer) if "LOG-1.1" in t]) == 1
    assert DutyJobRun.objects.filter(duty_id="LOG-1.1", event="start").count() == 1


def test_tick_tells_the_ops_manager_once_of_a_duty_left_undone_after_grace(
    frozen_clock, officer, ops
):
    # Given LOG-1.1 not done by 18:00: nothing yet at 18:29
    frozen_clock("2026-11-26 18:29")
    duties_tick()
    assert not [t for t in titles(ops) if "LOG-1.1" in t]

    # When the clock passes 18:30 and ticks twice
    frozen_clock("2026-11-26 18:31")
    handled = duties_tick()
    frozen_clock("2026-11-26 18:32")
    duties_tick()

    # Then the operations manager was told once, pointing at the overview
    assert "LOG-1.1@2026-11-26:overdue" in handled
    overdue = Notification.objects.filter(recipient=ops, title__contains="LOG-1.1")
    assert overdue.count() == 1
    assert overdue.get().url == "/duties/overview/"
    # and the logistics officer only has their reminder
    assert len([t for t in titles(officer) if "LOG-1.1" in t]) == 1


def test_tick_does_not_report_a_duty_done_in_time(frozen_clock, officer, ops):
    frozen_clock("2026-11-26 17:50")
    duty_run_mark_done(actor=officer, duty_id="LOG-1.1", period_key="2026-11-26")

    frozen_clock("2026-11-26 18:31")
    handled = duties_tick()

    assert "LOG-1.1@2026-11-26:overdue" not in handled
    assert not Notification.objects.filter(recipient=ops, title__contains="LOG-1.1")


def test_tick_runs_a_duty_s_job_once_per_occurrence(
    frozen_clock, officer, restore_duty_jobs
):
    calls = []
    registry.on_due("LOG-1.1", lambda duty, occ: calls.append((duty.id, occ.key)))
    frozen_clock("2026-11-26 18:00:30")

    duties_tick()
    duties_tick()

    assert calls == [("LOG-1.1", "2026-11-26")]


def test_tick_runs_a_deadline_job_once_at_the_due_time(
    frozen_clock, make_staff, restore_duty_jobs
):
    # Given a job for the end of the evening window (CS-1, 20:00-21:00)
    calls = []
    registry.on_deadline("CS-1", lambda duty, occ: calls.append(occ.key))

    # Not at 20:59
    frozen_clock("2026-11-26 20:59")
    duties_tick()
    assert calls == []

    # Once from 21:00, however often the clock ticks
    frozen_clock("2026-11-26 21:00:30")
    handled = duties_tick()
    frozen_clock("2026-11-26 21:01:30")
    duties_tick()
    assert calls == ["2026-11-26"]
    assert "CS-1@2026-11-26:deadline" in handled


def test_a_failing_job_is_logged_and_the_others_still_run(
    frozen_clock, officer, restore_duty_jobs, caplog
):
    calls = []

    def broken(duty, occ):
        raise RuntimeError("supplier site down")

    registry.on_due("LOG-1.1", broken)
    registry.on_due("LOG-1.1", lambda duty, occ: calls.append(occ.key))
    frozen_clock("2026-11-26 18:00:30")

    with caplog.at_level(logging.ERROR, logger="shopops.core.services"):
        duties_tick()

    assert calls == ["2026-11-26"]
    assert "LOG-1.1" in caplog.text


def test_tick_catches_up_on_a_window_it_missed_by_less_than_two_hours(
    frozen_clock, make_staff
):
    # Given the evening shift's CS-1 window started at 20:00 and the scheduler was down
    evening = make_staff(Role.CUSTOMER_SERVICE, shift="evening").user
    frozen_clock("2026-11-26 21:10")

    handled = duties_tick()

    assert "CS-1@2026-11-26:start" in handled
    assert [t for t in titles(evening) if "CS-1" in t]


def test_tick_skips_continuous_duties(frozen_clock, make_staff):
    clerk = make_staff(Role.SHIPPING).user
    frozen_clock("2026-11-26 00:30")

    handled = duties_tick()

    assert not [h for h in handled if h.startswith("LOG-2.5@")]
    assert not titles(clerk)


def test_tick_at_an_explicit_instant(officer):
    at = dt.datetime(2026, 11, 26, 10, 0, 30, tzinfo=dt.UTC)  # 18:00:30 in Shanghai

    handled = duties_tick(at=at)

    assert "LOG-1.1@2026-11-26:start" in handled


def test_the_huey_task_runs_the_tick(frozen_clock, officer, restore_duty_jobs):
    calls = []
    registry.on_due("LOG-1.1", lambda duty, occ: calls.append(occ.key))
    frozen_clock("2026-11-26 18:00:30")

    handled = duty_tick.call_local()

    assert "LOG-1.1@2026-11-26:start" in handled
    assert calls == ["2026-11-26"]
    assert duty_tick.call_local() == []
