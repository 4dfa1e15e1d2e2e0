"""After-sales tests use the orders tests' people and API client per role (the
factories are the shared ones of tests/conftest.py)."""

from tests.orders.conftest import people
from tests.orders.test_api import as_role

__all__ = ["as_role", "people"]
