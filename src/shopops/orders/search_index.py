"""The order search index: its schema on each database and the matching rule.

The rule (the same on SQLite and PostgreSQL, see docs/architecture.md):

- the searched fields are the order number, the buyer's member name, the receiver's
  name, the receiver's phone and the tracking number;
- the query is stripped, control characters are dropped and it is cut at 100
  characters; an empty query matches everything;
- a query of 3 characters or more matches an order when it is a substring of one of
  those fields (`5678` finds the masked phone `138****5678`);
- a query of 1 or 2 characters matches an order when one of those fields *is* the
  query (`张三` finds the receiver 张三, not 张三丰): a trigram index cannot look up a
  substring shorter than a trigram, and "every order with a 1 in it" is not a search;
- both ignore the case of the letters A–Z, and only of those (`tb_hiker` finds
  `TB_Hiker`; `é` does not find `É`): what SQLite's LIKE does, and what PostgreSQL does
  on `TRANSLATE(field, 'a…z', 'A…Z')`;
- an 11-digit mobile number (`13812345678`) also finds the seller center's masked
  form of it (`138****5678`).

SQLite: an FTS5 table with the trigram tokenizer, contentless (`content=''`; it
stores only the index), kept in sync by triggers on `orders_order`, narrows the orders
down; Django's `icontains` / `iexact` (LIKE) on those few decides. Each field is indexed
between two `\\x01` marks, so that a whole-field match is the phrase `\\x01query\\x01`
— at least 3 characters, which the trigram index can look up — and only the last 6
characters of a longer query are looked up: the trigrams every order shares (`tb_`,
`400`, `000`) cost a pass over the whole index each, and the end of an order number,
member name or tracking number is what tells it apart.
PostgreSQL: `pg_trgm`, one GIN index over `TRANSLATE(field, 'a…z', 'A…Z')` of the five
fields, which serves both `LIKE '%QUERY%'` and `= 'QUERY'` (PostgreSQL ≥ 14).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

FIELDS = (
    "order_no",
    "buyer_member_name",
    "receiver_name",
    "receiver_phone",
    "tracking_no",
)
TABLE = "orders_order_search"
PG_INDEX = "orders_order_search_trgm"
MARK = "\x01"
SHORTEST_SUBSTRING = 3
LONGEST_QUERY = 100
WINDOW = 6
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()
_TO_UPPER = str.maketrans(LOWER, UPPER)
_MOBILE = re.compile(r"1[3-9]\d{9}")

_COLUMNS = ", ".join(FIELDS)


def _marked(row: str) -> str:
    return ", ".join(f"char(1) || {row}.{f} || char(1)" for f in FIELDS)


SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"{_COLUMNS}, content='', columnsize=0, tokenize='trigram')"
)
_CHANGED = " OR ".join(f"old.{f} IS NOT new.{f}" for f in FIELDS)
SQLITE_TRIGGERS = {
    f"{TABLE}_insert": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON orders_order "  # noqa: S608 - constants
        f"BEGIN INSERT INTO {TABLE} (rowid, {_COLUMNS}) "
        f"VALUES (new.id, {_marked('new')}); END"
    ),
    f"{TABLE}_delete": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON orders_order "  # noqa: S608 - constants
        f"BEGIN INSERT INTO {TABLE} ({TABLE}, rowid, {_COLUMNS}) "
        f"VALUES ('delete', old.id, {_marked('old')}); END"
    ),
    f"{TABLE}_update": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update "  # noqa: S608 - constants
        f"AFTER UPDATE OF id, {_COLUMNS} ON orders_order WHEN {_CHANGED} "
        f"OR old.id IS NOT new.id BEGIN "
        f"INSERT INTO {TABLE} ({TABLE}, rowid, {_COLUMNS}) "
        f"VALUES ('delete', old.id, {_marked('old')}); "
        f"INSERT INTO {TABLE} (rowid, {_COLUMNS}) "
        f"VALUES (new.id, {_marked('new')}); END"
    ),
}
SQLITE_REBUILD = (
    f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')",  # noqa: S608 - constants
    f"INSERT INTO {TABLE} (rowid, {_COLUMNS}) "  # noqa: S608 - constants
    f"SELECT id, {_marked('orders_order')} FROM orders_order",
    # one segment per level instead of one per batch: fewer seeks per lookup
    f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')",  # noqa: S608 - constants
)
SQLITE_MATCH = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 - constants

PG_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON orders_order USING gin ("
    + ", ".join(f"(TRANSLATE({f}, '{LOWER}', '{UPPER}')) gin_trgm_ops" for f in FIELDS)
    + ")",
)


def create(connection: Any) -> None:
    """Create the index on `connection`'s database and fill it from the orders."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_TABLE)
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            for sql in SQLITE_REBUILD:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in PG_CREATE:
                cursor.execute(sql)


def drop(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def repair(connection: Any) -> bool:
    """Put back the SQLite triggers when a table rebuild dropped them; rebuild the index.

    Django's SQLite schema editor changes some columns by copying `orders_order` into
    a new table, which drops the table's triggers. Run after every `migrate` (the
    app's post_migrate); return True when it had to repair.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, type FROM sqlite_master WHERE name = %s "
            "OR (type = 'trigger' AND tbl_name = 'orders_order')",
            [TABLE],
        )
        found = dict(cursor.fetchall())
    if TABLE not in found or all(name in found for name in SQLITE_TRIGGERS):
        return False
    create(connection)
    return True


def clean_query(text: str) -> str:
    """Return the query as searched: stripped, no control characters, ≤ 100 chars."""
    kept = "".join(c for c in text if unicodedata.category(c) != "Cc")
    return kept.strip()[:LONGEST_QUERY].strip()


def query_terms(query: str) -> list[str]:
    """Return what a cleaned query looks for: itself, and a mobile's masked form."""
    if not query:
        return []
    terms = [query]
    if _MOBILE.fullmatch(query):
        terms.append(f"{query[:3]}****{query[-4:]}")
    return terms


def is_exact(term: str) -> bool:
    """Return whether `term` is too short for a substring: it matches whole fields."""
    return len(term) < SHORTEST_SUBSTRING


def ascii_upper(text: str) -> str:
    """Return `text` with a–z in capitals and every other character as it is."""
    return text.translate(_TO_UPPER)


def fts_match(terms: list[str]) -> str:
    """Return the FTS5 MATCH expression narrowing the search down to few orders.

    A superset of the orders that match: each term's last 6 characters (a short term
    between its marks), in any field, with any case folding FTS5 does.
    """
    phrases = []
    for term in terms:
        text = f"{MARK}{term}{MARK}" if is_exact(term) else term[-WINDOW:]
        phrases.append('"' + text.replace('"', '""') + '"')
    return " OR ".join(phrases)
