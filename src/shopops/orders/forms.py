"""The forms of the order pages. They parse what was posted; the services check it
(a reason that is not one, a note too long) and refuse it with their own words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shopops.org.models import Shop
from shopops.org.selectors import active_shops


class HoldForm(forms.Form):
    """Hold one order (from its page)."""

    reason = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)


class HoldBulkForm(HoldForm):
    """Hold every paid order of a shop, courier or province."""

    shop = forms.IntegerField(required=False)
    courier = forms.CharField(required=False)
    province = forms.CharField(required=False)


class HoldReleaseForm(forms.Form):
    note = forms.CharField(required=False, strip=False)


class ComplaintForm(forms.Form):
    kind = forms.CharField(required=False, strip=False)
    description = forms.CharField(required=False, strip=False)


class ComplaintUpdateForm(forms.Form):
    state = forms.CharField(required=False, strip=False)
    outcome = forms.CharField(required=False, strip=False)


class HoldReasonSettingForm(forms.Form):
    reason = forms.CharField(required=False, strip=False)
    flag = forms.IntegerField(required=False)
    message_template = forms.CharField(required=False, strip=False)


class OrderImportForm(forms.Form):
    shop = forms.ModelChoiceField(
        label=_("店铺"), queryset=Shop.objects.none(), empty_label=None
    )
    orders_file = forms.FileField(
        label=_("订单报表"),
        help_text=_("卖家中心导出的订单报表（ExportOrderList*.csv），或另存的 XLSX"),
    )
    items_file = forms.FileField(
        label=_("宝贝报表（可选）"),
        required=False,
        help_text=_(
            "同一次导出的宝贝报表（ExportOrderDetailList*.csv）：订单明细随订单导入"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shop"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = active_shops()
