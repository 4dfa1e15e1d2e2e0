"""Fixtures of the orders tests; the factories (`make_order`, `make_sku`, `login`,
`at_local`…) are the shared ones of tests/conftest.py and tests/factories.py.

- `people`: one login per role these tests need (evening customer service included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import at_local

__all__ = ["People", "at_local", "people"]


@dataclass
class People:
    ops: Any
    logistics: Any
    cs: Any
    evening: Any
    evening2: Any
    designer: Any
    shipping: Any


@pytest.fixture
def people(make_staff: Callable[..., Any]) -> People:
    return People(
        ops=make_staff("ops_manager"),
        logistics=make_staff("logistics"),
        cs=make_staff("customer_service", shift="after_sale"),
        evening=make_staff("customer_service", shift="evening"),
        evening2=make_staff("customer_service", shift="evening"),
        designer=make_staff("designer"),
        shipping=make_staff("shipping"),
    )
