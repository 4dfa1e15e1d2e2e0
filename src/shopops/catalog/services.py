"""Writes of the catalog."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shopops.catalog.models import Listing
from shopops.core.audit import audit_record


def listing_set_state(*, actor: Any, listing: Listing, state: str, note: str = "") -> Listing:
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
