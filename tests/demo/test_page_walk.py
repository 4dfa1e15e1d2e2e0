"""Every page of the URL conf, as every role, on the demo (issue 10, item 6).

The walk reads the URL conf (`get_resolver()`), not a list of pages: every pattern is
tried with GET. A pattern that answers 405 to a superuser is an action (POST only) and
is not a page. Every other pattern is a page, and is opened as every role of
`core.roles.Role` (the demo's staff): a role that holds the permissions the view's
`permission_required` names gets 200 (or the status in `STATUS`), a role that lacks them
403. Each opening runs under a query bound (`QUERY_BOUND`, or the documented exception
in `QUERY_BOUNDS`), so a page that grows an N+1 fails here.

A page with path parameters is opened on real objects of the demo, named by
`PAGE_PARAMS`; a new page with parameters fails the walk until it is listed there. A page
that names no permission must be listed in `OPEN_PAGES` (every signed-in role may see
it), so a page that forgot its permission fails too. Whole URL trees that are not pages
of the app (the admin, the API, Django's language switch) are in `NOT_WALKED`, with why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from shopops.core.roles import Role
from tests.demo.conftest import import_batch

# Queries one page may run, whoever opens it. The most any page runs on the small demo
# is 17 (today/ as logistics, the purchase order pages); 30 leaves room for a new
# panel, not for a query per row.
QUERY_BOUND = 30
# Pages allowed more, and why. Keys are routes as the URL conf spells them.
QUERY_BOUNDS: dict[str, tuple[int, str]] = {}

# Trees of the URL conf that are not pages of the app.
NOT_WALKED = {
    "admin/": "Django's admin: its own permissions (staff status), tested in web/test_admin",
    "api/v1/": "the JSON API: every operation is fuzzed in test_api_fuzz",
    "i18n/": "Django's set_language: an action (POST), tested in web/test_i18n",
}
# Pages every signed-in role may open (their views name no permission).
OPEN_PAGES = {
    "",
    "accounts/login/",
    "accounts/password/",
    "accounts/password/done/",
    "today/",
    "dashboard/",
    "duties/",
    "duties/overview/",
    "notifications/",
    "notifications/badge/",
}
# Pages a visitor who is not signed in may open; every other page sends them to log in.
ANONYMOUS_PAGES = {"accounts/login/"}
# Pages whose answer is not 200 (a redirect to where they lead).
STATUS = {"": 302}


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: Callable[..., Any]
    converters: dict[str, str]

    def url(self, kwargs: dict[str, Any]) -> str:
        url = "/" + self.route
        for key, kind in self.converters.items():
            url = url.replace(f"<{kind}:{key}>", str(kwargs[key]))
            url = url.replace(f"<{key}>", str(kwargs[key]))
        return url


def _routes(
    patterns: list[Any] | None = None, prefix: str = ""
) -> Iterator[Route | str]:
    """Every pattern of the URL conf as a Route, and each tree not walked by its
    prefix."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        tree = next((t for t in NOT_WALKED if route.startswith(t)), None)
        if tree is not None:
            yield tree
        elif isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            converters = {
                key: type(conv).__name__.removesuffix("Converter").lower()
                for key, conv in entry.pattern.converters.items()
            }
            yield Route(route, entry.name or "", entry.callback, converters)


ROUTES = [r for r in _routes() if isinstance(r, Route)]


def required_perms(view: Callable[..., Any]) -> tuple[str, ...]:
    """The permissions `permission_required` checks before `view`, read from the
    decorator's closure (outermost first)."""
    perms: list[str] = []
    layer: Any = view
    while layer is not None:
        for cell in layer.__closure__ or ():
            test = cell.cell_contents
            if callable(test) and getattr(test, "__name__", "") == "check_perms":
                for inner in test.__closure__ or ():
                    value = inner.cell_contents
                    if isinstance(value, tuple | list) and all(
                        isinstance(p, str) for p in value
                    ):
                        perms += value
        layer = getattr(layer, "__wrapped__", None)
    return tuple(perms)


# --- path parameters: real objects of the demo --------------------------------


def _first(model: Any, **filters: Any) -> int:
    pk = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)
    found = pk.first()
    assert found is not None, f"the demo has no {model.__name__} with {filters}"
    return found


def _order(user: Any) -> dict[str, Any]:
    from shopops.orders.models import Order

    return {"pk": _first(Order, lines__isnull=False, status="paid")}


def _batch(user: Any) -> dict[str, Any]:
    from shopops.orders.models import ImportBatch

    return {"pk": _first(ImportBatch)}


def _supplier(user: Any) -> dict[str, Any]:
    from shopops.catalog.models import Supplier

    return {"pk": _first(Supplier, prices__isnull=False)}


def _purchase_order(user: Any) -> dict[str, Any]:
    from shopops.purchasing.models import PurchaseOrder

    return {"pk": _first(PurchaseOrder, lines__isnull=False)}


def _pick_list(user: Any) -> dict[str, Any]:
    from shopops.shipping.models import PickList

    return {"pk": _first(PickList, entries__isnull=False)}


def _qc_photo(user: Any) -> dict[str, Any]:
    from shopops.shipping.models import QualityCheck

    return {"pk": _first(QualityCheck, photo__gt="")}


