"""Pages are Chinese by default and switch to English."""

import pytest

from shopops.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, make_staff, frozen_clock):
    frozen_clock("2026-11-26 17:30")
    client.force_login(make_staff(Role.LOGISTICS).user)


def test_today_is_in_chinese_by_default(client, officer):
    html = client.get("/today/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert "今日职责" in html
    assert "根据订单与库存当天采购" in html  # LOG-1.1's Chinese title
    assert 'data-testid="lang-en"' in html


def test_switching_to_english_changes_the_page_language(client, officer):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/today/"})

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    html = client.get("/today/").content.decode()
    assert '<html lang="en">' in html
    # duty titles come from the registry in the page's language
    assert "Buy what orders and the warehouse need; cut-off 18:00" in html
    assert "根据订单与库存当天采购" not in html
    # and the switch now offers Chinese back
    assert 'data-testid="lang-zh"' in html


def test_switching_back_to_chinese(client, officer):
    client.post("/i18n/setlang/", {"language": "en", "next": "/today/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/today/"})

    assert '<html lang="zh-hans">' in client.get("/today/").content.decode()


def test_api_duties_carry_both_titles(api_client, officer):
    duties = {d["id"]: d for d in api_client.get("/api/v1/duties").json()}

    assert duties["LOG-1.1"]["title_zh"].startswith("根据订单")
    assert duties["LOG-1.1"]["title_en"].startswith("Buy what")
