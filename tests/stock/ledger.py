"""The stock ledger's invariant, checked by the stock tests after they write."""

from __future__ import annotations

from django.db.models import Sum

from shopops.stock.models import Movement, StockLevel


def assert_ledger_matches_levels() -> None:
    """Every level's cached quantities are the sums of its movements."""
    for level in StockLevel.objects.all():
        sums = Movement.objects.filter(level=level).aggregate(
            on_hand=Sum("on_hand_delta"),
            reserved=Sum("reserved_delta"),
            quarantined=Sum("quarantined_delta"),
        )
        assert (level.on_hand, level.reserved, level.quarantined) == (
            sums["on_hand"] or 0,
            sums["reserved"] or 0,
            sums["quarantined"] or 0,
        ), level
