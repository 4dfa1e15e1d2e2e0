"""Cell cleaners: what marketplace exports and Excel put in a cell, made plain.

Every `clean_*` function takes a raw cell (a CSV string, or whatever openpyxl read from
an XLSX cell: str, int, float, datetime, bool, None), returns None for an empty cell, and
raises `CellError` with a reason a user can act on. The `*_cell` factories wrap them with
limits and are what a `Column` takes as its parser.

Money is never a float: an XLSX number is turned into a Decimal through its shortest
`repr` (19.9 -> Decimal("19.9")), then rounded to the cent by `shopops.core.money`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from shopops.core.clock import shop_zone
from shopops.core.money import to_money

Cell = str | int | float | Decimal | bool | dt.datetime | dt.date | dt.time | None
Parser = Callable[[Any], Any]
T = TypeVar("T")

# Python's white space (str.isspace) plus the invisible marks that spreadsheets and
# Windows editors leave behind: BOM, zero-width space/joiners, word joiner.
STRIP_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    "\ufeff\u200b\u200c\u200d\u2060"
)
# Amounts a DecimalField(max_digits=14, decimal_places=2) can hold.
MONEY_LIMIT = Decimal("1000000000000")
# Beyond 2**53 a float no longer holds every integer: the digits are already lost.
_FLOAT_EXACT = 2**53

# A leading apostrophe is Excel's "keep this as text" mark; exports put it before
# phone numbers and IDs. Only digit-like text loses it, so "'90s" stays as written.
_APOSTROPHE_NUMBER = re.compile(r"'([+(]?\d[\d\s()+\-]*)")
# "1.23457E+17": a long number that a spreadsheet saved in scientific notation.
_SCIENTIFIC = re.compile(r"[+-]?\d(?:\.\d+)?[eE]\+\d+")
# A date as spreadsheets and exports write it, with or without a time: year first, then
# month and day padded or not ("2020-2-21", "2020/02/21", "2020.2.21", "2020年2月21日"),
# one separator throughout; then optionally the time, hours padded or not, with or
# without seconds and fractions ("8:05", "08:05:03", "8:05:03.250"), after a space or T.
_DATE_TIME_TEXT = re.compile(
    r"(?P<year>\d{4})"
    r"(?:(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    r"|年(?P<cn_month>\d{1,2})月(?P<cn_day>\d{1,2})日)"
    r"(?:(?:\s+|T)(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:\.(?P<fraction>\d{1,6}))?)?)?"
)


class CellError(ValueError):
    """A cell that cannot be read; `reason` says why, for the import report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def strip_text(text: str) -> str:
    """Return `text` without surrounding white space, full-width spaces or BOM."""
    return text.strip(STRIP_CHARS)


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        raise CellError(_("不是有效的数字"))
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def clean_text(value: Cell) -> str | None:
    """Return the cell as trimmed text, or None when it is empty.

    `="0123"` (how exports keep long numbers as text) gives `0123`; a leading `'` before
    a number or phone is dropped; integer-valued XLSX numbers give their digits without
    ".0"; dates give ISO text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip(STRIP_CHARS)
        if not text:
            return None
        first = text[0]
        if first == "=" and len(text) >= 3 and text[1] == '"' and text[-1] == '"':
            text = text[2:-1].replace('""', '"').strip(STRIP_CHARS)
            if not text:
                return None
            first = text[0]
        if first == "'":
            match = _APOSTROPHE_NUMBER.fullmatch(text)
            if match:
                return match.group(1).strip(STRIP_CHARS)
        return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(_("不是有效的数字"))
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return strip_text(str(value)) or None


def clean_code(value: Cell) -> str | None:
    """Return an identifier (order number, SKU code, phone) exactly as text.

    Refuse numbers a spreadsheet has already rounded: a float beyond 2**53 or text in
    scientific notation ("1.23457E+17") no longer holds the original digits.
    """
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) >= _FLOAT_EXACT:
            raise CellError(
                _(
                    "数字位数过多，已被表格软件改写（原值已丢失）；请把该列设为文本后重新导出"
                )
            )
        return _float_text(value)
    text = clean_text(value)
    if text is None:
        return None
    if text[0] == "'":
        text = text[1:].strip(STRIP_CHARS)
        if not text:
            return None
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(
            _("编码被写成了科学计数法（原值已丢失）；请把该列设为文本后重新导出")
        )
    return text


def clean_phone(value: Cell) -> str | None:
    """Return a phone number as text (leading `'` dropped, never a float)."""
    return clean_code(value)


def clean_money(value: Cell) -> Decimal | None:
    """Return an amount as a Decimal rounded to the cent.

    Accept "12.50", "12.5元", "¥1,234.00", `="12.50"`, ints, Decimals, and XLSX floats
    (through their shortest repr, so 19.9 gives 19.90, never 19.899999…).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("不是有效的金额"))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("不是有效的金额"))
        amount = to_money(Decimal(repr(value)))
    elif isinstance(value, int | Decimal):
        if isinstance(value, Decimal) and not value.is_finite():
            raise CellError(_("不是有效的金额"))
        amount = to_money(value)
    else:
        text = clean_text(value)
        if text is None:
            return None
        try:
            # Fast path for the plain "12.50" most cells hold.
            amount = Decimal(text)
        except InvalidOperation:
            try:
                amount = to_money(text)
            except (ValueError, TypeError) as exc:
                raise CellError(_("不是有效的金额")) from exc
        else:
            if not amount.is_finite():
                raise CellError(_("不是有效的金额"))
            amount = to_money(amount)
    if abs(amount) >= MONEY_LIMIT:
        raise CellError(_("金额超出范围"))
    return amount


