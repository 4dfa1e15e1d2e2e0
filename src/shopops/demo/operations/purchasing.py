"""Purchasing: the suppliers' prices and weekdays, suggestions, acceptance before the
festivals, the cut-off, and rush deliveries when a day is short."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from shopops.demo.operations.base import (
    FESTIVAL_LEAD,
    FESTIVAL_SAFETY_DAYS,
    FESTIVALS,
    PAYMENT_TERMS,
    SAFETY_DAYS,
)
from shopops.demo.operations.stock import _Stock
from shopops.demo.timeline import at
from shopops.purchasing.models import PurchaseSuggestion
from shopops.purchasing.selectors import purchasing_day
from shopops.purchasing.services import (
    purchase_cutoff,
    purchase_settings_update,
    purchase_suggestion_set_quantity,
    purchase_suggestions_accept_supplier,
    purchase_suggestions_build,
    supplier_price_set,
    supplier_terms_update,
)

if TYPE_CHECKING:
    from shopops.demo.generator import _Item


class _Purchasing(_Stock):
    def plan_reorder(self, sku_id: int) -> None:
        """Let logistics reorder a SKU that ran out on the supplier's last order day,
        if its delivery is due after today (the order shows as "on order")."""
        supplier = self.items[sku_id].product.default_supplier
        if supplier is None:
            return
        for back in range(1, 8):
            day = self.today - dt.timedelta(days=back)
            if supplier.code in self.ordering(day) and (
                day + dt.timedelta(days=supplier.lead_time_days) > self.today
            ):
                self.roles.reorder_day[sku_id] = day
                return

    def ordering(self, day: dt.date) -> set[str]:
        """Return the codes of the suppliers logistics orders from on `day`."""
        return self.order_days.get(day.weekday(), set())

    def plan_suppliers(self) -> None:
        """Order from the busy suppliers twice a week, the others once."""
        skus_by_supplier: dict[str, int] = defaultdict(int)
        for item in self.items.values():
            if item.product.default_supplier is not None:
                skus_by_supplier[item.product.default_supplier.code] += 1
        self.order_days: dict[int, set[str]] = defaultdict(set)
        self.review: dict[str, int] = {}
        codes = sorted(self.b.suppliers)
        busiest = sorted(codes, key=lambda c: -skus_by_supplier[c])[: len(codes) // 2]
        for index, code in enumerate(codes):
            days = [index % 5]
            if code in busiest:
                days.append((index + 3) % 5)
            for weekday in days:
                self.order_days[weekday].add(code)
            self.review[code] = 7 // len(days)

    def set_prices(self) -> None:
        rng = self.rng
        suppliers = sorted(self.b.suppliers.values(), key=lambda s: s.code)
        for supplier in suppliers:
            supplier_terms_update(
                actor=self.user["logistics"],
                supplier=supplier,
                payment_terms=rng.choice(PAYMENT_TERMS),
                review_days=self.review[supplier.code],
                note="每周{}下单".format(
                    "、".join(
                        "一二三四五"[d]
                        for d in sorted(
                            d
                            for d, codes in self.order_days.items()
                            if supplier.code in codes
                        )
                    )
                ),
            )
        prices = 0
        for _sku_id, item in sorted(self.items.items()):
            product = item.product
            source = product.default_supplier
            if source is None:
                continue
            moq, multiple = self.order_quantities(item)
            cost = product.cost_price
            supplier_price_set(
                actor=self.user["logistics"],
                supplier=source,
                sku=item.sku,
                price=(cost * Decimal(rng.randint(96, 102)) / 100).quantize(
                    Decimal("0.01")
                ),
                min_order_quantity=moq,
                order_multiple=multiple,
            )
            prices += 1
            if rng.random() < 0.12:  # another supplier quotes it, dearer
                other = rng.choice([s for s in suppliers if s.pk != source.pk])
                supplier_price_set(
                    actor=self.user["logistics"],
                    supplier=other,
                    sku=item.sku,
                    price=(cost * Decimal(rng.randint(104, 115)) / 100).quantize(
                        Decimal("0.01")
                    ),
                    min_order_quantity=moq,
                    order_multiple=multiple,
                )
                prices += 1
        self.b.counts["supplier_prices"] = prices

    def order_quantities(self, item: _Item) -> tuple[int, int]:
        """Return (minimum order quantity, order multiple) of a SKU: by the case for
        canisters and food, by cost for the rest."""
        if item.spec.name == "气罐":
            return 24, 24
        if item.spec.name == "户外食品":
            return 20, 10
        cost = item.product.cost_price
        if cost < 30:
            return 20, 1
        if cost < 100:
            return 10, 1
        if cost < 300:
            return 5, 1
        return 2, 1

    def hurry(self, sku_id: int, missing: int, day: dt.date) -> None:
        """Buy what the day's shipments lack from the supplier, delivered that morning."""
        item = self.items[sku_id]
        days = max(1, (self.today - self.go_live).days)
        daily = max(1.0, sum(q for _, q in self.units.get(sku_id, [])) / days)
        self.emergencies += 1
        self.receive_lot(
            item,
            missing + math.ceil(daily * 7),
            production=day - dt.timedelta(days=self.rng.randint(5, 30)),
            reason="加急补货：供应商当天送达",
            reference=f"RUSH-{day:%Y%m%d}",
        )

    def suggest(self, day: dt.date) -> None:
        purchase_suggestions_build(day=day, actor=None)

    def accept(self, day: dt.date) -> None:
        """Accept the day's suggestions of the suppliers ordered from today."""
        buyer = self.user["logistics"]
        for code in sorted(self.ordering(day)):
            supplier = self.b.suppliers[code]
            rows = list(
                PurchaseSuggestion.objects.filter(
                    day=day, supplier=supplier, purchase_order__isnull=True
                ).order_by("pk")
            )
            for row in rows:
                if row.sku_id in self.roles.doomed and (
                    self.roles.reorder_day.get(row.sku_id) != day
                ):
                    purchase_suggestion_set_quantity(
                        actor=buyer, suggestion=row, quantity=0
                    )
                    continue
                # The formula looks back; the buyer looks ahead at the season.
                season = self.items[row.sku_id].spec.season
                factor = season[(day + dt.timedelta(days=20)).month] / season[day.month]
                if row.suggested_quantity and factor > 1.05:
                    multiple = row.order_multiple
                    quantity = math.ceil(row.suggested_quantity * factor / multiple)
                    purchase_suggestion_set_quantity(
                        actor=buyer, suggestion=row, quantity=quantity * multiple
                    )
            purchase_suggestions_accept_supplier(
                actor=buyer, day=day, supplier=supplier
            )

    def schedule_festivals(self) -> None:
        """Three weeks before a festival the operations manager raises the safety
        stock, so that the suggestions buy for it; the day after, it comes back."""
        for year in (self.go_live.year, self.go_live.year + 1):
            for month, date in FESTIVALS:
                festival = dt.date(year, month, date)
                start = max(festival - FESTIVAL_LEAD, self.go_live)
                end = festival + dt.timedelta(days=1)
                if end <= self.go_live or start > self.today:
                    continue
                for day, days in ((start, FESTIVAL_SAFETY_DAYS), (end, SAFETY_DAYS)):
                    self.timeline.add(
                        at(day, 7, 10),
                        partial(
                            purchase_settings_update,
                            actor=self.user["ops_manager"],
                            safety_stock_days=days,
                        ),
                    )

    def cut_off(self, day: dt.date) -> None:
        purchase_cutoff(day=day, actor=None)

    def suggest_today(self) -> None:
        """Build the suggestions of the purchasing day (today, or tomorrow after the
        18:00 cut-off) with today's open orders in them: LOG-1.1's worklist."""
        purchase_suggestions_build(day=purchasing_day(), actor=None)
