from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from shopops.core import clock, selectors
from shopops.core.agenda import recent_occurrence
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, Short
from shopops.core.duties import registry
from shopops.core.notifications import notification_mark_read
from shopops.core.services import duty_run_mark_done

router = Router(tags=["core"])


class MeOut(Schema):
    username: str
    name: str
    role: str
    shift: str
    permissions: list[str]


class DutyOut(Schema):
    id: str
    role: str
    title_zh: str
    title_en: str
    schedule: dict
    is_group: bool
    implemented: bool


class WorklistOut(Schema):
    count: int
    url: str
    label: str


class AgendaItemOut(Schema):
    duty_id: str
    title: str
    period_key: str
    due: dt.datetime
    state: str
    done_by: str | None
    done_at: dt.datetime | None
    note: str
    worklist: WorklistOut | None


class DutyRunIn(Schema):
    duty_id: str
    period_key: str
    note: str = ""


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


class AuditOut(Schema):
    at: dt.datetime
    actor: str | None
    verb: str
    object: str
    changes: dict


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    staff = getattr(request.user, "staff", None)
    return {
        "username": request.user.get_username(),
        "name": staff.name if staff else "",
        "role": staff.role if staff else "",
        "shift": staff.shift if staff else "",
        "permissions": sorted(request.user.get_all_permissions()),
    }


@router.get("/duties", response=list[DutyOut])
def duties(request: HttpRequest) -> list[dict]:
    return [
        {
            "id": d.id,
            "role": d.role,
            "title_zh": d.title_zh,
            "title_en": d.title_en,
            "schedule": d.schedule.as_dict(),
            "is_group": d.is_group,
            "implemented": registry.is_implemented(d),
        }
        for d in registry
    ]


def _agenda_out(items: list[selectors.AgendaItem]) -> list[dict]:
    return [
        {
            "duty_id": i.duty.id,
            "title": i.duty.title,
            "period_key": i.period_key,
            "due": i.occurrence.due,
            "state": i.state.value,
            "done_by": i.run.done_by.username if i.run else None,
            "done_at": i.run.done_at if i.run else None,
            "note": i.run.note if i.run else "",
            "worklist": i.worklist.__dict__ if i.worklist else None,
        }
        for i in items
    ]


@router.get("/today", response=list[AgendaItemOut])
def today(request: HttpRequest) -> list[dict]:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        return []
    return _agenda_out(
        selectors.agenda_for_role(staff.role, shift=staff.shift, user=request.user)
    )


@router.get("/duty-overview", response=list[AgendaItemOut])
def duty_overview(request: HttpRequest, day: dt.date | None = None) -> list[dict]:
    require_perm(request, "core.view_dutyrun")
    return _agenda_out(selectors.agenda_overview(day or clock.today()))


@router.post("/duty-runs", response={201: AgendaItemOut})
def duty_run_create(request: HttpRequest, payload: DutyRunIn) -> Status:
    if payload.duty_id not in registry:
        raise HttpError(404, f"unknown duty {payload.duty_id}")
    try:
        run = duty_run_mark_done(
            actor=request.user,
            duty_id=payload.duty_id,
            period_key=payload.period_key,
            note=payload.note,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    duty = registry.get(run.duty_id)
    occurrence = recent_occurrence(duty, run.period_key, clock.today())
    return Status(
        201,
        {
            "duty_id": duty.id,
            "title": duty.title,
            "period_key": run.period_key,
            "due": occurrence.due if occurrence else run.done_at,
            "state": "done",
            "done_by": request.user.get_username(),
            "done_at": run.done_at,
            "note": run.note,
            "worklist": None,
        },
    )


@router.get("/notifications", response=list[NotificationOut])
def notifications(request: HttpRequest, unread: bool = False) -> list[dict]:
    qs = selectors.notification_list(request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in qs[:200]
    ]


@router.post("/notifications/{notification_id}/read")
def notification_read(request: HttpRequest, notification_id: Id) -> dict:
    return {
        "marked": notification_mark_read(
            user=request.user, notification_id=notification_id
        )
    }


@router.get("/audit", response=list[AuditOut])
def audit(
    request: HttpRequest,
    model: Short = "",
    verb: Short = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 100,
) -> list[dict]:
    require_perm(request, "core.view_auditentry")
    qs = selectors.audit_list(
        model=model, verb=verb, date_from=date_from, date_to=date_to
    )
    return [
        {
            "at": e.at,
            "actor": e.actor.username if e.actor else None,
            "verb": e.verb,
            "object": e.object_repr,
            "changes": e.changes,
        }
        for e in qs[: max(1, min(limit, 1000))]
    ]
