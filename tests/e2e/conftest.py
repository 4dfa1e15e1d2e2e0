"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's
live server.

- `browser`: a headless Chromium per test module and process (each xdist worker has its
  own); DJANGO_ALLOW_ASYNC_UNSAFE is set only while it is open. Without Chromium or the
  CJK fonts every browser test **fails** (never skips) with the one command that
  installs them (`browser_missing`); `make test` installs them first when run as root.
- `new_page(viewport=..., **context_options)`: a page in a fresh browser context (its own
  cookies) that speaks Chinese (`Accept-Language: zh-CN`) and resolves paths against the
  live server. Every page fails its test on a JavaScript error or a static file that did
  not load.
- `staff`: one login per role (and an evening-shift customer-service login), made through
  `org.services.staff_create`; `staff["logistics"].username`, `.password`, `.name`.
- `order_history`: a shop with orders over the last 90 days: the demo generator's small
  shop when it exists and works, else a minimal one built here; `quick_order_history`
  always builds the minimal one.
- `hold_reasons`: the hold reasons' flags and messages, as the data migration writes
  them (the live server's database is emptied between tests, data migrations included).
- `login(page, person)`: signs in through the real login page and lands on /today/.
- `screenshot(page, name, full_page=True)`: a PNG in tests/e2e/screenshots/ (gitignored).
- `assert_assets_loaded(page)`: Tabler's CSS, our CSS and htmx reached the page.
- `assert_layout_intact(page)`: no sideways overflow, no menu label broken over lines.

`live_server` makes each test transactional: the database is emptied after every test,
so data is built per test (the whole run uses a fast password hasher).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

log = logging.getLogger(__name__)

# Debian's Chromium and the CJK fonts its pages need; the variables point the check
# elsewhere (its own tests do, to see it fail without uninstalling anything).
CHROMIUM = os.environ.get("SHOPOPS_CHROMIUM", "/usr/bin/chromium")
CJK_FONT = os.environ.get(
    "SHOPOPS_CJK_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)
INSTALL_BROWSER = "apt-get update && apt-get install -y chromium fonts-noto-cjk"


def install_command() -> str:
    """The one command that installs what the browser tests need, for whoever runs them."""
    if os.geteuid() == 0:
        return INSTALL_BROWSER
    return f"sudo sh -c '{INSTALL_BROWSER}'"


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "e2e-Passw0rd!"
DESKTOP = {"width": 1366, "height": 900}
CHART_DAYS = 90


@dataclass(frozen=True)
class Person:
    key: str  # the role, or "customer_service-evening"
    role: str
    shift: str
    username: str
    name: str
    password: str = PASSWORD


# key: (role, shift, username, name, department code, department name)
PEOPLE = [
    ("general_manager", "general_manager", "", "赵总", "company", "公司"),
    ("ops_manager", "ops_manager", "", "钱运营", "ecommerce", "电商部"),
    ("marketing", "marketing", "", "孙营销", "ecommerce", "电商部"),
    ("logistics", "logistics", "", "李物流", "logistics", "物流部"),
    ("shipping", "shipping", "", "周发货", "shipping", "发货部"),
    ("design_lead", "design_lead", "", "吴美工", "design", "美工部"),
    ("designer", "designer", "", "郑设计", "design", "美工部"),
    ("customer_service", "customer_service", "", "王客服", "service", "客服部"),
    (
        "customer_service-evening",
        "customer_service",
        "evening",
        "冯晚班",
        "service",
        "客服部",
    ),
    ("finance", "finance", "", "陈财务", "finance", "财务部"),
    ("planning", "planning", "", "褚策划", "planning", "策划部"),
]


def browser_missing(chromium: str | None = None, font: str | None = None) -> str | None:
    """What the browser tests lack, with the one command that installs it; None: ready."""
    chromium = CHROMIUM if chromium is None else chromium
    font = CJK_FONT if font is None else font
    missing = []
    if not (Path(chromium).is_file() and os.access(chromium, os.X_OK)):
        missing.append(f"Chromium ({chromium})")
    if not Path(font).is_file():
        missing.append(f"the CJK fonts ({font})")
    if not missing:
        return None
    return (
        f"The browser tests need {' and '.join(missing)}, which this machine lacks. "
        f"Install them with: {install_command()}   "
        "(`make test` does it itself when it runs as root)"
    )


def require_browser() -> None:
    """Fail, never skip, when the browser tests cannot run here."""
    problem = browser_missing()
    if problem is not None:
        pytest.fail(problem, pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fail loudly when a browser test forgot its `e2e` mark."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents and not item.get_closest_marker("e2e"):
            raise pytest.UsageError(f"{item.nodeid} lacks pytest.mark.e2e")


# --- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def allow_sync_orm_beside_playwright() -> Iterator[None]:
    """Let the ORM run in a thread where Playwright's event loop is running.

    Playwright's sync API keeps an event loop running in the test's thread, and Django
    refuses ORM calls there unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only while
    this folder's tests run (and the browser is open): set for the whole process, it
    would leak into other tests' subprocesses (`check --deploy` fails on it).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(allow_sync_orm_beside_playwright: None) -> Iterator[Any]:
    """Chromium, open while one test module runs (closed before other modules run, so
    that no event loop is left running under their ORM calls)."""
    from playwright.sync_api import sync_playwright

    require_browser()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Return `new_page(viewport=DESKTOP, **context_options)`."""
    contexts: list[Any] = []
    problems: list[str] = []

    def factory(viewport: dict[str, int] | None = None, **options: Any) -> Any:
        options.setdefault("locale", "zh-CN")
        options.setdefault("timezone_id", "Asia/Shanghai")
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or DESKTOP, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "pageerror", lambda exc: problems.append(f"JS error on {page.url}: {exc}")
        )
        page.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} {r.url}")
                if "/static/" in r.url and r.status >= 400
                else None
            ),
        )
        return page

    yield factory
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def _screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _login(page: Any, person: Person) -> None:
    """Sign in through the login page as a person would; land on Today."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(person.username)
    page.get_by_label("密码", exact=True).fill(person.password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/today/")


def _assert_assets_loaded(page: Any) -> None:
    """Tabler's CSS, our CSS and htmx reached the page."""
    styles = page.evaluate(
        """() => ({
            tabler: getComputedStyle(document.documentElement)
                .getPropertyValue('--tblr-primary').trim(),
            font: getComputedStyle(document.body).fontFamily,
            htmx: typeof window.htmx,
        })"""
    )
    assert styles["tabler"], "tabler.min.css did not apply"
    assert "Noto Sans CJK SC" in styles["font"], "shopops/app.css did not apply"
    assert styles["htmx"] == "object", "htmx did not load"


