"""The permission walk: every role, every page and API endpoint, 200 or 403.

The expectation table is written out from the duties of seed/duties.md, not computed
from the permissions in code, so that a change of reach shows up here as a failure:

- the general manager and the operations manager oversee everything: every duty's
  overview, the audit trail, shops, staff; only they create shops (OPS-1, OPS-3);
- marketing works on titles and listings (MKT-1.1, MKT-1.5), orders and figures (MKT-1.6);
- logistics buys, lists and relists (LOG-1, LOG-3, LOG-4.1): listings, orders, shops;
- the shipping clerk picks, checks and packs orders (LOG-2.1, LOG-2.5);
- the design lead lays out the store (ART-1.3, ART-2.3) and runs the designers
  (ART-3.1: staff); designers work on products' images (ART-1.4);
- customer service works with orders and buyers (CS-1..CS-4);
- finance counts cost and revenue (FIN-1) and pays people (FIN-2: staff);
- planning gets product copy and design requirements (MKT-4.1).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from shopops.catalog.models import Category, Listing, Product
from shopops.core.roles import Role

pytestmark = pytest.mark.django_db

GM = Role.GENERAL_MANAGER
OPS = Role.OPS_MANAGER
MKT = Role.MARKETING
LOG = Role.LOGISTICS
SHIP = Role.SHIPPING
LEAD = Role.DESIGN_LEAD
DESIGNER = Role.DESIGNER
CS = Role.CUSTOMER_SERVICE
FIN = Role.FINANCE
PLAN = Role.PLANNING

EVERYONE = frozenset(Role)
OVERSEERS = frozenset({GM, OPS})
SEE_ORDERS = frozenset({GM, OPS, MKT, LOG, SHIP, CS, FIN})
SEE_SHOPS = frozenset({GM, OPS, MKT, LOG, FIN})
SEE_STAFF = frozenset({GM, OPS, LEAD, FIN})
SEE_LISTINGS = frozenset({GM, OPS, MKT, LOG, LEAD})

# url -> the roles that get 200; every other role gets 403.
PAGES = {
    "/today/": EVERYONE,
    "/dashboard/": SEE_ORDERS,
    "/duties/": EVERYONE,
    "/duties/overview/": OVERSEERS,
    "/notifications/": EVERYONE,
    "/audit/": OVERSEERS,
    "/org/shops/": SEE_SHOPS,
    "/org/shops/new/": OVERSEERS,
    "/org/staff/": SEE_STAFF,
    "/catalog/products/": EVERYONE,
    "/catalog/listings/": SEE_LISTINGS,
}
API_GETS = {
    "/api/v1/me": EVERYONE,
    "/api/v1/today": EVERYONE,
    "/api/v1/duties": EVERYONE,
    "/api/v1/duty-overview": OVERSEERS,
    "/api/v1/notifications": EVERYONE,
    "/api/v1/audit": OVERSEERS,
    "/api/v1/shops": SEE_SHOPS,
    "/api/v1/staff": SEE_STAFF,
    "/api/v1/products": EVERYONE,
    "/api/v1/listings": SEE_LISTINGS,
    "/api/v1/orders/per-day": SEE_ORDERS,
}
CREATE_SHOPS = OVERSEERS
CHANGE_LISTINGS = frozenset({OPS, LOG})


def test_the_table_names_every_role():
    for allowed in [*PAGES.values(), *API_GETS.values()]:
        assert allowed <= EVERYONE
    assert len(EVERYONE) == 10


def test_the_table_follows_the_duties_named_in_the_brief():
    assert (
        DESIGNER not in PAGES["/audit/"] | PAGES["/org/staff/"] | PAGES["/dashboard/"]
    )
    assert DESIGNER not in API_GETS["/api/v1/listings"]
    assert CS not in PAGES["/audit/"]
    assert LOG in PAGES["/catalog/listings/"]
    assert PAGES["/audit/"] == PAGES["/duties/overview/"] == {GM, OPS}


@pytest.fixture
def world(make_staff, make_shop):
    """A little of everything, so that every page renders real rows."""
    from shopops.core.notifications import notify

    shop = make_shop(code="tmall-main")
    category = Category.objects.create(name="帐篷")
    product = Product.objects.create(
        code="TENT-1",
        title="双人帐篷",
        category=category,
        cost_price="120.00",
        list_price="299.00",
    )
    listing = Listing.objects.create(shop=shop, product=product, title="双人帐篷 防雨")
    ops = make_staff(OPS)
    from django.db import transaction

    with transaction.atomic():
        notify(recipients=[ops.user], title="欢迎", url="/today/", target=shop)
    return {"shop": shop, "listing": listing}


def walk(client, urls: dict[str, frozenset], role: Role) -> dict[str, int]:
    """GET every url; return those whose status is not what the table says."""
    wrong = {}
    for url, allowed in urls.items():
        status = client.get(url).status_code
        expected = 200 if role in allowed else 403
        if status != expected:
            wrong[url] = f"{status}, expected {expected}"
    return wrong


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_each_page_it_has_business_with_and_403_elsewhere(
    client, make_staff, world, role
):
    shift = "evening" if role == CS else ""
    client.force_login(make_staff(role, shift=shift).user)

    assert walk(client, PAGES, role) == {}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_each_api_endpoint_it_has_business_with_and_403_elsewhere(
    client, make_staff, world, role
):
    client.force_login(make_staff(role).user)

    assert walk(client, API_GETS, role) == {}


@pytest.mark.parametrize("role", list(Role))
def test_the_admin_lets_no_role_in(client, make_staff, role):
    client.force_login(make_staff(role).user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_superuser_gets_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/org/staff/").status_code == 200


@pytest.mark.parametrize("url", list(PAGES))
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", list(API_GETS))
def test_anonymous_api_calls_are_401(client, url):
    assert client.get(url).status_code == 401


def _plain_paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    paths = []
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or "^" in route:
            continue
        if isinstance(pattern, URLResolver):
            paths += _plain_paths(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            paths.append("/" + prefix + route)
    return paths


PUBLIC = {"/", "/accounts/login/", "/i18n/setlang/"}


def test_every_page_without_parameters_needs_a_login(client):
    # Pages other engineers add later are covered too: only the login page is public.
    wrong = {}
    for path in _plain_paths(get_resolver()):
        if path in PUBLIC or path.startswith(("/admin/", "/api/")):
            continue
        response = client.get(path)
        if response.status_code not in (302, 405) or (
            response.status_code == 302
            and "/accounts/login/" not in response["Location"]
        ):
            wrong[path] = response.status_code
    assert wrong == {}


@pytest.mark.parametrize("role", list(Role))
def test_only_overseers_create_shops_through_the_api(client, make_staff, role):
    client.force_login(make_staff(role).user)

    response = client.post(
        "/api/v1/shops",
        {
            "code": f"shop-{role.value}".replace("_", "-"),
            "name": "新店",
            "platform": "pdd",
        },
        content_type="application/json",
    )

    assert response.status_code == (201 if role in CREATE_SHOPS else 403)


@pytest.mark.parametrize("role", list(Role))
def test_only_ops_and_logistics_change_a_listing_s_state(
    client, make_staff, world, role
):
    client.force_login(make_staff(role).user)
    listing = world["listing"]

    response = client.post(
        f"/api/v1/listings/{listing.pk}/state",
        {"state": Listing.State.ON_SALE, "note": "属性已修正"},
        content_type="application/json",
    )

    assert response.status_code == (200 if role in CHANGE_LISTINGS else 403)
    listing.refresh_from_db()
    changed = listing.state == Listing.State.ON_SALE
    assert changed is (role in CHANGE_LISTINGS)


@pytest.mark.parametrize("role", list(Role))
def test_only_overseers_create_shops_through_the_page(client, make_staff, role):
    client.force_login(make_staff(role).user)

    response = client.post(
        "/org/shops/new/", {"code": "jd-new", "name": "京东店", "platform": "jd"}
    )

    if role in CREATE_SHOPS:
        assert response.status_code == 302
        assert response["Location"] == "/org/shops/"
    else:
        assert response.status_code == 403


def test_anonymous_api_posts_are_401(client, world):
    assert (
        client.post("/api/v1/shops", {}, content_type="application/json").status_code
        == 401
    )
    listing_url = f"/api/v1/listings/{world['listing'].pk}/state"
    assert (
        client.post(listing_url, {}, content_type="application/json").status_code == 401
    )


def test_navigation_shows_only_what_the_role_may_open(client, make_staff):
    client.force_login(make_staff(DESIGNER).user)

    html = client.get("/today/").content.decode()

    assert 'href="/catalog/products/"' in html
    for url in ("/audit/", "/org/staff/", "/dashboard/", "/catalog/listings/"):
        assert f'href="{url}"' not in html, url
