"""Shipping in the admin: read-only, since every change goes through the services."""

from typing import Any

from django.contrib import admin

from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    PickListLine,
    QualityCheck,
    Shipment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class PickListLineInline(admin.TabularInline):
    model = PickListLine
    extra = 0
    can_delete = False
    fields = ["position", "location_code", "outer_code", "lot_no", "quantity"]
    readonly_fields = ["position", "location_code", "outer_code", "lot_no", "quantity"]


@admin.register(PickList)
class PickListAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "shop", "state", "created_at", "created_by"]
    list_filter = ["state"]
    inlines = [PickListLineInline]


@admin.register(QualityCheck)
class QualityCheckAdmin(ReadOnlyAdmin):
    list_display = ["order", "sku", "quantity", "result", "defect_reason", "checked_at"]
    list_filter = ["result", "defect_reason"]
    search_fields = ["order__order_no", "sku__outer_code"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["order", "courier", "tracking_no", "shipped_at", "shipped_by"]
    list_filter = ["courier"]
    search_fields = ["order__order_no", "tracking_no"]


@admin.register(CourierDelay)
class CourierDelayAdmin(ReadOnlyAdmin):
    list_display = ["courier", "province", "declared_at", "lifted_at"]
    list_filter = ["courier"]


@admin.register(HandoffProblem)
class HandoffProblemAdmin(ReadOnlyAdmin):
    list_display = ["courier", "kind", "at", "order", "recorded_by"]
    list_filter = ["courier", "kind"]
