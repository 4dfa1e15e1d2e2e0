"""Quarantined units are settled after inspection: back on sale, or scrapped; units are
set aside by hand too. Through the service, the page and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shopops.core.models import AuditEntry
from shopops.stock import services
from shopops.stock.models import Movement, StockLevel

from .ledger import assert_ledger_matches_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def tent(stocked):
    """7 tents on A-01, 3 of them set aside (a QC failure, a wet box)."""
    level = StockLevel.objects.get(sku=stocked["tent"], location=stocked["a1"])
    services.stock_quarantine(actor=None, level=level, quantity=3, reason="外箱受潮")
    level.refresh_from_db()
    return level


def _figures(level: StockLevel) -> tuple[int, int, int]:
    level.refresh_from_db()
    return level.on_hand, level.quarantined, level.available


def test_inspected_units_go_back_on_sale(tent):
    movement = services.stock_quarantine_resolve(
        actor=None,
        level=tent,
        quantity=2,
        outcome=Movement.Kind.UNQUARANTINE,
        reason="开箱检验，帐篷完好",
    )
    assert _figures(tent) == (7, 1, 6)
    assert (movement.on_hand_delta, movement.quarantined_delta) == (0, -2)
    assert AuditEntry.objects.filter(verb="stock.unquarantine").count() == 1
    assert_ledger_matches_levels()


def test_scrapped_units_leave_the_books_without_touching_available(tent):
    services.stock_quarantine_resolve(
        actor=None,
        level=tent,
        quantity=3,
        outcome=Movement.Kind.SCRAP,
        reason="霉变，报废",
    )
    assert _figures(tent) == (4, 0, 4)
    scrap = tent.movements.get(kind=Movement.Kind.SCRAP)
    assert (scrap.on_hand_delta, scrap.quarantined_delta) == (-3, -3)
    assert_ledger_matches_levels()


@pytest.mark.parametrize(
    ("quantity", "outcome", "reason", "message"),
    [
        (4, "scrap", "报废", "A-01 只有 3 件隔离品"),
        (0, "scrap", "报废", "处理数量必须大于 0"),
        (1, "scrap", " ", "处理隔离品需要填写原因"),
        (1, "sell", "卖掉", "未知处理方式：sell"),
    ],
)
def test_impossible_settlements_change_nothing(
    tent, quantity, outcome, reason, message
):
    movements = Movement.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.stock_quarantine_resolve(
            actor=None, level=tent, quantity=quantity, outcome=outcome, reason=reason
        )
    assert caught.value.messages == [message]
    assert Movement.objects.count() == movements
    assert _figures(tent) == (7, 3, 4)


def test_on_the_page(as_role, tent, stocked):
    client = as_role("logistics")
    page = client.get(f"/stock/levels/{tent.pk}/adjust/").content.decode()
    assert 'data-testid="resolve-form"' in page
    assert "处理隔离品（3 件）" in page

    listed = client.get("/stock/?quarantined=1").content.decode()
    assert 'data-testid="sku-TENT-2P"' in listed
    assert 'data-testid="sku-GAS-230"' not in listed  # nothing set aside

    too_many = client.post(
        f"/stock/levels/{tent.pk}/quarantine/resolve/",
        {"quantity": "5", "outcome": "unquarantine", "reason": "检验合格"},
    )
    assert too_many.status_code == 200
    assert "只有 3 件隔离品" in too_many.content.decode()

    done = client.post(
        f"/stock/levels/{tent.pk}/quarantine/resolve/",
        {"quantity": "3", "outcome": "unquarantine", "reason": "检验合格"},
        follow=True,
    )
    assert "解除隔离 TENT-2P × 3" in done.content.decode()
    assert 'data-testid="resolve-form"' not in done.content.decode()  # none left
    assert _figures(tent) == (7, 0, 7)

    set_aside = client.post(
        f"/stock/levels/{tent.pk}/quarantine/",
        {"quantity": "1", "reason": "帐篷杆弯曲"},
        follow=True,
    )
    assert "已隔离 TENT-2P × 1" in set_aside.content.decode()
    assert _figures(tent) == (7, 1, 6)
    refused = client.post(
        f"/stock/levels/{tent.pk}/quarantine/", {"quantity": "9", "reason": "召回"}
    )
    assert "可用库存只有 6" in refused.content.decode()
    assert_ledger_matches_levels()


def test_a_designer_may_not(as_role, tent):
    client = as_role("designer")
    answer = client.post(
        f"/stock/levels/{tent.pk}/quarantine/resolve/",
        {"quantity": "1", "outcome": "scrap", "reason": "x"},
    )
    assert answer.status_code == 403
    assert client.post(f"/stock/levels/{tent.pk}/quarantine/", {}).status_code == 403
    assert _figures(tent) == (7, 3, 4)


def test_through_the_api(api_client, people, tent):
    api_client.force_login(people["logistics"].user)
    base = f"/api/v1/stock/levels/{tent.pk}/quarantine"
    scrapped = api_client.post(
        f"{base}/resolve",
        {"quantity": 1, "outcome": "scrap", "reason": "破损"},
        content_type="application/json",
    )
    assert scrapped.status_code == 200, scrapped.content
    assert scrapped.json()["kind"] == "scrap"
    wrong = api_client.post(
        f"{base}/resolve",
        {"quantity": 1, "outcome": "sell", "reason": "x"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    aside = api_client.post(
        base, {"quantity": 2, "reason": "召回批次"}, content_type="application/json"
    )
    assert aside.status_code == 200
    assert _figures(tent) == (6, 4, 2)
    listed = api_client.get("/api/v1/stock/levels?quarantined=true").json()
    assert [i["outer_code"] for i in listed["items"]] == ["TENT-2P"]
