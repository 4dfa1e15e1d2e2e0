"""Reads of the duty agenda, the inbox and the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from shopops.core import clock
from shopops.core.agenda import DutyState, occurrences, state_of
from shopops.core.duties import Duty, Occurrence, Worklist, registry
from shopops.core.models import AuditEntry, DutyRun, Notification


@dataclass(frozen=True)
class AgendaItem:
    duty: Duty
    occurrence: Occurrence
    state: DutyState
    run: DutyRun | None
    worklist: Worklist | None

    @property
    def period_key(self) -> str:
        return self.occurrence.key


def agenda_for_day(
    duties: list[Duty],
    *,
    day: dt.date | None = None,
    user: Any = None,
    with_worklists: bool = True,
) -> list[AgendaItem]:
    """Return the occurrences of `duties` on `day` (default: shop today) with their state,
    the run that closed each, and (for `user`) each duty's worklist."""
    day = day or clock.today()
    now = clock.now()
    pairs = [(duty, occ) for duty in duties for occ in occurrences(duty, day)]
    runs = duty_runs_for(pairs)
    # One worklist per duty and day, however many times the duty falls due that day.
    on_agenda = {duty.id: duty for duty, _ in pairs}.values()
    worklists = {
        duty.id: duty.worklist(user, day)
        for duty in on_agenda
        if with_worklists and duty.worklist is not None
    }
    items = []
    for duty, occ in pairs:
        run = runs.get((duty.id, occ.key))
        worklist = worklists.get(duty.id)
        items.append(
            AgendaItem(
                duty, occ, state_of(occ, done=run is not None, now=now), run, worklist
            )
        )
    items.sort(key=lambda i: (i.state == DutyState.DONE, i.occurrence.due, i.duty.id))
    return items


def duty_runs_for(
    pairs: list[tuple[Duty, Occurrence]],
) -> dict[tuple[str, str], DutyRun]:
    if not pairs:
        return {}
    condition = Q()
    for duty, occ in pairs:
        condition |= Q(duty_id=duty.id, period_key=occ.key)
    return {
        (r.duty_id, r.period_key): r
        for r in DutyRun.objects.filter(condition).select_related("done_by__staff")
    }


def agenda_for_role(
    role: str, *, shift: str = "", user: Any = None
) -> list[AgendaItem]:
    return agenda_for_day(registry.for_role(role, shift), user=user)


def agenda_overview(day: dt.date | None = None) -> list[AgendaItem]:
    """Every role's agenda (for the operations manager), without worklists."""
    return agenda_for_day(registry.leaves(), day=day, with_worklists=False)


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def audit_list(
    *,
    actor_id: int | None = None,
    model: str = "",
    verb: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor", "content_type")
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if model:
        app_label, _, model_name = model.partition(".")
        qs = qs.filter(
            content_type__app_label=app_label, content_type__model=model_name
        )
    if verb:
        qs = qs.filter(verb__icontains=verb)
    if date_from:
        qs = qs.filter(at__gte=clock.day_bounds(date_from)[0])
    if date_to:
        qs = qs.filter(at__lt=clock.day_bounds(date_to)[1])
    return qs


def audit_actors() -> QuerySet[AuditEntry, tuple[int, str]]:
    """Who appears in the audit trail: (user id, username), by username."""
    return (
        AuditEntry.objects.exclude(actor=None)
        .values_list("actor_id", "actor__username")
        .distinct()
        .order_by("actor__username")
    )


def audit_models() -> QuerySet[AuditEntry, tuple[str, str]]:
    """Which models appear in the audit trail: (app label, model), in order."""
    return (
        AuditEntry.objects.exclude(content_type=None)
        .values_list("content_type__app_label", "content_type__model")
        .distinct()
        .order_by("content_type__app_label", "content_type__model")
    )
