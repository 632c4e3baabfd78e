"""Money: Decimal amounts with at most two places, parsed the way people type them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from board.errors import InvalidInput

CENTS = Decimal("0.01")
MAX_VALUE = Decimal("1e12")
_SUFFIX = {"k": Decimal(1_000), "m": Decimal(1_000_000)}
_SYMBOLS = "$€£¥"
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN = re.compile(r"\d+(\.\d*)?|\.\d+")


def parse_money(raw: str, field: str = "value") -> Decimal:
    """Parse ``12500``, ``12,500.50``, ``$12,500.00``, ``12.5k`` into a Decimal (2 places).

    Refuses negative, NaN, infinite and sub-cent amounts, naming the field.
    """
    text = raw.strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    if text[:3].isalpha() and text[:3].isupper():
        text = text[3:]  # a leading ISO code such as USD
    text = text.lstrip(_SYMBOLS)
    scale = Decimal(1)
    if text[-1:].lower() in _SUFFIX:
        scale = _SUFFIX[text[-1].lower()]
        text = text[:-1]
    if "," in text:
        if not _GROUPED.match(text):
            raise InvalidInput(f"{field} {raw!r} is not an amount (try 12500, 12,500.50 or 12.5k)")
        text = text.replace(",", "")
    if text.startswith("-"):
        raise InvalidInput(f"{field} must not be negative, got {raw!r}")
    if not _PLAIN.fullmatch(text):
        raise InvalidInput(f"{field} {raw!r} is not an amount (try 12500, 12,500.50 or 12.5k)")
    try:
        amount = Decimal(text) * scale
    except InvalidOperation:
        raise InvalidInput(f"{field} {raw!r} is not an amount") from None
    return check_money(amount, field, raw)


def check_money(amount: Decimal, field: str = "value", raw: object = None) -> Decimal:
    """Validate an amount already parsed: finite, not negative, whole cents, below a trillion."""
    shown = raw if raw is not None else str(amount)
    if not amount.is_finite():
        raise InvalidInput(f"{field} must be a finite amount, got {shown!r}")
    if amount < 0:
        raise InvalidInput(f"{field} must not be negative, got {shown!r}")
    if amount != amount.quantize(CENTS, rounding="ROUND_DOWN"):
        raise InvalidInput(f"{field} has more than two decimal places: {shown!r}")
    if amount >= MAX_VALUE:
        raise InvalidInput(f"{field} {shown!r} is too large")
    return amount.quantize(CENTS)


def money_text(amount: Decimal) -> str:
    """The canonical stored/JSON form: two decimals, no grouping (``"12500.00"``)."""
    return f"{amount.quantize(CENTS):f}"


def money_display(amount: Decimal, currency: str = "USD", *, compact: bool = False) -> str:
    """Human form for screens: ``$12,500`` or compact ``$12.5k``."""
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}.get(currency, "")
    if compact:
        for limit, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
            if amount >= limit:
                scaled = (amount / limit).quantize(Decimal("0.1"))
                text = f"{scaled:f}".removesuffix(".0")
                return f"{symbol}{text}{suffix}" if symbol else f"{text}{suffix} {currency}"
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"
