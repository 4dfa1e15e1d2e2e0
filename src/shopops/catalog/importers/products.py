"""The product file: products and their SKUs from CSV/XLSX, columns by header name.

One row per SKU; rows with the same 商品编码 add SKUs to one product, and must agree on
the product's own columns. This module only reads and checks the file (no database);
`shopops.catalog.services.product_import` checks it against the database and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopops.catalog.models import Category, Product, Sku
from shopops.core.importers import (
    Column,
    ImportReport,
    ImportSource,
    ParsedRow,
    Spec,
    choice_cell,
    code_cell,
    display_value,
    int_cell,
    money_cell,
    read_rows,
    template_xlsx,
    text_cell,
)
from shopops.core.money import ZERO

MAX_SHELF_LIFE_DAYS = 36500

STATUS_CHOICES: dict[str, str] = {
    Product.Status.ACTIVE.value: Product.Status.ACTIVE.value,
    Product.Status.DRAFT.value: Product.Status.DRAFT.value,
    Product.Status.DISCONTINUED.value: Product.Status.DISCONTINUED.value,
    "在售": Product.Status.ACTIVE.value,
    "草稿": Product.Status.DRAFT.value,
    "停售": Product.Status.DISCONTINUED.value,
}


def _max_length(model: Any, name: str) -> int:
    length = getattr(model._meta.get_field(name), "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


PRODUCT_SPEC = Spec(
    [
        Column(
            "code",
            "商品编码",
            ("code", "product_code"),
            required=True,
            parse=code_cell(max_length=_max_length(Product, "code")),
            help=gettext_lazy("商品的唯一编码；同一编码的多行是同一商品的多个 SKU"),
        ),
        Column(
            "title",
            "标题",
            ("title",),
            required=True,
            parse=text_cell(max_length=_max_length(Product, "title")),
            help=gettext_lazy("商品标题"),
        ),
        Column(
            "category",
            "类目",
            ("category",),
            required=True,
            parse=text_cell(max_length=_max_length(Category, "name")),
            help=gettext_lazy("类目名称；没有的类目会自动新建"),
        ),
        Column(
            "shelf_life_days",
            "保质期",
            ("保质期（天）", "shelf_life_days", "shelf_life"),
            parse=int_cell(minimum=1, maximum=MAX_SHELF_LIFE_DAYS),
            help=gettext_lazy("天数，大于 0 的整数；没有保质期留空"),
        ),
        Column(
            "cost_price",
            "成本价",
            ("cost_price", "cost"),
            required=True,
            parse=money_cell(minimum=ZERO),
            help=gettext_lazy("元，不小于 0；可带“元”“¥”和千位逗号"),
        ),
        Column(
            "list_price",
            "标价",
            ("list_price", "price"),
            required=True,
            parse=money_cell(minimum=ZERO),
            help=gettext_lazy("元，不小于 0"),
        ),
        Column(
            "supplier",
            "供应商",
            ("供应商代码", "supplier", "supplier_code"),
            parse=code_cell(),
            help=gettext_lazy("供应商代码（须已存在）；留空表示没有默认供应商"),
        ),
        Column(
            "status",
            "状态",
            ("status",),
            parse=choice_cell(STATUS_CHOICES),
            help=gettext_lazy(
                "在售/草稿/停售（或 active/draft/discontinued）；留空：新商品为在售，"
                "已有商品不变"
            ),
        ),
        Column(
            "outer_code",
            "商家编码",
            ("outer_code", "sku_code", "sku"),
            parse=code_cell(max_length=_max_length(Sku, "outer_code")),
            help=gettext_lazy("SKU 的商家编码，每行一个；各商品之间不能重复"),
        ),
        Column(
            "attributes",
            "销售属性",
            ("attributes", "sku_attributes"),
            parse=text_cell(max_length=_max_length(Sku, "attributes")),
            help=gettext_lazy("如“颜色:军绿;尺码:L”"),
        ),
        Column(
            "sku_price",
            "SKU售价",
            ("sku_price",),
            parse=money_cell(minimum=ZERO),
            help=gettext_lazy("元；留空则按商品标价卖"),
        ),
    ]
)

# The product's own columns, which every row of one 商品编码 must agree on.
_PRODUCT_FIELDS = (
    "title",
    "category",
    "shelf_life_days",
    "cost_price",
    "list_price",
    "supplier",
    "status",
)


@dataclass
class SkuDraft:
    """One SKU row. `attributes`/`price` are None when the file has no such column."""

    outer_code: str
    row: ParsedRow
    attributes: str | None
    price: Decimal | None
    price_given: bool


@dataclass
class ProductDraft:
    """A product as the file describes it (merged from its rows).

    For optional columns, `*_given` says whether the file has the column: a column the
    file lacks leaves the product's value alone.
    """

    code: str
    rows: list[ParsedRow]
    title: str
    category: str
    cost_price: Decimal
    list_price: Decimal
    shelf_life_days: int | None = None
    shelf_life_given: bool = False
    supplier: str | None = None
    supplier_given: bool = False
    status: str | None = None
    skus: list[SkuDraft] = field(default_factory=list)
    # Which row each product-level value came from, for error messages.
    given_on: dict[str, ParsedRow] = field(default_factory=dict)

    @property
    def row(self) -> int:
        return self.rows[0].row


def _merge(draft: ProductDraft, row: ParsedRow, report: ImportReport) -> None:
    """Check a further row of the same product against what its earlier rows said.

    An empty optional cell says nothing; a filled one must match the earlier value.
    """
    for key in _PRODUCT_FIELDS:
        value = row.values.get(key)
        if value is None:
            continue
        current = getattr(draft, key)
        if current is None:
            setattr(draft, key, value)
            draft.given_on[key] = row
        elif current != value:
            report.add_error(
                row.error(
                    key,
                    _("同一商品编码的第 %(row)d 行写的是“%(value)s”，两行不一致")
                    % {
                        "row": draft.given_on[key].row,
                        "value": display_value(draft.given_on[key].raw.get(key)),
                    },
                )
            )
    draft.rows.append(row)


def read_product_file(
    file: ImportSource, *, filename: str | None = None
) -> tuple[list[ProductDraft], ImportReport]:
    """Read and check a product file; return the products it describes and a report.

    Every bad cell, every disagreement between rows of one product and every repeated
    商家编码 is an error in the report. The drafts (built from the rows that read
    cleanly) are still returned, so the database checks can name their bad rows too;
    they are only to be written when `report.ok`.
    """
    report = ImportReport()
    drafts: dict[str, ProductDraft] = {}
    outer_rows: dict[str, int] = {}
    for row in read_rows(
        file, PRODUCT_SPEC, report=report, filename=filename, skip_bad=False
    ):
        if not row.ok:
            # Its errors are reported; its 商家编码 still counts against repeats.
            outer_code = row["outer_code"]
            if outer_code is not None:
                outer_rows.setdefault(outer_code, row.row)
            continue
        code = row["code"]
        draft = drafts.get(code)
        if draft is None:
            draft = ProductDraft(
                code=code,
                rows=[row],
                title=row["title"],
                category=row["category"],
                cost_price=row["cost_price"],
                list_price=row["list_price"],
                shelf_life_days=row["shelf_life_days"],
                shelf_life_given=row.has("shelf_life_days"),
                supplier=row["supplier"],
                supplier_given=row.has("supplier"),
                status=row["status"],
                given_on={key: row for key in _PRODUCT_FIELDS if row[key] is not None},
            )
            drafts[code] = draft
        else:
            _merge(draft, row, report)
        outer_code = row["outer_code"]
        if outer_code is None:
            if row.has("outer_code") and (
                row["attributes"] is not None or row["sku_price"] is not None
            ):
                report.add_error(
                    row.error(
                        "outer_code", _("填写了 SKU 的属性或售价，但没有商家编码")
                    )
                )
            continue
        seen = outer_rows.get(outer_code)
        if seen is not None:
            report.add_error(
                row.error(
                    "outer_code",
                    _("商家编码重复（第 %(row)d 行已出现）") % {"row": seen},
                )
            )
            continue
        outer_rows[outer_code] = row.row
        draft.skus.append(
            SkuDraft(
                outer_code=outer_code,
                row=row,
                attributes=(row["attributes"] or "") if row.has("attributes") else None,
                price=row["sku_price"],
                price_given=row.has("sku_price"),
            )
        )
    return list(drafts.values()), report


def product_template_xlsx() -> bytes:
    """Return the XLSX template users fill in: the headers, and what each column takes."""
    return template_xlsx(PRODUCT_SPEC, sheet_title=_("商品"), notes_title=_("填写说明"))
