"""Stock fixtures: a SKU with stock on hand and paid orders that want it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shopops.catalog.models import Category
from shopops.core import clock
from shopops.stock import services
from shopops.stock.models import Location, Warehouse

# --- the stock pages' world (test_pages, test_transfer, test_quarantine) ---------


@pytest.fixture
def people(make_staff) -> dict[str, Any]:
    return {
        role: make_staff(role)
        for role in (
            "logistics",
            "ops_manager",
            "shipping",
            "designer",
            "finance",
            "general_manager",
        )
    }


@pytest.fixture
def as_role(client, people):
    def sign_in(role: str) -> Any:
        client.force_login(people[role].user)
        return client

    return sign_in


@pytest.fixture
def stocked(make_sku) -> dict[str, Any]:
    """A tent in stock at two places, a gas canister with two lots, and a stove with
    nothing at all."""
    warehouse = Warehouse.objects.create(code="main", name="主仓库", is_default=True)
    a1 = Location.objects.create(warehouse=warehouse, code="A-01")
    b1 = Location.objects.create(warehouse=warehouse, code="B-01")
    tent = make_sku("TENT-2P")
    gas = make_sku("GAS-230", shelf_life_days=1095)
    gas.product.category = Category.objects.create(name="燃料")
    gas.product.save()
    stove = make_sku("STOVE-1")
    services.stock_receive(actor=None, sku=tent, quantity=7, location=a1)
    services.stock_receive(actor=None, sku=tent, quantity=3, location=b1)
    services.stock_receive(
        actor=None,
        sku=gas,
        quantity=12,
        location=b1,
        lot_no="G1",
        expiry_date=clock.today() + dt.timedelta(days=10),
    )
    services.stock_receive(
        actor=None,
        sku=gas,
        quantity=4,
        location=b1,
        lot_no="G0",
        expiry_date=clock.today() - dt.timedelta(days=1),
    )
    return {"tent": tent, "gas": gas, "stove": stove, "a1": a1, "b1": b1}
