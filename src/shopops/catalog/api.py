from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from shopops.catalog import selectors, services
from shopops.catalog.models import Listing
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, Short, get_or_404

router = Router(tags=["catalog"])


class SkuOut(Schema):
    outer_code: str
    attributes: str
    price: Decimal | None


class ProductOut(Schema):
    id: int
    code: str
    title: str
    category: str
    shelf_life_days: int | None
    cost_price: Decimal
    list_price: Decimal
    status: str
    skus: list[SkuOut]


class ListingOut(Schema):
    id: int
    shop: str
    product_code: str
    title: str
    state: str
    state_note: str


class ListingStateIn(Schema):
    state: str
    note: str = ""


class RowErrorOut(Schema):
    file: str
    row: int | None
    column: str
    value: str
    reason: str


class ProductImportOut(Schema):
    ok: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    errors: list[RowErrorOut]
    skus_created: int = 0
    skus_updated: int = 0
    categories_created: list[str] = []
    # On 422: the first bad rows in words, as every refusal of the API says it.
    detail: str = ""


class ErrorOut(Schema):
    """What django-ninja answers when the request itself is malformed (no file)."""

    detail: Any


@router.get("/products", response=list[ProductOut])
def products(
    request: HttpRequest, q: Short = "", status: Short = "", limit: int = 200
) -> list[dict]:
    require_perm(request, "catalog.view_product")
    qs = selectors.product_list(search=q, status=status).prefetch_related("skus")
    return [
        {
            "id": p.pk,
            "code": p.code,
            "title": p.title,
            "category": p.category.name,
            "shelf_life_days": p.shelf_life_days,
            "cost_price": p.cost_price,
            "list_price": p.list_price,
            "status": p.status,
            "skus": list(p.skus.all()),
        }
        for p in qs[: max(1, min(limit, 1000))]
    ]


def _listing_out(listing: Listing) -> dict:
    return {
        "id": listing.pk,
        "shop": listing.shop.code,
        "product_code": listing.product.code,
        "title": listing.title,
        "state": listing.state,
        "state_note": listing.state_note,
    }


@router.get("/listings", response=list[ListingOut])
def listings(
    request: HttpRequest, state: Short = "", attention: bool = False
) -> list[dict]:
    require_perm(request, "catalog.view_listing")
    qs = (
        selectors.listings_needing_attention()
        if attention
        else selectors.listing_list(state=state)
    )
    return [_listing_out(listing) for listing in qs[:1000]]


@router.post("/listings/{listing_id}/state", response=ListingOut)
def listing_state(
    request: HttpRequest, listing_id: Id, payload: ListingStateIn
) -> dict:
    require_perm(request, "catalog.change_listing")
    listing = get_or_404(selectors.listing_list(), listing_id, "listing")
    try:
        services.listing_set_state(
            actor=request.user, listing=listing, state=payload.state, note=payload.note
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return _listing_out(listing)


@router.post(
    "/products/import",
    response={200: ProductImportOut, 422: ProductImportOut | ErrorOut},
)
def product_import(request: HttpRequest, file: File[UploadedFile]) -> Status[dict]:
    """Import products and SKUs from a CSV/XLSX file (whole file or nothing).

    200 with the counts when imported; 422 with every bad row (file, row, column,
    value, reason) when nothing was written.
    """
    require_perm(request, "catalog.add_product")
    report = services.product_import(
        actor=request.user, file=file, filename=file.name or "upload"
    )
    if report.ok:
        return Status(200, report.as_dict())
    detail = "; ".join(str(error) for error in report.errors[:5])
    more = report.error_count - min(len(report.errors), 5)
    return Status(422, {**report.as_dict(), "detail": detail + (" …" if more else "")})
