"""Forms of the purchasing pages: the formula's settings, supplier terms and prices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Sku


class SettingsForm(forms.Form):
    sales_window_days = forms.IntegerField(
        label=_("销量统计窗口（天）"), min_value=1, max_value=365
    )
    review_days = forms.IntegerField(
        label=_("复核周期（天）"), min_value=0, max_value=365
    )
    safety_stock_days = forms.IntegerField(
        label=_("安全库存（天）"), min_value=0, max_value=365
    )
    default_lead_time_days = forms.IntegerField(
        label=_("默认交货周期（天）"),
        min_value=0,
        max_value=365,
        help_text=_("SKU 没有供应商时使用"),
    )


class TermsForm(forms.Form):
    payment_terms = forms.CharField(label=_("付款条件"), max_length=200, required=False)
    review_days = forms.IntegerField(
        label=_("复核周期（天）"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("留空则用采购参数的复核周期"),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class PriceForm(forms.Form):
    sku = forms.CharField(label=_("商家编码"), max_length=64)
    price = forms.DecimalField(
        label=_("采购价"), min_value=0, max_digits=14, decimal_places=2
    )
    min_order_quantity = forms.IntegerField(
        label=_("起订量"), min_value=1, max_value=1_000_000, initial=1
    )
    order_multiple = forms.IntegerField(
        label=_("订购倍数"), min_value=1, max_value=1_000_000, initial=1
    )

    def clean_sku(self) -> Sku:
        code = self.cleaned_data["sku"].strip()
        sku = Sku.objects.filter(outer_code=code).first()
        if sku is None:
            raise forms.ValidationError(_("没有这个商家编码"))
        return sku


class CancelForm(forms.Form):
    """Cancel a purchase order; the service asks for the reason."""

    reason = forms.CharField(required=False, strip=False)
