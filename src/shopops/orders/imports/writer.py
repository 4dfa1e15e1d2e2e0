"""Pass 2 of the order import: write, set-based, in the import's transaction.

Batch by batch from the scratch file (`staging`): one query fetches the batch's
existing orders; new orders (their buyers as customers, through
`customers.services`, and their lines) are inserted in bulk; changed orders are
compared field by field and updated, each with a history row (`OrderStatusChange`,
source "import", the changes as {field: [old, new]}); an order's lines are rewritten
only when its item rows changed, matched line by line so that a line with stock
reserved keeps its row. Unchanged orders are not touched. The daily rollups move with
the orders (`orders.rollups.RollupTracker`). The statements are `core.bulk`'s.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

from django.utils.translation import gettext as _

from shopops.catalog.models import Sku
from shopops.core import clock
from shopops.core.actors import signed_in
from shopops.core.audit import diff
from shopops.core.bulk import Statement, chunks, in_size
from shopops.customers.services import Buyer, customers_match_or_create
from shopops.orders.imports.reading import ImportJob, orders_by_no
from shopops.orders.imports.staging import (
    LINE_CODEC,
    ConflictError,
    Entry,
    placeholders,
)
from shopops.orders.models import Order, OrderLine, OrderStatusChange
from shopops.orders.rollups import RollupTracker


def write_staged(job: ImportJob) -> None:
    """Write every order staged by pass 1, in batches (call inside one
    transaction)."""
    db = job.staging.db
    total = (
        db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        + db.execute(
            "SELECT COUNT(*) FROM groups WHERE in_report = 0 AND changed = 1"
        ).fetchone()[0]
    )
    writer = Writer(job)
    done = 0
    cursor = db.execute("SELECT no, row, digest, data FROM orders ORDER BY rowid")
    while batch := cursor.fetchmany(job.batch_size):
        entries = [
            Entry(
                no=order_no,
                row=row,
                digest=digest,
                values=job.codec.loads(data) if data is not None else None,
            )
            for order_no, row, digest, data in batch
        ]
        _attach_lines(job, entries)
        writer.write(entries)
        done += len(entries)
        job.writing(done, total)
    # Orders only the item report names (already in the database).
    cursor = db.execute(
        "SELECT no, digest FROM groups WHERE in_report = 0 AND changed = 1"
    )
    while batch := cursor.fetchmany(job.batch_size):
        entries = [Entry(no=order_no) for order_no, _digest in batch]
        _attach_lines(job, entries)
        writer.write(entries)
        done += len(entries)
        job.writing(done, total)
    job.report.unchanged += db.execute(
        "SELECT COUNT(*) FROM groups WHERE in_report = 0 AND changed = 0"
    ).fetchone()[0]


def _attach_lines(job: ImportJob, entries: list[Entry]) -> None:
    if job._item_binding is None:
        return
    db = job.staging.db
    by_no = {entry.no: entry for entry in entries}
    changed: list[str] = []
    for chunk in chunks(list(by_no), 900):
        marks = placeholders(len(chunk))
        for order_no, digest, is_changed in db.execute(
            f"SELECT no, digest, changed FROM groups WHERE no IN ({marks})",  # noqa: S608
            chunk,
        ):
            by_no[order_no].group_digest = digest
            if is_changed:
                by_no[order_no].lines = []
                changed.append(order_no)
    for chunk in chunks(changed, 900):
        marks = placeholders(len(chunk))
        for order_no, data in db.execute(
            f"SELECT no, data FROM items WHERE no IN ({marks}) ORDER BY no, row",  # noqa: S608
            chunk,
        ):
            lines = by_no[order_no].lines
            if lines is None or data is None:
                raise ConflictError(order_no)  # checked in pass 1: cannot be
            lines.append(LINE_CODEC.loads(data))


_LINE_FIELDS = (
    "order",
    "sku",
    "outer_code",
    "title",
    "attributes",
    "price",
    "quantity",
)


class Writer:
    """Write batches of entries (inside the import's transaction)."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.shop = job.shop
        self.report = job.report
        self.counts = job.counts
        self.fields = job.fields
        self.now = clock.now()
        self.note = (_("导入 %(file)s") % {"file": job.orders_name})[:200]
        self.actor_id = getattr(signed_in(job.actor), "pk", None)
        meta = Order._meta
        self.insert_fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.insert_fields}
        self.insert_order = Statement(Order, [f.name for f in self.insert_fields])
        self.update_fields = (
            Statement(Order, [*self.fields, "updated_at"], where="id")
            if self.fields
            else None
        )
        self.update_marks = Statement(
            Order, ["import_digest", "lines_digest", "customer"], where="id"
        )
        self.update_touched = Statement(Order, ["updated_at"], where="id")
        self.insert_line = Statement(OrderLine, _LINE_FIELDS)
        self.update_line = Statement(
            OrderLine, ["price", "quantity", "sku"], where="id"
        )
        self.insert_history = Statement(
            OrderStatusChange,
            [
                "order",
                "at",
                "source",
                "status_from",
                "status_to",
                "changes",
                "actor",
                "note",
            ],
        )
        self.field_index = {name: i for i, name in enumerate(self.fields)}
        # Buyers become customers when the file names them.
        self.links_customers = bool(
            {"buyer_member_name", "receiver_phone"} & set(self.fields)
        )

    def write(self, entries: list[Entry]) -> None:
        shop_id = self.shop.pk
        existing: dict[str, tuple[int, int | None, int | None, int | None, str]] = {
            order_no: (pk, digest, lines_digest, customer_id, status)
            for order_no, pk, digest, lines_digest, customer_id, status in (
                orders_by_no(
                    shop_id,
                    [e.no for e in entries],
                    ["id", "import_digest", "lines_digest", "customer", "status"],
                )
            )
        }

        # The current values of the orders whose row changed since the last import.
        compare = [
            existing[e.no][0]
            for e in entries
            if e.row is not None and e.no in existing and existing[e.no][1] != e.digest
        ]
        current: dict[int, tuple[Any, ...]] = {}
        if self.fields:
            for chunk in chunks(compare, in_size()):
                for pk, *values in (
                    Order.objects.filter(pk__in=chunk)
                    .order_by()
                    .values_list("pk", *self.fields)
                ):
                    current[pk] = tuple(values)

        # The current lines of the orders whose item rows changed.
        old_lines: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        relined = [
            existing[e.no][0]
            for e in entries
            if e.lines is not None and e.no in existing
        ]
        for chunk in chunks(relined, in_size()):
            for line in (
                OrderLine.objects.filter(order_id__in=chunk)
                .order_by("order_id", "pk")
                .values_list(
                    "order_id",
                    "pk",
                    "outer_code",
                    "title",
                    "attributes",
                    "price",
                    "quantity",
                    "sku_id",
                )
            ):
                old_lines[line[0]].append(line[1:])

        skus = self._skus(entries)
        customers = self._customers(entries, existing)

        new_orders: list[Entry] = []
        field_updates: list[list[Any]] = []
        mark_updates: list[list[Any]] = []
        touched: list[list[Any]] = []
        history: list[list[Any]] = []
        line_inserts: list[list[Any]] = []
        line_updates: list[list[Any]] = []
        line_deletes: list[int] = []
        status_index = self.field_index.get("status")
        for entry in entries:
            found = existing.get(entry.no)
            if found is None:
                if entry.values is None or entry.row is None:
                    raise ConflictError(entry.no)
                new_orders.append(entry)
                continue
            pk, digest, lines_digest, customer_id, status = found
            changes: dict[str, list[Any]] = {}
            fields_changed = False
            new_digest = digest
            new_status = status
            if entry.row is not None and digest != entry.digest:
                if entry.values is None:
                    raise ConflictError(entry.no)
                old = current.get(pk)
                if old is None:
                    raise ConflictError(entry.no)
                before = dict(zip(self.fields, old, strict=True))
                after = dict(zip(self.fields, entry.values, strict=True))
                changes = diff(before, after)
                if changes:
                    fields_changed = True
                    field_updates.append([*entry.values, self.now, pk])
                    if status_index is not None:
                        new_status = entry.values[status_index]
                new_digest = entry.digest
            new_customer = customer_id
            if customer_id is None and entry.no in customers:
                new_customer = customers[entry.no]
                changes["customer"] = [None, new_customer]
            new_lines_digest = lines_digest
            if entry.lines is not None:
                new_lines = [
                    (*line, skus.get(line[0]) if line[0] else None)
                    for line in entry.lines
                ]
                were = old_lines.get(pk, [])
                if [line[1:] for line in were] != new_lines:
                    self._plan_lines(
                        pk, were, new_lines, line_inserts, line_updates, line_deletes
                    )
                    changes["lines"] = [len(were), len(new_lines)]
                new_lines_digest = entry.group_digest
            if (new_digest, new_lines_digest, new_customer) != (
                digest,
                lines_digest,
                customer_id,
            ):
                mark_updates.append([new_digest, new_lines_digest, new_customer, pk])
            if changes:
                self.report.updated += 1
                if not fields_changed:
                    touched.append([self.now, pk])
                history.append(
                    [
                        pk,
                        self.now,
                        OrderStatusChange.Source.IMPORT,
                        status,
                        new_status,
                        changes,
                        self.actor_id,
                        self.note,
                    ]
                )
            else:
                self.report.unchanged += 1

        # The rollups move with the orders changed and created (orders.rollups).
        rollup = RollupTracker()
        rollup.before(row[0] for row in history)
        if new_orders:
            ids = self._insert_orders(new_orders, customers)
            rollup.include(ids.values())
            for entry in new_orders:
                for item in entry.lines or []:
                    line_inserts.append(
                        [ids[entry.no], skus.get(item[0]) if item[0] else None, *item]
                    )
            self.report.created += len(new_orders)
        if self.update_fields is not None:
            self.update_fields.run(field_updates)
        self.update_marks.run(mark_updates)
        self.update_touched.run(touched)
        if line_deletes:
            for chunk in chunks(line_deletes, in_size()):
                OrderLine.objects.filter(pk__in=chunk).delete()
            self.counts.lines_deleted += len(line_deletes)
        self.counts.lines_updated += self.update_line.run(line_updates)
        self.counts.lines_created += self.insert_line.run(line_inserts)
        self.counts.history += self.insert_history.run(history)
        rollup.after()

    @staticmethod
    def _plan_lines(
        order_id: int,
        old: list[tuple[Any, ...]],
        new: list[tuple[Any, ...]],
        inserts: list[list[Any]],
        updates: list[list[Any]],
        deletes: list[int],
    ) -> None:
        """Match the new lines to the old by (商家编码, 标题, 属性), in order: a matched
        line keeps its row (and what points at it, such as reserved stock) and is
        updated if its price, quantity or SKU changed; the rest are inserted or
        deleted."""
        pool: dict[tuple[Any, ...], deque[tuple[Any, ...]]] = defaultdict(deque)
        for line in old:
            pool[line[1:4]].append(line)
        for outer_code, title, attributes, price, quantity, sku_id in new:
            matches = pool.get((outer_code, title, attributes))
            if matches:
                line = matches.popleft()
                if (line[4], line[5], line[6]) != (price, quantity, sku_id):
                    updates.append([price, quantity, sku_id, line[0]])
            else:
                inserts.append(
                    [order_id, sku_id, outer_code, title, attributes, price, quantity]
                )
        for remaining in pool.values():
            deletes.extend(line[0] for line in remaining)

    def _skus(self, entries: list[Entry]) -> dict[str, int]:
        codes = sorted({line[0] for e in entries for line in e.lines or () if line[0]})
        skus: dict[str, int] = {}
        for chunk in chunks(codes, in_size()):
            skus.update(
                Sku.objects.filter(outer_code__in=chunk)
                .order_by()
                .values_list("outer_code", "pk")
            )
        return skus

    def _insert_orders(
        self, entries: list[Entry], customers: dict[str, int]
    ) -> dict[str, int]:
        defaults = self.defaults
        names = [f.attname for f in self.insert_fields]
        shop_id = self.shop.pk
        now = self.now
        rows = []
        for entry in entries:
            values = dict(defaults)
            values.update(zip(self.fields, entry.values or (), strict=True))
            values["shop_id"] = shop_id
            values["order_no"] = entry.no
            values["customer_id"] = customers.get(entry.no)
            values["import_digest"] = entry.digest
            values["lines_digest"] = (
                entry.group_digest if entry.lines is not None else None
            )
            values["updated_at"] = now
            rows.append([values[name] for name in names])
        self.insert_order.run(rows)
        return dict(orders_by_no(shop_id, [e.no for e in entries], ["id"]))

    def _customers(
        self,
        entries: list[Entry],
        existing: dict[str, tuple[int, int | None, int | None, int | None, str]],
    ) -> dict[str, int]:
        """Return {order number: customer id} for the orders that get a customer.

        New orders, and orders without a customer yet, whose row names the buyer (a
        member name or a phone): matched, or created, by `customers.services` (member
        name first, then the phone's key; see there), in a few queries per batch.
        """
        if not self.links_customers:
            return {}
        index = self.field_index
        picks = [
            index.get(name)
            for name in (
                "buyer_member_name",
                "receiver_name",
                "receiver_phone",
                "address",
                "province",
                "city",
            )
        ]
        buyers: list[Buyer] = []
        for entry in entries:
            values = entry.values
            if values is None:
                continue
            found = existing.get(entry.no)
            if found is not None and found[3] is not None:
                continue
            member, name, phone, address, province, city = (
                "" if i is None else values[i] for i in picks
            )
            if member or phone:
                buyers.append(
                    Buyer(entry.no, member, name, phone, address, province, city)
                )
        if not buyers:
            return {}
        matches = customers_match_or_create(shop_id=self.shop.pk, buyers=buyers)
        self.counts.customers_created += matches.created
        return {str(ref): pk for ref, pk in matches.customers.items()}
