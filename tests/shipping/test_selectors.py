"""The weekly shipping analysis (LOG-2.6, OPS-3.4) against figures worked out by hand
and recomputed here from the raw rows, and the duties' worklists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from shopops.catalog.models import Supplier
from shopops.core.clock import IsoWeek
from shopops.core.duties import registry
from shopops.orders.models import HoldReason, Order
from shopops.orders.services import order_hold
from shopops.shipping import selectors, services
from shopops.shipping.models import QualityCheck
from shopops.stock.services import stock_reserve_order

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = IsoWeek(2025, 24)  # Monday 9 June – Sunday 15 June 2025


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def week_of_work(make_sku, put_away, make_paid_order, make_shop, clerk, frozen_clock):
    """A week of checks, holds, shipments and hand-off problems, with some just
    outside the week on either side."""
    north = Supplier.objects.create(code="north", name="北方户外")
    south = Supplier.objects.create(code="south", name="南方装备")
    a, b = make_sku("WK-A", supplier=north), make_sku("WK-B", supplier=north)
    c, d = make_sku("WK-C", supplier=south), make_sku("WK-D")
    for sku in (a, b, c, d):
        put_away(sku, 20)

    def reserved(*lines):
        order = make_paid_order(*lines)
        assert stock_reserve_order(actor=None, order=order).reserved
        return order

    def check(order, result, quantity, defect=""):
        services.qc_record(
            actor=clerk,
            order=order,
            line=order.lines.get(),
            result=result,
            quantity=quantity,
            defect_reason=defect,
        )

    # the Thursday before: a failure that must not count
    frozen_clock("2025-06-05 10:00")
    check(reserved((a, 1)), "fail", 1, "damaged")

    frozen_clock("2025-06-09 10:00")
    check(reserved((a, 3)), "pass", 3)
    check(reserved((a, 1)), "fail", 1, "damaged")
    frozen_clock("2025-06-11 15:00")
    check(reserved((b, 2)), "pass", 2)
    mixed = reserved((c, 2))
    check(mixed, "pass", 1)
    check(mixed, "fail", 1, "defective")
    frozen_clock("2025-06-15 23:30")
    check(reserved((d, 1)), "fail", 1, "expired")
    order_hold(actor=clerk, order=make_paid_order((a, 1)), reason=HoldReason.OTHER)
    order_hold(
        actor=clerk, order=make_paid_order((a, 1)), reason=HoldReason.COURIER_DELAY
    )

    shop = make_shop(code="late")

    def shipped(paid: str, at: str) -> Order:
        return Order.objects.create(
            shop=shop,
            order_no=f"L{paid}{at}".replace(" ", "").replace(":", "").replace("-", ""),
            created_at=local(paid),
            paid_at=local(paid),
            shipped_at=local(at),
            status=Order.Status.SHIPPED,
        )

    shipped("2025-06-09 09:00", "2025-06-11 08:59")  # 47 h 59 min: on time
    shipped("2025-06-09 10:00", "2025-06-11 10:01")  # 48 h 1 min: late
    shipped("2025-06-07 10:00", "2025-06-10 12:00")  # paid last week, 74 h: late
    shipped("2025-06-12 10:00", "2025-06-16 00:00")  # shipped next week

    frozen_clock("2025-06-16 09:00")
    for courier, kind, at in [
        ("ZTO", "late_pickup", "2025-06-09 17:00"),
        ("ZTO", "late_pickup", "2025-06-13 17:30"),
        ("ZTO", "lost_parcel", "2025-06-12 11:00"),
        ("SF", "damaged_in_transit", "2025-06-15 23:59"),
        ("YTO", "wrong_label", "2025-06-08 23:59"),  # the Sunday before
        ("YTO", "wrong_label", "2025-06-16 00:00"),  # the Monday after
    ]:
        services.handoff_problem_record(
            actor=clerk, courier=courier, kind=kind, at=local(at)
        )


def recompute_qc(start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, list]]:
    """Group the week's checks by SKU and by supplier, in plain Python."""
    groups: dict[str, dict[str, list[int]]] = {
        "sku": defaultdict(lambda: [0, 0]),
        "supplier": defaultdict(lambda: [0, 0]),
    }
    for check in QualityCheck.objects.select_related("sku__product__default_supplier"):
        if not start <= check.checked_at < end:
            continue
        supplier = check.sku.product.default_supplier
        for key, name in (
            ("sku", check.sku.outer_code),
            ("supplier", supplier.name if supplier else "（无）"),
        ):
            groups[key][name][0] += check.quantity
            if check.result == "fail":
                groups[key][name][1] += check.quantity
    return groups


