"""Purchasing's duty: LOG-1.1, buy what orders and the warehouse need (cut-off 18:00).

- worklist: the suggestions of the purchasing day that ask to buy and wait for a
  decision, linking to the suggestions page;
- at 17:00 (the occurrence's start) the day's suggestions are computed, so logistics
  finds them ready;
- at 18:00 (its due time) the cut-off turns the accepted ones into purchase orders and
  tells the operations manager, then computes tomorrow's suggestions: needs that arise
  after the cut-off go into tomorrow's purchase.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core import clock
from shopops.core.duties import Duty, Occurrence, Worklist, registry

DUTY_ID = "LOG-1.1"


def _occurrence_day(occurrence: Occurrence) -> dt.date:
    return occurrence.due.astimezone(clock.shop_zone()).date()


def suggestions_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.purchasing.selectors import (
        purchasing_day,
        suggestions_to_review_count,
    )

    # Asked about today after 18:00, the work is tomorrow's purchase.
    target = purchasing_day() if day == clock.today() else day
    return Worklist(
        count=suggestions_to_review_count(day=target),
        url=reverse("purchasing:suggestions") + f"?day={target.isoformat()}",
        label=_("待确认的采购建议"),
    )


def build_suggestions(duty: Duty, occurrence: Occurrence) -> None:
    """At the occurrence's start: compute the day's suggestions."""
    from shopops.purchasing.services import purchase_suggestions_build

    purchase_suggestions_build(day=_occurrence_day(occurrence))


def cut_off(duty: Duty, occurrence: Occurrence) -> None:
    """At 18:00: order what was accepted (idempotent), then prepare tomorrow's."""
    from shopops.purchasing.services import purchase_cutoff, purchase_suggestions_build

    day = _occurrence_day(occurrence)
    purchase_cutoff(day=day)
    purchase_suggestions_build(day=day + dt.timedelta(days=1))


def plug_in() -> None:
    registry.provide(DUTY_ID, suggestions_worklist)
    registry.on_due(DUTY_ID, build_suggestions)
    registry.on_deadline(DUTY_ID, cut_off)
