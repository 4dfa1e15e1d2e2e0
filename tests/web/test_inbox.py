"""The inbox pages: the bell's unread count, opening and marking notifications read."""

import pytest

from shopops.core.models import Notification
from shopops.core.notifications import notify
from shopops.core.roles import Role

pytestmark = pytest.mark.django_db


def bell(html: str) -> str:
    """Return the bell's count as the page shows it ("" when hidden)."""
    start = html.index('id="bell-count"')
    tag_end = html.index(">", start)
    hidden = "d-none" in html[html.rindex("<span", 0, start) : tag_end]
    count = html[tag_end + 1 : html.index("</span>", tag_end)]
    return "" if hidden else count


@pytest.fixture
def officer(client, make_staff):
    user = make_staff(Role.LOGISTICS).user
    client.force_login(user)
    return user


@pytest.fixture
def inbox(officer, make_staff, shop):
    mine = [
        notify(
            recipients=[officer], title=f"扣留订单 {n}", url="/org/shops/", target=shop
        )[0]
        for n in range(3)
    ]
    (others,) = notify(
        recipients=[make_staff(Role.FINANCE).user], title="别人的", url="/"
    )
    return {"mine": mine, "others": others}


def test_bell_is_hidden_with_an_empty_inbox(client, officer):
    assert bell(client.get("/today/").content.decode()) == ""


def test_bell_shows_the_unread_count_on_every_page(client, inbox):
    assert bell(client.get("/today/").content.decode()) == "3"
    assert bell(client.get("/duties/").content.decode()) == "3"
    assert bell(client.get("/notifications/badge/").content.decode()) == "3"


def test_inbox_page_lists_only_the_user_s_notifications(client, inbox):
    html = client.get("/notifications/").content.decode()

    assert "扣留订单 0" in html
    assert "扣留订单 2" in html
    assert "别人的" not in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client, inbox):
    first = inbox["mine"][0]

    response = client.post(f"/notifications/{first.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/org/shops/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert bell(client.get("/today/").content.decode()) == "2"


def test_opening_someone_else_s_notification_is_404(client, inbox):
    response = client.post(f"/notifications/{inbox['others'].pk}/open/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=inbox["others"].pk).read_at is None


def test_read_all_empties_the_bell(client, inbox):
    response = client.post("/notifications/read-all/")

    assert response["Location"] == "/notifications/"
    assert bell(client.get("/today/").content.decode()) == ""
    assert Notification.objects.get(pk=inbox["others"].pk).read_at is None


def test_api_lists_unread_notifications_and_marks_one_read(api_client, inbox):
    first = inbox["mine"][0]

    unread = api_client.get("/api/v1/notifications?unread=true").json()
    assert {n["id"] for n in unread} == {n.pk for n in inbox["mine"]}

    response = api_client.post(f"/api/v1/notifications/{first.pk}/read")
    assert response.json() == {"marked": 1}
    assert api_client.post(
        f"/api/v1/notifications/{inbox['others'].pk}/read"
    ).json() == {"marked": 0}

    everything = api_client.get("/api/v1/notifications").json()
    assert {n["id"]: n["read"] for n in everything}[first.pk] is True
    assert len(api_client.get("/api/v1/notifications?unread=true").json()) == 2
