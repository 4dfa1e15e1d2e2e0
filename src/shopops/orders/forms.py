"""The forms of the order pages. They parse what was posted; the services check it
(a reason that is not one, a note too long) and refuse it with their own words."""

from __future__ import annotations

from django import forms


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
