"""Fixtures shared by every test folder; the factories behind them are in
tests/factories.py (one set for all folders: a folder's conftest adds only what is its
own).

- `make_staff(role, username=None, shift="")`: a login of `role` with a Staff record,
  made through `org.services.staff_create`; its password is the `staff_password`
  fixture.
- `make_shop(code="main", ...)` / `shop`: a storefront made through `shop_create`.
- `make_supplier(code=None, lead_time_days=3, **fields)`: an active supplier.
- `make_sku(code=None, supplier=None, shelf_life_days=None, cost="80.00")`: an active
  SKU of a product of its own.
- `make_order(*lines, shop_=None, **fields)`: an order of `shop` (or `shop_`), paid and
  unshipped unless told otherwise, with `(sku, quantity)` lines; `created_at` and
  `paid_at` may be shop-local "YYYY-MM-DD HH:MM" strings.
- `make_paid_order`: the same factory (the stock and shipping tests' name for it).
- `login(client, staff)`: sign `client` in as `staff` and return it.
- `assert_rollups_clean()`: fail unless the daily rollups agree with the orders
  (tests/orders/rollup_checks.py); call it after anything that changes an order.
- `frozen_clock(when)`: freeze the clock at `when` (a shop-local "YYYY-MM-DD HH:MM[:SS]"
  string, or a datetime; naive means shop-local); call again to move it.
- `api_client`: a Django test client whose requests send `Accept: application/json`.

The whole run uses a fast password hasher, runs Huey tasks in-process (nothing reaches
the scheduler's queue under var/), keeps uploads in a temporary MEDIA_ROOT (removed at
the end), and gives the test databases a per-run name so that two runs on one machine
never clobber each other's database.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests import factories
from tests.factories import PASSWORD, ROLE_DEPARTMENTS, SHANGHAI

SHOP_TZ = SHANGHAI

__all__ = ["PASSWORD", "ROLE_DEPARTMENTS", "SHOP_TZ"]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from huey.contrib.djhuey import HUEY

    # Tasks run in the caller (in-memory storage): tests see their effects at once.
    HUEY.immediate = True
    # Uploads and photos go to a directory of this run's own, not var/media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="shopops-test-media-")


def pytest_unconfigure(config: pytest.Config) -> None:
    from django.conf import settings

    if Path(settings.MEDIA_ROOT).name.startswith("shopops-test-media-"):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> None:
    """Give each run's test databases names of their own (SQLite files, PostgreSQL
    databases), so that runs started side by side on one machine never collide."""
    from django.conf import settings

    for db in settings.DATABASES.values():
        test = db.setdefault("TEST", {})
        if db["ENGINE"].endswith("sqlite3"):
            if test.get("NAME"):  # in-memory databases need no name
                test["NAME"] = f"{test['NAME']}.{os.getpid()}"
        else:
            test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_{os.getpid()}"


@pytest.fixture
def make_staff(db: None) -> Callable[..., Any]:
    """Return a factory: `make_staff(role, username=None, shift="", **fields) -> Staff`."""
    return factories.staff


@pytest.fixture
def staff_password() -> str:
    """The password of every login that `make_staff` creates."""
    return PASSWORD


@pytest.fixture
def make_shop(db: None) -> Callable[..., Any]:
    """Return a factory: `make_shop(code="main", name=..., platform="tmall") -> Shop`."""
    return factories.shop


@pytest.fixture
def shop(make_shop: Callable[..., Any]) -> Any:
    return make_shop()


@pytest.fixture
def make_supplier(db: None) -> Callable[..., Any]:
    """Return a factory: `make_supplier(code=None, lead_time_days=3, **fields)`."""
    return factories.supplier


@pytest.fixture
def make_sku(db: None) -> Callable[..., Any]:
    """Return a factory: `make_sku(code=None, supplier=None, shelf_life_days=None,
    cost="80.00") -> Sku`."""
    return factories.sku


@pytest.fixture
def make_order(shop: Any) -> Callable[..., Any]:
    """Return a factory: `make_order(*lines, shop_=None, **fields) -> Order`."""

    def factory(*lines: tuple[Any, int], shop_: Any = None, **fields: Any) -> Any:
        return factories.order(shop_ or shop, *lines, **fields)

    return factory


@pytest.fixture
def make_paid_order(make_order: Callable[..., Any]) -> Callable[..., Any]:
    """`make_order` under the name the stock and shipping tests use."""
    return make_order


@pytest.fixture
def assert_rollups_clean(db: None) -> Callable[[], None]:
    from tests.orders.rollup_checks import assert_rollups_clean

    return assert_rollups_clean


@pytest.fixture
def login() -> Callable[[Any, Any], Any]:
    """Return `login(client, staff)`: sign `client` in as `staff`; return it."""

    def sign_in(client: Any, staff: Any) -> Any:
        client.force_login(staff.user)
        return client

    return sign_in


@pytest.fixture
def frozen_clock() -> Iterator[Callable[[str | dt.datetime], Any]]:
    """Return `freeze(when)`: stop the clock at `when` (shop-local when naive)."""
    travellers: list[Any] = []

    def freeze(when: str | dt.datetime) -> dt.datetime:
        instant = dt.datetime.fromisoformat(when) if isinstance(when, str) else when
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=SHOP_TZ)
        if travellers:
            travellers[0][1].move_to(instant)
        else:
            traveller = time_machine.travel(instant, tick=False)
            travellers.append((traveller, traveller.start()))
        return instant

    yield freeze
    for traveller, _ in travellers:
        traveller.stop()


@pytest.fixture
def api_client(client: Any) -> Any:
    client.defaults["HTTP_ACCEPT"] = "application/json"
    return client