def clean_decimal(value: Cell) -> Decimal | None:
    """Return a plain number (a weight, a rate) as a Decimal, never through a float."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("不是有效的数字"))
    if isinstance(value, float):
        text: str | None = _float_text(value)
    elif isinstance(value, int):
        return Decimal(value)
    else:
        text = clean_text(value)
    if text is None:
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise CellError(_("不是有效的数字")) from exc
    if not number.is_finite():
        raise CellError(_("不是有效的数字"))
    return number


def clean_int(value: Cell) -> int | None:
    """Return a whole number; "1,200", 365.0 and "365" are fine, "3.5" is not."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = clean_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("应为整数"))
    return int(number)


def clean_datetime(value: Cell, *, time_zone: str | None = None) -> dt.datetime | None:
    """Return an aware instant; naive text and XLSX dates are in the shop's zone.

    Accept "2020-02-21 00:00:00", "2020-2-21 8:05:03", "2020/2/21 8:05", "2020-2-21",
    "2020年2月21日 8:05", ISO text (its offset kept), dates, and XLSX date cells (or
    their serial numbers).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.min)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_excel_serial(value)
    else:
        text = clean_text(value)
        if text is None:
            return None
        moment = _parse_datetime_text(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=shop_zone(time_zone))
    return moment


def clean_date(value: Cell) -> dt.date | None:
    """Return a calendar date ("2020-02-21", "2020-2-21", "2020/2/21", "2020.2.21",
    "2020年2月21日", the date of any date and time `clean_datetime` reads, an XLSX
    date cell)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_excel_serial(value).date()
    text = clean_text(value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    return _parse_datetime_text(text).date()


def _parse_datetime_text(text: str) -> dt.datetime:
    """Read ISO text (an offset kept), else any form `_DATE_TIME_TEXT` accepts."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _DATE_TIME_TEXT.fullmatch(text)
    if match is None:
        raise CellError(_("不是有效的日期时间"))
    part = match.group
    fraction = part("fraction") or ""
    try:
        return dt.datetime(  # noqa: DTZ001 (the zone is added by the caller)
            int(part("year")),
            int(part("month") or part("cn_month")),
            int(part("day") or part("cn_day")),
            int(part("hour") or 0),
            int(part("minute") or 0),
            int(part("second") or 0),
            int(fraction.ljust(6, "0")) if fraction else 0,
        )
    except ValueError:
        raise CellError(_("不是有效的日期时间")) from None


def _from_excel_serial(value: float) -> dt.datetime:
    from openpyxl.utils.datetime import from_excel

    if not math.isfinite(value) or not 0 < value < 2958466:  # 9999-12-31
        raise CellError(_("不是有效的日期时间"))
    moment = from_excel(value)
    if not isinstance(moment, dt.datetime):
        raise CellError(_("不是有效的日期时间"))
    return moment


# --- parser factories for Column(parse=...) ---------------------------------------


def _too_long(max_length: int) -> CellError:
    return CellError(_("超过 %(max)d 个字符") % {"max": max_length})


def text_cell(*, max_length: int | None = None) -> Parser:
    """Parse trimmed text, at most `max_length` characters."""

    def parse(value: Cell) -> str | None:
        text = clean_text(value)
        if text is not None and max_length is not None and len(text) > max_length:
            raise _too_long(max_length)
        return text

    return parse


def code_cell(*, max_length: int | None = None) -> Parser:
    """Parse an identifier kept exactly as text (see `clean_code`)."""

    def parse(value: Cell) -> str | None:
        text = clean_code(value)
        if text is not None and max_length is not None and len(text) > max_length:
            raise _too_long(max_length)
        return text

    return parse


def phone_cell() -> Parser:
    """Parse a phone number as text."""
    return clean_phone


def money_cell(*, minimum: Decimal | None = None) -> Parser:
    """Parse an amount in CNY (see `clean_money`), not below `minimum`."""

    def parse(value: Cell) -> Decimal | None:
        amount = clean_money(value)
        if amount is not None and minimum is not None and amount < minimum:
            raise CellError(_("金额不能小于 %(min)s") % {"min": minimum})
        return amount

    return parse


def int_cell(*, minimum: int | None = None, maximum: int | None = None) -> Parser:
    """Parse a whole number within [minimum, maximum]."""

    def parse(value: Cell) -> int | None:
        number = clean_int(value)
        if number is None:
            return None
        if minimum is not None and number < minimum:
            raise CellError(_("不能小于 %(min)d") % {"min": minimum})
        if maximum is not None and number > maximum:
            raise CellError(_("不能大于 %(max)d") % {"max": maximum})
        return number

    return parse


def decimal_cell() -> Parser:
    """Parse a plain number as a Decimal."""
    return clean_decimal


def choice_cell(choices: Mapping[str, T]) -> Callable[[Cell], T | None]:
    """Parse one of the texts in `choices` (case-insensitive) into its value."""
    folded = {strip_text(key).casefold(): choice for key, choice in choices.items()}
    accepted = "、".join(choices)

    def parse(value: Cell) -> T | None:
        text = clean_text(value)
        if text is None:
            return None
        try:
            return folded[text.casefold()]
        except KeyError:
            raise CellError(
                _("不是可选的值（可选：%(choices)s）") % {"choices": accepted}
            ) from None

    return parse


def datetime_cell(*, time_zone: str | None = None) -> Parser:
    """Parse a date and time as an aware instant in the shop's zone."""

    def parse(value: Cell) -> dt.datetime | None:
        return clean_datetime(value, time_zone=time_zone)

    return parse


def date_cell() -> Parser:
    """Parse a calendar date."""
    return clean_date