def _count(user: Any) -> dict[str, Any]:
    from shopops.stock.models import CountSheet

    return {"pk": _first(CountSheet, lines__isnull=False)}


def _report(user: Any) -> dict[str, Any]:
    from shopops.stock.models import StockReport

    return {"pk": _first(StockReport)}


def _level(user: Any) -> dict[str, Any]:
    from shopops.stock.models import StockLevel

    return {"pk": _first(StockLevel, on_hand__gt=0)}


# Pages with path parameters: where each takes its objects from.
PAGE_PARAMS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "orders/<int:pk>/": _order,
    "orders/import/<int:pk>/": _batch,
    "orders/import/<int:pk>/progress/": _batch,
    "purchasing/suppliers/<int:pk>/": _supplier,
    "purchasing/orders/<int:pk>/": _purchase_order,
    "purchasing/orders/<int:pk>/print/": _purchase_order,
    "purchasing/orders/<int:pk>/export.xlsx": _purchase_order,
    "shipping/pick-lists/<int:pk>/": _pick_list,
    "shipping/qc/<int:pk>/photo/": _qc_photo,
    "stock/counts/<int:pk>/": _count,
    "stock/reports/<int:pk>/": _report,
    "stock/reports/<int:pk>/xlsx/": _report,
    "stock/levels/<int:pk>/adjust/": _level,
}
# The one-pixel PNG attached to a quality check so that the photo page has a photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def _dummy(route: Route) -> dict[str, Any]:
    return {key: 1 if kind == "int" else "x" for key, kind in route.converters.items()}


# --- the walk -------------------------------------------------------------------


@pytest.fixture(scope="module")
def walk_env(built: str, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """One login per role, a superuser, and a photo on one quality check."""
    from django.contrib.auth import get_user_model

    from shopops.org.models import Staff
    from shopops.shipping.models import QualityCheck
    from shopops.shipping.services import qc_photo_attach

    with django_db_blocker.unblock():
        users = {
            role: Staff.objects.filter(role=role).order_by("pk")[0].user
            for role in Role.values
        }
        root = get_user_model().objects.create_superuser("walk-root", "", "x")
        import_batch(root)
        check = QualityCheck.objects.filter(photo="").order_by("pk").first()
        assert check is not None
        qc_photo_attach(
            actor=root,
            check=check,
            photo=SimpleUploadedFile("p.png", PNG, content_type="image/png"),
        )
        yield {"users": users, "root": root}


def _get(client: Any, url: str) -> tuple[Any, int]:
    """GET `url` (reading a streamed answer to its end); return it and its queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return response, len(queries)


def test_the_walk_covers_the_url_conf() -> None:
    """Every tree and pattern of the URL conf is walked or said not to be; every list
    of the walk names routes that exist."""
    trees = {r for r in _routes() if isinstance(r, str)}
    assert trees == set(NOT_WALKED)
    routes = {r.route for r in ROUTES}
    for table in (PAGE_PARAMS, QUERY_BOUNDS, STATUS, ANONYMOUS_PAGES):
        assert set(table) <= routes, set(table) - routes
    assert routes >= OPEN_PAGES, OPEN_PAGES - routes
    assert len(ROUTES) > 60


@pytest.mark.parametrize("route", ROUTES, ids=[r.route or "/" for r in ROUTES])
def test_page(route: Route, walk_env: dict[str, Any], client: Any, db: None) -> None:
    root = walk_env["root"]
    params = PAGE_PARAMS.get(route.route)
    client.force_login(root)
    response, _ = _get(client, route.url(params(root) if params else _dummy(route)))
    if response.status_code == 405:  # an action: POST only
        assert params is None, f"{route.route} is POST only: drop it from PAGE_PARAMS"
        return
    assert not route.converters or params, (
        f"{route.route} is a page with parameters: add it to PAGE_PARAMS"
    )
    perms = required_perms(route.callback)
    assert perms or route.route in OPEN_PAGES, (
        f"{route.route} names no permission: add permission_required, or list it in "
        "OPEN_PAGES if every role may see it"
    )
    client.logout()
    response, _ = _get(client, route.url(params(root) if params else {}))
    if route.route not in ANONYMOUS_PAGES | set(STATUS):
        assert response.status_code == 302, f"{route.route} opens to a visitor"
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), (
            route.route
        )
    expected = STATUS.get(route.route, 200)
    bound, why = QUERY_BOUNDS.get(route.route, (QUERY_BOUND, ""))
    for role, user in walk_env["users"].items():
        allowed = user.has_perms(perms)
        client.force_login(user)
        response, queries = _get(client, route.url(params(user) if params else {}))
        status = response.status_code
        assert status == (expected if allowed else 403), (
            f"{route.route} as {role}: {status}, expected "
            f"{expected if allowed else 403} (permissions {perms})"
        )
        assert queries <= bound, (
            f"{route.route} as {role}: {queries} queries, more than {bound} {why}"
        )


def test_permissions_are_read_from_the_views() -> None:
    """The walk's reading of `permission_required` finds what the views name."""
    by_route = {r.route: r for r in ROUTES}
    assert required_perms(by_route["orders/"].callback) == ("orders.view_order",)
    assert required_perms(by_route["today/"].callback) == ()