def test_weekly_analysis_matches_the_figures_worked_out_by_hand(week_of_work):
    a = selectors.shipping_analysis_for_week(WEEK)

    # quality check by SKU: A 1 of 4, B 0 of 2, C 1 of 2, D 1 of 1
    by_sku = {r.label: (r.checked, r.failed, r.rate) for r in a.qc_by_sku}
    assert by_sku == {
        "WK-A": (4, 1, Decimal("25.0")),
        "WK-B": (2, 0, Decimal("0.0")),
        "WK-C": (2, 1, Decimal("50.0")),
        "WK-D": (1, 1, Decimal("100.0")),
    }
    assert [r.label for r in a.qc_by_sku] == ["WK-D", "WK-C", "WK-A", "WK-B"]
    by_supplier = {r.label: (r.checked, r.failed, r.rate) for r in a.qc_by_supplier}
    assert by_supplier == {
        "北方户外": (6, 1, Decimal("16.7")),
        "南方装备": (2, 1, Decimal("50.0")),
        "（无）": (1, 1, Decimal("100.0")),
    }
    assert (a.qc_checked, a.qc_failed, a.qc_rate) == (9, 3, Decimal("33.3"))

    # the same, recomputed from the rows
    start, end = selectors.week_bounds(WEEK)
    groups = recompute_qc(start, end)
    assert {k: tuple(v) for k, v in groups["sku"].items()} == {
        k: v[:2] for k, v in by_sku.items()
    }
    assert {k: tuple(v) for k, v in groups["supplier"].items()} == {
        k: v[:2] for k, v in by_supplier.items()
    }

    # holds made in the week, by reason: three failed checks, one other, one delay
    assert {r: n for r, _label, n in a.holds_by_reason} == {
        "quality": 3,
        "out_of_stock": 0,
        "cannot_buy": 0,
        "courier_delay": 1,
        "other": 1,
    }

    # shipped in the week: three, two of them more than 48 hours after payment
    assert a.shipped == 3
    assert [(o.order_no[:11], o.hours) for o in a.late] == [
        ("L2025060710", Decimal("74.0")),
        ("L2025060910", Decimal("48.0")),
    ]
    expected_late = [
        o.order_no
        for o in Order.objects.filter(shipped_at__gte=start, shipped_at__lt=end)
        if o.shipped_at - o.paid_at > dt.timedelta(hours=48)
    ]
    assert sorted(o.order_no for o in a.late) == sorted(expected_late)

    # hand-off problems of the week by courier
    assert [(p.courier, p.total, p.by_kind) for p in a.problems] == [
        ("ZTO", 3, {"late_pickup": 2, "lost_parcel": 1}),
        ("SF", 1, {"damaged_in_transit": 1}),
    ]
    assert a.problems_total == 4

    chart = a.chart_data()
    assert chart["qc_sku"]["rates"] == [100.0, 50.0, 25.0, 0.0]
    assert chart["problems"]["couriers"] == ["中通快递", "顺丰速运"]


def test_an_empty_week_has_zeros(db):
    a = selectors.shipping_analysis_for_week(IsoWeek(2024, 1))
    assert (a.qc_checked, a.qc_rate, a.shipped, a.late_rate) == (0, 0, 0, 0)
    assert a.problems == []


@pytest.mark.parametrize(
    ("text", "week"),
    [("2025-W24", IsoWeek(2025, 24)), ("2025w3", IsoWeek(2025, 3)),
     ("2025-06-15", IsoWeek(2025, 24)), ("2026-W53", IsoWeek(2026, 53))],
)  # fmt: skip
def test_weeks_are_read_from_text(text, week):
    assert selectors.week_parse(text) == week


@pytest.mark.parametrize("text", ["2025-W54", "2025-W53", "junk", "2025-13-01"])
def test_a_bad_week_is_refused(text):
    with pytest.raises(ValueError, match="2025-W24"):
        selectors.week_parse(text)


# --- worklists ------------------------------------------------------------------------


def test_the_worklists_count_what_each_duty_needs(
    ready_order, passed_order, make_sku, make_paid_order, clerk, people, frozen_clock
):
    frozen_clock("2025-06-10 10:00")
    day = dt.date(2025, 6, 10)
    ready_order()  # waiting for its check
    passed_order()  # checked, waiting to ship
    failing = ready_order()
    make_paid_order((make_sku(), 1))  # not reserved: not yet to pack
    services.pick_list_create(actor=clerk)

    def worklist(duty_id):
        return registry.get(duty_id).worklist(clerk, day)

    # LOG-2.5: reserved, unheld, paid orders to pack
    assert worklist("LOG-2.5").count == 3
    # LOG-2.1: picked orders whose check is not complete
    assert worklist("LOG-2.1").count == 2
    services.qc_record(
        actor=clerk,
        order=failing,
        line=failing.lines.get(),
        result="fail",
        defect_reason="damaged",
    )
    qc = worklist("LOG-2.1")
    assert qc.count == 1  # the failed one is held now
    assert "1 件" in qc.label
    assert worklist("LOG-2.5").count == 2
    # LOG-2.3: active courier delays
    assert worklist("LOG-2.3").count == 0
    services.courier_delay_declare(actor=people.logistics.user, courier="JD")
    assert worklist("LOG-2.3").count == 1
    # LOG-2.6 and OPS-3.4: this week's hand-off problems, linking the analysis
    services.handoff_problem_record(actor=clerk, courier="ZTO", kind="late_pickup")
    for duty_id in ("LOG-2.6", "OPS-3.4"):
        item = worklist(duty_id)
        assert item.count == 1
        assert item.url == "/shipping/analysis/?week=2025-W24"


def test_the_shipping_duties_are_implemented():
    for duty_id in ("LOG-2.1", "LOG-2.3", "LOG-2.5", "LOG-2.6", "OPS-3.4"):
        assert registry.get(duty_id).implemented
