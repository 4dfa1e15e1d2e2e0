"""The duties orders serve: CS-1's 20:00 and 21:00 jobs, and the worklists."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from shopops.aftersales import services as aftersales_services
from shopops.core.duties import registry
from shopops.core.models import Notification
from shopops.core.services import duties_tick
from shopops.orders import services
from shopops.orders.models import Hold, HoldReason
from tests.factories import at_local

pytestmark = pytest.mark.django_db

ORDER_DUTIES = ["LOG-2.2", "LOG-2.4", "LOG-4.2", "CS-1", "CS-2", "OPS-2.5"]
DAY = "2025-06-10"  # a Tuesday


def queue_reminders(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, title__startswith="晚班："))


def overdue_hold_notes(user) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user, content_type=ContentType.objects.get_for_model(Hold)
        ).order_by("object_id")
    )


@pytest.fixture
def held(make_order, people, frozen_clock):
    """Three holds made at 17:30; the evening shift handles one before 21:00."""
    frozen_clock(f"{DAY} 17:30")
    holds = [
        services.order_hold(
            actor=people.logistics.user, order=make_order(), reason=reason
        )
        for reason in (HoldReason.OUT_OF_STOCK, HoldReason.QUALITY, "courier_delay")
    ]
    Notification.objects.all().delete()  # only what the jobs send counts below
    return holds


def test_at_20_the_evening_shift_is_told_how_many_holds_wait(
    held, people, frozen_clock
):
    when = frozen_clock(f"{DAY} 20:00:30")
    handled = duties_tick(at=when)

    assert "CS-1@2025-06-10:start" in handled
    for person in (people.evening, people.evening2):
        [reminder] = queue_reminders(person.user)
        assert "3" in reminder.title
        assert reminder.url == "/orders/evening/"
    assert queue_reminders(people.cs.user) == []  # the day shift is not on duty
    assert overdue_hold_notes(people.ops.user) == []  # not yet 21:00

    # a second tick sends nothing again
    frozen_clock(f"{DAY} 20:01:30")
    duties_tick(at=at_local(f"{DAY} 20:01:30"))
    assert len(queue_reminders(people.evening.user)) == 1


def test_at_21_each_unhandled_hold_is_reported_to_the_ops_manager(
    held, people, frozen_clock
):
    when = frozen_clock(f"{DAY} 20:00:30")
    duties_tick(at=when)
    frozen_clock(f"{DAY} 20:40")
    aftersales_services.hold_outcome_record(
        actor=people.evening.user, hold=held[1], outcome="informed"
    )

    when = frozen_clock(f"{DAY} 21:00:30")
    handled = duties_tick(at=when)

    assert "CS-1@2025-06-10:deadline" in handled
    notes = overdue_hold_notes(people.ops.user)
    assert sorted(n.object_id for n in notes) == sorted(
        str(h.pk) for h in (held[0], held[2])
    )
    for note in notes:
        hold = Hold.objects.get(pk=note.object_id)
        assert hold.order.order_no in note.title
        assert note.url == f"/orders/{hold.order_id}/"
    # the evening shift is not told again, and nobody else hears of the holds
    assert len(queue_reminders(people.evening.user)) == 1
    assert overdue_hold_notes(people.logistics.user) == []

    # idempotent: ticking again (or late) reports nothing twice
    for minute in ("21:00:30", "21:05"):
        duties_tick(at=frozen_clock(f"{DAY} {minute}"))
    assert len(overdue_hold_notes(people.ops.user)) == 2


def test_no_reminder_when_the_queue_is_empty(people, frozen_clock):
    duties_tick(at=frozen_clock(f"{DAY} 20:00:30"))
    assert queue_reminders(people.evening.user) == []
    duties_tick(at=frozen_clock(f"{DAY} 21:00:30"))
    assert overdue_hold_notes(people.ops.user) == []


def test_the_worklists_count_what_is_waiting(make_order, make_sku, people):
    actor = people.logistics.user
    stock = services.order_hold(
        actor=actor, order=make_order(), reason=HoldReason.OUT_OF_STOCK
    )
    cannot_buy = services.order_hold(
        actor=actor, order=make_order(), reason=HoldReason.CANNOT_BUY
    )
    services.order_hold(actor=actor, order=make_order(), reason=HoldReason.QUALITY)
    released = services.order_hold(
        actor=actor, order=make_order(), reason=HoldReason.OUT_OF_STOCK
    )
    services.hold_release(actor=actor, hold=released)
    # the evening shift agreed an exchange for one: an after-sale for logistics
    aftersales_services.hold_outcome_record(
        actor=people.evening.user,
        hold=cannot_buy,
        outcome="exchange",
        exchange_sku=make_sku(),
    )
    refund = aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=make_order(),
        kind="refund_only",
        reason="少发配件",
        amount=Decimal("9.90"),
    )
    aftersales_services.after_sale_confirm(actor=actor, after_sale=refund)
    aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=make_order(),
        kind="refund_only",
        reason="破损",
        amount=Decimal("20.00"),
    )
    open_one = services.complaint_create(
        actor=people.cs.user, order=make_order(), kind="complaint", description="慢"
    )
    closed = services.complaint_create(
        actor=people.cs.user, order=make_order(), kind="dispute", description="假货"
    )
    services.complaint_update(
        actor=people.ops.user, complaint=closed, state="closed", outcome="平台判卖家胜"
    )
    assert open_one.state == "open"

    day = dt.date(2025, 6, 10)
    counts = {
        duty_id: registry.get(duty_id).worklist(people.ops.user, day).count
        for duty_id in ORDER_DUTIES
    }
    assert counts == {
        "LOG-2.2": 1,  # out of stock / cannot buy, not yet handled by the evening
        "LOG-2.4": 3,  # every active hold
        "LOG-4.2": 2,  # the exchange and the refund waiting
        "CS-1": 2,  # active holds not yet handled
        "CS-2": 2,
        "OPS-2.5": 1,
    }
    assert stock.active


def test_the_evening_today_page_lists_cs1_with_its_count(
    make_order, people, client, login, frozen_clock
):
    frozen_clock(f"{DAY} 19:00")
    services.order_hold(
        actor=people.logistics.user, order=make_order(), reason=HoldReason.QUALITY
    )
    login(client, people.evening)
    items = client.get("/api/v1/today").json()
    [cs1] = [i for i in items if i["duty_id"] == "CS-1"]
    assert cs1["worklist"]["count"] == 1
    assert cs1["worklist"]["url"] == "/orders/evening/"
    # the day shift does not carry the evening duty
    login(client, people.cs)
    assert "CS-1" not in [i["duty_id"] for i in client.get("/api/v1/today").json()]


def test_the_duties_command_reports_them_implemented():
    out = StringIO()
    call_command("duties", "--json", stdout=out)
    implemented = {d["id"]: d["implemented"] for d in json.loads(out.getvalue())}
    assert {d: implemented[d] for d in ORDER_DUTIES} == dict.fromkeys(
        ORDER_DUTIES, True
    )
