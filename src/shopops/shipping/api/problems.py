"""The shipping API: hand-off problems and the weekly analysis."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Short, service_errors
from shopops.shipping import selectors, services
from shopops.shipping.api.base import _order, _week, router
from shopops.shipping.api.schemas import AnalysisOut, ProblemIn, ProblemOut
from shopops.shipping.models import (
    HandoffProblem,
)


@router.get("/shipping/handoff-problems", response=list[ProblemOut])
def problem_list(request: HttpRequest, week: Short = "") -> list[HandoffProblem]:
    """Return the hand-off problems of an ISO week ("2025-W24"; default this week)."""
    require_perm(request, "shipping.view_handoffproblem")
    start, end = selectors.week_bounds(_week(week))
    return list(selectors.handoff_problem_list(start=start, end=end))


@router.post("/shipping/handoff-problems", response={201: ProblemOut})
def problem_record(request: HttpRequest, payload: ProblemIn) -> Status:
    require_perm(request, "shipping.add_handoffproblem")
    order = _order(payload.order_id) if payload.order_id is not None else None
    with service_errors():
        problem = services.handoff_problem_record(
            actor=request.user,
            courier=payload.courier,
            kind=payload.kind,
            note=payload.note,
            order=order,
            at=payload.at,
        )
    return Status(201, problem)


@router.get("/shipping/analysis", response=AnalysisOut)
def analysis(request: HttpRequest, week: Short = "") -> dict[str, Any]:
    """Return an ISO week's shipping analysis (LOG-2.6, OPS-3.4): quality-check failure
    rates by SKU and supplier, holds by reason, orders shipped over 48 hours after
    payment, hand-off problems by courier."""
    require_perm(request, "shipping.view_analysis")
    a = selectors.shipping_analysis_for_week(_week(week))

    def rates(rows: list[selectors.QcRate]) -> list[dict[str, Any]]:
        return [
            {
                "key": r.key,
                "label": r.label,
                "checked": r.checked,
                "failed": r.failed,
                "rate": str(r.rate),
            }
            for r in rows
        ]

    return {
        "returns": [
            {
                "outer_code": r.outer_code,
                "returned": r.returned,
                "damaged": r.damaged,
                "damaged_rate": str(r.damaged_rate),
            }
            for r in a.returns
        ],
        "week": str(a.week),
        "qc_checked": a.qc_checked,
        "qc_failed": a.qc_failed,
        "qc_rate": str(a.qc_rate),
        "qc_by_sku": rates(a.qc_by_sku),
        "qc_by_supplier": rates(a.qc_by_supplier),
        "holds_by_reason": [
            {"reason": r, "label": label, "count": n}
            for r, label, n in a.holds_by_reason
        ],
        "shipped": a.shipped,
        "late_count": len(a.late),
        "late": [
            {
                "order_id": o.order_id,
                "order_no": o.order_no,
                "paid_at": o.paid_at,
                "shipped_at": o.shipped_at,
                "hours": str(o.hours),
            }
            for o in a.late[:1000]
        ],
        "problems": [
            {
                "courier": p.courier,
                "label": p.label,
                "total": p.total,
                "by_kind": p.by_kind,
            }
            for p in a.problems
        ],
    }
