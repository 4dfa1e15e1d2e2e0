"""The duties shipping serves: LOG-2.1 (check before shipping), LOG-2.3 (courier
delays), LOG-2.5 (pack on working days), LOG-2.6 and OPS-3.4 (weekly analysis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core.duties import Worklist, registry


def _qc_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.shipping.selectors import qc_failed_units, qc_pending_orders

    failed = qc_failed_units(day=day)
    return Worklist(
        count=len(qc_pending_orders()),
        url=reverse("shipping:pack_station"),
        label=_("已拣货待质检的订单（今日不合格 %d 件）") % failed,
    )


def _pack_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.shipping.selectors import orders_waiting_to_pack

    return Worklist(
        count=orders_waiting_to_pack().count(),
        url=reverse("shipping:pick_lists"),
        label=_("已付款、已预留、未扣留的待打包订单"),
    )


def _delays_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.shipping.selectors import active_delays

    return Worklist(
        count=active_delays().count(),
        url=reverse("shipping:delays"),
        label=_("未解除的快递延误"),
    )


def _analysis_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.core import clock
    from shopops.shipping.selectors import handoff_problem_list, week_bounds

    week = clock.iso_week(day)
    start, end = week_bounds(week)
    return Worklist(
        count=handoff_problem_list(start=start, end=end).count(),
        url=reverse("shipping:analysis") + f"?week={week}",
        label=_("本周快递交接问题（每周发货分析）"),
    )


def plug_in() -> None:
    registry.provide("LOG-2.1", _qc_worklist)
    registry.provide("LOG-2.3", _delays_worklist)
    registry.provide("LOG-2.5", _pack_worklist)
    registry.provide("LOG-2.6", _analysis_worklist)
    registry.provide("OPS-3.4", _analysis_worklist)
