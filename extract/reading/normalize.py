"""Normalise raw text while keeping, for every output character, the raw offset it came from.

Every step is either a length-preserving character translation or a deletion, so the map
output -> raw stays monotone and one-to-one; it is carried as an int64 numpy array during
normalisation and compressed into runs by `OriginMap`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RE = re.compile(f"[{CJK}]")

# Characters NFKC folds to one other character and that are safe to fold in these reports.
# Deliberately left alone: circled/parenthesised numbers (①, ⑴: list markers), super/subscripts
# (m²), ㎡ ℃ … (NFKC makes them longer), 。、《》“” (NFKC keeps them anyway).
_NFKC_RANGES = [
    (0xFF01, 0xFF5E),  # full-width ASCII: ３１３７．５１ ％ ， ： （ ）
    (0xFF61, 0xFF64),  # half-width CJK punctuation
    (0xFFE0, 0xFFE6),  # full-width ￥ ￠ …
    (0x3000, 0x3000),  # ideographic space
    (0x00A0, 0x00A0),  # no-break space
    (0x2000, 0x200A),  # typographic spaces
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0xF900, 0xFAFF),  # CJK compatibility ideographs -> unified (PDF fonts emit them)
    (0x2E80, 0x2EFF),  # CJK radicals supplement (some fold to unified ideographs)
    (0x2F00, 0x2FDF),  # Kangxi radicals ⼀ -> 一 (very common in PDF text layers)
]


@cache
def _translate_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for lo, hi in _NFKC_RANGES:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            n = unicodedata.normalize("NFKC", c)
            if len(n) == 1 and n != c:
                table[cp] = n
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    table[0x0B] = "\n"  # vertical tab: Word's manual line break
    table[0x0C] = "\n"  # form feed: page break
    table[0x0D] = "\n"  # lone CR (CRLF has its CR deleted first)
    table[0x85] = "\n"
    return table


@cache
def _fold_pattern() -> re.Pattern[str]:
    """Characters `_translate_table` changes: substituting only those beats str.translate,
    which looks every character of a long CJK text up in a dict."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_translate_table())) + "]")


def fold(text: str) -> str:
    """Apply `_translate_table` (length-preserving, one character for one)."""
    table = _translate_table()
    return _fold_pattern().sub(lambda m: table[ord(m.group())], text)


@cache
def _opencc_t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


_DELETE_INVISIBLE = re.compile("\r(?=\n)|[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f\u202a-\u202e]")
# Patterns below start with a literal or a character class (never with a lookbehind) so the
# regex engine can skip ahead to candidates; the characters to delete are group 1 or 2 when
# the match also holds context.
# A number broken across a line: `3137.\n51`, `1,\n234`, `3137\n.51`, `95\n%`, `3137.51\n万元`.
_BROKEN_NUMBER = re.compile(r"\d(?:[.,]( *\n *)(?=\d)|( *\n *)(?=\.\d|%|万元|亿元|元[^\d]))")
# Letter-spaced digits before a Chinese unit/word: `2 0 2 3 年`, `1 0 个`.
# Not after a digit or a decimal point, nor after `1,` (thousands); after a clause comma it is
# fine (`41批次,3 6 9 人次`).
_SPACED_DIGITS = re.compile(f"\\d(?<![\\d.]\\d)(?<!\\d,\\d)(?: \\d)+ ?(?=[{CJK}%])")
# Letter-spaced Chinese words (`合  计`, `盐 边 县`: every token one character) and a space
# between a number and the unit after it (`2023 年`). A space between two multi-character
# words (`第一部分 部门概况`) is a word boundary and stays.
_LETTER_SPACED = re.compile(f"(?<![{CJK}])[{CJK}](?: {{1,3}}[{CJK}])+(?![{CJK}])")
# `年末`/`年初` and `项目` after a space usually start the next cell of a flattened table row
# (`0 年末结转和结余`, `0 项目支出`), so only a four-digit year joins them (`2023 年末`).
_UNIT_SPACE = re.compile(
    " (?<=\\d )(?:(?=年(?![末初])|项(?!目)|[月日个人次元万亿%家条辆批])|(?<=(?<!\\d)\\d{4} )(?=年[末初]))"
)
_EDGE_SPACES = re.compile(r" +(?=\n)|\n( +)")  # plus the ends of the text, see _edge_space_spans
_NOT_CJK = re.compile(f"[^{CJK}]+")


@dataclass(slots=True)
class NormStats:
    """What normalisation did, for `Document.script` and warnings."""

    cjk_chars: int = 0
    t2s_changed: int = 0
    t2s_fallback_lines: int = 0

    @property
    def script(self) -> str:
        if self.t2s_changed >= 3 and self.t2s_changed >= 0.08 * max(self.cjk_chars, 1):
            return "traditional"
        return "simplified"


