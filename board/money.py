"""Money: Decimal amounts with at most two places, parsed the way people type them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext

from board.errors import InvalidInput
from board.text import printable

CENTS = Decimal("0.01")
MAX_VALUE = Decimal("1e12")
_SUFFIX = {"k": Decimal(1_000), "m": Decimal(1_000_000)}
_SYMBOLS = "$€£¥"
# ASCII digits only: ``\d`` would also take Arabic-Indic or full-width digits, which Decimal
# reads as numbers a colleague's screen would not show as the same amount.
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$")
_PLAIN = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


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
            raise InvalidInput(
                f"{field} {_short(raw)} is not an amount (try 12500, 12,500.50 or 12.5k)"
            )
        text = text.replace(",", "")
    if text.startswith("-"):
        raise InvalidInput(f"{field} must not be negative, got {_short(raw)}")
    if not _PLAIN.fullmatch(text):
        raise InvalidInput(
            f"{field} {_short(raw)} is not an amount (try 12500, 12,500.50 or 12.5k)"
        )
    try:
        with localcontext() as exact:  # 28 digits would round 0.999…9 (5,000 nines) up to 1
            exact.prec = len(text) + 8
            amount = Decimal(text) * scale
    except InvalidOperation:
        raise InvalidInput(f"{field} {_short(raw)} is not an amount") from None
    return check_money(amount, field, raw)


def check_money(amount: Decimal, field: str = "value", raw: object = None) -> Decimal:
    """Validate an amount already parsed: finite, not negative, whole cents, below a trillion."""
    shown = raw if raw is not None else str(amount)
    if not amount.is_finite():
        raise InvalidInput(f"{field} must be a finite amount, got {_short(shown)}")
    if amount < 0:
        raise InvalidInput(f"{field} must not be negative, got {_short(shown)}")
    if amount >= MAX_VALUE:  # before quantize, which cannot hold thousands of digits
        raise InvalidInput(f"{field} {_short(shown)} is too large")
    if amount != amount.quantize(CENTS, rounding="ROUND_DOWN"):
        raise InvalidInput(f"{field} has more than two decimal places: {_short(shown)}")
    return amount.quantize(CENTS)


def _short(shown: object) -> str:
    """The amount as typed, cut short so that a 5,000-digit number stays one readable line."""
    text = printable(str(shown))
    return repr(text if len(text) <= 40 else text[:37] + "...")


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
