"""Import the seller center's order report (and item report): the whole file or nothing.

`orders_import(actor=…, shop=…, orders_file=…, items_file=None)` reads the files (see
`orders.importers.taobao` for what they look like) and returns an `ImportReport`:
orders created, updated and left unchanged, and every bad row (file, row number,
column, value, reason). When any row is bad nothing is written at all.

How it works, and why:

- **Pass 1 reads and checks, writing nothing.** Both files are streamed row by row.
  Each order row's known cells are fingerprinted (a 64-bit hash of the cells as read,
  the file's set of columns, the parser version and the shop's time zone) and compared,
  2,000 rows at a time and in one query, with the fingerprint stored on the order by the
  import that last wrote it: a row that has not changed since is not parsed again;
  every other row is parsed and checked (amounts, times, status, lengths; a new order
  needs its creation time). Item rows are fingerprinted too, and an order's item rows
  (which may come in any order) are compared, as a group, with the fingerprint of the
  rows its lines were last imported from; unchanged groups are not parsed. Rows go to a
  scratch SQLite file (in the temp directory, deleted afterwards), so memory stays flat
  whatever the size of the files: what Python holds is one batch. The checks across
  rows run there too: an order number twice in the order report, item rows whose
  order is neither in the order report nor in the database.
- **Pass 2 writes, in one transaction,** batch by batch from the scratch file: one
  query fetches the batch's existing orders; new orders (their buyers as customers,
  their lines) are inserted in bulk; changed orders are compared field by field and
  updated, each with a history row (`OrderStatusChange`, source "import", the changes
  as {field: [old, new]}); an order's lines are rewritten only when its item rows
  changed, matched line by line so that a line with stock reserved keeps its row.
  Unchanged orders are not touched, so importing the same files twice writes nothing
  but the audit entry. A column the file lacks is never written: a partial report
  leaves what it does not say as it was (unknown for a new order).
- Inserts and updates go through Django's connection as plain SQL with `executemany`
  (on PostgreSQL, inserts use COPY on the same connection: `executemany` there is five
  times slower); lookups of thousands of order numbers are plain SQL too (building
  an ORM filter with thousands of values costs more than running it). The same code
  runs on SQLite and PostgreSQL. `bench/import_orders.py` measures it
  (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import logging
import os
import pickle
import sqlite3
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from shopops.catalog.models import Sku
from shopops.core import clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record, diff
from shopops.core.importers import (
    Binding,
    CellError,
    ImportFileError,
    ImportReport,
    ImportSource,
    RowError,
    display_value,
    open_table,
    source_name,
)
from shopops.core.models import AuditEntry
from shopops.customers.phones import PhoneKind, read_phone
from shopops.customers.services import Buyer, customers_match_or_create
from shopops.orders.importers import taobao
from shopops.orders.models import ImportBatch, Order, OrderLine, OrderStatusChange
from shopops.orders.rollups import RollupTracker
from shopops.org.models import Shop

T = TypeVar("T")
log = logging.getLogger(__name__)

# Orders per batch: one query fetches a batch's existing orders, one statement inserts
# its new ones.
BATCH_SIZE = 2000
# Bad rows listed in a report; past it they are only counted (a file that is wrong on
# every line keeps memory flat).
ERROR_LIMIT = 2000
# Rows between two progress reports while reading.
PROGRESS_EVERY = 2000

# progress(phase, done, total): phase "reading" (pass 1) or "writing" (pass 2); done
# and total count row steps — each data row is read once and written once, so total is
# twice the rows of both files (estimated from the bytes read until pass 1 ends).
Progress = Callable[[str, int, int], None]


class _ConflictError(Exception):
    """The database changed between the check and the write (another import)."""


# --- the scratch file ------------------------------------------------------------


class _Staging:
    """A scratch SQLite database holding the rows between the two passes."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="shopops-import-")
        self.db = sqlite3.connect(
            Path(self._dir.name) / "staging.sqlite3", isolation_level=None
        )
        self.db.executescript(
            """
            PRAGMA journal_mode=OFF;
            PRAGMA synchronous=OFF;
            PRAGMA temp_store=FILE;
            PRAGMA cache_size=-32000;
            -- data: the parsed values, NULL when the row is unchanged since the last
            -- import (its fingerprint matched) or bad; in_db, lines_digest: whether
            -- the database has the order, and its lines' fingerprint.
            CREATE TABLE orders (
                no TEXT NOT NULL, row INTEGER NOT NULL, digest INTEGER NOT NULL,
                data BLOB, in_db INTEGER NOT NULL, lines_digest INTEGER
            );
            -- The item rows: each row's fingerprint, and its parsed line; or, for
            -- rows unchanged since the last import, the cells as read (raw); both
            -- NULL when the row is bad.
            CREATE TABLE items (
                no TEXT NOT NULL, row INTEGER NOT NULL, digest INTEGER NOT NULL,
                data BLOB, raw BLOB
            );
            -- One per order named by the item report: the fingerprint of its rows,
            -- whether they changed since the last import (then its lines are
            -- written), whether the order report has the order.
            CREATE TABLE groups (
                no TEXT PRIMARY KEY, digest INTEGER NOT NULL,
                changed INTEGER NOT NULL, in_report INTEGER NOT NULL
            ) WITHOUT ROWID;
            """
        )
        # One transaction for the file's life: a statement outside one is a
        # transaction of its own, written through to the file.
        self.db.execute("BEGIN")

    def close(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()
        self._dir.cleanup()

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=5)


