"""The audit trail: the operations manager browses and filters who changed what."""

import pytest

from shopops.core.roles import Role
from shopops.core.services import duty_run_mark_done
from shopops.org import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(frozen_clock, make_staff):
    """Staff hired on 23 November; shops created on 24 November by ops; a duty closed
    on 26 November by logistics."""
    frozen_clock("2026-11-23 09:00")
    ops = make_staff(Role.OPS_MANAGER, username="yunying").user
    officer = make_staff(Role.LOGISTICS, username="wuliu").user
    frozen_clock("2026-11-24 10:00")
    services.shop_create(actor=ops, code="tmall-1", name="天猫店", platform="tmall")
    services.shop_create(actor=ops, code="jd-1", name="京东店", platform="jd")
    frozen_clock("2026-11-26 17:50")
    duty_run_mark_done(actor=officer, duty_id="LOG-1.1", period_key="2026-11-26")
    return {"ops": ops, "officer": officer}


def verbs(response) -> list[str]:
    return [entry.verb for entry in response.context["page"]]


def test_audit_page_lists_the_newest_first(client, trail):
    client.force_login(trail["ops"])

    response = client.get("/audit/")

    listed = verbs(response)
    assert listed[0] == "duty_run.done"
    assert listed.count("shop.create") == 2
    assert "org.shop" in response.context["models"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("verb=shop", ["shop.create", "shop.create"]),
        ("model=core.dutyrun", ["duty_run.done"]),
        ("from=2026-11-25", ["duty_run.done"]),
        ("to=2026-11-24&model=org.shop", ["shop.create", "shop.create"]),
        ("to=2026-11-23&verb=staff", ["staff.create", "staff.create"]),
        ("from=2026-11-27", []),
    ],
)
def test_audit_page_filters(client, trail, query, expected):
    client.force_login(trail["ops"])

    assert verbs(client.get(f"/audit/?{query}")) == expected


def test_audit_page_filters_by_actor(client, trail):
    client.force_login(trail["ops"])

    response = client.get(f"/audit/?actor={trail['officer'].pk}")

    assert verbs(response) == ["duty_run.done"]
    assert client.get("/audit/?actor=abc&from=nonsense").status_code == 200


def test_audit_api_filters_and_names_the_actor(api_client, trail):
    api_client.force_login(trail["ops"])

    rows = api_client.get("/api/v1/audit?model=org.shop&date_from=2026-11-24").json()

    assert [r["verb"] for r in rows] == ["shop.create", "shop.create"]
    assert {r["actor"] for r in rows} == {"yunying"}
    assert {r["object"] for r in rows} == {"天猫店", "京东店"}
