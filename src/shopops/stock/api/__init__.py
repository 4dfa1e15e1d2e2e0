"""The stock API: levels, the ledger, manual receipts and adjustments, warehouses and
locations, count sheets (LOG-1.3) and the monthly report (LOG-1.4).

Thin, like the pages, and checking the same permissions: a service's ValidationError
answers 422 with its message, a missing object 404. Money is a decimal string.

A package: `schemas`, `base` (the router and shared helpers) and one module per
group of endpoints. They are imported below in the order they register on the router,
which is the order of the paths in the OpenAPI document.
"""

# ruff: noqa: I001
from shopops.stock.api.base import router
from shopops.stock.api import levels  # noqa: F401
from shopops.stock.api import count_sheets  # noqa: F401
from shopops.stock.api import monthly_report  # noqa: F401

__all__ = ["router"]
