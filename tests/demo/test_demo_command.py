"""`shopops demo` on a database that holds something already, what it reports, and
what `--reset` leaves behind."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from shopops.catalog.models import Category, Product, Sku, Supplier
from shopops.core.models import AuditEntry, Notification
from shopops.customers.models import Customer
from shopops.demo.generator import WORK, demo_reset
from shopops.orders.models import HoldReasonSetting, Order, OrderLine
from shopops.org.models import Department, Shop, Staff
from shopops.stock.models import Movement
from tests.demo.conftest import NOW, build


def test_refuses_to_build_beside_a_login_it_would_make(db: None) -> None:
    get_user_model().objects.create_user("ops_manager")
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--scale", "small", stdout=io.StringIO())
    # One transaction: nothing of the half-built demo is left.
    assert not Shop.objects.exists()
    assert not Department.objects.exists()
    assert not AuditEntry.objects.filter(verb="demo.build").exists()
    assert not Movement.objects.exists()


def test_print_logins_on_an_empty_database(db: None) -> None:
    out = io.StringIO()
    call_command("demo", "--if-empty", "--print-logins", "--scale", "small", stdout=out)
    assert Shop.objects.count() == 2
    assert "ops_manager" in out.getvalue()


def test_small_build_reports_itself_and_reset_removes_it(
    db: None, frozen_clock: Callable[[str], Any]
) -> None:
    # How long it takes is the build's own report (and README's figure), not a test:
    # a bound on time fails on a loaded machine.
    frozen_clock(NOW)
    out = build()
    assert re.search(r"Demo built in [\d.]+ s: .*[\d,]+ stock movements", out)
    departments = Department.objects.count()
    reasons = HoldReasonSetting.objects.count()
    audit = AuditEntry.objects.count()

    demo_reset()

    for label, model in WORK:
        assert not model._default_manager.exists(), label
    for other in (Order, OrderLine, Customer, Sku, Product, Category, Supplier, Shop):
        assert not other._default_manager.exists(), other.__name__
    assert not Staff.objects.exists()
    assert not get_user_model().objects.exists()
    assert not Notification.objects.exists()
    # The departments, the hold reasons' settings and the audit trail stay.
    assert Department.objects.count() == departments
    assert HoldReasonSetting.objects.count() == reasons == 5
    assert AuditEntry.objects.count() == audit + 1
