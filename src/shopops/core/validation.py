"""Checks that several apps' services share on the text they are given."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def bounded(value: str, limit: int, label: str) -> str:
    """Return `value` stripped; refuse it if its column cannot hold it, or if it holds
    a NUL character (PostgreSQL cannot store one)."""
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(
            _("%(label)s最多 %(limit)d 个字") % {"label": label, "limit": limit}
        )
    if "\x00" in value:
        raise ValidationError(_("%s含有不可见的空字符") % label)
    return value
