"""Spreadsheet exports: the one place every page, command and API endpoint writes a CSV
or an XLSX file through.

A caller describes the file as sheets of columns and rows of plain Python values and
gets back a response (or the bytes); this module decides how each value is written, so
that text a buyer, supplier or colleague typed can never run as a formula in the
spreadsheet that opens the file, and codes keep every digit.

The rules, for each cell value:

- **Text that starts like a formula** — its first character is one of ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return (`FORMULA_TRIGGERS`, OWASP's list for CSV
  injection) — is written as inert text:

  - XLSX: a string cell (``data_type == "s"``), never a formula; the cell holds the
    text as given (but for the line ends, below).
  - CSV: the text with a ``'`` in front (OWASP's rule): a spreadsheet opening the
    file shows ``'`` + the text as text (the ``'`` stays visible: OWASP's trade-off)
    and runs nothing.

- **Codes** — text made only of the digits 0–9 with at least `CODE_DIGITS` (12) digits,
  or of two or more digits starting with ``0`` (order numbers, tracking numbers, SKU
  codes, a phone with its leading zero) — stay text, so a spreadsheet shows every digit
  instead of ``3.30123E+18`` or a code without its leading zero:

  - XLSX: a string cell;
  - CSV: ``="…"``, as the seller center writes its own exports (our importers read it
    back, `core.importers.cells.clean_text`). Eleven-digit mobile numbers are shown
    whole by a spreadsheet and are written bare.

- **Other text** is written unchanged (XLSX: a string cell). Two exceptions, in XLSX
  only, where the text lives in XML (the CSV keeps every character): a carriage return
  (``\\r\\n`` or a lone ``\\r``) becomes ``\\n``, as any XML reader would read it back and
  as a spreadsheet breaks a line in a cell; the control characters XML cannot hold
  (``\\x00``–``\\x08``, ``\\x0b``, ``\\x0c``, ``\\x0e``–``\\x1f``) are dropped, where
  openpyxl would otherwise refuse the whole file (`xlsx_text`).
- **Numbers** (``int``, ``Decimal``, ``float``) stay numbers: an XLSX number cell (with
  the column's or the cell's number format), CSV their plain digits (``Decimal`` as
  ``str``: ``12.50``, a negative number keeps its ``-``). An integer too long for a
  spreadsheet's 15 significant digits (``abs(n) >= 10**15``) is written as a code.
  ``bool`` is refused: say what it means in words.
- **Dates** are XLSX date cells (``yyyy-mm-dd``) and CSV ``YYYY-MM-DD``; **datetimes**
  are shown in the shop's time zone (aware ones are converted), XLSX date-time cells
  (``yyyy-mm-dd hh:mm:ss``) and CSV ``YYYY-MM-DD HH:MM:SS``.
- ``None`` is an empty cell.

CSV files are streamed (`StreamingHttpResponse`), line by line, with CRLF line ends, in
UTF-8 with a BOM (so Excel opens Chinese text intact) unless the caller names another
encoding (the seller center's GBK upload); a character the encoding cannot hold becomes
``?``. XLSX workbooks are written in openpyxl's write-only mode, row by row. The file
name always goes through Django's `content_disposition_header` (ASCII names as
``filename="…"``, others as RFC 5987 ``filename*``).

Use:

    columns = [exports.Column(_("订单编号"), width=22), exports.Column(_("金额"), number_format="0.00")]
    rows = ([o.order_no, o.paid_amount] for o in orders)      # any iterable, read once
    exports.csv_response("orders.csv", columns, rows)
    exports.xlsx_response("orders.xlsx", [exports.Sheet(_("订单"), columns, rows)])

A cell may be an `exports.Cell(value, bold=True, number_format="0.00")` where one cell
needs a style of its own (XLSX; the CSV writes its value).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from shopops.core import clock

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CODE_DIGITS = 12
# Integers a spreadsheet cannot hold exactly (15 significant digits) are written as codes.
LONGEST_NUMBER = 10**15
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
CSV_CONTENT_TYPE = "text/csv"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)
_Response = TypeVar("_Response", bound=StreamingHttpResponse)


@dataclass(frozen=True)
class Column:
    """A column: its header, its XLSX width, and the number format of its numbers."""

    label: str
    width: float | None = None
    number_format: str | None = None


@dataclass(frozen=True)
class Cell:
    """A value with a style of its own (XLSX only; the CSV writes the value)."""

    value: Any
    bold: bool = False
    number_format: str | None = None


@dataclass
class Sheet:
    """One worksheet: `rows` (read once) under a bold header of the columns' labels
    (`header=False`: no header row, the columns only give widths and formats)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    header: bool = True
    freeze_header: bool = True


# --- the rules ------------------------------------------------------------------------


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula (or a sign): it begins
    with one of `FORMULA_TRIGGERS`."""
    return text[:1] in _TRIGGER_SET


def is_code(text: str) -> bool:
    """True for digit strings a spreadsheet would mangle as a number: at least
    `CODE_DIGITS` digits, or two or more digits with a leading zero."""
    size = len(text)
    return (
        (size >= CODE_DIGITS or (size >= 2 and text[0] == "0"))
        and text.isascii()
        and text.isdigit()
    )


def xlsx_text(text: str) -> str:
    """Return `text` as an XLSX cell holds it: line ends as ``\\n``, without the control
    characters XML cannot hold."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def _plain(value: Any) -> Any:
    """Return `value` unwrapped from `Cell`, datetimes in the shop's zone (naive), and
    refuse the types this module does not write."""
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, bool):
        raise TypeError("exports: write a yes/no as words, not a bool")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(clock.shop_zone()).replace(tzinfo=None)
        return value
    if value is None or isinstance(value, str | int | Decimal | float | dt.date):
        return value
    raise TypeError(f"exports: cannot write a {type(value).__name__} cell")


