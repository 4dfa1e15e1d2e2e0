"""`AfterSale` moved from `orders` to `aftersales`: a database migrated from before the
move keeps its after-sales, their content type (so audit entries and notifications
still point at them) and the permissions granted on them, and each role reaches after-
sales as it did."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shopops.aftersales.models import AfterSale
from shopops.core.roles import Role
from shopops.org.permissions import role_groups_sync

BEFORE = [("orders", "0005_import_digests"), ("aftersales", None)]
AFTER = [
    ("orders", "0006_aftersale_moves_to_aftersales"),
    ("aftersales", "0001_initial"),
]


def _migrate(targets):
    """Migrate the moved apps to `targets`; return the models as they are then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    graph = executor.loader.graph
    moved = {app for app, _name in targets}
    nodes = [node for node in graph.leaf_nodes() if node[0] not in moved]
    nodes += [(app, name) for app, name in targets if name]
    return executor.loader.project_state(nodes, at_end=True).apps


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_from_before_the_move_keeps_its_after_sales(
    make_order, make_sku, people
):
    order = make_order(paid_amount=Decimal("88.00"))
    sku = make_sku()
    user = people.cs.user
    moved_type = ContentType.objects.get(app_label="aftersales", model="aftersale")

    # the database as it was before the move: after-sales were orders' model
    old_apps = _migrate(BEFORE)
    try:
        old_types = old_apps.get_model("contenttypes", "ContentType").objects
        assert old_types.get(app_label="orders", model="aftersale").pk == moved_type.pk
        assert not old_types.filter(app_label="aftersales").exists()
        old_after_sale = old_apps.get_model("orders", "AfterSale")
        now = timezone.now()
        refund = old_after_sale.objects.create(
            order_id=order.pk,
            kind="refund_only",
            amount=Decimal("20.00"),
            reason="少发赠品",
            raised_by_id=user.pk,
            raised_at=now,
        )
        exchange = old_after_sale.objects.create(
            order_id=order.pk,
            kind="exchange",
            reason="换大一号",
            exchange_sku_id=sku.pk,
            exchange_quantity=1,
            state="confirmed",
            raised_at=now,
            decided_at=now,
            decision_note="已换",
        )
        # a permission granted on the old model, to one user
        old_change = old_apps.get_model("auth", "Permission").objects.get(
            content_type__app_label="orders", codename="change_aftersale"
        )
        old_apps.get_model("auth", "User").objects.get(pk=user.pk).user_permissions.add(
            old_change
        )
    finally:
        _migrate(AFTER)
        # and on to the latest state, so that the next tests find every table (the
        # way back unapplied the later migrations of orders too)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    # the rows are there, unchanged, under the new app
    moved = {a.pk: a for a in AfterSale.objects.all()}
    assert set(moved) == {refund.pk, exchange.pk}
    assert (moved[refund.pk].kind, moved[refund.pk].amount) == (
        "refund_only",
        Decimal("20.00"),
    )
    assert moved[refund.pk].raised_by == user
    assert moved[refund.pk].order == order
    assert moved[exchange.pk].state == AfterSale.State.CONFIRMED
    assert moved[exchange.pk].exchange_sku == sku
    assert list(order.after_sales.order_by("pk")) == [
        moved[refund.pk],
        moved[exchange.pk],
    ]
    # one content type, the same row, now under the new label; the same permission row
    assert ContentType.objects.get_for_model(AfterSale).pk == moved_type.pk
    assert not ContentType.objects.filter(app_label="orders", model="aftersale")
    change = Permission.objects.get(
        content_type__app_label="aftersales", codename="change_aftersale"
    )
    assert change.pk == old_change.pk
    user = type(user).objects.get(pk=user.pk)  # no cached permissions
    assert user.has_perm("aftersales.change_aftersale")


# Each role's reach over after-sales, as it was when they were orders' (`orders.*`).
REACH = {
    Role.GENERAL_MANAGER: {"view"},
    Role.OPS_MANAGER: {"view", "add", "change"},
    Role.LOGISTICS: {"view", "change"},
    Role.CUSTOMER_SERVICE: {"view", "add"},
    Role.FINANCE: {"view"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_after_sales_as_before(role):
    role_groups_sync()
    granted = Group.objects.get(name=role.value).permissions.filter(
        codename__endswith="_aftersale"
    )
    assert {p.content_type.app_label for p in granted} <= {"aftersales"}
    assert {p.codename.removesuffix("_aftersale") for p in granted} == REACH.get(
        role, set()
    )
