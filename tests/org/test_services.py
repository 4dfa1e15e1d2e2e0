"""Writes of `org`: shops, staff, role groups and API tokens."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from shopops.core.models import AuditEntry
from shopops.core.roles import Role
from shopops.org import services
from shopops.org.models import ApiToken, Shop, Staff
from shopops.org.permissions import ROLE_PERMISSIONS, role_groups_sync

pytestmark = pytest.mark.django_db


# --- shops ---------------------------------------------------------------------


def test_shop_create_saves_the_shop_and_audits_it(make_staff):
    ops = make_staff(Role.OPS_MANAGER).user

    shop = services.shop_create(
        actor=ops,
        code=" tmall-main ",
        name=" 山野户外旗舰店 ",
        platform=Shop.Platform.TMALL,
        marketplace_shop_id="12345678",
    )

    assert (shop.code, shop.name, shop.platform) == (
        "tmall-main",
        "山野户外旗舰店",
        "tmall",
    )
    entry = AuditEntry.objects.get(verb="shop.create")
    assert entry.actor == ops
    assert entry.object_id == str(shop.pk)
    assert entry.changes["code"] == "tmall-main"


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"code": "天猫店"}, "code"),  # not a slug
        ({"code": "has space"}, "code"),
        ({"code": ""}, "code"),
        ({"name": ""}, "name"),
        ({"platform": "amazon"}, "platform"),
    ],
)
def test_shop_create_refuses_bad_fields(fields, bad_field):
    values = {"code": "main", "name": "旗舰店", "platform": "tmall", **fields}

    with pytest.raises(ValidationError) as info:
        services.shop_create(actor=None, **values)

    assert bad_field in info.value.message_dict
    assert not Shop.objects.exists()
    assert not AuditEntry.objects.exists()


def test_shop_create_refuses_a_taken_code(make_shop):
    make_shop(code="main")

    with pytest.raises(ValidationError) as info:
        services.shop_create(actor=None, code="main", name="另一家", platform="jd")

    assert "code" in info.value.message_dict
    assert Shop.objects.count() == 1


def test_shop_update_records_what_changed(make_shop):
    shop = make_shop(code="main", name="旧名")

    services.shop_update(actor=None, shop=shop, name="新名")

    shop.refresh_from_db()
    assert shop.name == "新名"
    entry = AuditEntry.objects.get(verb="shop.update")
    assert entry.changes == {"name": ["旧名", "新名"]}


def test_shop_update_refuses_unknown_fields(make_shop):
    shop = make_shop()

    with pytest.raises(ValidationError):
        services.shop_update(actor=None, shop=shop, owner="nobody")


def test_shops_create_command_creates_a_shop():
    out = StringIO()

    call_command(
        "shops",
        "create",
        "--code",
        "jd-1",
        "--name",
        "京东店",
        "--platform",
        "jd",
        "--marketplace-shop-id",
        "998",
        stdout=out,
    )

    assert "created shop jd-1" in out.getvalue()
    shop = Shop.objects.get(code="jd-1")
    assert (shop.name, shop.platform, shop.marketplace_shop_id) == (
        "京东店",
        "jd",
        "998",
    )


def test_shops_create_command_with_a_taken_code_is_a_command_error(make_shop):
    make_shop(code="jd-1")

    with pytest.raises(CommandError, match="code"):
        call_command(
            "shops",
            "create",
            "--code",
            "jd-1",
            "--name",
            "x",
            "--platform",
            "jd",
            stdout=StringIO(),
        )


def test_shops_create_command_with_an_unknown_platform_is_a_command_error():
    with pytest.raises(CommandError):
        call_command(
            "shops",
            "create",
            "--code",
            "x",
            "--name",
            "x",
            "--platform",
            "ebay",
            stdout=StringIO(),
        )


def test_shops_list_command_prints_every_shop(make_shop):
    make_shop(code="a-shop", platform="taobao")
    make_shop(code="b-shop", platform="pdd")
    out = StringIO()

    call_command("shops", "list", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["a-shop", "taobao"],
        ["b-shop", "pdd"],
    ]


# --- staff and roles ------------------------------------------------------------------


def test_staff_create_puts_the_login_in_its_role_group(make_staff):
    staff = make_staff(Role.CUSTOMER_SERVICE, username="kefu", shift="evening")

    assert list(staff.user.groups.values_list("name", flat=True)) == [
        "customer_service"
    ]
    assert staff.user.has_perm("orders.view_order")
    assert not staff.user.has_perm("core.view_auditentry")
    assert (staff.role, staff.shift) == ("customer_service", "evening")
    assert AuditEntry.objects.filter(
        verb="staff.create", object_id=str(staff.pk)
    ).exists()


def test_staff_create_refuses_an_unknown_role(make_staff):
    department = make_staff(Role.FINANCE).department

    with pytest.raises(ValidationError):
        services.staff_create(
            actor=None,
            username="x",
            password="x",
            name="x",
            role="astronaut",
            department=department,
        )
    assert not Staff.objects.filter(user__username="x").exists()


def test_staff_create_refuses_a_taken_username(make_staff):
    make_staff(Role.FINANCE, username="caiwu")

    with pytest.raises(ValidationError):
        make_staff(Role.MARKETING, username="caiwu")
    assert Staff.objects.count() == 1


def test_staff_set_role_moves_the_login_to_the_new_group(make_staff):
    staff = make_staff(Role.DESIGNER)

    services.staff_set_role(actor=None, staff=staff, role=Role.DESIGN_LEAD)

    assert list(staff.user.groups.values_list("name", flat=True)) == ["design_lead"]
    staff.user = type(staff.user).objects.get(
        pk=staff.user.pk
    )  # fresh permission cache
    assert staff.user.has_perm("org.view_staff")


def test_staff_deactivate_closes_the_login(make_staff):
    staff = make_staff(Role.MARKETING)

    services.staff_deactivate(actor=None, staff=staff)

    staff.user.refresh_from_db()
    assert staff.user.is_active is False


def test_every_role_has_a_group_with_exactly_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == set(ROLE_PERMISSIONS[role]), role


def test_role_groups_sync_takes_back_a_permission_given_by_hand():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=Role.DESIGNER)
    group.permissions.add(Permission.objects.get(codename="view_auditentry"))

    role_groups_sync()

    assert not group.permissions.filter(codename="view_auditentry").exists()


# --- API tokens -------------------------------------------------------------------------


def test_api_token_is_stored_as_a_hash_and_shown_once(make_staff):
    user = make_staff(Role.LOGISTICS).user

    token, secret = services.api_token_create(actor=None, user=user, name="ERP 同步")

    assert secret not in token.key_hash
    assert len(token.key_hash) == 64
    assert ApiToken.objects.get().user == user
    assert AuditEntry.objects.filter(verb="api_token.create").exists()


def test_api_call_with_a_bearer_token_is_the_token_s_user(client, make_staff):
    user = make_staff(Role.LOGISTICS, username="wuliu").user
    token, secret = services.api_token_create(actor=None, user=user, name="script")

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert response.json()["username"] == "wuliu"
    assert response.json()["role"] == "logistics"
    token.refresh_from_db()
    assert token.last_used_at is not None
    # permissions follow the token's user
    listings = client.get(
        "/api/v1/listings", headers={"Authorization": f"Bearer {secret}"}
    )
    audit = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {secret}"})
    assert (listings.status_code, audit.status_code) == (200, 403)


@pytest.mark.parametrize(
    "header", ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwdw=="]
)
def test_api_call_with_a_bad_token_is_401(client, make_staff, header):
    user = make_staff(Role.LOGISTICS).user
    services.api_token_create(actor=None, user=user, name="script")

    response = client.get("/api/v1/me", headers={"Authorization": header})

    assert response.status_code == 401


def test_token_of_a_deactivated_person_is_refused(client, make_staff):
    staff = make_staff(Role.LOGISTICS)
    _, secret = services.api_token_create(actor=None, user=staff.user, name="script")
    services.staff_deactivate(actor=None, staff=staff)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 401