def _assert_layout_intact(page: Any) -> None:
    """Nothing sticks out sideways, and no menu label breaks between its characters."""
    layout = page.evaluate(
        """() => {
            const lines = el => {  // text boxes that do not overlap vertically
                const range = document.createRange();
                range.selectNodeContents(el);
                const rects = [...range.getClientRects()].filter(r => r.height > 0)
                    .sort((a, b) => a.top - b.top);
                let count = 0, bottom = -Infinity;
                for (const r of rects) {
                    if (r.top >= bottom - 2) count += 1;
                    bottom = Math.max(bottom, r.bottom);
                }
                return count;
            };
            const labels = document.querySelectorAll(
                '.navbar .nav-link-title, .navbar-brand, [data-testid="user-menu"] span span'
            );
            return {
                overflow: document.documentElement.scrollWidth - window.innerWidth,
                broken: [...labels].filter(el => el.offsetParent && lines(el) > 1)
                    .map(el => el.textContent.trim()),
            };
        }"""
    )
    assert layout["overflow"] <= 0, f"the page is {layout['overflow']}px too wide"
    assert not layout["broken"], f"labels broken over lines: {layout['broken']}"


@pytest.fixture
def assert_layout_intact() -> Callable[[Any], None]:
    return _assert_layout_intact


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    return _screenshot


@pytest.fixture
def login() -> Callable[[Any, Person], None]:
    return _login


@pytest.fixture
def assert_assets_loaded() -> Callable[[Any], None]:
    return _assert_assets_loaded


