"""Numbers and units as printed in the reports → values.

Why a module of its own: every extractor (facts, line items, indicators, projects) must read
`3137.51万元`, `32,552元`, `1 0 个`, `十二人`, `壹佰万元`, `72.65%`, `≥90%` the same way, and
must keep what was printed beside the value.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def units() -> dict:
    with open(DATA / "units.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def money_factor(unit: str | None) -> int | None:
    return units()["money"].get(unit) if unit else None


_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰贰叁肆伍陆柒捌玖拾佰仟"

# Arabic: 1,234.56 | 1234.56 | single digits spaced by layout ("1 0" → 10) | 423. 40万元. Chinese numerals only
# directly before a unit (so that 一是/一般 never read as numbers).
_COUNT_UNITS = "人次|人|名|个|辆|台|批次|批|家|项|次|户|套|场次|期|分"
NUMBER_RE = re.compile(
    # the look-ahead on the first character comes first: the engine then tries the alternatives
    # only where a number can start, not at every position of a window
    rf"(?=[\d{_CN_DIGITS}])(?<![\d.])(?:"
    r"(?P<grp>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"
    r"|(?P<spaced>\d(?: \d){1,6}(?![\d.]))"
    # a decimal broken after its point by a source line break that a web page shows as a space
    # (`423. 40万元`): only with a money unit or % right after the decimals
    r"|(?P<brk>\d+\. \d{1,2}(?=\s*(?:亿元|万元|元|%)))"
    r"|(?P<plain>\d+(?:\.\d+)?)"
    rf"|(?<!第)(?P<cn>[{_CN_DIGITS}]+?)(?=\s*(?:{_COUNT_UNITS}|万元|亿元|元))"
    r")"
)

UNIT_RE = re.compile(
    r"\s*(亿元|万元|千元|元|%|‰|人次|人|名|个|辆|台|批次|批|家|项|场次|次|户|套|期|分|亩|公里|吨|篇|件)"
)


class Num(NamedTuple):
    """A number as printed: its text, value, decimals printed, and where it is (a named tuple:
    immutable, and made several hundred times per report, ≈ 3× faster than a frozen dataclass)."""

    text: str
    value: float
    decimals: int
    start: int
    end: int


def parse_cn(s: str) -> float | None:
    """Chinese numerals (十二, 两, 壹佰) → number; None when it is not a numeral."""
    import cn2an

    s2 = s.replace("两", "二").replace("〇", "零")
    try:
        return float(cn2an.cn2an(s2, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def to_num(m: re.Match[str]) -> Num | None:
    """Value of a NUMBER_RE match."""
    t = m.group(0)
    if m.group("cn"):
        if len(t) > 1 and all(c in "零〇" for c in t):
            return None
        v = parse_cn(t)
        return None if v is None else Num(t, v, 0, m.start(), m.end())
    clean = t.replace(",", "").replace(" ", "")
    try:
        v = float(clean)
    except ValueError:
        return None
    dec = len(clean.split(".", 1)[1]) if "." in clean else 0
    if _minus_before(m.string, m.start()):
        # Kept negative on purpose: fields.md says these reports have no negative amounts, so a
        # printed minus is an error the quality gate must see (and quarantine), not hide.
        return Num("-" + t, -v, dec, m.start() - 1, m.end())
    return Num(t, v, dec, m.start(), m.end())


_MINUS = "-－−"


def _minus_before(text: str, pos: int) -> bool:
    """A minus sign glued to the number, not a range or code dash (`1-12月`, `204-06-01`, `A-1`)."""
    if pos == 0 or text[pos - 1] not in _MINUS:
        return False
    before = text[pos - 2] if pos >= 2 else ""
    return not ((before.isascii() and before.isalnum()) or before in "._/" + _MINUS)


def find_numbers(text: str, start: int = 0, end: int | None = None):
    """All numbers in text[start:end], in order."""
    end = len(text) if end is None else end
    for m in NUMBER_RE.finditer(text, start, end):
        n = to_num(m)
        if n is not None:
            yield n


def unit_after(text: str, pos: int, end: int | None = None) -> tuple[str | None, int]:
    """The unit printed right after a number at pos (spaces allowed) and where it ends."""
    m = UNIT_RE.match(text, pos, end if end is not None else len(text))
    if not m:
        return None, pos
    u = m.group(1)
    # "2 万元" fine; "2 人员" is not "2 人"
    if u in ("人", "名", "个", "项", "元", "分", "次") and m.end() < len(text):
        nxt = text[m.end() : m.end() + 1]
        if u == "人" and nxt in "员数口民":
            return None, pos
        if u == "分" and nxt in "别之钟":
            return None, pos
        if u == "项" and nxt in "目":
            return None, pos
        if u == "次" and nxt in "数":
            return None, pos
    return u, m.end()


def yuan(value: float, unit: str) -> float | None:
    """Money in yuan, rounded to 2 decimals (exact decimal rounding, not float rounding)."""
    return _yuan(repr(value), unit)


# Decimal arithmetic is remembered by the printed form of the value (repr keeps 1 and 1.0, 0.0
# and -0.0 apart, as the arithmetic does); the same figures recur within a report.
@lru_cache(maxsize=8192)
def _yuan(value: str, unit: str) -> float | None:
    f = money_factor(unit)
    if f is None:
        return None
    d = (Decimal(value) * f).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(d)


def ratio(value: float) -> float:
    """72.65 (%) → 0.7265, without float noise."""
    return _ratio(repr(value))


@lru_cache(maxsize=8192)
def _ratio(value: str) -> float:
    return float((Decimal(value) / 100).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize())


def tolerance(decimals: int, unit: str | None) -> float:
    """Half a unit of the last printed digit, in the stored unit (yuan, ratio, count)."""
    f = money_factor(unit)
    if f is not None:
        return 0.5 * (10 ** -decimals) * f
    if unit in ("%",):
        return 0.5 * (10 ** -decimals) / 100
    return 0.5 * (10 ** -decimals) if decimals else 0.0


_QUALIFIER = re.compile(r"(?:及以上|以上|以下|以内|左右)$")
_FREE_UNIT = re.compile(r"[\u4e00-\u9fffA-Za-z²³/]{1,4}")
COMPARATOR_RE = re.compile(r"(≥|≤|>=|<=|>|<|=|大于等于|小于等于|不低于|不少于|不高于|不超过|大于|小于|达到|达|约)")
_DATE_AFTER = re.compile(r"\s*(?:年|月|日|号|季度|-\d)")


def parse_target(text: str) -> tuple[float | None, str | None]:
    """An indicator value (`≥90%`, `1800万元`, `9家（…）`) → (value, unit); (None, None) if not numeric.

    Numeric only when exactly one number stands outside parentheses and it is not a date;
    money becomes yuan, percentages ratios.
    """
    if not text:
        return None, None
    outside = re.sub(r"[(（][^()（）]*[)）]", lambda m: " " * len(m.group(0)), text)
    nums = []
    for n in find_numbers(outside):
        if _DATE_AFTER.match(outside, n.end) or (n.start > 0 and outside[n.start - 1] == "-"):
            return None, None
        nums.append(n)
    if len(nums) != 1:
        return None, None
    n = nums[0]
    unit, uend = unit_after(outside, n.end)
    rest = _QUALIFIER.sub("", outside[n.end:].strip())
    if _FREE_UNIT.fullmatch(rest) and (unit is None or uend < len(outside.rstrip())) and money_factor(rest) is None:
        unit = rest  # an indicator's own unit as printed: 头, 家次, 万人次, km
    if unit is not None and money_factor(unit) is not None:
        return yuan(n.value, unit), unit
    if unit in ("%",):
        return ratio(n.value), unit
    if unit == "‰":
        return n.value / 1000, unit
    v = n.value
    return (int(v) if v == int(v) else v), unit
