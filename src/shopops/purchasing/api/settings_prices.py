"""The purchasing API: settings and prices."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shopops.catalog.models import Sku, Supplier
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
    get_or_404,
    service_errors,
)
from shopops.purchasing import selectors, services
from shopops.purchasing.api.base import _supplier, router
from shopops.purchasing.api.schemas import (
    SettingsIn,
    SettingsOut,
    SupplierPriceIn,
    SupplierPriceOut,
    SupplierTermsIn,
    SupplierTermsOut,
)


@router.get("/purchasing/settings", response=SettingsOut)
def settings_get(request: HttpRequest) -> Any:
    """Return the figures of the suggestion formula."""
    require_perm(request, "purchasing.view_purchasesettings")
    return selectors.purchase_settings_get()


@router.put("/purchasing/settings", response=SettingsOut)
def settings_update(request: HttpRequest, payload: SettingsIn) -> Any:
    """Change some of the formula's figures (the fields given)."""
    require_perm(request, "purchasing.change_purchasesettings")
    values = {k: v for k, v in payload.model_dump().items() if v is not None}
    with service_errors():
        return services.purchase_settings_update(actor=request.user, **values)


@router.get("/purchasing/supplier-prices", response=list[SupplierPriceOut])
def supplier_prices(request: HttpRequest, supplier_id: Id | None = None) -> Any:
    """Return the suppliers' prices (of one supplier when given), at most 5000."""
    require_perm(request, "purchasing.view_supplierprice")
    return list(selectors.supplier_price_list(supplier_id=supplier_id)[:5000])


@router.put("/purchasing/supplier-prices", response=SupplierPriceOut)
def supplier_price_set(request: HttpRequest, payload: SupplierPriceIn) -> Any:
    """Record a supplier's price, minimum order quantity and multiple for a SKU."""
    require_perm(request, "purchasing.change_supplierprice")
    supplier = _supplier(payload.supplier_id)
    sku = get_or_404(Sku, payload.sku_id, "SKU", status=422)
    with service_errors():
        row = services.supplier_price_set(
            actor=request.user,
            supplier=supplier,
            sku=sku,
            price=payload.price,
            min_order_quantity=payload.min_order_quantity,
            order_multiple=payload.order_multiple,
        )
    return selectors.supplier_price_list().get(pk=row.pk)


@router.get("/purchasing/supplier-terms", response=list[SupplierTermsOut])
def supplier_terms(request: HttpRequest) -> Any:
    """Return every supplier's payment terms and own review period."""
    require_perm(request, "purchasing.view_supplierterms")
    return list(selectors.supplier_terms_list())


@router.put("/purchasing/supplier-terms/{int:supplier_id}", response=SupplierTermsOut)
def supplier_terms_update(
    request: HttpRequest, supplier_id: Id, payload: SupplierTermsIn
) -> Any:
    """Record a supplier's payment terms and review period (null: the settings')."""
    require_perm(request, "purchasing.change_supplierterms")
    supplier = get_or_404(Supplier, supplier_id, "supplier")
    with service_errors():
        return services.supplier_terms_update(
            actor=request.user,
            supplier=supplier,
            payment_terms=payload.payment_terms,
            review_days=payload.review_days,
            note=payload.note,
        )
