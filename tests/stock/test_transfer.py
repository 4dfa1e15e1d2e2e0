"""Moving stock between locations (移库): only available units move, the lot goes with
them, two TRANSFER movements keep the ledger whole; through the service, the page and
the API, with the adjust permission."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shopops.core.models import AuditEntry
from shopops.stock import services
from shopops.stock.models import Location, Movement, Reservation, StockLevel

from .ledger import assert_ledger_matches_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def c1(stocked):
    return Location.objects.create(warehouse=stocked["a1"].warehouse, code="C-01")


def _level(sku, location, lot_no: str = "") -> StockLevel:
    return StockLevel.objects.get(sku=sku, location=location, lot__lot_no=lot_no)


def test_available_units_move_with_their_lot(stocked, c1, make_paid_order):
    gas = _level(stocked["gas"], stocked["b1"], "G1")  # 12 units
    order = make_paid_order((stocked["gas"], 5))
    assert services.stock_reserve_order(actor=None, order=order).reserved
    # whatever the order reserved stays on its level
    reserved_before = {
        r.level_id: r.quantity
        for r in Reservation.objects.filter(state=Reservation.State.ACTIVE)
    }
    services.stock_quarantine(actor=None, level=gas, quantity=1, reason="瓶身凹陷")
    gas.refresh_from_db()
    movable = gas.available

    moved = services.stock_transfer(
        actor=None, level=gas, quantity=movable, location=c1, reason="整理货架"
    )

    gas.refresh_from_db()
    target = _level(stocked["gas"], c1, "G1")
    assert (gas.available, gas.quarantined, gas.reserved) == (
        0,
        1,
        reserved_before.get(gas.pk, 0),
    )
    assert target.on_hand == target.available == movable
    assert target.lot_id == gas.lot_id
    assert (moved.out.kind, moved.out.on_hand_delta) == (
        Movement.Kind.TRANSFER,
        -movable,
    )
    assert (moved.into.level_id, moved.into.on_hand_delta) == (target.pk, movable)
    assert moved.out.reason == "整理货架（B-01 → C-01）"
    assert {
        r.level_id: r.quantity
        for r in Reservation.objects.filter(state=Reservation.State.ACTIVE)
    } == reserved_before
    entry = AuditEntry.objects.get(verb="stock.transfer")
    assert entry.changes["from"] == "B-01"
    assert entry.changes["to"] == "C-01"
    assert_ledger_matches_levels()


def test_a_second_transfer_merges_into_the_same_level(stocked, c1):
    tent = _level(stocked["tent"], stocked["a1"])
    services.stock_transfer(actor=None, level=tent, quantity=2, location=c1)
    services.stock_transfer(actor=None, level=tent, quantity=3, location=c1)
    assert _level(stocked["tent"], c1).on_hand == 5
    assert StockLevel.objects.filter(sku=stocked["tent"], location=c1).count() == 1
    assert (
        _level(stocked["tent"], c1)
        .movements.get(on_hand_delta=2)
        .reason.startswith("移库")
    )


@pytest.mark.parametrize(
    ("quantity", "where", "message"),
    [
        (8, "C-01", "TENT-2P 在 A-01 可用只有 7，不能移出 8"),
        (0, "C-01", "移库数量必须大于 0"),
        (1, "A-01", "目标库位与原库位相同"),
    ],
)
def test_impossible_transfers_change_nothing(stocked, c1, quantity, where, message):
    tent = _level(stocked["tent"], stocked["a1"])
    movements = Movement.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.stock_transfer(
            actor=None,
            level=tent,
            quantity=quantity,
            location=Location.objects.get(code=where),
        )
    assert caught.value.messages == [message]
    assert Movement.objects.count() == movements
    tent.refresh_from_db()
    assert tent.on_hand == 7
    assert not StockLevel.objects.filter(location=c1).exists() or (
        _level(stocked["tent"], c1).on_hand == 0
    )


def test_transfer_on_the_page(as_role, stocked, c1):
    client = as_role("logistics")
    tent = _level(stocked["tent"], stocked["a1"])
    page = client.get(f"/stock/levels/{tent.pk}/adjust/").content.decode()
    form = page.split('data-testid="transfer-form"')[1].split("</form>")[0]
    assert f'value="{c1.pk}"' in form
    assert f'value="{stocked["a1"].pk}"' not in form  # not to where it already is

    refused = client.post(
        f"/stock/levels/{tent.pk}/transfer/",
        {"quantity": "9", "location": c1.pk},
    )
    assert refused.status_code == 200
    assert "可用只有 7" in refused.content.decode()

    done = client.post(
        f"/stock/levels/{tent.pk}/transfer/",
        {"quantity": "4", "location": c1.pk, "reason": "靠近打包台"},
        follow=True,
    )
    assert "已移库 TENT-2P × 4：A-01 → C-01" in done.content.decode()
    assert _level(stocked["tent"], c1).on_hand == 4
    assert_ledger_matches_levels()


def test_only_roles_that_adjust_may_transfer(as_role, stocked, c1):
    tent = _level(stocked["tent"], stocked["a1"])
    client = as_role("designer")
    answer = client.post(
        f"/stock/levels/{tent.pk}/transfer/", {"quantity": "1", "location": c1.pk}
    )
    assert answer.status_code == 403
    assert not StockLevel.objects.filter(location=c1).exists()


def test_transfer_through_the_api(api_client, people, stocked, c1):
    tent = _level(stocked["tent"], stocked["a1"])
    api_client.force_login(people["logistics"].user)
    url = f"/api/v1/stock/levels/{tent.pk}/transfer"
    answer = api_client.post(
        url,
        {"quantity": 2, "location_id": c1.pk, "reason": "补货到拣货位"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["out"]["on_hand_delta"], body["into"]["on_hand_delta"]) == (-2, 2)
    assert body["into"]["kind"] == "transfer"
    too_many = api_client.post(
        url,
        {"quantity": 6, "location_id": c1.pk},
        content_type="application/json",
    )
    assert too_many.status_code == 422
    assert "可用只有 5" in too_many.json()["detail"]
    nowhere = api_client.post(
        url, {"quantity": 1, "location_id": 999_999}, content_type="application/json"
    )
    assert nowhere.status_code == 404
