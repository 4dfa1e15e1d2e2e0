"""The shipping API: the pack station."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, Short, get_or_404, service_errors
from shopops.orders import selectors as order_selectors
from shopops.shipping import exports, selectors, services
from shopops.shipping.api.base import (
    _order,
    _pack,
    _range,
    _shipments,
    _shop_id,
    router,
)
from shopops.shipping.api.schemas import PackOut, QcIn, QcOut, ShipmentIn, ShipmentOut
from shopops.shipping.models import (
    QualityCheck,
    Shipment,
)


@router.get("/shipping/pack", response=list[PackOut])
def pack_lookup(request: HttpRequest, order_no: Short, shop: Short = "") -> list[Any]:
    """Return the order(s) with this number, each line's quality check and shipment."""
    require_perm(request, "shipping.add_shipment")
    qs = order_selectors.orders_by_no(order_no.strip()[:32])
    shop_id = _shop_id(shop)
    if shop_id is not None:
        qs = qs.filter(shop_id=shop_id)
    return [_pack(order) for order in qs.order_by("shop__code")]


@router.get("/shipping/orders/{order_id}/qc", response=PackOut)
def qc_status(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    require_perm(request, "shipping.view_qualitycheck")
    return _pack(_order(order_id))


@router.post("/shipping/orders/{order_id}/qc", response={201: QcOut})
def qc_record(request: HttpRequest, order_id: Id, payload: QcIn) -> Status:
    """Record the check of units of a line. A failed unit is quarantined and the order
    gets the quality hold (evening customer service is told)."""
    require_perm(request, "shipping.add_qualitycheck")
    order = _order(order_id)
    line = order_selectors.order_line_get(order, payload.line_id)
    if line is None:
        raise HttpError(404, f"line {payload.line_id} of order {order_id} not found")
    with service_errors():
        check = services.qc_record(
            actor=request.user,
            order=order,
            line=line,
            result=payload.result,
            quantity=payload.quantity,
            defect_reason=payload.defect_reason,
            note=payload.note,
        )
    return Status(201, check)


@router.post("/shipping/orders/{order_id}/qc/pass-all", response={201: list[QcOut]})
def qc_pass_all(request: HttpRequest, order_id: Id) -> Status:
    require_perm(request, "shipping.add_qualitycheck")
    with service_errors():
        checks = services.qc_pass_all(actor=request.user, order=_order(order_id))
    return Status(201, checks)


@router.post("/shipping/qc/{qc_id}/photo", response=QcOut)
def qc_photo(
    request: HttpRequest, qc_id: Id, photo: File[UploadedFile]
) -> QualityCheck:
    """Attach a photo (JPEG, PNG, GIF, WebP or HEIC, at most 10 MB) to a check."""
    require_perm(request, "shipping.add_qualitycheck")
    check = get_or_404(QualityCheck, qc_id, "quality check")
    with service_errors():
        return services.qc_photo_attach(actor=request.user, check=check, photo=photo)


@router.post("/shipping/orders/{order_id}/shipment", response={201: ShipmentOut})
def shipment_create(request: HttpRequest, order_id: Id, payload: ShipmentIn) -> Status:
    """Ship an order with a courier and its tracking number. Refused (422) when the
    order is held or not paid, when any unit's quality check failed or is missing,
    when the number is not that courier's format, or when the courier is delayed."""
    require_perm(request, "shipping.add_shipment")
    with service_errors():
        shipment = services.shipment_create(
            actor=request.user,
            order=_order(order_id),
            courier=payload.courier,
            tracking_no=payload.tracking_no,
        )
    return Status(201, _shipments().get(pk=shipment.pk))


@router.get("/shipping/shipments", response=list[ShipmentOut])
def shipment_list(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop: Short = "",
) -> list[Shipment]:
    """Return the shipments of shop-local days [date_from, date_to] (default today)."""
    require_perm(request, "shipping.view_shipment")
    date_from, date_to = _range(date_from, date_to)
    return list(
        selectors.shipment_list(
            date_from=date_from, date_to=date_to, shop_id=_shop_id(shop)
        ).order_by("shipped_at", "pk")[:5000]
    )


@router.get("/shipping/shipments/bulk-shipping.csv")
def shipment_bulk_csv(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop: Short = "",
) -> StreamingHttpResponse:
    """Return the seller center's bulk-shipping CSV (GBK: 订单编号, 物流公司, 运单号)."""
    require_perm(request, "shipping.view_shipment")
    date_from, date_to = _range(date_from, date_to)
    qs = selectors.shipment_list(
        date_from=date_from, date_to=date_to, shop_id=_shop_id(shop)
    )
    return exports.bulk_shipping_response(qs, date_from, date_to)