def _group_digest(digests: Iterable[int]) -> int:
    """Return the fingerprint of an order's item rows from theirs (in file order)."""
    return taobao.fingerprint(tuple(digests))


def _loads(data: bytes) -> Any:
    # Our own scratch file, written by this process moments ago.
    return pickle.loads(data)  # noqa: S301


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


class _Codec:
    """Turn a row's values into plain data for the scratch file, and back.

    Pickling Decimals and zoned datetimes is slow; their text and microseconds since
    the epoch are not. Datetimes come back in UTC (the same instants).
    """

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        self.money = tuple(
            i
            for i, name in enumerate(names)
            if isinstance(model._meta.get_field(name), models.DecimalField)
        )
        self.moments = tuple(
            i
            for i, name in enumerate(names)
            if isinstance(model._meta.get_field(name), models.DateTimeField)
        )

    def dumps(self, values: Sequence[Any]) -> bytes:
        plain = list(values)
        for i in self.money:
            if plain[i] is not None:
                plain[i] = str(plain[i])
        for i in self.moments:
            if plain[i] is not None:
                plain[i] = (plain[i] - _EPOCH) // _MICROSECOND
        return pickle.dumps(tuple(plain), protocol=5)

    def loads(self, data: bytes) -> tuple[Any, ...]:
        values = _loads(data)
        if not self.money and not self.moments:
            return tuple(values)
        values = list(values)
        for i in self.money:
            if values[i] is not None:
                values[i] = Decimal(values[i])
        for i in self.moments:
            if values[i] is not None:
                values[i] = _EPOCH + values[i] * _MICROSECOND
        return tuple(values)


_LINE_CODEC = _Codec(
    OrderLine, ("outer_code", "title", "attributes", "price", "quantity")
)


def _column(model: type[models.Model], name: str) -> str:
    """Return the database column of `model.name`."""
    column = getattr(model._meta.get_field(name), "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model.__name__}.{name} has no column")
    return column


def _select_in(
    model: type[models.Model],
    columns: Sequence[str],
    *,
    shop_id: int,
    column: str,
    values: Sequence[Any],
    where: str = "",
) -> Iterator[tuple[Any, ...]]:
    """Yield `columns` of the shop's rows of `model` whose `column` is in `values`.

    Plain SQL: building an ORM filter with hundreds of values costs more than the
    query (these columns need no conversion). `where` adds a condition, written with
    the model's column names.
    """
    quote = connection.ops.quote_name
    selected = ", ".join(quote(_column(model, name)) for name in columns)
    table = quote(model._meta.db_table)
    shop_column = quote(_column(model, "shop"))
    in_column = quote(_column(model, column))
    extra = f" AND {where}" if where else ""
    with connection.cursor() as cursor:
        for chunk in _chunks(values, _in_size()):
            cursor.execute(
                f"SELECT {selected} FROM {table} WHERE {shop_column} = %s "  # noqa: S608
                f"AND {in_column} IN ({', '.join(['%s'] * len(chunk))}){extra}",
                [shop_id, *chunk],
            )
            yield from cursor.fetchall()


