"""The shipping API: couriers, reserving and pick lists, the quality check at packing,
shipments and the bulk-shipping CSV, courier delays, hand-off problems and the weekly
analysis.

Thin, like the pages: check the page's permission, parse, call a selector or a service.
A service's refusal (ValidationError) answers 422 with its message — shipping an order
whose quality check failed or is missing among them — a missing object 404.

A package: `schemas`, `base` (the router and shared helpers) and one module per
group of endpoints. They are imported below in the order they register on the router,
which is the order of the paths in the OpenAPI document.
"""

# ruff: noqa: I001
from shopops.shipping.api.base import router
from shopops.shipping.api import pick_lists  # noqa: F401
from shopops.shipping.api import pack_station  # noqa: F401
from shopops.shipping.api import delays  # noqa: F401
from shopops.shipping.api import problems  # noqa: F401

__all__ = ["router"]
