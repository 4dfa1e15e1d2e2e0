"""Writes of `org`: shops, staff and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shopops.core.actors import Actor
from shopops.core.audit import audit_record, diff, snapshot
from shopops.core.models import AuditEntry
from shopops.core.roles import Role, Shift
from shopops.org.api_auth import token_digest
from shopops.org.models import ApiToken, Department, Shop, Staff

SHOP_FIELDS = ["code", "name", "platform", "marketplace_shop_id", "time_zone", "active"]


def shop_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    platform: str,
    marketplace_shop_id: str = "",
    time_zone: str = "Asia/Shanghai",
) -> Shop:
    """Create a storefront. Raise ValidationError on a bad or taken code."""
    shop = Shop(
        code=code.strip(),
        name=name.strip(),
        platform=platform,
        marketplace_shop_id=marketplace_shop_id.strip(),
        time_zone=time_zone,
    )
    shop.full_clean()
    with transaction.atomic():
        shop.save()
        audit_record(
            actor=actor,
            verb="shop.create",
            obj=shop,
            action=AuditEntry.Action.CREATE,
            changes=snapshot(shop, SHOP_FIELDS),
        )
    return shop


def shop_update(*, actor: Actor, shop: Shop, **fields: Any) -> Shop:
    unknown = set(fields) - set(SHOP_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段：%s") % ", ".join(sorted(unknown)))
    before = snapshot(shop, SHOP_FIELDS)
    for key, value in fields.items():
        setattr(shop, key, value)
    shop.full_clean()
    with transaction.atomic():
        shop.save()
        audit_record(
            actor=actor, verb="shop.update", obj=shop, changes=diff(before, fields)
        )
    return shop


def department_ensure(
    *, actor: Actor, code: str, name: str, parent: Department | None = None
) -> Department:
    with transaction.atomic():
        dept, created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "parent": parent}
        )
        if created:
            audit_record(
                actor=actor,
                verb="department.create",
                obj=dept,
                action=AuditEntry.Action.CREATE,
                changes={"code": code, "name": name},
            )
    return dept


def staff_create(
    *,
    actor: Actor,
    username: str,
    password: str | None,
    name: str,
    role: str,
    department: Department,
    manager: Staff | None = None,
    shift: str = Shift.NONE,
    phone: str = "",
    email: str = "",
    hire_date: dt.date | None = None,
) -> Staff:
    """Create a login and its staff record, in the role's group.

    With `password=None` the login cannot sign in until a password is set.
    """
    if role not in Role.values:
        raise ValidationError(_("未知角色：%s") % role)
    user_model = get_user_model()
    with transaction.atomic():
        if user_model.objects.filter(username=username).exists():
            raise ValidationError(_("用户名已存在：%s") % username)
        user = user_model.objects.create_user(
            username=username, password=password, email=email, first_name=name
        )
        user.groups.add(Group.objects.get(name=role))
        staff = Staff.objects.create(
            user=user,
            name=name,
            role=role,
            shift=shift,
            department=department,
            manager=manager,
            phone=phone,
            hire_date=hire_date,
        )
        audit_record(
            actor=actor,
            verb="staff.create",
            obj=staff,
            action=AuditEntry.Action.CREATE,
            changes={"username": username, "role": role, "department": department.code},
        )
    return staff


def staff_set_role(*, actor: Actor, staff: Staff, role: str, shift: str = "") -> Staff:
    """Move a person to another role: their group follows."""
    if role not in Role.values:
        raise ValidationError(_("未知角色：%s") % role)
    with transaction.atomic():
        before = snapshot(staff, ["role", "shift"])
        staff.user.groups.remove(*Group.objects.filter(name__in=Role.values))
        staff.user.groups.add(Group.objects.get(name=role))
        staff.role, staff.shift = role, shift
        staff.save(update_fields=["role", "shift"])
        audit_record(
            actor=actor,
            verb="staff.set_role",
            obj=staff,
            changes=diff(before, {"role": role, "shift": shift}),
        )
    return staff


def staff_deactivate(*, actor: Actor, staff: Staff) -> Staff:
    with transaction.atomic():
        staff.active = False
        staff.save(update_fields=["active"])
        staff.user.is_active = False
        staff.user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            verb="staff.deactivate",
            obj=staff,
            changes={"active": [True, False]},
        )
    return staff


def api_token_create(*, actor: Actor, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it and the secret, which is shown only once."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, key_hash=token_digest(secret)
        )
        audit_record(
            actor=actor,
            verb="api_token.create",
            obj=token,
            action=AuditEntry.Action.CREATE,
            changes={"user": user.username, "name": name},
        )
    return token, secret


# How stale the stamp may be: a script's burst of requests writes it once a minute,
# not once a request (on SQLite every write takes the database's write lock).
TOKEN_TOUCH_EVERY = dt.timedelta(minutes=1)


def api_token_touch(*, token: ApiToken) -> None:
    """Stamp the time `token` was last used (an authenticated API request), unless it
    was stamped less than `TOKEN_TOUCH_EVERY` ago.

    A bookkeeping stamp, not a change anyone decides: no audit row, and one UPDATE of
    that column alone, so a request that only reads writes nothing else."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