def _orders_by_no(
    shop_id: int, order_nos: Sequence[str], columns: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """Yield (order_no, *columns) of the shop's orders among `order_nos`."""
    return _select_in(
        Order,
        ["order_no", *columns],
        shop_id=shop_id,
        column="order_no",
        values=order_nos,
    )


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_size() -> int:
    """Return how many values one `IN (…)` may hold on this database."""
    return 900 if connection.vendor == "sqlite" else 5000


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


def _source_size(source: ImportSource) -> int | None:
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


# --- raw inserts and updates --------------------------------------------------------


class _Statement:
    """An INSERT or UPDATE of some of a model's columns, run with executemany.

    Values are adapted as the ORM would (aware datetimes, JSON); Decimals, strings,
    ints and None go to the driver as they are.
    """

    def __init__(
        self,
        model: type[models.Model],
        names: Sequence[str],
        *,
        where: str | None = None,
    ) -> None:
        meta = model._meta
        quote = connection.ops.quote_name
        fields = [meta.get_field(name) for name in names]
        columns = [quote(_column(model, name)) for name in names]
        table = quote(meta.db_table)
        self.copy_sql = (
            f"COPY {table} ({', '.join(columns)}) FROM STDIN" if where is None else None
        )
        if where is None:
            self.sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (model names)
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
        else:
            sets = ", ".join(f"{c} = %s" for c in columns)
            self.sql = f"UPDATE {table} SET {sets} WHERE {quote(where)} = %s"  # noqa: S608
        self.adapters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, f in enumerate(fields):
            if isinstance(f, models.DateTimeField):
                self.adapters.append((index, _datetime_adapter()))
            elif isinstance(f, models.JSONField):
                self.adapters.append((index, _json_adapter(f)))

    def run(self, rows: Iterable[Sequence[Any]]) -> int:
        prepared: list[Sequence[Any]] = []
        adapters = self.adapters
        for row in rows:
            if adapters:
                values = list(row)
                for index, adapt in adapters:
                    values[index] = adapt(values[index])
                prepared.append(values)
            else:
                prepared.append(row)
        if not prepared:
            return 0
        if connection.vendor == "postgresql":
            if self.copy_sql:
                _copy(self.copy_sql, prepared)
            else:
                _executemany_server_bound(self.sql, prepared)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)
        return len(prepared)


def _copy(sql: str, rows: list[Sequence[Any]]) -> None:
    """Insert the rows with PostgreSQL's COPY (same connection and transaction)."""
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        connection.connection.cursor() as cur,
        cur.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _executemany_server_bound(sql: str, rows: list[Sequence[Any]]) -> None:
    """Run `sql` for every row through a server-side binding psycopg cursor.

    Django's PostgreSQL cursors bind on the client (every value quoted into the SQL
    text), which for wide rows costs twice the time of sending the values apart.
    Same connection, same transaction; errors arrive as Django's.
    """
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
        cur.executemany(sql, rows)


