from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from shopops.core.api_auth import require_perm
from shopops.org import selectors, services

router = Router(tags=["org"])


class ShopOut(Schema):
    id: int
    code: str
    name: str
    platform: str
    marketplace_shop_id: str
    active: bool


class ShopIn(Schema):
    code: str
    name: str
    platform: str
    marketplace_shop_id: str = ""


class StaffOut(Schema):
    id: int
    username: str
    name: str
    role: str
    shift: str
    department: str
    manager: str | None
    active: bool


@router.get("/shops", response=list[ShopOut])
def shops(request: HttpRequest) -> list:
    require_perm(request, "org.view_shop")
    return list(selectors.shop_list())


@router.post("/shops", response={201: ShopOut})
def shop_create(request: HttpRequest, payload: ShopIn) -> Status:
    require_perm(request, "org.add_shop")
    try:
        return Status(201, services.shop_create(actor=request.user, **payload.dict()))
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc


@router.get("/staff", response=list[StaffOut])
def staff(request: HttpRequest) -> list[dict]:
    require_perm(request, "org.view_staff")
    return [
        {
            "id": s.pk,
            "username": s.user.username,
            "name": s.name,
            "role": s.role,
            "shift": s.shift,
            "department": s.department.code,
            "manager": s.manager.name if s.manager else None,
            "active": s.active,
        }
        for s in selectors.staff_list()
    ]
