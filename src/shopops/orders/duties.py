"""The duties that orders serve: LOG-2.2, LOG-2.4, CS-1, OPS-2.5 (LOG-4.2 and CS-2,
after-sales, are served by `aftersales/duties.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core.duties import Duty, Occurrence, Worklist, registry
from shopops.core.notifications import notify, notify_roles
from shopops.core.roles import Role


def _holds_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.orders.selectors import active_holds

    return Worklist(
        count=active_holds().count(),
        url=reverse("orders:holds"),
        label=_("未解除的扣留订单"),
    )


def _stock_holds_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.orders.models import HoldReason
    from shopops.orders.selectors import active_holds

    reasons = [HoldReason.OUT_OF_STOCK, HoldReason.CANNOT_BUY]
    return Worklist(
        count=active_holds()
        .filter(reason__in=reasons, handled_at__isnull=True)
        .count(),
        url=reverse("orders:holds") + "?reason=out_of_stock",
        label=_("缺货或无法订购、待晚班协商"),
    )


def _evening_queue_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.orders.selectors import evening_queue

    return Worklist(
        count=evening_queue().count(),
        url=reverse("orders:evening_queue"),
        label=_("待告知买家的扣留订单"),
    )


def _complaints_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.orders.selectors import open_complaints

    return Worklist(
        count=open_complaints().count(),
        url=reverse("orders:complaints"),
        label=_("未结案的投诉纠纷"),
    )


def remind_evening_service(duty: Duty, occurrence: Occurrence) -> None:
    """At 20:00: tell the evening shift how many holds wait for them."""
    from shopops.orders.selectors import evening_queue
    from shopops.orders.services import evening_service_users

    count = evening_queue().count()
    if not count:
        return
    with transaction.atomic():
        notify(
            recipients=evening_service_users(),
            title=_("晚班：%d 个扣留订单待告知买家") % count,
            url=reverse("orders:evening_queue"),
            roles=[Role.CUSTOMER_SERVICE],
        )


def report_unhandled_holds(duty: Duty, occurrence: Occurrence) -> None:
    """At 21:00: every hold still unhandled is overdue; tell the operations manager."""
    from shopops.orders.selectors import evening_queue

    with transaction.atomic():
        for hold in evening_queue():
            notify_roles(
                roles=[Role.OPS_MANAGER],
                title=_("晚班逾期未处理：订单 %(no)s（%(reason)s）")
                % {"no": hold.order.order_no, "reason": hold.get_reason_display()},
                url=reverse("orders:detail", args=[hold.order_id]),
                target=hold,
            )


def plug_in() -> None:
    registry.provide("LOG-2.2", _stock_holds_worklist)
    registry.provide("LOG-2.4", _holds_worklist)
    registry.provide("CS-1", _evening_queue_worklist)
    registry.provide("OPS-2.5", _complaints_worklist)
    registry.on_due("CS-1", remind_evening_service)
    registry.on_deadline("CS-1", report_unhandled_holds)
