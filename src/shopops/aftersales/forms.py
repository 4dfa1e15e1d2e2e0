"""The forms of the after-sales pages. They parse what was posted; the services check
it (a kind or outcome that is not one, an amount above what was paid) and refuse it
with their own words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Sku
from shopops.orders.models import OrderLine
from shopops.stock.services import ReturnedLine

AMOUNT_INVALID = _("退款金额不是数字")


class _ExchangeForm(forms.Form):
    exchange_sku = forms.ModelChoiceField(queryset=Sku.objects.all(), required=False)
    exchange_quantity = forms.IntegerField(required=False)


class HoldOutcomeForm(_ExchangeForm):
    """The evening shift's outcome of a hold, which may raise an after-sale."""

    outcome = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
    refund_amount = forms.DecimalField(
        required=False, error_messages={"invalid": AMOUNT_INVALID}
    )


class AfterSaleForm(_ExchangeForm):
    """An after-sale raised from an order's page."""

    kind = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, strip=False)
    amount = forms.DecimalField(
        required=False, error_messages={"invalid": AMOUNT_INVALID}
    )


class AfterSaleDecisionForm(forms.Form):
    """Confirm or reject an after-sale; confirming says, for each line, how many
    units came back fit to sell (`good_<line id>`) and damaged (`damaged_<line id>`)."""

    note = forms.CharField(required=False, strip=False)

    def __init__(self, *args: Any, lines: Iterable[OrderLine] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            for key in ("good", "damaged"):
                self.fields[f"{key}_{line.pk}"] = forms.IntegerField(
                    required=False,
                    error_messages={
                        "invalid": _("%s：退回件数必须是整数") % line.outer_code
                    },
                )

    def returned(self) -> list[ReturnedLine]:
        """The lines that came back, from the cleaned data."""
        returned = []
        for line in self.lines:
            good = self.cleaned_data[f"good_{line.pk}"] or 0
            damaged = self.cleaned_data[f"damaged_{line.pk}"] or 0
            if good or damaged:
                returned.append(
                    ReturnedLine(line_id=line.pk, good=good, damaged=damaged)
                )
        return returned
