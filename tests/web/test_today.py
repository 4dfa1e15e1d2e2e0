"""Each role's Today page, marking a duty done, the overview and the duty table."""

import datetime as dt
import re

import pytest

from shopops.core.models import DutyRun
from shopops.core.roles import Role
from shopops.core.services import duty_run_mark_done

pytestmark = pytest.mark.django_db


def row_state(html: str, duty_id: str) -> str | None:
    """Return the data-state of the duty's row on a page (None if absent)."""
    match = re.search(rf'data-duty="{re.escape(duty_id)}" data-state="(\w+)"', html)
    return match.group(1) if match else None


@pytest.fixture
def officer(client, make_staff):
    staff = make_staff(Role.LOGISTICS, username="wuliu", name="王物流")
    client.force_login(staff.user)
    return staff.user


def test_today_lists_the_role_s_duties_with_their_states(client, frozen_clock, officer):
    frozen_clock("2026-11-26 17:30")

    html = client.get("/today/").content.decode()

    assert "今日职责 · 物流人员" in html
    assert row_state(html, "LOG-1.1") == "due"
    assert row_state(html, "LOG-4.2") is not None
    assert row_state(html, "OPS-3.1") is None  # another role's duty
    assert row_state(html, "LOG-2.5") is None  # the shipping clerk's
    # LOG-4.1's worklist links to the listings that need fixing
    assert 'data-testid="worklist-LOG-4.1"' in html
    assert 'href="/catalog/listings/?attention=1"' in html


def test_today_shows_the_evening_window_only_to_the_evening_shift(
    client, frozen_clock, make_staff
):
    frozen_clock("2026-11-26 20:30")
    client.force_login(make_staff(Role.CUSTOMER_SERVICE, shift="evening").user)
    assert row_state(client.get("/today/").content.decode(), "CS-1") == "due"

    client.force_login(make_staff(Role.CUSTOMER_SERVICE, shift="pre_sale").user)
    assert row_state(client.get("/today/").content.decode(), "CS-1") is None


def test_today_names_a_holiday_and_a_day_off(client, frozen_clock, officer):
    frozen_clock("2026-02-17 10:00")
    assert "2026-02-17" in client.get("/today/").content.decode()

    frozen_clock("2026-11-29 10:00")  # an ordinary Sunday
    assert "休息日" in client.get("/today/").content.decode()


