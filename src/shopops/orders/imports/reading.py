"""Pass 1 of the order import: read the files, check them, write nothing.

Both files are streamed row by row (`orders.importers.taobao` reads them). Each order
row's known cells are fingerprinted and compared, a batch at a time, with the
fingerprint stored on the order by the import that last wrote it: an unchanged row is
not parsed again, every other row is parsed and checked. Item rows are fingerprinted
too, and compared as a group per order. Rows go to the scratch file (`staging`), where
the checks across rows run: an order number twice in the order report, item rows whose
order is neither in the order report nor in the database.
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from shopops.core.actors import Actor
from shopops.core.bulk import chunks, select_in
from shopops.core.importers import (
    Binding,
    CellError,
    ImportFileError,
    ImportReport,
    ImportSource,
    RowError,
    display_value,
    open_table,
)
from shopops.customers.phones import PhoneKind, read_phone
from shopops.orders.importers import taobao
from shopops.orders.imports.staging import (
    LINE_CODEC,
    Codec,
    Staging,
    dumps,
    group_digest,
    loads,
    placeholders,
)
from shopops.orders.models import Order
from shopops.org.models import Shop

# Rows between two progress reports while reading.
PROGRESS_EVERY = 2000

# progress(phase, done, total): phase "reading" (pass 1) or "writing" (pass 2); done
# and total count row steps — each data row is read once and written once, so total is
# twice the rows of both files (estimated from the bytes read until pass 1 ends).
Progress = Callable[[str, int, int], None]


def orders_by_no(
    shop_id: int, order_nos: Sequence[str], columns: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """Yield (order_no, *columns) of the shop's orders among `order_nos`."""
    return select_in(
        Order,
        ["order_no", *columns],
        equal={"shop": shop_id},
        column="order_no",
        values=order_nos,
    )


def source_size(source: ImportSource) -> int | None:
    """Return the size of `source` in bytes, when it tells."""
    try:
        if isinstance(source, str | os.PathLike):
            return os.stat(source).st_size
        if isinstance(source, bytes | bytearray):
            return len(source)
        size = getattr(source, "size", None)
        if isinstance(size, int):
            return size
        if isinstance(source, io.IOBase) and source.seekable():
            here = source.tell()
            end = source.seek(0, io.SEEK_END)
            source.seek(here)
            return end
    except (OSError, ValueError):
        return None
    return None


@dataclass
class Counts:
    lines_created: int = 0
    lines_updated: int = 0
    lines_deleted: int = 0
    customers_created: int = 0
    history: int = 0


