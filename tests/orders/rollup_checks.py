"""`assert_rollups_clean()`: fail unless the daily rollups agree with the orders."""

from __future__ import annotations

from shopops.orders.rollups import rollups_check


def assert_rollups_clean() -> None:
    """Fail, listing what differs, unless every shop's rollups agree with its orders
    (`shopops rollups check`)."""
    differences = rollups_check()
    assert not differences, "rollups differ from the orders:\n" + "\n".join(
        str(d) for d in differences[:20]
    )
