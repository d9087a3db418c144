"""Small text helpers: number formatting, full-width folding, simplified→traditional.

Kept free of randomness so every caller decides its own variation from its own rng.
"""

from __future__ import annotations

import functools
import os
from decimal import ROUND_HALF_UP, Decimal

# Money is carried internally as integer cents (fen) so sums stay exact.
CENTS_PER_UNIT = {"元": 100, "万元": 1_000_000, "亿元": 10_000_000_000}

_FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789%.,:;()"}
_FULLWIDTH[ord(" ")] = 0x3000


def yuan(cents: int) -> float:
    """Cents → yuan as a float with at most two decimals (the truth's money unit)."""
    return round(cents / 100, 2)


def fmt_amount(cents: int, unit: str, *, decimals: int = 2, strip: bool = True, thousands: bool = False) -> str:
    """Format an amount in the printed unit; exact when cents is a multiple of the unit's precision."""
    q = Decimal(cents) / Decimal(CENTS_PER_UNIT[unit])
    q = q.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    s = f"{q:,.{decimals}f}" if thousands else f"{q:.{decimals}f}"
    if strip and "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def fmt_pct(ratio: float, decimals: int = 2, strip: bool = True) -> str:
    """Ratio → percent text without the % sign (0.7265 → '72.65')."""
    q = (Decimal(str(ratio)) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    s = f"{q:.{decimals}f}"
    if strip and "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def pct_value(text: str) -> float:
    """Printed percent text → ratio rounded like the warehouse stores it."""
    return round(float(text) / 100, 6)


def to_fullwidth(text: str) -> str:
    """ASCII digits and common punctuation → full-width forms (a damage kind)."""
    return text.translate(_FULLWIDTH)


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Small integers (0–99) as Chinese numerals, used for headings like 第十二项."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


@functools.lru_cache(maxsize=1)
def _s2t_converter():  # pragma: no cover - exercised through to_traditional
    try:
        import opencc  # type: ignore[import-untyped]

        if hasattr(opencc, "OpenCC"):
            conv = opencc.OpenCC("s2tw")
            return conv.convert
    except ImportError:
        pass
    # The installed wheel may lack opencc/__init__.py; the compiled core still works.
    import opencc.clib as clib  # type: ignore[import-untyped]
    from opencc.clib import opencc_clib  # type: ignore[import-untyped]

    cfg = os.path.join(os.path.dirname(clib.__file__), "share", "opencc", "s2tw.json")
    core = opencc_clib._OpenCC(cfg)
    return lambda s: core.convert(s, len(s.encode("utf-8")))


def to_traditional(text: str) -> str:
    """Simplified → traditional script with OpenCC (s2tw, Taiwan forms, which Big5 can encode); length may change."""
    if not text:
        return text
    return _s2t_converter()(text)
