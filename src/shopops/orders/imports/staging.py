"""The import's scratch file: the rows between pass 1 and pass 2.

A scratch SQLite database in the temp directory (deleted afterwards), so memory stays
flat whatever the size of the files; the codec that turns a row's values into plain
data for it (and back); the fingerprint of an order's item rows; and `Entry`, one
order as pass 2 (`writer`) writes it.
"""

from __future__ import annotations

import datetime as dt
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models

from shopops.orders.importers import taobao
from shopops.orders.models import OrderLine


class ConflictError(Exception):
    """The database changed between the check and the write (another import)."""


class Staging:
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

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=5)


def group_digest(digests: Iterable[int]) -> int:
    """Return the fingerprint of an order's item rows from theirs (in file order)."""
    return taobao.fingerprint(tuple(digests))


def loads(data: bytes) -> Any:
    # Our own scratch file, written by this process moments ago.
    return pickle.loads(data)  # noqa: S301


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


class Codec:
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
        values = loads(data)
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


LINE_CODEC = Codec(
    OrderLine, ("outer_code", "title", "attributes", "price", "quantity")
)


def placeholders(count: int) -> str:
    return ",".join("?" * count)


@dataclass
class Entry:
    """One order named by the files, as pass 2 writes it."""

    no: str
    row: int | None = None  # its row of the order report (None: item report only)
    digest: int | None = None
    values: tuple[Any, ...] | None = None  # parsed; None when unchanged since
    group_digest: int | None = None
    lines: list[tuple[Any, ...]] | None = None  # parsed; None when unchanged/absent
