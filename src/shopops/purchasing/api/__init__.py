"""The purchasing API (LOG-1.1): settings, supplier prices, the day's suggestions
(build, edit, accept), the cut-off, purchase orders and receiving against them.

Thin, like the pages: check the page's permission, call a selector or a service. A
service's ValidationError answers 422 with its message. Money is a decimal string.

A package: `schemas`, `base` (the router and shared helpers) and one module per
group of endpoints. They are imported below in the order they register on the router,
which is the order of the paths in the OpenAPI document.
"""

# ruff: noqa: I001
from shopops.purchasing.api.base import router
from shopops.purchasing.api import settings_prices  # noqa: F401
from shopops.purchasing.api import suggestions  # noqa: F401
from shopops.purchasing.api import purchase_orders  # noqa: F401

__all__ = ["router"]