def test_marking_a_duty_done_on_the_page_records_the_run_and_note(
    client, frozen_clock, officer
):
    frozen_clock("2026-11-26 17:45")

    response = client.post(
        "/duties/LOG-1.1/2026-11-26/done/",
        {"note": "已向供应商下单", "next": "/today/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    run = DutyRun.objects.get(duty_id="LOG-1.1", period_key="2026-11-26")
    assert (run.done_by, run.note) == (officer, "已向供应商下单")
    html = client.get("/today/").content.decode()
    assert row_state(html, "LOG-1.1") == "done"
    assert "已向供应商下单" in html
    assert "王物流" in html


def test_marking_done_twice_shows_an_error_message(client, frozen_clock, officer):
    frozen_clock("2026-11-26 17:45")
    client.post("/duties/LOG-1.1/2026-11-26/done/")

    response = client.post("/duties/LOG-1.1/2026-11-26/done/", follow=True)

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert DutyRun.objects.count() == 1


def test_marking_another_role_s_duty_done_on_the_page_is_403(
    client, frozen_clock, make_staff
):
    frozen_clock("2026-11-26 17:45")
    client.force_login(make_staff(Role.DESIGNER).user)

    response = client.post("/duties/LOG-1.1/2026-11-26/done/")

    assert response.status_code == 403
    assert not DutyRun.objects.exists()


def test_marking_an_unknown_duty_done_is_404(client, frozen_clock, officer):
    frozen_clock("2026-11-26 17:45")

    assert client.post("/duties/XYZ-1/2026-11-26/done/").status_code == 404


def test_marking_done_needs_a_post(client, officer):
    assert client.get("/duties/LOG-1.1/2026-11-26/done/").status_code == 405


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_marking_done_never_redirects_off_site(client, frozen_clock, officer, next_url):
    frozen_clock("2026-11-26 17:45")

    response = client.post("/duties/LOG-1.1/2026-11-26/done/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/today/"


def test_api_marks_a_duty_done(api_client, frozen_clock, officer):
    frozen_clock("2026-11-26 17:45")

    response = api_client.post(
        "/api/v1/duty-runs",
        {"duty_id": "LOG-1.1", "period_key": "2026-11-26", "note": "ok"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["state"] == "done"
    assert response.json()["done_by"] == "wuliu"
    today = {i["duty_id"]: i for i in api_client.get("/api/v1/today").json()}
    assert today["LOG-1.1"]["state"] == "done"
    assert today["LOG-1.1"]["note"] == "ok"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"duty_id": "XYZ-1", "period_key": "2026-11-26"}, 404),
        ({"duty_id": "OPS-1.1", "period_key": "2026-11"}, 403),
        ({"duty_id": "LOG-1.1", "period_key": "2026-13-45"}, 422),
    ],
)
def test_api_refuses_a_bad_duty_run(api_client, frozen_clock, officer, payload, status):
    frozen_clock("2026-11-26 17:45")

    response = api_client.post(
        "/api/v1/duty-runs", payload, content_type="application/json"
    )

    assert response.status_code == status


def test_ops_manager_today_shows_every_role_s_overdue_and_done_duties(
    client, frozen_clock, make_staff
):
    frozen_clock("2026-11-26 17:45")
    officer = make_staff(Role.LOGISTICS, username="wuliu").user
    duty_run_mark_done(actor=officer, duty_id="LOG-4.3", period_key="2026-11-26")
    client.force_login(make_staff(Role.OPS_MANAGER).user)

    response = client.get("/today/")

    context = response.context
    assert "LOG-4.3" in {i.duty.id for i in context["done_today"]}
    overdue = {i.duty.id for i in context["overdue"]}
    assert "FIN-1" in overdue  # finance's 11:00 duty, nobody did it
    assert "LOG-4.3" not in overdue
    assert 'data-testid="orders-chart"' in response.content.decode()
    assert len(context["chart_json"]["days"]) == 90


def test_duty_overview_counts_a_chosen_day(client, frozen_clock, make_staff):
    frozen_clock("2026-11-26 17:45")
    client.force_login(make_staff(Role.GENERAL_MANAGER).user)

    response = client.get("/duties/overview/?day=2026-11-25")

    assert response.status_code == 200
    assert response.context["day"].isoformat() == "2026-11-25"
    counts = response.context["counts"]
    # every occurrence of yesterday is past its time and nobody closed any
    assert counts["overdue"] > 0
    assert counts["done"] == counts["upcoming"] == 0
    assert client.get("/duties/overview/?day=not-a-date").status_code == 200


def test_duty_table_marks_implemented_duties(client, make_staff):
    client.force_login(make_staff(Role.DESIGNER).user)

    response = client.get("/duties/")

    rows = {r["duty"].id: r for r in response.context["rows"]}
    assert rows["LOG-4.1"]["implemented"] is True
    assert "OPS-1" in rows


def test_ops_manager_today_stays_within_a_fixed_number_of_queries(
    client, frozen_clock, make_staff, django_assert_max_num_queries
):
    # Given a day where several people closed duties and the inbox holds notifications
    frozen_clock("2026-11-26 18:30")
    from shopops.core.notifications import notify

    ops = make_staff(Role.OPS_MANAGER)
    done = [
        (Role.LOGISTICS, "LOG-1.1", "2026-11-26"),
        (Role.LOGISTICS, "LOG-4.3", "2026-11-26"),
        (Role.FINANCE, "FIN-1", "2026-11-26"),
        (Role.MARKETING, "MKT-1.5", "2026-11-26"),
        (Role.DESIGN_LEAD, "ART-3.1", "2026-11-26"),
    ]
    for role, duty_id, key in done:
        duty_run_mark_done(actor=make_staff(role).user, duty_id=duty_id, period_key=key)
    duty_run_mark_done(actor=ops.user, duty_id="OPS-3.1", period_key="2026-11-26T09:30")
    for n in range(5):
        notify(recipients=[ops.user], title=f"n{n}", url="/today/")
    client.force_login(ops.user)

    # Then the page does not grow a query per row
    with django_assert_max_num_queries(25):
        response = client.get("/today/")
    assert response.status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/duties/overview/").status_code == 200


@pytest.mark.parametrize("url", ["/today/", "/duties/overview/"])
def test_overseer_pages_do_not_grow_a_query_per_done_duty(
    client, frozen_clock, make_staff, url
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    frozen_clock("2026-11-26 18:30")
    ops = make_staff(Role.OPS_MANAGER)
    client.force_login(ops.user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    duty_run_mark_done(actor=ops.user, duty_id="OPS-3.1", period_key="2026-11-26T09:30")
    one_done = queries()
    for role, duty_id in [
        (Role.LOGISTICS, "LOG-1.1"),
        (Role.FINANCE, "FIN-1"),
        (Role.MARKETING, "MKT-1.5"),
        (Role.DESIGN_LEAD, "ART-3.1"),
    ]:
        duty_run_mark_done(
            actor=make_staff(role).user, duty_id=duty_id, period_key="2026-11-26"
        )
    duty_run_mark_done(actor=ops.user, duty_id="OPS-3.1", period_key="2026-11-26T14:00")

    assert queries() == one_done


def test_each_occurrence_of_a_twice_daily_duty_has_its_own_done_form(
    client, frozen_clock, officer
):
    # Given LOG-4.2 at noon: the 10:00 occurrence overdue, the 20:00 one upcoming
    frozen_clock("2026-11-26 12:00")
    html = client.get("/today/").content.decode()
    actions = re.findall(r'action="(/duties/LOG-4\.2/[^"]+)"', html)
    assert actions == [
        "/duties/LOG-4.2/2026-11-26T10:00/done/",
        "/duties/LOG-4.2/2026-11-26T20:00/done/",
    ]

    # When the morning form is posted
    assert client.post(actions[0]).status_code == 302

    # Then only the morning occurrence is done
    assert list(DutyRun.objects.values_list("period_key", flat=True)) == [
        "2026-11-26T10:00"
    ]
    html = client.get("/today/").content.decode()
    assert re.findall(r'action="(/duties/LOG-4\.2/[^"]+)"', html) == [actions[1]]


def test_a_superuser_without_a_staff_record_gets_an_empty_today(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_superuser("root", "", "x"))

    response = client.get("/today/")

    assert response.status_code == 200
    assert response.context["items"] == []
    assert client.get("/api/v1/today").json() == []
    assert client.get("/api/v1/me").json()["role"] == ""


def test_api_duty_run_answers_the_occurrence_s_due_time(
    api_client, frozen_clock, officer
):
    frozen_clock("2026-11-26 12:00")

    response = api_client.post(
        "/api/v1/duty-runs",
        {"duty_id": "LOG-4.2", "period_key": "2026-11-26T20:00"},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert dt.datetime.fromisoformat(body["due"]) == dt.datetime(
        2026, 11, 26, 12, 0, tzinfo=dt.UTC
    )  # 20:00 in Shanghai
    assert dt.datetime.fromisoformat(body["done_at"]) == dt.datetime(
        2026, 11, 26, 4, 0, tzinfo=dt.UTC
    )
