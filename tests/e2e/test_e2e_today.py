"""Every role signs in and finds its Today page, in Chinese, in a real browser."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# A duty of each role that is on its Today page every day (daily or continuous, holidays
# included), and one that must not be there.
ALWAYS_TODAY: dict[str, tuple[list[str], list[str]]] = {
    "general_manager": ([], []),
    "ops_manager": (["OPS-2.1", "OPS-4.5"], ["LOG-1.1"]),
    "marketing": (["MKT-1.1"], ["OPS-2.1"]),
    "logistics": (["LOG-1.1", "LOG-1.2"], ["LOG-2.1"]),
    "shipping": (["LOG-2.1"], ["LOG-1.1"]),
    "design_lead": (["ART-1.1"], ["ART-1.4"]),
    "designer": (["ART-1.4"], ["ART-1.1"]),
    "customer_service": (["CS-2"], ["CS-1"]),
    "customer_service-evening": (["CS-1", "CS-2"], []),
    "finance": (["FIN-1"], []),
    "planning": ([], []),
}
ROLE_LABELS = {
    "general_manager": "总经理",
    "ops_manager": "运营经理",
    "marketing": "营销专员",
    "logistics": "物流人员",
    "shipping": "发货部专员",
    "design_lead": "美工主管",
    "designer": "美工人员",
    "customer_service": "客服",
    "finance": "财务",
    "planning": "策划",
}


def duties_due_today(person: Any) -> set[str]:
    """Return the duty IDs the registry puts on `person`'s agenda today."""
    from shopops.core import clock
    from shopops.core.agenda import occurrences
    from shopops.core.duties import registry

    today = clock.today()
    return {
        d.id
        for d in registry.for_role(person.role, person.shift)
        if occurrences(d, today)
    }


def test_every_role_is_listed() -> None:
    from shopops.core.roles import Role

    assert {key.split("-")[0] for key in ALWAYS_TODAY} == set(Role.values)
    assert set(ROLE_LABELS) == set(Role.values)


@pytest.mark.parametrize("key", list(ALWAYS_TODAY))
def test_each_role_signs_in_to_its_today_page_in_chinese(
    key: str,
    request: pytest.FixtureRequest,
    page: Any,
    login: Any,
    screenshot: Any,
    assert_assets_loaded: Any,
    assert_layout_intact: Any,
) -> None:
    # Given the staff (and, for the roles that oversee everyone, an order history)
    person = request.getfixturevalue("staff")[key]
    if person.role in {"general_manager", "ops_manager"}:
        request.getfixturevalue("quick_order_history")

    # When they sign in through the login page
    login(page, person)

    # Then they land on Today, in Chinese, with their role and their duties
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    heading = page.locator("h2.page-title")
    expect(heading).to_contain_text("今日职责")
    expect(heading).to_contain_text(ROLE_LABELS[person.role])
    expect(page.get_by_test_id("user-menu")).to_contain_text(person.name[0])
    expect(page.locator("#navbar-menu")).to_contain_text("今日")
    assert_assets_loaded(page)
    assert_layout_intact(page)

    table = page.get_by_test_id("my-duties")
    expected, absent = ALWAYS_TODAY[key]
    for duty_id in expected:
        expect(table.locator(f'tr[data-duty="{duty_id}"]').first).to_be_visible()
    for duty_id in absent:
        expect(table.locator(f'tr[data-duty="{duty_id}"]')).to_have_count(0)
    shown = set(
        table.locator("tr[data-duty]").evaluate_all("rs => rs.map(r => r.dataset.duty)")
    )
    assert shown == duties_due_today(person)
    if not shown:
        expect(table).to_contain_text("今天没有职责。")
    else:
        # every row has its state, in Chinese
        states = table.locator("tr[data-duty] td.duty-state .badge").all_inner_texts()
        assert len(states) == table.locator("tr[data-duty]").count()
        assert set(states) <= {"已完成", "逾期", "待办", "未到时"}

    screenshot(page, f"today-{key}")


def test_ops_manager_sees_the_orders_chart(
    order_history: str, staff: dict[str, Any], page: Any, login: Any, screenshot: Any
) -> None:
    # Given orders over the last 90 days
    # When the operations manager opens Today
    login(page, staff["ops_manager"])

    # Then ECharts draws the orders per day on a canvas
    chart = page.locator('#orders-chart[data-ready="1"]')
    expect(chart).to_be_visible()
    expect(chart.locator("canvas").first).to_be_visible()
    assert page.evaluate("typeof window.echarts") == "object"
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert box["height"] >= 300
    data = json.loads(page.locator("#orders-chart-data").text_content() or "{}")
    assert len(data["days"]) == 90
    assert sum(data["orders"]) > 0
    plotted = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('orders-chart'))"
        ".getOption().series[0].data"
    )
    assert plotted == data["orders"]
    # and the cross-role panels are there
    expect(page.get_by_text("各岗位逾期职责")).to_be_visible()
    expect(page.get_by_text("今日已完成")).to_be_visible()
    screenshot(page, f"today-ops_manager-chart-{order_history}")