def _csv_str(value: str) -> str:
    if value[:1] in _TRIGGER_SET:
        return "'" + value
    return f'="{value}"' if is_code(value) else value


def _csv_int(value: int) -> str:
    return f'="{value}"' if abs(value) >= LONGEST_NUMBER else str(value)


def _csv_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(clock.shop_zone())
    # "YYYY-MM-DD HH:MM:SS" (isoformat is several times faster than strftime)
    return value.isoformat(" ", "seconds")[:19]


def _csv_other(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return _csv_str(str(value))
    if isinstance(value, int):
        return _csv_int(value)
    if isinstance(value, dt.datetime):
        return _csv_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# The writer of each exact type (subclasses, `Cell`s and refusals go by `_csv_other`).
_CSV_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _csv_str,
    type(None): lambda value: "",
    Decimal: str,
    int: _csv_int,
    float: str,
    dt.datetime: _csv_datetime,
    dt.date: dt.date.isoformat,
}


def csv_text(value: Any) -> str:
    """Return the text of `value` in a CSV cell, by the module's rules."""
    return (_CSV_BY_TYPE.get(type(value)) or _csv_other)(value)


def xlsx_cell(
    sheet: WriteOnlyWorksheet, value: Any, column: Column | None = None
) -> Any:
    """Return what `sheet.append` is given for `value`, by the module's rules: a
    write-only cell, or the plain value where openpyxl's own cell is the same (text it
    reads as text, a number without a format, nothing)."""
    kind = type(value)
    if kind is str:  # the common case first
        text = xlsx_text(value)
        if text[:1] != "=" and text not in ERROR_CODES:
            return text
        return _string_cell(sheet, text)
    if value is None:
        return None
    plain_number = kind is Decimal or (kind is int and abs(value) < LONGEST_NUMBER)
    if plain_number and not (column and column.number_format):
        return value
    style = value if isinstance(value, Cell) else None
    value = _plain(value)
    if isinstance(value, int) and abs(value) >= LONGEST_NUMBER:
        value = str(value)
    if isinstance(value, str):
        cell = _string_cell(sheet, xlsx_text(value))
    else:
        cell = WriteOnlyCell(sheet, value)
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        elif value is not None and column is not None and column.number_format:
            cell.number_format = column.number_format
    if style is not None:
        if style.bold:
            cell.font = Font(bold=True)
        if style.number_format and value is not None and not isinstance(value, str):
            cell.number_format = style.number_format
    return cell


def _string_cell(sheet: WriteOnlyWorksheet, text: str) -> Any:
    cell = WriteOnlyCell(sheet, text)
    # openpyxl takes "=…" for a formula and "#N/A" for an error: text here, always.
    cell.data_type = "s"
    return cell


# --- CSV ------------------------------------------------------------------------------


class _Line:
    """A file-like for `csv.writer` that hands each written line back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, header: bool = True
) -> Iterator[str]:
    """Yield the CSV's lines (CRLF line ends), the header first."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    by_type = _CSV_BY_TYPE.get
    if header:
        yield writer.writerow([column.label for column in columns])
    for row in rows:
        yield writer.writerow(
            [(by_type(type(value)) or _csv_other)(value) for value in row]
        )


def csv_stream(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    header: bool = True,
) -> Iterator[bytes]:
    """Yield the CSV's bytes in `encoding` (UTF-8 with a BOM)."""
    if codecs.lookup(encoding).name == "utf-8":
        yield codecs.BOM_UTF8
    for line in csv_lines(columns, rows, header=header):
        yield line.encode(encoding, errors="replace")


def csv_response(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    header: bool = True,
) -> StreamingHttpResponse:
    """Return the CSV as a streamed download named `filename`.

    `rows` is read while the body streams, after the view returned: translate what the
    rows need (status labels…) before calling this.
    """
    response = StreamingHttpResponse(
        csv_stream(columns, rows, encoding=encoding, header=header),
        content_type=f"{CSV_CONTENT_TYPE}; charset={encoding}",
    )
    return attach(response, filename)


# --- XLSX -----------------------------------------------------------------------------


def xlsx_write(sheets: Iterable[Sheet], out: Any) -> None:
    """Write the workbook of `sheets` (write-only) to the binary file `out`."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for index, column in enumerate(spec.columns, start=1):
            if column.width:
                letter = get_column_letter(index)
                sheet.column_dimensions[letter].width = column.width
        if spec.header:
            if spec.freeze_header:
                sheet.freeze_panes = "A2"
            sheet.append(
                [
                    xlsx_cell(sheet, Cell(column.label, bold=True))
                    for column in spec.columns
                ]
            )
        columns = list(spec.columns)
        for row in spec.rows:
            sheet.append(
                [
                    xlsx_cell(sheet, value, columns[i] if i < len(columns) else None)
                    for i, value in enumerate(row)
                ]
            )
    workbook.save(out)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Return the workbook of `sheets` as XLSX bytes."""
    out = io.BytesIO()
    xlsx_write(sheets, out)
    return out.getvalue()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """Return the workbook of `sheets` as a download named `filename`."""
    out = io.BytesIO()
    xlsx_write(sheets, out)
    out.seek(0)
    response = FileResponse(out, content_type=XLSX_CONTENT_TYPE)
    return attach(response, filename)


# --- the file name --------------------------------------------------------------------


def attach(response: _Response, filename: str) -> _Response:
    """Set the response's Content-Disposition: a download named `filename`."""
    header = content_disposition_header(True, filename)
    assert header is not None  # noqa: S101 - a non-empty name always gives one
    response["Content-Disposition"] = header
    return response
