"""The company's day-by-day run: the set-up at the go-live, the schedule of every
department's events, today, and the counts at the end."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial

from django.db.models import DateTimeField, ExpressionWrapper, F

from shopops.aftersales.models import AfterSale
from shopops.catalog.models import Product
from shopops.core.models import Notification
from shopops.demo.operations.base import (
    GAS_ZONE,
    PRODUCTS_PER_PLACE,
    SAFETY_DAYS,
    ZONES,
)
from shopops.demo.operations.service import _Service
from shopops.demo.timeline import at
from shopops.orders.models import Complaint, Hold
from shopops.orders.selectors import evening_queue
from shopops.purchasing.models import PurchaseOrder
from shopops.purchasing.services import purchase_settings_update
from shopops.shipping.models import QualityCheck
from shopops.stock.models import Movement
from shopops.stock.services import (
    location_create,
    warehouse_create,
)


class _Operations(_Service):
    def run(self) -> None:
        with self.clock.installed():
            self.plan_suppliers()
            self.plan_shipments()
            self.plan_open_orders()
            self.plan_roles()
            self.schedule()
            self.stage("operations planned")
            ran = self.timeline.run()
            self.finish()
        self.stage(f"operations: {ran:,} events")

    def schedule(self) -> None:
        add = self.timeline.add
        add(at(self.go_live, 7), self.set_up)
        add(at(self.go_live, 7, 30), self.opening_balance)
        day = self.go_live
        while day <= self.today:
            add(at(day, 7, 30), self.bind(self.receive_due, day))
            add(at(day, 8, 15), self.bind(self.ship_day, day))
            if self.ordering(day):
                add(at(day, 17), self.bind(self.suggest, day))
                add(at(day, 17, 30), self.bind(self.accept, day))
                add(at(day, 18), self.bind(self.cut_off, day))
            day += dt.timedelta(days=1)
        self.schedule_payments()
        self.schedule_festivals()
        self.schedule_stories()
        self.schedule_after_sales()
        self.schedule_complaints()
        self.schedule_handoff_problems()
        count_day = self.today - dt.timedelta(days=8)
        add(at(count_day, 15), self.bind(self.count, count_day))
        report_at = at(self.today.replace(day=1), 9)
        add(report_at, self.monthly_report)
        self.schedule_today()

    def set_up(self) -> None:
        """Open the warehouse and its shelf places; record the suppliers' prices and
        terms."""
        warehouse = warehouse_create(
            actor=self.user["logistics"], code="main", name="杭州余杭主仓"
        )
        places: dict[str, list[Product]] = defaultdict(list)
        seen: set[int] = set()
        for item in self.items.values():
            product = item.product
            if product.pk in seen:
                continue
            seen.add(product.pk)
            zone = (
                GAS_ZONE
                if item.spec.name == "气罐"
                else ZONES.get(item.spec.parent, "A")
            )
            places[zone].append(product)
        locations = 0
        for zone, products in sorted(places.items()):
            for index in range(0, len(products), PRODUCTS_PER_PLACE):
                place = index // PRODUCTS_PER_PLACE
                location = location_create(
                    actor=self.user["logistics"],
                    warehouse=warehouse,
                    code=f"{zone}-{place // 4 + 1:02d}-{place % 4 + 1:02d}",
                )
                locations += 1
                for product in products[index : index + PRODUCTS_PER_PLACE]:
                    self.home[product.pk] = location
        self.b.counts.update(warehouses=1, locations=locations + 1)
        # Long lead times and a rising season: a week of safety stock, not three days.
        purchase_settings_update(
            actor=self.user["ops_manager"], safety_stock_days=SAFETY_DAYS
        )
        self.set_prices()

    def schedule_today(self) -> None:
        add = self.timeline.add
        for o in self.open:
            add(o.reserve_at, partial(self.take_open, o))
        declared = at(self.today, 9, 30) + dt.timedelta(minutes=self.rng.uniform(0, 60))
        add(min(declared, self.now - dt.timedelta(minutes=3)), self.declare_delay)
        picked = self.now - dt.timedelta(minutes=self.rng.uniform(25, 50))
        add(picked, self.pick_and_check)
        add(self.now, self.suggest_today)

    def finish(self) -> None:
        """Mark read what was news before today (and before the last evening shift
        began: its holds are still news); count what the operations made."""
        start = min(at(self.today, 0), self.last_evening)
        Notification.objects.filter(created_at__lt=start, read_at__isnull=True).update(
            read_at=ExpressionWrapper(
                F("created_at") + dt.timedelta(minutes=45),
                output_field=DateTimeField(),
            )
        )
        counts = self.b.counts
        counts.update(
            stock_movements=Movement.objects.count(),
            purchase_orders=PurchaseOrder.objects.count(),
            holds=Hold.objects.count(),
            evening_queue=evening_queue().count(),
            after_sales=AfterSale.objects.count(),
            complaints=Complaint.objects.count(),
            quality_checks=QualityCheck.objects.count(),
        )
        if self.emergencies:
            self.stage(f"{self.emergencies} rush deliveries for short days")
