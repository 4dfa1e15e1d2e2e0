"""A fingerprint of what the demo built, by natural keys (never primary keys), so that
two builds from one seed compare equal part by part."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db.models import QuerySet

from shopops.aftersales.models import AfterSale
from shopops.orders.models import Complaint, Hold, Order
from shopops.purchasing.models import (
    PurchaseOrderLine,
    PurchaseSuggestion,
    Receipt,
    SupplierPrice,
)
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickListOrder,
    QualityCheck,
    Shipment,
)
from shopops.stock.models import CountLine, Lot, Movement, StockLevel, StockReport

# A count sheet's number (its primary key) in a ledger reason: "盘点单 #12".
SHEET_NUMBER = re.compile(r"#\d+")


def _hash(rows: QuerySet[Any] | list[Any]) -> str:
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


def demo_digest() -> dict[str, str]:
    """Return a digest of each part of the demo."""
    return {
        "orders": _hash(
            Order.objects.order_by("shop__code", "order_no").values_list(
                "shop__code",
                "order_no",
                "goods_amount",
                "postage",
                "total_amount",
                "paid_amount",
                "refunded_amount",
                "refund_state",
                "status",
                "close_reason",
                "created_at",
                "paid_at",
                "shipped_at",
                "confirmed_at",
                "courier",
                "tracking_no",
                "flag",
                "receiver_name",
                "address",
            )
        ),
        "holds": _hash(
            Hold.objects.order_by(
                "order__order_no", "created_at", "reason"
            ).values_list(
                "order__order_no",
                "reason",
                "note",
                "flag",
                "created_at",
                "outcome",
                "handled_at",
                "released_at",
                "created_by__username",
            )
        ),
        "after_sales": _hash(
            AfterSale.objects.order_by("order__order_no", "raised_at").values_list(
                "order__order_no",
                "kind",
                "amount",
                "reason",
                "state",
                "raised_at",
                "decided_at",
                "exchange_sku__outer_code",
            )
        ),
        "complaints": _hash(
            Complaint.objects.order_by("order__order_no", "raised_at").values_list(
                "order__order_no", "kind", "state", "raised_at", "resolved_at"
            )
        ),
        "lots": _hash(
            Lot.objects.order_by("sku__outer_code", "lot_no").values_list(
                "sku__outer_code", "lot_no", "production_date", "expiry_date"
            )
        ),
        "levels": _hash(
            StockLevel.objects.order_by(
                "sku__outer_code", "location__code", "lot__lot_no"
            ).values_list(
                "sku__outer_code",
                "location__code",
                "lot__lot_no",
                "on_hand",
                "reserved",
                "quarantined",
            )
        ),
        "movements": _hash(
            [
                (*row[:-1], SHEET_NUMBER.sub("#", row[-1]))
                for row in Movement.objects.order_by(
                    "at",
                    "kind",
                    "level__sku__outer_code",
                    "level__lot__lot_no",
                    "reference",
                ).values_list(
                    "at",
                    "kind",
                    "level__sku__outer_code",
                    "level__location__code",
                    "level__lot__lot_no",
                    "on_hand_delta",
                    "reserved_delta",
                    "quarantined_delta",
                    "order__order_no",
                    "reference",
                    "reason",
                )
            ]
        ),
        "prices": _hash(
            SupplierPrice.objects.order_by(
                "supplier__code", "sku__outer_code"
            ).values_list(
                "supplier__code",
                "sku__outer_code",
                "price",
                "min_order_quantity",
                "order_multiple",
            )
        ),
        "purchase_orders": _hash(
            PurchaseOrderLine.objects.order_by(
                "order__number", "sku__outer_code"
            ).values_list(
                "order__number",
                "order__state",
                "order__expected_date",
                "sku__outer_code",
                "quantity",
                "unit_price",
                "received_quantity",
            )
        ),
        "receipts": _hash(
            Receipt.objects.order_by("number").values_list(
                "number", "received_at", "closes_order"
            )
        ),
        "suggestions": _hash(
            PurchaseSuggestion.objects.order_by("day", "sku__outer_code").values_list(
                "day",
                "sku__outer_code",
                "suggested_quantity",
                "edited_quantity",
                "accepted",
                "purchase_order__number",
            )
        ),
        "checks": _hash(
            QualityCheck.objects.order_by(
                "checked_at", "order__order_no", "line__outer_code", "result"
            ).values_list(
                "order__order_no",
                "line__outer_code",
                "quantity",
                "result",
                "defect_reason",
                "checked_at",
            )
        ),
        "shipments": _hash(
            Shipment.objects.order_by("order__order_no").values_list(
                "order__order_no", "courier", "tracking_no", "shipped_at"
            )
        ),
        "picking": _hash(
            PickListOrder.objects.order_by(
                "pick_list__created_at", "position"
            ).values_list("pick_list__created_at", "order__order_no", "position")
        ),
        "delays": _hash(
            CourierDelay.objects.order_by("declared_at").values_list(
                "courier", "province", "declared_at", "lifted_at"
            )
        ),
        "handoff": _hash(
            HandoffProblem.objects.order_by("at", "courier").values_list(
                "courier", "kind", "order__order_no", "at"
            )
        ),
        "counts": _hash(
            CountLine.objects.order_by(
                "sheet__created_at", "level__sku__outer_code", "level__lot__lot_no"
            ).values_list(
                "level__sku__outer_code",
                "level__lot__lot_no",
                "expected",
                "counted",
                "quality",
                "problem_quantity",
                "posted_delta",
            )
        ),
        "reports": _hash(StockReport.objects.order_by("month").values_list("data")),
    }