def test_a_duty_marked_done_shows_who_did_it_to_the_ops_manager(
    staff: dict[str, Any], new_page: Any, login: Any, screenshot: Any
) -> None:
    logistics, ops = staff["logistics"], staff["ops_manager"]
    note = "已与晚班客服对接缺货订单"

    # Given logistics on its Today page
    page = new_page()
    login(page, logistics)

    # When they mark LOG-1.2 done with a note
    row = page.locator('tr[data-duty="LOG-1.2"]')
    row.get_by_placeholder("备注").fill(note)
    row.get_by_test_id("done-LOG-1.2").click()

    # Then the row says done, by whom, with the note
    expect(page.get_by_role("alert")).to_contain_text("已标记完成：LOG-1.2")
    row = page.locator('tr[data-duty="LOG-1.2"]')
    expect(row).to_have_attribute("data-state", "done")
    expect(row).to_contain_text("已完成")
    expect(row).to_contain_text(note)
    expect(row).to_contain_text(logistics.name)
    expect(row.get_by_test_id("done-LOG-1.2")).to_have_count(0)
    screenshot(page, "today-logistics-done")

    # And the operations manager sees it on the duty overview
    page = new_page()
    login(page, ops)
    expect(page.locator(".list-group-item", has_text="LOG-1.2")).to_contain_text(
        logistics.name
    )
    page.get_by_role("button", name="管理").click()
    page.get_by_role("link", name="职责总览", exact=True).click()
    page.wait_for_url("**/duties/overview/")
    card = page.locator(
        ".card", has=page.get_by_role("heading", name="物流人员", exact=True)
    )
    done = card.locator('tr[data-duty="LOG-1.2"]')
    expect(done).to_have_attribute("data-state", "done")
    expect(done).to_contain_text(logistics.name)
    expect(done).to_contain_text(note)
    # the overview shows, never closes, other roles' duties
    expect(page.locator("form[action*='/done/']")).to_have_count(0)
    screenshot(page, "duty-overview-ops_manager")


def test_the_language_button_switches_to_english_and_back(
    staff: dict[str, Any], page: Any, login: Any, screenshot: Any
) -> None:
    # Given logistics on Today in Chinese
    login(page, staff["logistics"])
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # When they press the language button
    page.get_by_test_id("lang-en").click()

    # Then the page is in English, and stays so on the next page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("my-duties")).to_contain_text(
        "Buy what orders and the warehouse need"
    )
    page.goto("/duties/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/today/")
    screenshot(page, "today-logistics-en")

    # And back to Chinese
    page.get_by_test_id("lang-zh").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h2.page-title")).to_contain_text("今日职责")


def test_today_is_usable_on_a_phone(
    staff: dict[str, Any],
    new_page: Any,
    login: Any,
    screenshot: Any,
    assert_layout_intact: Any,
) -> None:
    # Given logistics on a phone
    page = new_page(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    login(page, staff["logistics"])

    # Then the navigation folds behind the toggler and nothing overflows sideways
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#navbar-menu")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    assert_layout_intact(page)
    expect(page.locator("h2.page-title")).to_contain_text("今日职责")
    screenshot(page, "today-phone")

    # When they open the menu, its links are there
    toggler.click()
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # opened, not opening
    expect(menu).to_be_visible()
    menu.get_by_role("button", name="管理").click()
    expect(menu.get_by_role("link", name="职责表")).to_be_visible()
    screenshot(page, "today-phone-menu", full_page=False)
    toggler.click()
    expect(menu).to_be_hidden()

    # And the duty table still works: a duty can be marked done
    row = page.locator('tr[data-duty="LOG-1.2"]')
    note = row.get_by_placeholder("备注")
    note.scroll_into_view_if_needed()
    expect(note).to_be_visible()
    note.fill("手机上完成")
    row.get_by_test_id("done-LOG-1.2").tap()
    row = page.locator('tr[data-duty="LOG-1.2"]')
    expect(row).to_have_attribute("data-state", "done")
    expect(row).to_contain_text("手机上完成")
    assert_layout_intact(page)


def test_a_designer_is_refused_what_is_not_theirs(
    staff: dict[str, Any], page: Any, login: Any
) -> None:
    # Given a designer signed in, whose menu has no audit trail
    login(page, staff["designer"])
    expect(page.locator("#navbar-menu")).not_to_contain_text("审计")

    # When they open pages outside their duties anyway, they are refused
    for path in ["/audit/", "/duties/overview/", "/dashboard/"]:
        response = page.goto(path)
        assert response is not None
        assert response.status == 403, path