# --- data ----------------------------------------------------------------------------


@pytest.fixture
def staff(
    request: pytest.FixtureRequest, live_server: Any, settings: Any
) -> dict[str, Person]:
    """One login per role, plus customer service on the evening shift."""
    from shopops.org.services import department_ensure, staff_create

    if "order_history" in request.fixturenames:
        # The demo generator may build its own staff: let it run first.
        request.getfixturevalue("order_history")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people = {}
    for key, role, shift, name, dept_code, dept_name in PEOPLE:
        department = department_ensure(actor=None, code=dept_code, name=dept_name)
        username = f"e2e-{key}"
        staff_create(
            actor=None,
            username=username,
            password=PASSWORD,
            name=name,
            role=role,
            department=department,
            shift=shift,
        )
        people[key] = Person(key, role, shift, username, name)
    return people


_demo: dict[str, Any] = {"usable": None, "seconds": None}


def _demo_command_exists() -> bool:
    try:
        return (
            importlib.util.find_spec("shopops.demo.management.commands.demo")
            is not None
        )
    except ModuleNotFoundError:
        return False


def _orders_from_demo() -> bool:
    """Build the demo's small shop; False (and nothing left behind) if it cannot."""
    from django.core.management import call_command
    from django.db import transaction

    from shopops.orders.models import Order

    if _demo["usable"] is False or not _demo_command_exists():
        return False
    started = time.monotonic()
    try:
        with transaction.atomic():
            call_command(
                "demo",
                scale="small",
                seed=1,
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            if not Order.objects.exists():
                raise RuntimeError("the demo built no orders")
    except Exception:  # the generator is someone else's work in progress
        log.warning("demo generator failed; e2e builds its own data", exc_info=True)
        _demo["usable"] = False
        return False
    _demo["usable"], _demo["seconds"] = True, time.monotonic() - started
    return True


def _orders_built_here() -> None:
    from shopops.core import clock
    from shopops.orders.models import Order
    from shopops.org.services import shop_create

    shop = shop_create(
        actor=None, code="e2e-tmall", name="山野户外天猫旗舰店", platform="tmall"
    )
    rng = random.Random(1)
    now = clock.now()
    today = clock.today()
    provinces = ["浙江省", "广东省", "四川省", "北京市", "上海市", "云南省"]
    orders = []
    for back in range(CHART_DAYS):
        day = today - dt.timedelta(days=back)
        weekend = day.weekday() >= 5
        for i in range(rng.randint(8, 20) + (8 if weekend else 0)):
            created = clock.at(day, dt.time(8 + i % 15, rng.randrange(60)))
            if created >= now:
                continue
            amount = Decimal(rng.randrange(5900, 129900)) / 100
            orders.append(
                Order(
                    shop=shop,
                    order_no=f"E2E{day:%Y%m%d}{i:03d}",
                    receiver_name="张三",
                    province=rng.choice(provinces),
                    status=Order.Status.COMPLETED if back > 10 else Order.Status.PAID,
                    goods_amount=amount,
                    postage=Decimal("0.00"),
                    total_amount=amount,
                    paid_amount=amount,
                    created_at=created,
                    paid_at=created + dt.timedelta(minutes=3),
                    item_count=1,
                )
            )
    Order.objects.bulk_create(orders)


@pytest.fixture
def hold_reasons(live_server: Any) -> None:
    from shopops.orders.hold_defaults import DEFAULTS
    from shopops.orders.models import HoldReasonSetting

    for reason, flag, template in DEFAULTS:
        HoldReasonSetting.objects.get_or_create(
            reason=reason, defaults={"flag": flag, "message_template": template}
        )


@pytest.fixture
def order_history(live_server: Any) -> str:
    """Orders over the last 90 days; return where they came from ("demo" or "e2e")."""
    if _orders_from_demo():
        return "demo"
    _orders_built_here()
    return "e2e"


@pytest.fixture
def quick_order_history(live_server: Any) -> str:
    """Orders over the last 90 days, built here (faster than the demo)."""
    _orders_built_here()
    return "e2e"