def _datetime_adapter() -> Callable[[Any], Any]:
    """Return what turns an aware datetime into what this database's driver takes."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "sqlite" and db.timezone is dt.UTC:
        # What the SQLite backend does (naive UTC text), without its per-value checks.
        def adapt(value: Any) -> Any:
            if value is None:
                return None
            return str(value.astimezone(dt.UTC).replace(tzinfo=None))

        return adapt
    return db.ops.adapt_datetimefield_value


def _json_adapter(json_field: models.JSONField) -> Callable[[Any], Any]:
    db = connections[DEFAULT_DB_ALIAS]

    def adapt(value: Any) -> Any:
        return json_field.get_db_prep_save(value, db)

    return adapt


# --- pass 1 --------------------------------------------------------------------


@dataclass
class _Entry:
    """One order named by the files, as pass 2 writes it."""

    no: str
    row: int | None = None  # its row of the order report (None: item report only)
    digest: int | None = None
    values: tuple[Any, ...] | None = None  # parsed; None when unchanged since
    group_digest: int | None = None
    lines: list[tuple[Any, ...]] | None = None  # parsed; None when unchanged/absent


@dataclass
class _Counts:
    lines_created: int = 0
    lines_updated: int = 0
    lines_deleted: int = 0
    customers_created: int = 0
    history: int = 0


@dataclass
class _Import:
    shop: Shop
    actor: Actor
    staging: _Staging
    report: ImportReport
    progress: Progress | None
    batch_size: int
    orders_name: str = ""
    items_name: str = ""
    fields: tuple[str, ...] = ()
    item_rows: int = 0
    sizes: tuple[int, int] = (1, 0)
    counts: _Counts = field(default_factory=_Counts)
    _order_binding: Binding | None = None
    _order_sig: tuple[Any, ...] = ()
    _item_binding: Binding | None = None
    _item_sig: tuple[Any, ...] = ()
    codec: _Codec = field(default_factory=lambda: _Codec(Order, ()))

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

    def _writing(self, done: int, total: int) -> None:
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
                self.codec = _Codec(Order, self.fields)
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
            for order_no, digest, lines_digest in _orders_by_no(
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
            if last is not None and last == _group_digest(d for _n, _r, d in rows):
                staged.extend(
                    (order_no, number, digest, None, _dumps(raw))
                    for number, raw, digest in rows
                )
                continue
            for number, raw, digest in rows:
                row = binding.parse(number, raw)
                if row.errors:
                    report.add_errors(row.errors)
                    staged.append((order_no, number, digest, None, None))
                else:
                    line = _LINE_CODEC.dumps(taobao.line_values(row))
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
        for chunk in _chunks(nos, 900):
            for order_no, in_db, lines_digest in self.staging.db.execute(
                "SELECT no, in_db, lines_digest FROM orders "  # noqa: S608
                f"WHERE no IN ({_placeholders(len(chunk))})",
                chunk,
            ):
                listed.add(order_no)
                if in_db:
                    known[order_no] = lines_digest
        others = [order_no for order_no in nos if order_no not in listed]
        if others:
            known.update(_orders_by_no(self.shop.pk, others, ["lines_digest"]))
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
            digest = _group_digest(d for _row, d, _raw, _id in rows)
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
        for chunk in _chunks(rowids, 900):
            for rowid, number, raw in db.execute(
                "SELECT rowid, row, raw FROM items "  # noqa: S608
                f"WHERE rowid IN ({_placeholders(len(chunk))})",
                chunk,
            ).fetchall():
                row = binding.parse(number, _loads(raw))
                if row.errors:
                    self.report.add_errors(row.errors)
                else:
                    parsed.append((_LINE_CODEC.dumps(taobao.line_values(row)), rowid))
        db.executemany("UPDATE items SET data = ?, raw = NULL WHERE rowid = ?", parsed)

    # -- pass 2 --

    def write(self) -> None:
        """Write every staged order, in batches (call inside one transaction)."""
        db = self.staging.db
        total = (
            db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
            + db.execute(
                "SELECT COUNT(*) FROM groups WHERE in_report = 0 AND changed = 1"
            ).fetchone()[0]
        )
        writer = _Writer(self)
        done = 0
        cursor = db.execute("SELECT no, row, digest, data FROM orders ORDER BY rowid")
        while batch := cursor.fetchmany(self.batch_size):
            entries = [
                _Entry(
                    no=order_no,
                    row=row,
                    digest=digest,
                    values=self.codec.loads(data) if data is not None else None,
                )
                for order_no, row, digest, data in batch
            ]
            self._attach_lines(entries)
            writer.write(entries)
            done += len(entries)
            self._writing(done, total)
        # Orders only the item report names (already in the database).
        cursor = db.execute(
            "SELECT no, digest FROM groups WHERE in_report = 0 AND changed = 1"
        )
        while batch := cursor.fetchmany(self.batch_size):
            entries = [_Entry(no=order_no) for order_no, _digest in batch]
            self._attach_lines(entries)
            writer.write(entries)
            done += len(entries)
            self._writing(done, total)
        self.report.unchanged += db.execute(
            "SELECT COUNT(*) FROM groups WHERE in_report = 0 AND changed = 0"
        ).fetchone()[0]

    def _attach_lines(self, entries: list[_Entry]) -> None:
        if self._item_binding is None:
            return
        db = self.staging.db
        by_no = {entry.no: entry for entry in entries}
        changed: list[str] = []
        for chunk in _chunks(list(by_no), 900):
            marks = _placeholders(len(chunk))
            for order_no, digest, is_changed in db.execute(
                f"SELECT no, digest, changed FROM groups WHERE no IN ({marks})",  # noqa: S608
                chunk,
            ):
                by_no[order_no].group_digest = digest
                if is_changed:
                    by_no[order_no].lines = []
                    changed.append(order_no)
        for chunk in _chunks(changed, 900):
            marks = _placeholders(len(chunk))
            for order_no, data in db.execute(
                f"SELECT no, data FROM items WHERE no IN ({marks}) ORDER BY no, row",  # noqa: S608
                chunk,
            ):
                lines = by_no[order_no].lines
                if lines is None or data is None:
                    raise _ConflictError(order_no)  # checked in pass 1: cannot be
                lines.append(_LINE_CODEC.loads(data))


# --- pass 2: the writer ---------------------------------------------------------------

_LINE_FIELDS = (
    "order",
    "sku",
    "outer_code",
    "title",
    "attributes",
    "price",
    "quantity",
)


class _Writer:
    """Write batches of entries (inside the import's transaction)."""

    def __init__(self, job: _Import) -> None:
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
        self.insert_order = _Statement(Order, [f.name for f in self.insert_fields])
        self.update_fields = (
            _Statement(Order, [*self.fields, "updated_at"], where="id")
            if self.fields
            else None
        )
        self.update_marks = _Statement(
            Order, ["import_digest", "lines_digest", "customer"], where="id"
        )
        self.update_touched = _Statement(Order, ["updated_at"], where="id")
        self.insert_line = _Statement(OrderLine, _LINE_FIELDS)
        self.update_line = _Statement(
            OrderLine, ["price", "quantity", "sku"], where="id"
        )
        self.insert_history = _Statement(
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

    def write(self, entries: list[_Entry]) -> None:
        shop_id = self.shop.pk
        existing: dict[str, tuple[int, int | None, int | None, int | None, str]] = {
            order_no: (pk, digest, lines_digest, customer_id, status)
            for order_no, pk, digest, lines_digest, customer_id, status in (
                _orders_by_no(
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
            for chunk in _chunks(compare, _in_size()):
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
        for chunk in _chunks(relined, _in_size()):
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

        new_orders: list[_Entry] = []
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
                    raise _ConflictError(entry.no)
                new_orders.append(entry)
                continue
            pk, digest, lines_digest, customer_id, status = found
            changes: dict[str, list[Any]] = {}
            fields_changed = False
            new_digest = digest
            new_status = status
            if entry.row is not None and digest != entry.digest:
                if entry.values is None:
                    raise _ConflictError(entry.no)
                old = current.get(pk)
                if old is None:
                    raise _ConflictError(entry.no)
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
            for chunk in _chunks(line_deletes, _in_size()):
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

    def _skus(self, entries: list[_Entry]) -> dict[str, int]:
        codes = sorted({line[0] for e in entries for line in e.lines or () if line[0]})
        skus: dict[str, int] = {}
        for chunk in _chunks(codes, _in_size()):
            skus.update(
                Sku.objects.filter(outer_code__in=chunk)
                .order_by()
                .values_list("outer_code", "pk")
            )
        return skus

    def _insert_orders(
        self, entries: list[_Entry], customers: dict[str, int]
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
        return dict(_orders_by_no(shop_id, [e.no for e in entries], ["id"]))

    def _customers(
        self,
        entries: list[_Entry],
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


# --- the service ----------------------------------------------------------------


def orders_import(
    *,
    actor: Actor,
    shop: Shop,
    orders_file: ImportSource,
    items_file: ImportSource | None = None,
    orders_filename: str | None = None,
    items_filename: str | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import the seller center's order report (and item report) into `shop`.

    The whole files or nothing: if any row is bad — a cell that cannot be read, an
    unknown status, an order number twice, an item row of an unknown order, a new
    order without its creation time — nothing is written and the report names every
    bad row. Otherwise new orders are created, changed ones updated (with a history
    row each), unchanged ones left alone, and one audit entry ("orders.import") sums
    the import up. See the module's docstring for how.
    """
    orders_name = source_name(orders_file, orders_filename)
    items_name = (
        source_name(items_file, items_filename) if items_file is not None else ""
    )
    if items_file is not None and items_name == orders_name:
        items_name = f"{items_name} ({_('宝贝报表')})"
    report = ImportReport(error_limit=ERROR_LIMIT)
    with _Staging() as staging:
        job = _Import(
            shop=shop,
            actor=actor,
            staging=staging,
            report=report,
            progress=progress,
            batch_size=max(1, batch_size),
            orders_name=orders_name,
            items_name=items_name,
        )
        sizes = (_source_size(orders_file) or 1, 0)
        if items_file is not None:
            sizes = (sizes[0], _source_size(items_file) or sizes[0])
        job.sizes = sizes
        job.read_orders(orders_file, orders_name)
        if items_file is not None and job.fields:
            job.read_items(items_file, items_name)
        report.extra["item_rows"] = job.item_rows
        if report.ok:
            _write(job, orders_name, items_name)
    if report.errors_omitted:
        report.extra["errors_omitted"] = report.errors_omitted
    files = {orders_name: 0, items_name: 1}
    report.errors.sort(key=lambda e: (files.get(e.file, 2), e.row or 0))
    report.warnings.sort(key=lambda e: (files.get(e.file, 2), e.row or 0))
    return report


def _write(job: _Import, orders_name: str, items_name: str) -> None:
    report = job.report
    # Announce pass 2 before its transaction opens (see `_BatchProgress`).
    job._writing(0, 1)
    try:
        with transaction.atomic():
            job.write()
            counts = job.counts
            report.extra.update(
                lines_created=counts.lines_created,
                lines_updated=counts.lines_updated,
                lines_deleted=counts.lines_deleted,
                customers_created=counts.customers_created,
                history_rows=counts.history,
            )
            audit_record(
                actor=job.actor,
                verb="orders.import",
                obj=job.shop,
                action=AuditEntry.Action.IMPORT,
                changes={
                    "orders_file": orders_name,
                    "items_file": items_name,
                    "rows": report.rows,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    **report.extra,
                },
            )
    except (IntegrityError, _ConflictError):
        _reset(report)
        report.add_error(
            RowError(
                orders_name,
                None,
                "",
                "",
                _("导入时这些订单被同时修改（可能有另一个导入在进行），未导入；请重试"),
            )
        )
    except ProtectedError:
        _reset(report)
        report.add_error(
            RowError(
                items_name or orders_name,
                None,
                "",
                "",
                _(
                    "有订单的明细变了，但旧明细已被引用（如已预留库存），不能删除；未导入"
                ),
            )
        )


def _reset(report: ImportReport) -> None:
    report.created = report.updated = report.unchanged = 0
    item_rows = report.extra.get("item_rows", 0)
    report.extra.clear()
    report.extra["item_rows"] = item_rows


# --- import batches: an upload, imported by a job with a progress bar ---------------


def import_batch_create(
    *,
    actor: Actor,
    shop: Shop,
    orders_file: Any,
    items_file: Any | None = None,
) -> ImportBatch:
    """Save an upload (under MEDIA_ROOT) as an ImportBatch and queue its import.

    `orders_file`/`items_file` are uploaded files (anything with a name that Django's
    storage can save). The job (`orders.tasks.import_batch_job`) starts once this
    transaction commits.
    """
    from shopops.orders import tasks

    orders_name = source_name(orders_file)
    items_name = source_name(items_file) if items_file is not None else ""
    with transaction.atomic():
        batch = ImportBatch(
            shop=shop,
            orders_filename=orders_name[:200],
            items_filename=items_name[:200],
            created_by=signed_in(actor),
        )
        batch.orders_file.save(orders_name, orders_file, save=False)
        if items_file is not None:
            batch.items_file.save(items_name, items_file, save=False)
        batch.save()
        audit_record(
            actor=actor,
            verb="orders.import_queued",
            obj=batch,
            action=AuditEntry.Action.CREATE,
            changes={
                "shop": shop.code,
                "orders_file": orders_name,
                "items_file": items_name,
            },
        )
        transaction.on_commit(lambda: tasks.import_batch_job(batch.pk))
    return batch


def import_batch_run(*, batch_id: int) -> ImportBatch | None:
    """Run a queued ImportBatch: import its files, keep its progress and report.

    Idempotent: a batch that is no longer pending (another worker took it, or it
    already ran) is left alone and None is returned.
    """
    taken = ImportBatch.objects.filter(
        pk=batch_id, state=ImportBatch.State.PENDING
    ).update(state=ImportBatch.State.RUNNING)
    if not taken:
        return None
    batch = ImportBatch.objects.select_related("shop", "created_by").get(pk=batch_id)
    publisher = _BatchProgress(batch.pk)
    try:
        with contextlib.ExitStack() as files:
            orders_file = files.enter_context(batch.orders_file.open("rb"))
            items_file = (
                files.enter_context(batch.items_file.open("rb"))
                if batch.items_file
                else None
            )
            report = orders_import(
                actor=batch.created_by,
                shop=batch.shop,
                orders_file=orders_file,
                items_file=items_file,
                orders_filename=batch.orders_filename,
                items_filename=batch.items_filename or None,
                progress=publisher,
            )
    except Exception:
        log.exception("order import %s failed", batch_id)
        report = ImportReport()
        report.add_error(
            RowError(
                batch.orders_filename,
                None,
                "",
                "",
                _("导入时出现内部错误，未导入任何数据；请联系管理员"),
            )
        )
    finally:
        publisher.close()
    rows = report.rows + int(report.extra.get("item_rows", 0))
    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportBatch.State.DONE if report.ok else ImportBatch.State.FAILED,
        report=report.as_dict(),
        rows_total=rows,
        rows_done=rows,
        finished_at=clock.now(),
    )
    batch.refresh_from_db()
    return batch


class _BatchProgress:
    """Keep an ImportBatch's progress up to date while its import runs.

    Pass 1 (reading and checking) runs outside any transaction, so its progress is
    written through the job's own connection and seen at once. Pass 2 (writing) runs
    in one transaction, because the files are taken whole or not at all: an update of
    the batch row in that transaction would be seen only at its end. So the batch
    enters the "writing" state just before that transaction opens, and then:

    - on PostgreSQL the row is updated through a second connection of its own, in
      autocommit (the import's transaction never touches that row, so nobody waits);
    - on SQLite a second connection would wait for the import's write lock (one writer
      at a time), so nothing is written: the page shows "writing" with the bar at the
      end of pass 1 until the import commits.

    Updates are at most two a second.
    """

    INTERVAL = 0.5

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.phase = ""
        self.last = 0.0
        self.side: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < self.INTERVAL:
            return
        self.last = now
        total = max(total, done, 1)
        if phase != self.phase:
            self.phase = phase
            state = (
                ImportBatch.State.WRITING
                if phase == "writing"
                else ImportBatch.State.RUNNING
            )
            ImportBatch.objects.filter(pk=self.batch_id).update(
                state=state, rows_done=done, rows_total=total
            )
            return
        if phase == "reading":
            ImportBatch.objects.filter(pk=self.batch_id).update(
                rows_done=done, rows_total=total
            )
        elif connection.vendor == "postgresql":
            self._side_update(done, total)

    def _side_update(self, done: int, total: int) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        meta = ImportBatch._meta
        quote = self.side.ops.quote_name
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} SET {quote('rows_done')} = %s, "  # noqa: S608
                f"{quote('rows_total')} = %s WHERE {quote('id')} = %s",
                [done, total, self.batch_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
