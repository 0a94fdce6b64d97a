"""Reading amounts as printed: thousands separators, full-width digits, dashes and blanks."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from budgetlint.model import Provenance, Value
from budgetlint.recognise.normalise import clean

# Thousands separators: "1,234,567", or only the last one printed ("120258,600", 上海's 元 tables).
_AMOUNT = re.compile(r"^[-+]?(?:\d+(?:,\d{3})+|\d+)(?:\.\d+)?$")
_FULLWIDTH_PUNCT = str.maketrans({"，": ",", "．": ".", "－": "-", "＋": "+"})
_DASHES = {"-", "--", "—", "－", "——", "/", "\\", "—-", "---"}


def is_blank(text: str) -> bool:
    t = clean(text).replace(" ", "")
    return t == "" or t in _DASHES


def _percent_off(t: str) -> str:
    """A rate cell ("4.88%", "-60.86％") is read as its number: the column says it is a rate."""
    return t[:-1] if t.endswith(("%", "％")) and len(t) > 1 else t


def looks_like_amount(text: str) -> bool:
    """A cell that holds a number (or a blank/dash standing for zero)."""
    t = _percent_off(clean(text).translate(_FULLWIDTH_PUNCT).replace(" ", ""))
    return t == "" or t in _DASHES or bool(_AMOUNT.match(t))


def is_number(text: str) -> bool:
    """A cell with digits in it that reads as a number."""
    t = clean(text).translate(_FULLWIDTH_PUNCT).replace(" ", "")
    return bool(_AMOUNT.match(t))


def parse_amount(text: str, provenance: Provenance) -> Value:
    """Parse one amount cell. Unparseable text gives ``amount=None`` with the raw text kept."""
    amount, decimals, blank = _parsed(text)
    return Value(amount, text, provenance, decimals, blank)


@lru_cache(maxsize=1 << 14)
def _parsed(text: str) -> tuple[Decimal | None, int, bool]:
    """``parse_amount``'s (amount, decimals, blank) of a cell's text: tables repeat their figures
    and their blanks, and a Decimal is immutable, so one reading serves every cell that prints it."""
    t = _percent_off(clean(text).translate(_FULLWIDTH_PUNCT).replace(" ", ""))
    if t == "" or t in _DASHES:
        return Decimal(0), 0, True
    if _AMOUNT.match(t):
        digits = t.replace(",", "")
        try:
            amount = Decimal(digits)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            return None, 0, False
        return amount, (len(digits.split(".")[1]) if "." in digits else 0), False
    return None, 0, False


def to_decimal(text: str) -> Decimal | None:
    """A number inside free text ("1,277", "95.5") or None."""
    t = clean(text).replace(",", "").replace(" ", "")
    try:
        return Decimal(t)
    except InvalidOperation:
        return None
