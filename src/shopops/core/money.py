"""Money is Decimal in CNY with two places; never a float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: object) -> Decimal:
    """Return `value` as a Decimal rounded to the cent.

    Accept Decimal, int, and strings as the marketplaces write them ("12.50", "12.5元",
    "1,234.00", " ¥3 "). Refuse floats: they cannot hold a price exactly.
    """
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, bool | float):
        raise TypeError("money must not be a float or bool")
    if isinstance(value, int):
        return Decimal(value).quantize(CENT)
    if not isinstance(value, str):
        raise TypeError(f"cannot read money from {type(value).__name__}")
    text = (
        value.strip()
        .replace(",", "")
        .replace("元", "")
        .replace("¥", "")
        .replace("￥", "")
    )
    if not text:
        raise ValueError("empty amount")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | None) -> str | None:
    """Return the decimal string used in JSON output ("12.50")."""
    return None if value is None else str(value.quantize(CENT))
