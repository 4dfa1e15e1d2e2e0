"""Forms of the shared pages."""

from __future__ import annotations

from django import forms


class DutyDoneForm(forms.Form):
    """Mark a duty's occurrence done, with an optional note (the service checks it)."""

    note = forms.CharField(required=False, strip=False)
