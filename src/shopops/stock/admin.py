from django.contrib import admin

from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Lot,
    Movement,
    Reservation,
    StockLevel,
    StockReport,
    Warehouse,
)


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_default"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["code", "warehouse"]
    list_filter = ["warehouse"]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["sku", "lot_no", "production_date", "expiry_date"]
    search_fields = ["sku__outer_code", "lot_no"]
    raw_id_fields = ["sku"]


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    """Read-only: levels change through the ledger's services only."""

    list_display = ["sku", "location", "lot", "on_hand", "reserved", "quarantined"]
    search_fields = ["sku__outer_code"]
    readonly_fields = ["sku", "location", "lot", "on_hand", "reserved", "quarantined"]

    def has_add_permission(self, request):
        return False


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "kind",
        "level",
        "on_hand_delta",
        "reserved_delta",
        "quarantined_delta",
        "reference",
    ]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["line", "level", "quantity", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["line", "level"]


class _ReadOnly(admin.ModelAdmin):
    """Written by the stock services only (counts, reports): the admin reads."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


COUNT_LINE_FIELDS = (
    "level",
    "expected",
    "counted",
    "quality",
    "problem_quantity",
    "note",
    "posted_delta",
    "posted_quarantine",
)


class CountLineInline(admin.TabularInline):
    model = CountLine
    fields = COUNT_LINE_FIELDS
    readonly_fields = COUNT_LINE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CountSheet)
class CountSheetAdmin(_ReadOnly):
    list_display = ["pk", "scope", "warehouse", "location", "category", "state"]
    list_filter = ["state", "scope"]
    inlines = [CountLineInline]


@admin.register(StockReport)
class StockReportAdmin(_ReadOnly):
    list_display = ["month", "as_of", "built_at", "built_by"]
