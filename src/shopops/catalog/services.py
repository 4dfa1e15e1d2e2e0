"""Writes of the catalog."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shopops.catalog.importers.products import (
    ProductDraft,
    SkuDraft,
    read_product_file,
)
from shopops.catalog.models import Category, Listing, Product, Sku, Supplier
from shopops.core.actors import Actor
from shopops.core.audit import audit_record
from shopops.core.importers import ImportReport, ImportSource, RowError, source_name
from shopops.core.models import AuditEntry

T = TypeVar("T")

# Keeps every `IN (…)` under the smallest SQLite parameter limit.
_IN_CHUNK = 500


def listing_set_state(
    *, actor: Actor, listing: Listing, state: str, note: str = ""
) -> Listing:
    """Move a listing on sale, into the warehouse, or mark it flagged for violation."""
    if state not in Listing.State.values:
        raise ValidationError(_("未知状态：%s") % state)
    with transaction.atomic():
        before = listing.state
        listing.state = state
        listing.state_note = note.strip()
        listing.save(update_fields=["state", "state_note", "updated_at"])
        audit_record(
            actor=actor,
            verb="listing.set_state",
            obj=listing,
            changes={"state": [before, state], "note": listing.state_note},
        )
    return listing


def _chunks(items: Sequence[T], size: int = _IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lock_products(
    codes: Iterable[str],
) -> tuple[dict[str, Product], dict[int, list[Sku]]]:
    """Return the products with these codes (row-locked in pk order) and their SKUs."""
    codes = sorted(set(codes))
    pks: list[int] = []
    for chunk in _chunks(codes):
        pks.extend(Product.objects.filter(code__in=chunk).values_list("pk", flat=True))
    pks.sort()
    found: dict[str, Product] = {}
    skus: dict[int, list[Sku]] = {}
    for pk_chunk in _chunks(pks):
        qs = (
            Product.objects.filter(pk__in=pk_chunk)
            .select_related("category", "default_supplier")
            .order_by("pk")
            .select_for_update(of=("self",))
        )
        found.update((p.code, p) for p in list(qs))
        for sku in Sku.objects.filter(product_id__in=pk_chunk):
            skus.setdefault(sku.product_id, []).append(sku)
    return found, skus


def _product_values(product: Product) -> dict[str, Any]:
    return {
        "title": product.title,
        "category": product.category.name,
        "shelf_life_days": product.shelf_life_days,
        "cost_price": product.cost_price,
        "list_price": product.list_price,
        "default_supplier": (
            product.default_supplier.code if product.default_supplier else None
        ),
        "status": product.status,
    }


def _sku_values(sku: Sku) -> dict[str, Any]:
    return {
        "outer_code": sku.outer_code,
        "attributes": sku.attributes,
        "price": sku.price,
    }


def _check_against_database(
    drafts: list[ProductDraft], report: ImportReport
) -> dict[str, Supplier]:
    """Add an error for every unknown supplier and every 商家编码 of another product."""
    supplier_codes = sorted({d.supplier for d in drafts if d.supplier})
    suppliers: dict[str, Supplier] = {}
    for chunk in _chunks(supplier_codes):
        suppliers.update((s.code, s) for s in Supplier.objects.filter(code__in=chunk))
    for draft in drafts:
        if draft.supplier and draft.supplier not in suppliers:
            row = draft.given_on["supplier"]
            report.add_error(row.error("supplier", _("没有这个供应商代码")))

    sku_rows: dict[str, tuple[ProductDraft, SkuDraft]] = {
        sku.outer_code: (draft, sku) for draft in drafts for sku in draft.skus
    }
    owners: dict[str, str] = {}
    for chunk in _chunks(sorted(sku_rows)):
        owners.update(
            Sku.objects.filter(outer_code__in=chunk).values_list(
                "outer_code", "product__code"
            )
        )
    for outer_code, owner in sorted(owners.items()):
        draft, sku = sku_rows[outer_code]
        if owner != draft.code:
            report.add_error(
                sku.row.error(
                    "outer_code",
                    _("这个商家编码已属于商品 %(code)s") % {"code": owner},
                )
            )
    return suppliers


def _categories(drafts: list[ProductDraft]) -> tuple[dict[str, Category], list[str]]:
    names = sorted({d.category for d in drafts})
    categories: dict[str, Category] = {}
    for chunk in _chunks(names):
        categories.update((c.name, c) for c in Category.objects.filter(name__in=chunk))
    created = [name for name in names if name not in categories]
    for name in created:
        categories[name] = Category.objects.create(name=name)
    return categories, created


def _sku_changes(
    product: Product, drafts: list[SkuDraft], existing: dict[str, Sku]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, list[Any]]]]:
    """Create and update the product's SKUs; return (added, changed) for the audit."""
    added: list[dict[str, Any]] = []
    changed: dict[str, dict[str, list[Any]]] = {}
    new: list[Sku] = []
    for draft in drafts:
        sku = existing.get(draft.outer_code)
        if sku is None:
            sku = Sku(
                product=product,
                outer_code=draft.outer_code,
                attributes=draft.attributes or "",
                price=draft.price,
            )
            new.append(sku)
            added.append(_sku_values(sku))
            continue
        fields: dict[str, list[Any]] = {}
        if draft.attributes is not None and sku.attributes != draft.attributes:
            fields["attributes"] = [sku.attributes, draft.attributes]
            sku.attributes = draft.attributes
        if draft.price_given and sku.price != draft.price:
            fields["price"] = [sku.price, draft.price]
            sku.price = draft.price
        if fields:
            sku.save(update_fields=list(fields))
            changed[sku.outer_code] = fields
    Sku.objects.bulk_create(new)
    return added, changed


