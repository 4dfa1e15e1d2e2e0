"""Fixtures of the purchasing tests; the factories (`make_supplier`, `make_sku`,
`make_order`, `login`, `at_local`…) are the shared ones of tests/conftest.py and
tests/factories.py.

- `people`: logins of the roles these tests need.
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
    designer: Any
    general_manager: Any
    finance: Any


@pytest.fixture
def people(make_staff: Callable[..., Any]) -> People:
    return People(
        ops=make_staff("ops_manager"),
        logistics=make_staff("logistics"),
        designer=make_staff("designer"),
        general_manager=make_staff("general_manager"),
        finance=make_staff("finance"),
    )
