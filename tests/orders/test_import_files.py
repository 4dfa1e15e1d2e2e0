"""The seller center's export files for the order import tests: the shared generator
`shopops.orders.importers.sellercenter_files` (the benchmarks use it too), under the
names the tests have always imported from here (no tests here)."""

from shopops.orders.importers.sellercenter_files import (
    ITEM_HEADER,
    ORDER_HEADER,
    PAID,
    SHIPPED,
    export_bytes,
    export_xlsx,
    item_row,
    order_row,
)

__all__ = [
    "ITEM_HEADER",
    "ORDER_HEADER",
    "PAID",
    "SHIPPED",
    "export_bytes",
    "export_xlsx",
    "item_row",
    "order_row",
]
