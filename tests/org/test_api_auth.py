"""API authentication and CSRF: a bearer token is not an ambient credential, a session is.

Every client here enforces CSRF as a browser's request meets it (`enforce_csrf_checks`).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

import pytest
from django.test import Client

from shopops.orders.models import HoldReasonSetting
from shopops.org import services
from shopops.org.models import Shop

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.org.api_auth_probe_urls")]

METHODS = ["post", "put", "delete"]
NEW_SHOP = {"code": "csrf-probe", "name": "探针店", "platform": "tmall"}


def hold_reason_change() -> dict[str, Any]:
    """A change to the "other" hold reason that differs from what it holds now."""
    flag = HoldReasonSetting.objects.get(reason="other").flag
    return {"flag": 2 if flag == 1 else 1, "message_template": "{receiver}您好"}


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def ops(make_staff: Any) -> Any:
    return make_staff("ops_manager", username="ops")


@pytest.fixture
def token(ops: Any) -> str:
    _, secret = services.api_token_create(actor=None, user=ops.user, name="script")
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def csrf_pair(client: Client) -> dict[str, str]:
    """Set the CSRF cookie a page would have set; return the header a page's JS sends."""
    alphabet = string.ascii_letters + string.digits
    value = "".join(secrets.choice(alphabet) for _ in range(32))
    client.cookies["csrftoken"] = value
    return {"X-CSRFToken": value}


def write(client: Client, method: str, path: str, body: Any = None, **headers: Any):
    return getattr(client, method)(
        path, body or {}, content_type="application/json", headers=headers
    )


# --- a valid bearer token: no CSRF ---------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_a_valid_token_writes_without_any_csrf_cookie(browser, token, method):
    response = write(browser, method, "/probe/probe", **bearer(token))

    assert response.status_code == 200, response.content
    assert response.json() == {"method": method.upper(), "user": "ops"}


def test_a_valid_token_posts_to_the_real_api_without_csrf(browser, token):
    response = write(browser, "post", "/api/v1/shops", NEW_SHOP, **bearer(token))

    assert response.status_code == 201, response.content
    assert Shop.objects.filter(code="csrf-probe").exists()


def test_a_valid_token_puts_to_the_real_api_without_csrf(browser, token):
    change = hold_reason_change()

    response = write(
        browser, "put", "/api/v1/hold-reasons/other", change, **bearer(token)
    )

    assert response.status_code == 200, response.content
    assert HoldReasonSetting.objects.get(reason="other").flag == change["flag"]


def test_a_valid_token_beats_a_signed_in_session_without_csrf(
    browser, token, make_staff
):
    # The browser is signed in as someone else; the script's token decides, no CSRF.
    browser.force_login(make_staff("logistics").user)

    response = write(browser, "delete", "/probe/probe", **bearer(token))

    assert response.status_code == 200
    assert response.json()["user"] == "ops"


# --- a wrong token: 401, whatever else the request carries ---------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("secret", ["not-a-token", "", "   "])
def test_a_wrong_token_is_401(browser, token, method, secret):
    response = write(browser, method, "/probe/probe", **bearer(secret))

    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_a_wrong_token_is_401_even_with_a_session_and_csrf(browser, ops):
    browser.force_login(ops.user)
    headers = {**csrf_pair(browser), **bearer("not-a-token")}

    response = write(browser, "post", "/api/v1/shops", NEW_SHOP, **headers)

    assert response.status_code == 401
    assert not Shop.objects.filter(code="csrf-probe").exists()


def test_the_token_of_a_deactivated_person_is_401_on_a_write(browser, ops, token):
    services.staff_deactivate(actor=None, staff=ops)

    response = write(browser, "post", "/api/v1/shops", NEW_SHOP, **bearer(token))

    assert response.status_code == 401
    assert not Shop.objects.filter(code="csrf-probe").exists()


@pytest.mark.parametrize("method", METHODS)
def test_no_credential_at_all_is_401_not_a_csrf_403(browser, method):
    response = write(browser, method, "/probe/probe")

    assert response.status_code == 401


# --- a session: CSRF as ever ----------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_a_session_write_without_the_csrf_token_is_403(browser, ops, method):
    browser.force_login(ops.user)

    response = write(browser, method, "/probe/probe")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize("method", METHODS)
def test_a_session_write_with_a_wrong_csrf_token_is_403(browser, ops, method):
    browser.force_login(ops.user)
    csrf_pair(browser)

    response = write(browser, method, "/probe/probe", **{"X-CSRFToken": "x" * 32})

    assert response.status_code == 403


@pytest.mark.parametrize("method", METHODS)
def test_a_session_write_with_the_csrf_token_passes(browser, ops, method):
    browser.force_login(ops.user)

    response = write(browser, method, "/probe/probe", **csrf_pair(browser))

    assert response.status_code == 200
    assert response.json() == {"method": method.upper(), "user": "ops"}


def test_a_session_post_and_put_to_the_real_api_need_csrf(browser, ops):
    browser.force_login(ops.user)
    before = HoldReasonSetting.objects.get(reason="other").flag
    change = hold_reason_change()

    refused_post = write(browser, "post", "/api/v1/shops", NEW_SHOP)
    refused_put = write(browser, "put", "/api/v1/hold-reasons/other", change)

    assert (refused_post.status_code, refused_put.status_code) == (403, 403)
    assert not Shop.objects.filter(code="csrf-probe").exists()
    assert HoldReasonSetting.objects.get(reason="other").flag == before

    headers = csrf_pair(browser)
    posted = write(browser, "post", "/api/v1/shops", NEW_SHOP, **headers)
    put = write(browser, "put", "/api/v1/hold-reasons/other", change, **headers)

    assert (posted.status_code, put.status_code) == (201, 200)
    assert HoldReasonSetting.objects.get(reason="other").flag == change["flag"]


def test_a_session_read_needs_no_csrf(browser, ops):
    browser.force_login(ops.user)

    assert browser.get("/api/v1/me").status_code == 200
