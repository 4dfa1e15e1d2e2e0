"""The shared check of every export (issue 18): plant hostile texts in what buyers,
suppliers and colleagues type, download the file, and assert it holds them as text,
whole.

- `HOSTILE`: texts a spreadsheet would run as a formula (or read as a sign);
  `ORDER_NO` (19 digits) and `LEADING_ZERO`: codes a spreadsheet would mangle as numbers.
- `body(response)`: the bytes of a plain or streamed response.
- `csv_rows(response)`: the CSV's rows, decoded with the response's charset (BOM dropped).
- `xlsx_book(response)`: the workbook, read with openpyxl.
- `csv_cell(text)`: the CSV cell `core.exports` must write for `text` — ``'`` + text
  for the formula-like, ``="…"`` for codes, the text for the rest;
  `shown(cell)`: the text a CSV cell stands for (the digits inside ``="…"``, the text
  after the ``'`` put before a formula-like text).
- `xlsx_value(text)`: what an XLSX string cell holds for `text` — the text, with its
  carriage returns as line feeds (XML reads ``\r`` back as ``\n``).
- `assert_csv_holds(rows, texts)` / `assert_xlsx_holds(book, texts)`: each text is a
  whole cell (CSV: written as `csv_cell` says; XLSX: a string cell of `xlsx_value`),
  and no cell of the file is live: no CSV cell starts like a formula other than ``'…``
  and ``="digits"``, no XLSX cell is a formula.
- `assert_xlsx_contains(book, texts)`: each text is the start of a string cell (fields
  the file writes joined with others, e.g. the supplier's name and code).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

HOSTILE = (
    '=HYPERLINK("http://evil.example","点我")',
    "=1+1",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\tx",
    "\rx",
)
ORDER_NO = "3301234567890123456"  # 19 digits: 3.30123E+18 when read as a number
LEADING_ZERO = "00731"  # a code with a leading zero: 731 when read as a number
PLANTED = (*HOSTILE, ORDER_NO, LEADING_ZERO)

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_CODE_CELL = re.compile(r'="[0-9]+"')


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def csv_rows(response: Any) -> list[list[str]]:
    content_type = response["Content-Type"]
    assert content_type.startswith("text/csv"), content_type
    charset = content_type.partition("charset=")[2] or "utf-8"
    text = body(response).decode("utf-8-sig" if charset == "utf-8" else charset)
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_book(response: Any) -> Workbook:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ), response["Content-Type"]
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(body(response)))


def csv_cell(text: str) -> str:
    if text.startswith(_TRIGGERS):
        return "'" + text
    digits = text.isascii() and text.isdigit()
    if digits and (len(text) >= 12 or (len(text) >= 2 and text[0] == "0")):
        return f'="{text}"'
    return text


def xlsx_value(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def shown(cell: str) -> str:
    """The text the CSV cell stands for: the digits inside ``="…"`` (what a spreadsheet
    shows), the text after the ``'`` put before a formula-like text."""
    if _CODE_CELL.fullmatch(cell):
        return cell[2:-1]
    if cell[:1] == "'" and cell[1:2] in _TRIGGERS:
        return cell[1:]
    return cell


def assert_csv_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            live = cell.startswith(_TRIGGERS) and not _CODE_CELL.fullmatch(cell)
            assert not live, f"a live CSV cell: {cell!r} in {row!r}"


def assert_csv_holds(rows: list[list[str]], texts: Iterable[str] = PLANTED) -> None:
    assert_csv_inert(rows)
    cells = {cell for row in rows for cell in row}
    for text in texts:
        assert csv_cell(text) in cells, f"{text!r} is not a whole CSV cell"
        assert any(shown(cell) == text for cell in cells)


def _cells(book: Workbook) -> list[Any]:
    return [
        cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    ]


def assert_xlsx_inert(book: Workbook) -> None:
    for cell in _cells(book):
        assert cell.data_type != "f", (
            f"a formula cell {cell.coordinate}: {cell.value!r}"
        )


def assert_xlsx_holds(book: Workbook, texts: Iterable[str] = PLANTED) -> None:
    assert_xlsx_inert(book)
    strings = {cell.value for cell in _cells(book) if cell.data_type == "s"}
    for text in texts:
        assert xlsx_value(text) in strings, f"{text!r} is not a whole string cell"


def assert_xlsx_contains(book: Workbook, texts: Iterable[str]) -> None:
    assert_xlsx_inert(book)
    strings = [
        cell.value
        for cell in _cells(book)
        if cell.data_type == "s" and isinstance(cell.value, str)
    ]
    for text in texts:
        value = xlsx_value(text)
        assert any(s.startswith(value) for s in strings), f"{text!r} is in no cell"


def fitting(model: Any, field: str, texts: Iterable[str] = PLANTED) -> list[str]:
    """The texts that fit in `model.field` (PostgreSQL enforces max_length)."""
    limit = model._meta.get_field(field).max_length
    return [text for text in texts if limit is None or len(text) <= limit]
