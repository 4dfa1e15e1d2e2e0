"""Fixtures and factories shared by every test folder.

- `make_staff(role, username=None, shift="")`: a login of `role` with a Staff record,
  made through `org.services.staff_create`; its password is the `staff_password`
  fixture.
- `make_shop(code="main", ...)` / `shop`: a storefront made through `shop_create`.
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
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

PASSWORD = "s3cret-Passw0rd"
SHOP_TZ = ZoneInfo("Asia/Shanghai")

# Department each role belongs to (seed/duties.md, "Organisation").
ROLE_DEPARTMENTS = {
    "general_manager": ("company", "公司"),
    "ops_manager": ("ecommerce", "电商部"),
    "marketing": ("marketing", "营销部"),
    "logistics": ("logistics", "物流部"),
    "shipping": ("shipping", "发货部"),
    "design_lead": ("design", "美工部"),
    "designer": ("design", "美工部"),
    "customer_service": ("service", "客服部"),
    "finance": ("finance", "财务部"),
    "planning": ("planning", "策划部"),
}


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


_usernames = itertools.count(1)


@pytest.fixture
def make_staff(db: None) -> Callable[..., Any]:
    """Return a factory: `make_staff(role, username=None, shift="", **fields) -> Staff`."""
    from shopops.org.services import department_ensure, staff_create

    def factory(
        role: str, username: str | None = None, shift: str = "", **fields: Any
    ) -> Any:
        code, name = ROLE_DEPARTMENTS[str(role)]
        department = department_ensure(actor=None, code=code, name=name)
        username = username or f"{role}-{next(_usernames)}"
        return staff_create(
            actor=None,
            username=username,
            password=PASSWORD,
            name=fields.pop("name", username),
            role=str(role),
            department=department,
            shift=shift,
            **fields,
        )

    return factory


@pytest.fixture
def staff_password() -> str:
    """The password of every login that `make_staff` creates."""
    return PASSWORD


@pytest.fixture
def make_shop(db: None) -> Callable[..., Any]:
    """Return a factory: `make_shop(code="main", name=..., platform="tmall") -> Shop`."""
    from shopops.org.services import shop_create

    def factory(
        code: str = "main", name: str = "", platform: str = "tmall", **fields: Any
    ) -> Any:
        return shop_create(
            actor=None,
            code=code,
            name=name or f"户外旗舰店 {code}",
            platform=platform,
            **fields,
        )

    return factory


@pytest.fixture
def shop(make_shop: Callable[..., Any]) -> Any:
    return make_shop()


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
