"""Set-based SQL for writers in bulk: thousands of rows in a few statements.

What the order import, the daily rollups (`orders.rollups`), the wave reservations
(`stock.services`) and the customer matching (`customers.services`) share, and what a
later import uses: it takes models and column names, and imports no app.

- `select_in` / `select_in_chunks`: plain SQL lookups of thousands of values, an
  `IN (…)` of `in_size()` values at a time. Building an ORM filter with thousands of
  values costs more than running it, and its converters more than the rows.
- `Statement`: an INSERT or UPDATE of some of a model's columns, run for many rows
  with `executemany`; values adapted as the ORM would (aware datetimes, JSON). On
  PostgreSQL an INSERT goes through COPY and an UPDATE binds on the server (Django's
  cursors bind on the client, twice the time for wide rows); same connection, same
  transaction, errors arrive as Django's.
- `execute_many`: one statement of the caller's for every row (Django's cursor).
- `insert_returning`: multi-row INSERT … RETURNING id (SQLite 3.35+, PostgreSQL), as
  `bulk_create` does but without a model instance per row.

All of it runs on the default connection, inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

T = TypeVar("T")


def column_name(model: type[models.Model], name: str) -> str:
    """Return the database column of `model.name` (not quoted)."""
    found = getattr(model._meta.get_field(name), "column", None)
    if not isinstance(found, str):
        raise TypeError(f"{model.__name__}.{name} has no column")
    return found


def table(model: type[models.Model]) -> str:
    """Return the quoted table of `model`."""
    return connection.ops.quote_name(model._meta.db_table)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_size() -> int:
    """Return how many values one `IN (…)` may hold on this database."""
    return 900 if connection.vendor == "sqlite" else 5000


# --- lookups ------------------------------------------------------------------------


def select_in_chunks(
    sql: str,
    values: Sequence[Any],
    *,
    params: Sequence[Any] = (),
    suffix: str = "",
) -> Iterator[Any]:
    """Yield the rows of `sql` (ending in "IN") for `values`, a chunk at a time.

    `params` are bound before the chunk's values (for the placeholders of `sql`),
    `suffix` is SQL text after the `IN (…)`.
    """
    with connection.cursor() as cursor:
        for chunk in chunks(values, in_size()):
            cursor.execute(
                f"{sql} ({', '.join(['%s'] * len(chunk))}){suffix}", [*params, *chunk]
            )
            yield from cursor.fetchall()


def select_in(
    model: type[models.Model],
    columns: Sequence[str],
    *,
    equal: Mapping[str, Any],
    column: str,
    values: Sequence[Any],
    where: str = "",
) -> Iterator[tuple[Any, ...]]:
    """Yield `columns` of the rows of `model` whose fields `equal` have those values
    and whose `column` is in `values`.

    These columns need no conversion (no money, no times: see `Statement` for
    writing them). `where` adds a condition, written with the model's column names.
    """
    quote = connection.ops.quote_name
    selected = ", ".join(quote(column_name(model, name)) for name in columns)
    conditions = "".join(
        f"{quote(column_name(model, name))} = %s AND " for name in equal
    )
    in_column = quote(column_name(model, column))
    extra = f" AND {where}" if where else ""
    return select_in_chunks(
        f"SELECT {selected} FROM {table(model)} "  # noqa: S608 (model names)
        f"WHERE {conditions}{in_column} IN",
        values,
        params=list(equal.values()),
        suffix=extra,
    )


# --- writes -------------------------------------------------------------------------


class Statement:
    """An INSERT or UPDATE of some of a model's columns, run with executemany.

    Values are adapted as the ORM would (aware datetimes, JSON); Decimals, strings,
    ints and None go to the driver as they are. `where`: an UPDATE of the rows whose
    `where` column equals the last value of each row.
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
        columns = [quote(column_name(model, name)) for name in names]
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
                self.adapters.append((index, datetime_adapter()))
            elif isinstance(f, models.JSONField):
                self.adapters.append((index, json_adapter(f)))

    def run(self, rows: Iterable[Sequence[Any]]) -> int:
        """Write the rows; return how many."""
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
                copy_rows(self.copy_sql, prepared)
            else:
                executemany_server_bound(self.sql, prepared)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)
        return len(prepared)


def execute_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run `sql` for every row through Django's cursor (nothing when no rows)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def copy_rows(sql: str, rows: list[Sequence[Any]]) -> None:
    """Insert the rows with PostgreSQL's COPY (same connection and transaction)."""
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        connection.connection.cursor() as cur,
        cur.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def executemany_server_bound(sql: str, rows: list[Sequence[Any]]) -> None:
    """Run `sql` for every row through a server-side binding psycopg cursor.

    Django's PostgreSQL cursors bind on the client (every value quoted into the SQL
    text), which for wide rows costs twice the time of sending the values apart.
    Same connection, same transaction; errors arrive as Django's.
    """
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
        cur.executemany(sql, rows)


def datetime_adapter() -> Callable[[Any], Any]:
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


def json_adapter(json_field: models.JSONField) -> Callable[[Any], Any]:
    """Return what turns a value of `json_field` into what the driver takes."""
    db = connections[DEFAULT_DB_ALIAS]

    def adapt(value: Any) -> Any:
        return json_field.get_db_prep_save(value, db)

    return adapt


# --- multi-row INSERT … RETURNING ---------------------------------------------------


def rows_per_insert(width: int) -> int:
    """The most rows one INSERT of `width` values a row takes: 1,024, or the power
    of two within SQLite's limit of variables."""
    most = 1024
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        while most > 1 and most * width > limit:
            most //= 2
    return most


def statement_sizes(count: int, most: int) -> Iterator[int]:
    """Split `count` rows into statements of `most` rows, then powers of two.

    Few distinct statement texts (at most 11): the SQLite driver keeps the last 128
    prepared, and one per remainder size held tens of megabytes at 200,000 rows.
    """
    while count:
        size = most
        while size > count:
            size //= 2
        yield size
        count -= size


def insert_returning(
    model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> list[int]:
    """Insert rows of `model` (values in `names` order); return their ids, in order.

    Multi-row INSERT … RETURNING (SQLite 3.35+, PostgreSQL), as `bulk_create` does but
    without building a model instance per row. The ids of one statement are handed
    out in the order of its rows, so they are matched to the rows sorted. Values go
    to the driver as they are (adapt datetimes first, see `datetime_adapter`).
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column_name(model, name)) for name in names)
    pk_column = quote(column_name(model, "id"))
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    ids: list[int] = []
    start = 0
    with connection.cursor() as cursor:
        for size in statement_sizes(len(rows), rows_per_insert(len(names))):
            chunk = rows[start : start + size]
            start += size
            cursor.execute(
                f"INSERT INTO {table(model)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([one] * size)} RETURNING {pk_column}",
                [value for row in chunk for value in row],
            )
            ids.extend(sorted(pk for (pk,) in cursor.fetchall()))
    return ids
