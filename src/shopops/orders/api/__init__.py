"""The orders API: orders, holds, the evening queue, complaints and the sales summary
(issue 3, item 8). After-sales, and the evening shift's outcomes that raise them, are
`aftersales.api`, at the same paths.

Thin, like the pages: parse, check the page's permission, call a selector or a service.
A service's ValidationError answers 422 with its message, PermissionDenied 403, a
missing object 404. Money is a decimal string ("123.45") in and out.

A package: `schemas`, `base` (the router and shared helpers) and one module per
group of endpoints. They are imported below in the order they register on the router,
which is the order of the paths in the OpenAPI document.
"""

# ruff: noqa: I001
from shopops.orders.api.base import router
from shopops.orders.api import orders  # noqa: F401
from shopops.orders.api import holds  # noqa: F401
from shopops.orders.api import complaints  # noqa: F401
from shopops.orders.api import sales  # noqa: F401

__all__ = ["router"]
