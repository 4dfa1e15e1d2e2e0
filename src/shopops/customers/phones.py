"""Buyers' phone numbers: one match key per real number, masked numbers told apart.

The seller center writes a buyer's phone in many ways: `13900001111`, `'13900001111`,
`+86 139-0000-1111`, `0086 13900001111`, `010-12345678`; and, when the platform hides
it, masked: `138****5678`, `138*****678`. `read_phone` sorts a text into one of three
kinds:

- **a phone** — parsed by the `phonenumbers` library as a number of region CN (other
  countries when written with their `+` code) and valid there, or a mainland mobile of
  the plain shape `1[3-9]` + 9 digits (number ranges newer than the library's metadata
  are still phones). Its key is the E.164 form (`+8613900001111`): the same key however
  it was written. Only such a number is ever messaged.
- **masked** — digits with a run of `*` in between (`＊`, `x` and `X` read as `*`). Its
  key is the masked text without separators (`138****5678`); it never identifies a
  buyer on its own (thousands of buyers share `138****5678`): see `receiver_key`.
- **bad** — anything else (`12345`, `hello`, `1-800-FLOWERS`, any letter): kept as
  text, never a key.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass

import phonenumbers

REGION = "CN"

# The common shape, read without the library: 11 digits of a mainland mobile.
_PLAIN_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-().]+")
_MASK_CHARS = str.maketrans({"＊": "*", "x": "*", "X": "*"})
_LETTER = re.compile(r"[^\W\d_]")
_MASKED = re.compile(r"(?:\+?86)?(\d+\*+\d*|\d*\*+\d+)")
_MOBILE_E164 = re.compile(r"\+861[3-9]\d{9}")


class PhoneKind(enum.Enum):
    EMPTY = "empty"
    PHONE = "phone"
    MASKED = "masked"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class PhoneReading:
    """What a phone text is: its kind and its key ("" when it has none)."""

    kind: PhoneKind
    key: str = ""


_EMPTY = PhoneReading(PhoneKind.EMPTY)
_BAD = PhoneReading(PhoneKind.BAD)


def read_phone(text: str | None) -> PhoneReading:
    """Sort a phone text as exported into a phone, a masked number or a bad one."""
    if not text:
        return _EMPTY
    text = text.strip().lstrip("'")
    if not text:
        return _EMPTY
    if len(text) == 11 and _PLAIN_MOBILE.fullmatch(text):
        return PhoneReading(PhoneKind.PHONE, "+86" + text)
    if "*" in text or "＊" in text or "x" in text or "X" in text:
        compact = _SEPARATORS.sub("", text.translate(_MASK_CHARS))
        match = _MASKED.fullmatch(compact)
        if match is not None:
            return PhoneReading(PhoneKind.MASKED, match.group(1))
        return _BAD
    if _LETTER.search(text):
        # `phonenumbers` reads letters as a keypad's digits (1-800-FLOWERS): a buyer's
        # phone with letters in it is no phone.
        return _BAD
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return _BAD
    key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) or _MOBILE_E164.fullmatch(key):
        return PhoneReading(PhoneKind.PHONE, key)
    return _BAD


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


def receiver_key(masked: str, receiver_name: str, address: str) -> str:
    """Return the key of a masked phone together with the receiver's name and address.

    "" when the name and the address are both empty: a masked phone alone names no one.
    Spaces and case do not count (`张三` at `北京 朝阳区 …` is `张三` at `北京朝阳区…`).
    """
    name, place = _fold(receiver_name), _fold(address)
    if not masked or not (name or place):
        return ""
    digest = hashlib.sha256("\x1f".join((masked, name, place)).encode()).hexdigest()
    return digest[:40]


@dataclass(frozen=True, slots=True)
class BuyerKeys:
    """A customer's match keys, computed from what a row says of the buyer."""

    phone_key: str
    receiver_key: str


def buyer_keys(phone: str, receiver_name: str, address: str) -> BuyerKeys:
    """Return the keys a buyer with this phone, receiver and address is matched on."""
    reading = read_phone(phone)
    if reading.kind is PhoneKind.PHONE:
        return BuyerKeys(reading.key, "")
    if reading.kind is PhoneKind.MASKED:
        return BuyerKeys("", receiver_key(reading.key, receiver_name, address))
    return BuyerKeys("", "")
