"""After-sales tests use the orders tests' fixtures (orders, SKUs, people, login, an
API client per role)."""

from tests.orders.conftest import login, make_order, make_sku, people
from tests.orders.test_api import as_role

__all__ = ["as_role", "login", "make_order", "make_sku", "people"]
