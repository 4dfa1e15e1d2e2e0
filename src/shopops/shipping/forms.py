"""The forms of the shipping pages. They parse what was posted; the services check it
(a courier that is not one, a tracking number of the wrong shape, a note too long)
and refuse it with their own words."""

from __future__ import annotations

from django import forms


class WaveForm(forms.Form):
    """Reserve the waiting orders, or make a pick list: of one shop, up to `limit`."""

    shop = forms.IntegerField(required=False)
    limit = forms.IntegerField(required=False)


class QualityCheckForm(forms.Form):
    line = forms.IntegerField(required=False)
    result = forms.CharField(required=False, strip=False)
    quantity = forms.IntegerField(required=False)
    defect_reason = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
    # the service checks the photo's size and type
    photo = forms.FileField(required=False, allow_empty_file=True)


class ShipForm(forms.Form):
    courier = forms.CharField(required=False, strip=False)
    tracking_no = forms.CharField(required=False, strip=False)


class CourierDelayForm(forms.Form):
    courier = forms.CharField(required=False, strip=False)
    province = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)


class CourierDelayLiftForm(forms.Form):
    """Lift a delay; its holds are released too unless `release_holds` is not 1."""

    release_holds = forms.CharField(required=False)

    def clean_release_holds(self) -> bool:
        return bool(self.data.get("release_holds", "1") == "1")


class HandoffProblemForm(forms.Form):
    order_no = forms.CharField(required=False)
    courier = forms.CharField(required=False, strip=False)
    kind = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
