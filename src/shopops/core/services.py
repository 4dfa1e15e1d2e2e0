"""Writes of `core`: duty runs and the scheduler's tick."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core import clock
from shopops.core.actors import Actor
from shopops.core.agenda import occurrences, recent_occurrence
from shopops.core.audit import audit_record
from shopops.core.duties import Duty, registry
from shopops.core.models import AuditEntry, DutyJobRun, DutyRun
from shopops.core.notifications import notify_roles
from shopops.core.roles import OVERSEEING_ROLES, Role

log = logging.getLogger(__name__)

# After a timed occurrence's due time, how long before the operations manager is told.
OVERDUE_GRACE = dt.timedelta(minutes=30)
# How far back a tick catches up on occurrences it missed (server down, say).
CATCH_UP = dt.timedelta(hours=2)


def user_roles(user: Any) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def duty_run_mark_done(
    *, actor: Actor, duty_id: str, period_key: str, note: str = ""
) -> DutyRun:
    """Record that `actor` did `duty_id` for `period_key`.

    Only the duty's own role (or a role that oversees every role) may close it, and only
    for an occurrence that is on the agenda between a week ago and today.
    """
    duty = registry.get(duty_id)
    if duty.is_group:
        raise ValidationError(_("职责分组不能标记完成"))
    if not isinstance(actor, User):  # only a signed-in person closes a duty
        raise PermissionDenied(_("这不是你的职责"))
    roles = user_roles(actor)
    if duty.role not in roles and not roles & OVERSEEING_ROLES:
        raise PermissionDenied(_("这不是你的职责"))
    if recent_occurrence(duty, period_key, clock.today()) is None:
        raise ValidationError(
            _("职责 %(duty)s 没有周期 %(key)s") % {"duty": duty_id, "key": period_key}
        )
    try:
        with transaction.atomic():
            # The unique constraint decides: two people closing the same occurrence
            # at once get one run and one "already done", never a server error.
            run = DutyRun.objects.create(
                duty_id=duty_id,
                period_key=period_key,
                done_by=actor,
                done_at=clock.now(),
                note=note.strip(),
            )
            audit_record(
                actor=actor,
                verb="duty_run.done",
                obj=run,
                action=AuditEntry.Action.CREATE,
                changes={"duty": duty_id, "period": period_key, "note": run.note},
            )
    except IntegrityError as exc:
        raise ValidationError(_("该职责本周期已完成")) from exc
    return run


def _claim(duty: Duty, key: str, event: str, at: dt.datetime) -> bool:
    """Record that the scheduler handled this event; False if it already was."""
    try:
        with transaction.atomic():
            DutyJobRun.objects.create(
                duty_id=duty.id, period_key=key, event=event, ran_at=at
            )
    except IntegrityError:
        return False
    return True


def duties_tick(*, at: dt.datetime | None = None) -> list[str]:
    """Run what the clock says is due: each occurrence that started since the last tick
    (within CATCH_UP) reminds its role and runs the duty's jobs; each timed occurrence
    still undone OVERDUE_GRACE after its due time is reported to the operations manager.

    Idempotent: every event is claimed once in DutyJobRun. Return what was handled.
    """
    at = at or clock.now()
    local_day = at.astimezone(clock.shop_zone()).date()
    handled: list[str] = []
    for duty in registry.leaves():
        for day in (local_day - dt.timedelta(days=1), local_day):
            for occ in occurrences(duty, day):
                if duty.schedule.kind == "continuous":
                    continue
                if at - CATCH_UP <= occ.starts <= at and _claim(
                    duty, occ.key, DutyJobRun.Event.START, at
                ):
                    _start(duty, occ)
                    handled.append(f"{duty.id}@{occ.key}:start")
                if (
                    duty.deadline_jobs
                    and at - CATCH_UP <= occ.due <= at
                    and _claim(duty, occ.key, DutyJobRun.Event.DEADLINE, at)
                ):
                    _run_jobs(duty, occ, duty.deadline_jobs)
                    handled.append(f"{duty.id}@{occ.key}:deadline")
                overdue_at = occ.due + OVERDUE_GRACE
                if (
                    at - CATCH_UP <= overdue_at <= at
                    and not DutyRun.objects.filter(
                        duty_id=duty.id, period_key=occ.key
                    ).exists()
                    and _claim(duty, occ.key, DutyJobRun.Event.OVERDUE, at)
                ):
                    _overdue(duty, occ)
                    handled.append(f"{duty.id}@{occ.key}:overdue")
    return handled


def _start(duty: Duty, occ: Any) -> None:
    with transaction.atomic():
        notify_roles(
            roles=[duty.role],
            shift=duty.shift,
            title=_("职责到时：%(id)s %(title)s")
            % {"id": duty.id, "title": duty.title},
            url=reverse("today"),
        )
    _run_jobs(duty, occ, duty.jobs)


def _run_jobs(duty: Duty, occ: Any, jobs: list[Any]) -> None:
    for job in jobs:
        try:
            job(duty, occ)
        except Exception:
            # One failing job must not stop the others or the tick; jobs are
            # idempotent, so the failure is logged and the next occurrence runs again.
            log.exception("duty job for %s failed", duty.id)


def _overdue(duty: Duty, occ: Any) -> None:
    with transaction.atomic():
        notify_roles(
            roles=[Role.OPS_MANAGER],
            title=_("职责逾期：%(id)s %(title)s")
            % {"id": duty.id, "title": duty.title},
            url=reverse("duty_overview"),
        )
