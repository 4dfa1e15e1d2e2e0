"""The pages every role shares: Today, the duty registry, the inbox, the audit trail."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core import clock
from shopops.core import selectors as core_selectors
from shopops.core.duties import registry
from shopops.core.models import Notification
from shopops.core.notifications import notification_mark_read
from shopops.core.roles import OVERSEEING_ROLES, Role
from shopops.core.services import duty_run_mark_done
from shopops.core.views import post_service, query_date, query_int
from shopops.orders.selectors import orders_per_day
from shopops.web.forms import DutyDoneForm

CHART_DAYS = 90


def _role_and_shift(request: HttpRequest) -> tuple[str, str]:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        return "", ""
    return staff.role, staff.shift


def orders_chart(days: int = CHART_DAYS) -> dict[str, list[object]]:
    today = clock.today()
    series = orders_per_day(
        date_from=today - dt.timedelta(days=days - 1), date_to=today
    )
    return {
        "days": [d.isoformat() for d, _ in series],
        "orders": [n for _, n in series],
    }


@login_required
def today(request: HttpRequest) -> HttpResponse:
    role, shift = _role_and_shift(request)
    items = (
        core_selectors.agenda_for_role(role, shift=shift, user=request.user)
        if role
        else []
    )
    context: dict[str, object] = {
        "items": items,
        "role_label": Role(role).label if role else "",
        "today": clock.today(),
        "holiday": clock.holiday_name(clock.today()),
        "working_day": clock.is_working_day(clock.today()),
        "overseeing": role in OVERSEEING_ROLES,
    }
    if role in OVERSEEING_ROLES:
        overview = core_selectors.agenda_overview()
        context["overdue"] = [i for i in overview if i.state == "overdue"]
        context["done_today"] = [i for i in overview if i.state == "done"]
        context["chart_json"] = orders_chart()
    return render(request, "web/today.html", context)


@login_required
@require_POST
def duty_mark_done(request: HttpRequest, duty_id: str, period_key: str) -> HttpResponse:
    form = DutyDoneForm(request.POST)

    def mark_done() -> str:
        duty_run_mark_done(
            actor=request.user,
            duty_id=duty_id,
            period_key=period_key,
            note=form.cleaned_data["note"],
        )
        return _("已标记完成：%s") % duty_id

    try:
        return post_service(request, mark_done, form=form, to="today", back=True)
    except KeyError as exc:
        raise Http404(str(exc)) from exc


@login_required
def duties(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "duty": d,
            "role_label": Role(d.role).label,
            "implemented": registry.is_implemented(d),
        }
        for d in registry
    ]
    return render(request, "web/duties.html", {"rows": rows})


@login_required
@permission_required("core.view_dutyrun", raise_exception=True)
def duty_overview(request: HttpRequest) -> HttpResponse:
    day = query_date(request.GET.get("day")) or clock.today()
    items = core_selectors.agenda_overview(day)
    by_role: dict[str, list[object]] = {}
    for item in items:
        by_role.setdefault(item.duty.role_label, []).append(item)
    return render(
        request,
        "web/duty_overview.html",
        {
            "by_role": by_role,
            "day": day,
            "counts": {
                s: sum(1 for i in items if i.state == s)
                for s in ("upcoming", "due", "overdue", "done")
            },
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(core_selectors.notification_list(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "web/notifications.html", {"page": page})


@login_required
def notifications_badge(request: HttpRequest) -> HttpResponse:
    return render(request, "partials/bell_count.html")


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    return redirect(notification.url)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("notifications")


@login_required
@permission_required("core.view_auditentry", raise_exception=True)
def audit(request: HttpRequest) -> HttpResponse:
    entries = core_selectors.audit_list(
        actor_id=query_int(request.GET.get("actor")),
        model=request.GET.get("model", ""),
        verb=request.GET.get("verb", ""),
        date_from=query_date(request.GET.get("from")),
        date_to=query_date(request.GET.get("to")),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actors = core_selectors.audit_actors()
    models = core_selectors.audit_models()
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "actors": actors,
            "models": [f"{a}.{m}" for a, m in models],
            "filters": request.GET,
        },
    )


@login_required
@permission_required("orders.view_order", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {"chart_json": orders_chart(400)})
