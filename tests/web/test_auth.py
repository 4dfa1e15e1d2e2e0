"""Login, lock-out after failures (django-axes), logout and password change."""

import pytest

from shopops.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.LOGISTICS, username="wuliu").user


def log_in(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_is_in_chinese_by_default(client):
    response = client.get("/accounts/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert '<meta charset="utf-8">' in html
    assert "登录" in html
    assert "用户名" in html
    assert "密码" in html


def test_the_root_sends_a_visitor_to_today_then_to_login(client):
    response = client.get("/", follow=True)

    assert response.redirect_chain[0] == ("/today/", 302)
    assert response.request["PATH_INFO"] == "/accounts/login/"


def test_login_leads_to_the_today_page(client, officer, staff_password):
    response = log_in(client, "wuliu", staff_password)

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    assert signed_in(client)
    assert client.get("/today/").status_code == 200


def test_login_honours_next(client, officer, staff_password):
    response = client.post(
        "/accounts/login/?next=/duties/",
        {"username": "wuliu", "password": staff_password, "next": "/duties/"},
    )

    assert response["Location"] == "/duties/"


def test_login_never_redirects_off_site(client, officer, staff_password):
    response = client.post(
        "/accounts/login/",
        {
            "username": "wuliu",
            "password": staff_password,
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == "/today/"


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(client, officer):
    response = log_in(client, "wuliu", "wrong")

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert not signed_in(client)


def test_five_failed_logins_lock_the_account_even_for_the_right_password(
    client, officer, staff_password
):
    for _ in range(5):
        log_in(client, "wuliu", "wrong")

    # The sixth attempt, with the right password, is refused
    response = log_in(client, "wuliu", staff_password)

    assert response.status_code in (403, 429)
    assert not signed_in(client)
    assert client.get("/today/").status_code == 302


def test_four_failed_logins_do_not_lock(client, officer, staff_password):
    for _ in range(4):
        log_in(client, "wuliu", "wrong")

    response = log_in(client, "wuliu", staff_password)

    assert response.status_code == 302
    assert signed_in(client)


def test_logout_signs_out_and_leads_to_the_login_page(client, officer):
    client.force_login(officer)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not signed_in(client)
    assert client.get("/today/")["Location"].startswith("/accounts/login/")


def test_password_change_takes_the_new_password(client, officer, staff_password):
    client.force_login(officer)
    assert client.get("/accounts/password/").status_code == 200

    response = client.post(
        "/accounts/password/",
        {
            "old_password": staff_password,
            "new_password1": "Tent-and-Stove-2026",
            "new_password2": "Tent-and-Stove-2026",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    officer.refresh_from_db()
    assert officer.check_password("Tent-and-Stove-2026")
    # still signed in, and the done page renders
    assert client.get("/accounts/password/done/").status_code == 200
    client.post("/accounts/logout/")
    assert log_in(client, "wuliu", "Tent-and-Stove-2026")["Location"] == "/today/"


def test_password_change_refuses_a_wrong_old_password(client, officer, staff_password):
    client.force_login(officer)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Tent-and-Stove-2026",
            "new_password2": "Tent-and-Stove-2026",
        },
    )

    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(staff_password)


def test_password_change_needs_a_login(client):
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/login/")