def _delete_spans(text: str, idx: np.ndarray, spans: Iterable[tuple[int, int]]) -> tuple[str, np.ndarray]:
    pieces: list[str] = []
    keep: list[np.ndarray] = []
    prev = 0
    for s, e in spans:
        if s < prev:
            continue
        if s > prev:
            pieces.append(text[prev:s])
            keep.append(idx[prev:s])
        prev = e
    if not pieces and prev == 0:
        return text, idx
    pieces.append(text[prev:])
    keep.append(idx[prev:])
    return "".join(pieces), (np.concatenate(keep) if keep else idx[:0])


def _match_spans(pattern: re.Pattern[str], text: str) -> Iterable[tuple[int, int]]:
    """Spans to delete: the first participating group if the pattern has groups, else the match."""
    groups = pattern.groups
    for m in pattern.finditer(text):
        if groups:
            k = next((g for g in range(1, groups + 1) if m.start(g) >= 0), 0)
            s, e = m.span(k)
        else:
            s, e = m.span()
        if e > s:
            yield s, e


def _spaced_digit_spans(text: str) -> Iterable[tuple[int, int]]:
    for m in _SPACED_DIGITS.finditer(text):
        base = m.start()
        for j, ch in enumerate(m.group()):
            if ch == " ":
                yield base + j, base + j + 1


def _edge_space_spans(text: str) -> Iterable[tuple[int, int]]:
    """Spaces at the start or end of a line (or of the text)."""
    lead = len(text) - len(text.lstrip(" "))
    if lead:
        yield 0, lead
    for s, e in _match_spans(_EDGE_SPACES, text):
        if s >= lead:
            yield s, e
    tail = len(text.rstrip(" "))
    if tail < len(text) and tail >= lead:
        yield tail, len(text)


def _letter_spaced_spans(text: str) -> Iterable[tuple[int, int]]:
    for m in _LETTER_SPACED.finditer(text):
        base = m.start()
        for j, ch in enumerate(m.group()):
            if ch == " ":
                yield base + j, base + j + 1


def delete(text: str, idx: np.ndarray, pattern: re.Pattern[str]) -> tuple[str, np.ndarray]:
    """Delete every match of `pattern` (matches must be exactly the characters to drop)."""
    return _delete_spans(text, idx, _match_spans(pattern, text))


def _t2s(text: str, stats: NormStats) -> str:
    """Traditional -> simplified, only where OpenCC keeps lengths (checked per line)."""
    cc = _opencc_t2s()
    whole = cc.convert(text)
    if whole == text:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        conv = cc.convert(line) if _CJK_RE.search(line) else line
        if conv != line:
            ok = len(conv) == len(line) and all(
                a == b or (_CJK_RE.match(a) and _CJK_RE.match(b)) for a, b in zip(line, conv, strict=True)
            )
            if not ok:  # phrase conversion changed lengths: fall back to per-character
                stats.t2s_fallback_lines += 1
                chars = []
                for ch in line:
                    c = cc.convert(ch)
                    chars.append(c if len(c) == 1 else ch)
                conv = "".join(chars)
            stats.t2s_changed += sum(1 for a, b in zip(line, conv, strict=True) if a != b)
        out.append(conv)
    return "\n".join(out)


Step = Callable[[str, np.ndarray], tuple[str, np.ndarray]]


def normalize(raw: str, idx: np.ndarray | None = None) -> tuple[str, np.ndarray, NormStats]:
    """Return (normalised text, normalised->raw offsets, stats). See README for the rules."""
    stats = NormStats()
    if idx is None:
        idx = np.arange(len(raw), dtype=np.int64)
    text, idx = delete(raw, idx, _DELETE_INVISIBLE)
    text = fold(text)
    # Convert only a text that is traditional as a whole: in simplified text the few characters
    # OpenCC would change are legitimate (乾县, 乾隆 are simplified too) and must stay as printed.
    converted = _t2s(text, stats)
    if converted is not text:  # hanzi are counted only when OpenCC changed something
        stats.cjk_chars = len(_NOT_CJK.sub("", text))
        if stats.script == "traditional":
            text = converted
    text, idx = delete(text, idx, _BROKEN_NUMBER)
    text, idx = _delete_spans(text, idx, _spaced_digit_spans(text))
    text, idx = _delete_spans(text, idx, _letter_spaced_spans(text))
    text, idx = delete(text, idx, _UNIT_SPACE)
    text, idx = _delete_spans(text, idx, _edge_space_spans(text))
    assert len(text) == idx.shape[0]
    return text, idx, stats
