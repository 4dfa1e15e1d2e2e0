"""Reads of the catalog."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from shopops.catalog.models import Category, Listing, Product, Sku


def product_list(
    *, search: str = "", category_id: int | None = None, status: str = ""
) -> QuerySet[Product]:
    qs = (
        Product.objects.select_related("category", "default_supplier")
        .annotate(sku_count=Count("skus"))
        .order_by("code")
    )
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(code__icontains=search)
            | Q(skus__outer_code=search)
        ).distinct()
    if category_id:
        qs = qs.filter(category_id=category_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def listing_list(*, shop_id: int | None = None, state: str = "") -> QuerySet[Listing]:
    qs = Listing.objects.select_related("shop", "product", "product__category")
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    if state:
        qs = qs.filter(state=state)
    return qs


def listings_needing_attention() -> QuerySet[Listing]:
    """Return listings of active products sitting in the warehouse or flagged (LOG-4.1)."""
    return listing_list().filter(
        state__in=[Listing.State.IN_WAREHOUSE, Listing.State.VIOLATION],
        product__status=Product.Status.ACTIVE,
    )


def active_skus(limit: int = 500) -> QuerySet[Sku]:
    """The SKUs on sale, by outer code, for a page's SKU choice."""
    return Sku.objects.filter(active=True).order_by("outer_code")[:limit]


def category_choices() -> QuerySet[Category]:
    """The categories, in their own order, for a page's category filter."""
    return Category.objects.all()


def sku_get(*, outer_code: str) -> Sku | None:
    """The SKU with this outer code, with its product, or None."""
    return Sku.objects.select_related("product").filter(outer_code=outer_code).first()
