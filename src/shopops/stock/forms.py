"""Forms of the stock pages: they parse; the services validate and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Category, Sku
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Movement,
    Warehouse,
)


class DateInput(forms.DateInput):
    input_type = "date"


class SkuField(forms.CharField):
    """A SKU typed or scanned as its outer code (商家编码) or barcode."""

    def clean(self, value: Any) -> Sku | None:
        code = super().clean(value)
        if not code:
            return None
        sku = (
            Sku.objects.select_related("product").filter(outer_code=code).first()
            or Sku.objects.select_related("product").filter(barcode=code).first()
        )
        if sku is None:
            raise forms.ValidationError(_("没有商家编码或条码为 %s 的 SKU") % code)
        return sku


def _locations() -> Any:
    return Location.objects.select_related("warehouse").order_by(
        "warehouse__code", "code"
    )


class ReceiveForm(forms.Form):
    sku = SkuField(label=_("商家编码"), max_length=64)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=1_000_000)
    location = forms.ModelChoiceField(
        label=_("库位"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("默认库位"),
    )
    lot_no = forms.CharField(label=_("批号"), max_length=64, required=False)
    production_date = forms.DateField(
        label=_("生产日期"), required=False, widget=DateInput
    )
    expiry_date = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=DateInput,
        help_text=_("有保质期的商品必填"),
    )
    reference = forms.CharField(label=_("单据号"), max_length=64, required=False)
    reason = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        made, expires = data.get("production_date"), data.get("expiry_date")
        if made and expires and expires < made:
            self.add_error("expiry_date", _("有效期不能早于生产日期"))
        return data


class _OneOfSeveral(forms.Form):
    """A form that shares its page with others: ids of its own (`<prefix>_<field>`), so
    that every label points at its own field; field names stay plain."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AdjustForm(_OneOfSeveral):
    id_prefix = "adjust"

    delta = forms.IntegerField(
        label=_("调整数量"),
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=_("正数为增加（找到的货），负数为减少（丢失、报损）"),
    )
    reason = forms.CharField(label=_("原因"), max_length=200)


class TransferForm(_OneOfSeveral):
    id_prefix = "transfer"

    quantity = forms.IntegerField(label=_("移库数量"), min_value=1, max_value=1_000_000)
    location = forms.ModelChoiceField(
        label=_("目标库位"), queryset=Location.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("说明"), max_length=150, required=False)

    def __init__(self, *args: Any, level: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = _locations().exclude(pk=level.location_id)
        self.fields["location"].queryset = others  # type: ignore[attr-defined]


class QuarantineForm(_OneOfSeveral):
    """Set available units aside (found damaged on the shelf, recalled lot)."""

    id_prefix = "quarantine"

    quantity = forms.IntegerField(label=_("隔离数量"), min_value=1, max_value=1_000_000)
    reason = forms.CharField(label=_("原因"), max_length=200)


class QuarantineResolveForm(_OneOfSeveral):
    """Settle quarantined units after inspection."""

    id_prefix = "resolve"

    quantity = forms.IntegerField(label=_("处理数量"), min_value=1, max_value=1_000_000)
    outcome = forms.ChoiceField(
        label=_("处理方式"),
        choices=[
            (Movement.Kind.UNQUARANTINE, _("检验合格，恢复可售")),
            (Movement.Kind.SCRAP, _("报废（减少在库）")),
        ],
    )
    reason = forms.CharField(label=_("原因"), max_length=200)


class WarehouseForm(forms.Form):
    code = forms.SlugField(label=_("仓库代码"), max_length=32)
    name = forms.CharField(label=_("仓库名称"), max_length=100)


class LocationForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=_("仓库"), queryset=Warehouse.objects.all(), empty_label=None
    )
    code = forms.CharField(
        label=_("库位代码"), max_length=32, help_text=_("如 A-01-02：区-架-层")
    )


class CountSheetForm(forms.Form):
    scope = forms.ChoiceField(label=_("盘点范围"), choices=CountSheet.Scope.choices)
    warehouse = forms.ModelChoiceField(
        label=_("仓库"),
        queryset=Warehouse.objects.all(),
        required=False,
        help_text=_("按仓库盘点时必选；按类目盘点时可限定仓库"),
    )
    location = forms.ModelChoiceField(
        label=_("库位"), queryset=Location.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("类目"), queryset=Category.objects.all(), required=False
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()  # type: ignore[attr-defined]


class CountLineForm(forms.Form):
    counted = forms.IntegerField(label=_("实盘"), min_value=0, max_value=1_000_000)
    quality = forms.ChoiceField(
        label=_("质量"),
        choices=CountLine.Quality.choices,
        initial=CountLine.Quality.GOOD,
        required=False,
    )
    problem_quantity = forms.IntegerField(
        label=_("问题件数"), min_value=0, max_value=1_000_000, required=False
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class CountLineAddForm(forms.Form):
    sku = SkuField(label=_("商家编码"), max_length=64)
    location = forms.ModelChoiceField(
        label=_("库位"), queryset=Location.objects.none(), empty_label=None
    )
    lot_no = forms.CharField(label=_("批号"), max_length=64, required=False)
    expiry_date = forms.DateField(label=_("有效期至"), required=False, widget=DateInput)

    def __init__(self, *args: Any, sheet: CountSheet | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        locations = _locations()
        if sheet is not None and sheet.location_id:
            locations = locations.filter(pk=sheet.location_id)
        elif sheet is not None and sheet.warehouse_id:
            locations = locations.filter(warehouse_id=sheet.warehouse_id)
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]


class MonthField(forms.CharField):
    """A month typed as "2026-11" (the browser's month input)."""

    def clean(self, value: Any) -> dt.date | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(f"{text}-01")
        except ValueError:
            raise forms.ValidationError(_("月份格式应为 2026-11")) from None


class ReportBuildForm(forms.Form):
    month = MonthField(label=_("月份"), max_length=7)
    rebuild = forms.BooleanField(label=_("重新生成"), required=False)