def _product_create(
    *,
    actor: Actor,
    draft: ProductDraft,
    category: Category,
    supplier: Supplier | None,
    source: str,
) -> int:
    product = Product.objects.create(
        code=draft.code,
        title=draft.title,
        category=category,
        shelf_life_days=draft.shelf_life_days,
        cost_price=draft.cost_price,
        list_price=draft.list_price,
        default_supplier=supplier,
        status=draft.status or Product.Status.ACTIVE,
    )
    added, _changed = _sku_changes(product, draft.skus, {})
    audit_record(
        actor=actor,
        verb="product.create",
        obj=product,
        action=AuditEntry.Action.CREATE,
        changes={**_product_values(product), "skus": added, "source": source},
    )
    return len(added)


def _product_update(
    *,
    actor: Actor,
    product: Product,
    skus: list[Sku],
    draft: ProductDraft,
    category: Category,
    supplier: Supplier | None,
    source: str,
) -> tuple[bool, int, int]:
    """Apply the file's values; return (changed?, SKUs added, SKUs changed)."""
    before = _product_values(product)
    product.title = draft.title
    product.category = category
    product.cost_price = draft.cost_price
    product.list_price = draft.list_price
    if draft.shelf_life_given:
        product.shelf_life_days = draft.shelf_life_days
    if draft.supplier_given:
        product.default_supplier = supplier
    if draft.status:
        product.status = draft.status
    after = _product_values(product)
    fields = {
        key: [before[key], after[key]] for key in after if before[key] != after[key]
    }
    existing = {sku.outer_code: sku for sku in skus}
    added, changed = _sku_changes(product, draft.skus, existing)
    if not fields and not added and not changed:
        return False, 0, 0
    if fields:
        product.save(update_fields=list(fields))
    changes: dict[str, Any] = dict(fields)
    if added:
        changes["skus_added"] = added
    if changed:
        changes["skus_changed"] = changed
    changes["source"] = source
    audit_record(actor=actor, verb="product.update", obj=product, changes=changes)
    return True, len(added), len(changed)


def product_import(
    *, actor: Actor, file: ImportSource, filename: str | None = None
) -> ImportReport:
    """Import products and their SKUs from a CSV/XLSX file: the whole file or nothing.

    Columns are found by header name (see `catalog.importers.products`). New products
    are created, changed ones updated (an audit entry each), the rest left alone, and a
    "product.import" entry sums the import up; importing the same file again changes
    nothing. If any row is bad — in the file, or against the database (an unknown
    supplier, a 商家编码 that belongs to another product) — nothing is written and the
    report names every bad row.
    """
    drafts, report = read_product_file(file, filename=filename)
    source = source_name(file, filename)
    try:
        with transaction.atomic():
            suppliers = _check_against_database(drafts, report)
            if not report.ok:
                # Stable sort: a row's errors stay in column order.
                report.errors.sort(key=lambda e: (e.file, e.row or 0))
                return report
            _apply(
                actor=actor,
                drafts=drafts,
                suppliers=suppliers,
                source=source,
                report=report,
            )
            audit_record(
                actor=actor,
                verb="product.import",
                action=AuditEntry.Action.IMPORT,
                changes={
                    "file": source,
                    "rows": report.rows,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    **report.extra,
                },
            )
    except IntegrityError:
        report.created = report.updated = report.unchanged = 0
        report.extra.clear()
        report.add_error(
            RowError(source, None, "", "", _("导入时商品被同时修改，未导入；请重试"))
        )
    return report


def _apply(
    *,
    actor: Actor,
    drafts: list[ProductDraft],
    suppliers: dict[str, Supplier],
    source: str,
    report: ImportReport,
) -> None:
    existing, skus_by_product = _lock_products(d.code for d in drafts)
    categories, new_categories = _categories(drafts)
    skus_created = skus_updated = 0
    for draft in drafts:
        category = categories[draft.category]
        supplier = suppliers.get(draft.supplier) if draft.supplier else None
        product = existing.get(draft.code)
        if product is None:
            skus_created += _product_create(
                actor=actor,
                draft=draft,
                category=category,
                supplier=supplier,
                source=source,
            )
            report.created += 1
            continue
        changed, added, updated = _product_update(
            actor=actor,
            product=product,
            skus=skus_by_product.get(product.pk, []),
            draft=draft,
            category=category,
            supplier=supplier,
            source=source,
        )
        skus_created += added
        skus_updated += updated
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    report.extra.update(
        skus_created=skus_created,
        skus_updated=skus_updated,
        categories_created=new_categories,
    )
