"""Each role is a Django group with the permissions its duties need.

Views and API endpoints check permissions (never role names), so a role's reach is
changed here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from shopops.core.roles import Role

VIEW_ALL = [
    "org.view_shop",
    "org.view_department",
    "org.view_staff",
    "catalog.view_category",
    "catalog.view_product",
    "catalog.view_sku",
    "catalog.view_listing",
    "catalog.view_supplier",
    "customers.view_customer",
    "orders.view_order",
    "orders.view_hold",
    "aftersales.view_aftersale",
    "orders.view_complaint",
    "orders.view_holdreasonsetting",
    "orders.view_importbatch",
    "core.view_auditentry",
    "core.view_dutyrun",
]
# Stock (LOG-1.2 to LOG-1.4): levels and the ledger, manual receipts and adjustments,
# warehouses and locations, counts, the monthly stock and shelf-life report.
STOCK_VIEW = [
    "stock.view_warehouse",
    "stock.view_location",
    "stock.view_lot",
    "stock.view_stocklevel",
    "stock.view_movement",
    "stock.view_countsheet",
    "stock.view_countline",
    "stock.view_stockreport",
]
STOCK_EDIT = [
    *STOCK_VIEW,
    "stock.add_movement",
    "stock.add_warehouse",
    "stock.add_location",
    "stock.add_countsheet",
    "stock.change_countsheet",
    "stock.add_stockreport",
]
CATALOG_EDIT = [
    "catalog.add_category",
    "catalog.change_category",
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_sku",
    "catalog.change_sku",
    "catalog.add_listing",
    "catalog.change_listing",
    "catalog.add_supplier",
    "catalog.change_supplier",
]
CATALOG_VIEW = ["catalog.view_category", "catalog.view_product", "catalog.view_sku"]
# Purchasing (LOG-1.1): suggestions, the 18:00 cut-off, purchase orders and receipts.
PURCHASING_VIEW = [
    "purchasing.view_purchasesettings",
    "purchasing.view_supplierprice",
    "purchasing.view_supplierterms",
    "purchasing.view_purchasesuggestion",
    "purchasing.view_purchaseorder",
    "purchasing.view_receipt",
]
PURCHASING_EDIT = [
    *PURCHASING_VIEW,
    "purchasing.change_purchasesettings",
    "purchasing.add_supplierprice",
    "purchasing.change_supplierprice",
    "purchasing.change_supplierterms",
    "purchasing.change_purchasesuggestion",
    "purchasing.add_purchaseorder",
    "purchasing.change_purchaseorder",
    "purchasing.add_receipt",
]
HOLDS_EDIT = ["orders.view_hold", "orders.add_hold", "orders.change_hold"]
ORDER_IMPORT = ["orders.view_importbatch", "orders.add_importbatch"]
AFTER_SALE_RAISE = [
    "orders.view_hold",
    "orders.handle_hold",
    "orders.view_holdreasonsetting",
    "aftersales.view_aftersale",
    "aftersales.add_aftersale",
    "orders.view_complaint",
    "orders.add_complaint",
    "orders.change_complaint",
]

# Shipping: pick, check and pack, ship (LOG-2.1, LOG-2.5); courier delays (LOG-2.3);
# hand-off problems and the weekly analysis (LOG-2.6, OPS-3.4).
SHIPPING_VIEW = [
    "shipping.view_picklist",
    "shipping.view_qualitycheck",
    "shipping.view_shipment",
    "shipping.view_courierdelay",
    "shipping.view_handoffproblem",
    "shipping.view_analysis",
]
SHIPPING_PACK = [
    "shipping.view_picklist",
    "shipping.add_picklist",
    "shipping.change_picklist",
    "shipping.view_qualitycheck",
    "shipping.add_qualitycheck",
    "shipping.view_shipment",
    "shipping.add_shipment",
    "shipping.view_courierdelay",
    "shipping.view_handoffproblem",
    "shipping.add_handoffproblem",
]
SHIPPING_DELAYS = [
    "shipping.view_courierdelay",
    "shipping.add_courierdelay",
    "shipping.change_courierdelay",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.GENERAL_MANAGER: [
        *VIEW_ALL,
        *STOCK_VIEW,
        "org.add_shop",
        "org.change_shop",
        *SHIPPING_VIEW,
        *PURCHASING_VIEW,
        "purchasing.view_arrivals",
    ],
    Role.OPS_MANAGER: [
        *VIEW_ALL,
        *STOCK_EDIT,
        *SHIPPING_VIEW,
        *SHIPPING_DELAYS,
        "shipping.add_handoffproblem",
        *CATALOG_EDIT,
        "org.add_shop",
        "org.change_shop",
        "org.add_staff",
        "org.change_staff",
        "orders.change_order",
        *HOLDS_EDIT,
        *ORDER_IMPORT,
        *AFTER_SALE_RAISE,
        "aftersales.change_aftersale",
        "orders.change_holdreasonsetting",
        "customers.change_customer",
        *PURCHASING_EDIT,
        "purchasing.view_arrivals",
    ],
    Role.MARKETING: [
        *CATALOG_VIEW,
        "catalog.view_listing",
        "orders.view_order",
        "customers.view_customer",
        "org.view_shop",
    ],
    Role.LOGISTICS: [
        *STOCK_EDIT,
        *SHIPPING_VIEW,
        *SHIPPING_PACK,
        *SHIPPING_DELAYS,
        *CATALOG_EDIT,
        *CATALOG_VIEW,
        "catalog.view_listing",
        "catalog.view_supplier",
        "orders.view_order",
        "orders.change_order",
        *HOLDS_EDIT,
        *ORDER_IMPORT,
        "aftersales.view_aftersale",
        "aftersales.change_aftersale",
        "orders.view_holdreasonsetting",
        "org.view_shop",
        *PURCHASING_EDIT,
        "purchasing.view_arrivals",
    ],
    Role.SHIPPING: [
        *CATALOG_VIEW,
        *STOCK_VIEW,
        "orders.view_order",
        *HOLDS_EDIT,
        *SHIPPING_PACK,
    ],
    Role.DESIGN_LEAD: [*CATALOG_VIEW, "catalog.view_listing", "org.view_staff"],
    Role.DESIGNER: [*CATALOG_VIEW],
    Role.CUSTOMER_SERVICE: [
        *CATALOG_VIEW,
        "orders.view_order",
        "orders.change_order",
        *AFTER_SALE_RAISE,
        "customers.view_customer",
        "customers.change_customer",
        "purchasing.view_arrivals",
    ],
    Role.FINANCE: [
        *CATALOG_VIEW,
        *STOCK_VIEW,
        "orders.view_order",
        "aftersales.view_aftersale",
        "org.view_shop",
        "org.view_staff",
        *PURCHASING_VIEW,
    ],
    Role.PLANNING: [*CATALOG_VIEW],
}


def role_groups_sync() -> None:
    """Create one group per role and give it exactly its permissions."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name: dict[str, Permission] = {}
    for perm in Permission.objects.select_related("content_type"):
        name = f"{perm.content_type.app_label}.{perm.codename}"
        if name in wanted:
            by_name[name] = perm
    with transaction.atomic():
        for role in Role:
            group, _ = Group.objects.get_or_create(name=role.value)
            group.permissions.set(
                [by_name[p] for p in ROLE_PERMISSIONS.get(role, []) if p in by_name]
            )


def sync_role_groups_after_migrate(**kwargs: Any) -> None:
    role_groups_sync()