@dataclass
class ImportJob:
    shop: Shop
    actor: Actor
    staging: Staging
    report: ImportReport
    progress: Progress | None
    batch_size: int
    orders_name: str = ""
    items_name: str = ""
    fields: tuple[str, ...] = ()
    item_rows: int = 0
    sizes: tuple[int, int] = (1, 0)
    counts: Counts = field(default_factory=Counts)
    _order_binding: Binding | None = None
    _order_sig: tuple[Any, ...] = ()
    _item_binding: Binding | None = None
    _item_sig: tuple[Any, ...] = ()
    codec: Codec = field(default_factory=lambda: Codec(Order, ()))

    # -- progress --

    def _reading(self, file_index: int, fraction: float | None) -> None:
        if self.progress is None:
            return
        before, size = (0, self.sizes[0]) if file_index == 0 else self.sizes
        total_bytes = max(1, self.sizes[0] + self.sizes[1])
        done_bytes = before + (fraction or 0.0) * size
        rows = self.report.rows + self.item_rows
        estimate = rows * total_bytes / done_bytes if done_bytes else rows
        self.progress("reading", rows, 2 * max(rows, int(estimate)))

    def writing(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        rows = self.report.rows + self.item_rows
        share = rows * done // total if total else rows
        self.progress("writing", rows + share, 2 * rows)

    # -- pass 1: the order report --

    def read_orders(self, source: ImportSource, name: str) -> None:
        spec = taobao.order_spec(self.shop.time_zone)
        report = self.report
        try:
            with open_table(source, filename=name) as table:
                binding = spec.bind(
                    table.header, filename=name, header_row=table.header_row
                )
                if binding.errors:
                    report.add_errors(binding.errors)
                    return
                problem = taobao.order_header_error(binding)
                if problem:
                    report.add_error(RowError(name, table.header_row, "", "", problem))
                    return
                self.fields = taobao.order_fields(binding.present)
                self.codec = Codec(Order, self.fields)
                self._order_binding = taobao.compact_binding(binding)
                self._order_sig = (
                    taobao.SPEC_VERSION,
                    self.shop.time_zone,
                    tuple(column.key for column, _index in binding.columns),
                )
                positions = [index for _column, index in binding.columns]
                no_column = spec["order_no"]
                header = binding.headers["order_no"]
                buffer: list[tuple[int, str, tuple[Any, ...]]] = []
                for number, cells in table:
                    report.rows += 1
                    width = len(cells)
                    raw = tuple(cells[i] if i < width else None for i in positions)
                    order_no = self._order_no(no_column.parse, raw[0], number, header)
                    if order_no is not None:
                        buffer.append((number, order_no, raw))
                        if len(buffer) >= self.batch_size:
                            self._stage_orders(buffer)
                            buffer = []
                    if report.rows % PROGRESS_EVERY == 0:
                        self._reading(0, table.progress())
                self._stage_orders(buffer)
        except ImportFileError as exc:
            report.add_error(RowError(name, exc.row, "", "", exc.reason))
            return
        self.staging.db.execute("CREATE INDEX orders_no ON orders (no)")
        self._check_duplicates()
        self._reading(0, 1.0)

    def _order_no(
        self,
        parse: Callable[[Any], Any],
        cell: Any,
        number: int,
        header: str,
        *,
        file: str | None = None,
    ) -> str | None:
        file = file or self.orders_name
        try:
            order_no = parse(cell)
        except CellError as exc:
            self.report.add_error(
                RowError(file, number, header, display_value(cell), exc.reason)
            )
            return None
        if order_no is None:
            self.report.add_error(RowError(file, number, header, "", _("不能为空")))
        return order_no

    def _stage_orders(self, buffer: list[tuple[int, str, tuple[Any, ...]]]) -> None:
        if not buffer:
            return
        known: dict[str, tuple[int | None, int | None]] = {
            order_no: (digest, lines_digest)
            for order_no, digest, lines_digest in orders_by_no(
                self.shop.pk,
                [order_no for _n, order_no, _r in buffer],
                ["import_digest", "lines_digest"],
            )
        }
        binding = self._order_binding
        assert binding is not None  # noqa: S101 (set before any row is read)
        sig = self._order_sig
        fields = self.fields
        report = self.report
        phone_index = (
            fields.index("receiver_phone") if "receiver_phone" in fields else None
        )
        staged: list[tuple[str, int, int, bytes | None, bool, int | None]] = []
        for number, order_no, raw in buffer:
            digest = taobao.fingerprint((sig, raw))
            exists = order_no in known
            last, lines_digest = known.get(order_no, (None, None))
            if exists and last == digest:
                staged.append((order_no, number, digest, None, True, lines_digest))
                continue
            row = binding.parse(number, raw)
            if row.errors:
                report.add_errors(row.errors)
                staged.append((order_no, number, digest, None, exists, lines_digest))
                continue
            values = taobao.order_values(row, fields)
            if phone_index is not None:
                self._check_phone(number, row.headers, values[phone_index])
            if not exists and (
                "created_at" not in fields or values[fields.index("created_at")] is None
            ):
                report.add_error(
                    RowError(
                        self.orders_name,
                        number,
                        row.headers.get("created_at", _("订单创建时间")),
                        "",
                        _("新订单须有订单创建时间"),
                    )
                )
            staged.append(
                (
                    order_no,
                    number,
                    digest,
                    self.codec.dumps(values),
                    exists,
                    lines_digest,
                )
            )
        self.staging.db.executemany(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", staged
        )

    def _check_phone(self, number: int, headers: Mapping[str, str], phone: str) -> None:
        """Warn of a phone that is neither a phone nor a masked one (kept as text,
        never used to match a customer)."""
        if phone and read_phone(phone).kind is PhoneKind.BAD:
            self.report.add_warning(
                RowError(
                    self.orders_name,
                    number,
                    headers.get("receiver_phone", _("联系手机")),
                    phone,
                    _(
                        "不是有效的手机号，也不是打码的手机号：照原样保存，不用于识别客户"
                    ),
                )
            )

    def _check_duplicates(self) -> None:
        rows = self.staging.db.execute(
            "SELECT no, row FROM orders WHERE no IN ("
            " SELECT no FROM orders GROUP BY no HAVING COUNT(*) > 1"
            ") ORDER BY no, row"
        )
        header = self._order_binding.headers["order_no"] if self._order_binding else ""
        for order_no, group in itertools.groupby(rows, key=lambda r: r[0]):
            first, *others = [row for _no, row in group]
            for row in others:
                self.report.add_error(
                    RowError(
                        self.orders_name,
                        row,
                        header,
                        order_no,
                        _("订单编号重复（第 %(row)d 行已出现）") % {"row": first},
                    )
                )

    # -- pass 1: the item report --

    def read_items(self, source: ImportSource, name: str) -> None:
        report = self.report
        try:
            with open_table(source, filename=name) as table:
                binding = taobao.ITEM_SPEC.bind(
                    table.header, filename=name, header_row=table.header_row
                )
                if binding.errors:
                    report.add_errors(binding.errors)
                    return
                self._item_binding = taobao.compact_binding(binding)
                sig = self._item_sig = (
                    taobao.SPEC_VERSION,
                    tuple(column.key for column, _index in binding.columns),
                )
                positions = [index for _column, index in binding.columns]
                no_parse = taobao.ITEM_SPEC["order_no"].parse
                header = binding.headers["order_no"]
                # Runs of consecutive rows of one order (the seller center writes an
                # order's items together, but need not).
                runs: list[tuple[str, list[tuple[int, tuple[Any, ...], int]]]] = []
                run: list[tuple[int, tuple[Any, ...], int]] = []
                run_no = ""
                for number, cells in table:
                    self.item_rows += 1
                    width = len(cells)
                    raw = tuple(cells[i] if i < width else None for i in positions)
                    order_no = self._order_no(
                        no_parse, raw[0], number, header, file=name
                    )
                    if order_no is None:
                        continue
                    if order_no != run_no:
                        if run:
                            runs.append((run_no, run))
                            if len(runs) >= self.batch_size:
                                self._stage_item_runs(runs)
                                runs = []
                        run, run_no = [], order_no
                    run.append((number, raw, taobao.fingerprint((sig, raw))))
                    if self.item_rows % PROGRESS_EVERY == 0:
                        self._reading(1, table.progress())
                if run:
                    runs.append((run_no, run))
                self._stage_item_runs(runs)
        except ImportFileError as exc:
            report.add_error(RowError(name, exc.row, "", "", exc.reason))
            return
        self.staging.db.execute("CREATE INDEX items_no ON items (no, row)")
        self._check_items()
        self._reading(1, 1.0)

    def _stage_item_runs(
        self, runs: list[tuple[str, list[tuple[int, tuple[Any, ...], int]]]]
    ) -> None:
        """Stage item rows: parsed, unless their run is all of its order's rows as
        last imported (its fingerprint matches): then only kept, in case the order
        turns out to have other rows further on."""
        if not runs:
            return
        _listed, known = self._known_lines([no for no, _rows in runs])
        binding = self._item_binding
        assert binding is not None  # noqa: S101 (set before any row is read)
        report = self.report
        staged: list[tuple[str, int, int, bytes | None, bytes | None]] = []
        for order_no, rows in runs:
            last = known.get(order_no)
            if last is not None and last == group_digest(d for _n, _r, d in rows):
                staged.extend(
                    (order_no, number, digest, None, dumps(raw))
                    for number, raw, digest in rows
                )
                continue
            for number, raw, digest in rows:
                row = binding.parse(number, raw)
                if row.errors:
                    report.add_errors(row.errors)
                    staged.append((order_no, number, digest, None, None))
                else:
                    line = LINE_CODEC.dumps(taobao.line_values(row))
                    staged.append((order_no, number, digest, line, None))
        self.staging.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", staged)

    def _known_lines(
        self, nos: Sequence[str]
    ) -> tuple[set[str], dict[str, int | None]]:
        """Return which of `nos` the order report has, and {order number: lines
        fingerprint} of those the database has.

        What pass 1 learnt of the order report's orders is in the scratch file; only
        orders the order report lacks are looked up in the database.
        """
        listed: set[str] = set()
        known: dict[str, int | None] = {}
        for chunk in chunks(nos, 900):
            for order_no, in_db, lines_digest in self.staging.db.execute(
                "SELECT no, in_db, lines_digest FROM orders "  # noqa: S608
                f"WHERE no IN ({placeholders(len(chunk))})",
                chunk,
            ):
                listed.add(order_no)
                if in_db:
                    known[order_no] = lines_digest
        others = [order_no for order_no in nos if order_no not in listed]
        if others:
            known.update(orders_by_no(self.shop.pk, others, ["lines_digest"]))
        return listed, known

    def _check_items(self) -> None:
        """Group the item rows by order; check each order is known; mark the orders
        whose item rows changed since the last import (their lines get written)."""
        rows = self.staging.db.execute(
            "SELECT no, row, digest, raw IS NOT NULL, rowid FROM items ORDER BY no, row"
        )
        groups: list[tuple[str, list[tuple[int, int, int, int]]]] = []
        for order_no, group in itertools.groupby(rows, key=lambda r: r[0]):
            groups.append((order_no, [r[1:] for r in group]))
            if len(groups) >= self.batch_size:
                self._check_item_groups(groups)
                groups = []
        self._check_item_groups(groups)

    def _check_item_groups(
        self, groups: list[tuple[str, list[tuple[int, int, int, int]]]]
    ) -> None:
        if not groups:
            return
        in_report, known = self._known_lines([no for no, _rows in groups])
        header = self._item_binding.headers["order_no"] if self._item_binding else ""
        staged = []
        unparsed: list[int] = []
        for order_no, rows in groups:
            listed = order_no in in_report
            if not listed and order_no not in known:
                for row, *_rest in rows:
                    self.report.add_error(
                        RowError(
                            self.items_name,
                            row,
                            header,
                            order_no,
                            _("订单报表和系统里都没有这个订单"),
                        )
                    )
                continue
            digest = group_digest(d for _row, d, _raw, _id in rows)
            changed = order_no not in known or known[order_no] != digest
            if changed:
                unparsed.extend(rowid for _row, _d, raw, rowid in rows if raw)
            staged.append((order_no, digest, changed, listed))
        self.staging.db.executemany("INSERT INTO groups VALUES (?, ?, ?, ?)", staged)
        if unparsed:
            self._parse_kept_items(unparsed)

    def _parse_kept_items(self, rowids: list[int]) -> None:
        """Parse the kept rows of orders whose rows turned out to have changed."""
        binding = self._item_binding
        assert binding is not None  # noqa: S101
        db = self.staging.db
        parsed = []
        for chunk in chunks(rowids, 900):
            for rowid, number, raw in db.execute(
                "SELECT rowid, row, raw FROM items "  # noqa: S608
                f"WHERE rowid IN ({placeholders(len(chunk))})",
                chunk,
            ).fetchall():
                row = binding.parse(number, loads(raw))
                if row.errors:
                    self.report.add_errors(row.errors)
                else:
                    parsed.append((LINE_CODEC.dumps(taobao.line_values(row)), rowid))
        db.executemany("UPDATE items SET data = ?, raw = NULL WHERE rowid = ?", parsed)

    # -- pass 2 --
