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
from functools import cache, cached_property

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
def _opencc_t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


# Deleted: these invisible characters, and a CR before a LF.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f\u202a-\u202e]")
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


def _match_spans(pattern: re.Pattern[str], matches: Iterable[re.Match[str]]) -> Iterable[tuple[int, int]]:
    """Spans to delete: the first participating group if the pattern has groups, else the match."""
    groups = pattern.groups
    for m in matches:
        if groups:
            k = next((g for g in range(1, groups + 1) if m.start(g) >= 0), 0)
            s, e = m.span(k)
        else:
            s, e = m.span()
        if e > s:
            yield s, e


def _space_spans(matches: Iterable[re.Match[str]]) -> Iterable[tuple[int, int]]:
    """Every space inside each match."""
    for m in matches:
        base = m.start()
        for j, ch in enumerate(m.group()):
            if ch == " ":
                yield base + j, base + j + 1


def _edge_space_spans(text: str, matches: Iterable[re.Match[str]]) -> Iterable[tuple[int, int]]:
    """Spaces at the start or end of a line (or of the text); `matches` are `_EDGE_SPACES`'."""
    lead = len(text) - len(text.lstrip(" ")) if text.startswith(" ") else 0
    if lead:
        yield 0, lead
    for s, e in _match_spans(_EDGE_SPACES, matches):
        if s >= lead:
            yield s, e
    tail = len(text.rstrip(" ")) if text.endswith(" ") else len(text)
    if tail < len(text) and tail >= lead:
        yield tail, len(text)


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


# --- fast paths -----------------------------------------------------------------------------
# Each step above is a whole-text scan that tries every position (7–15 ns a character).
# Below, the text is also held as an array of code points: per-character steps become table
# lookups, and a context pattern is tried only at the few positions where a match can start
# (found with numpy); the results are exactly those of the whole-text scans (which
# tests/reading/test_normalize_speedpaths.py keeps as the reference).

_OPENCC_T2S = _opencc_t2s  # the real converter, for the tables (tests swap `_opencc_t2s`)

# Characters t2s leaves alone on their own but changes inside a phrase of its TSPhrases
# dictionary (批覆 -> 批复, 沈思 -> 沉思, 瞭解 -> 了解, …; OpenCC 1.4.2). A test checks this list
# against the installed dictionaries.
_T2S_PHRASE_ONLY = "么俱哩坏彷沈甦瞭藉衹覆"

# What the first steps do to a character (bit flags, `_kinds`).
_INVISIBLE_BIT, _FOLD_BIT, _T2S_BIT, _T2S_PHRASE_BIT = 1, 2, 4, 8
# What the context patterns look for around a space or newline (bit flags, `_classes`).
_DIGIT_BIT, _CJK_BIT, _UNIT_BIT, _AFTER_BREAK_BIT = 1, 2, 4, 8
_DIGIT_RE = re.compile(r"\d")  # Unicode decimal digits, as in the patterns
_UNIT_CHARS = "年项月日个人次元万亿%家条辆批"  # what `_UNIT_SPACE` looks ahead for
_AFTER_BREAK_CHARS = ".%万亿元"  # besides digits, what may follow `_BROKEN_NUMBER`'s newline
_PAD = 4  # zeros on both sides of `_View.padded`: the neighbours of any position can be read
_UNICODE = 0x110000


def _every_character() -> np.ndarray:
    return np.arange(_UNICODE, dtype=np.uint32)


def _matched(pattern: re.Pattern[str]) -> np.ndarray:
    """Which code points a one-character pattern matches (one substitution over all of them)."""
    assert not pattern.match("a")
    cp = _every_character()
    return code_points(pattern.sub("a", _from_code_points(cp))) != cp


def _t2s_changed() -> np.ndarray:
    """Code points t2s changes on their own: the BMP and planes 2–3 (where its dictionaries'
    characters are, checked by a test), converted in one call, one character a line."""
    cp = _every_character()
    chars = cp[(cp != 0x0A) & ((cp < 0xD800) | ((cp > 0xDFFF) & (cp < 0x10000)) | ((cp >= 0x20000) & (cp < 0x40000)))]
    lines = np.full(2 * len(chars) - 1, 0x0A, dtype=np.uint32)
    lines[::2] = chars
    conv = _OPENCC_T2S().convert(_from_code_points(lines))
    out = code_points(conv)
    if len(out) == len(lines) and (out[1::2] == 0x0A).all():  # still one character a line
        return chars[out[::2] != chars]
    return np.array([c for c, s in zip(chars.tolist(), conv.split("\n"), strict=True) if s != chr(c)], dtype=np.int64)


@cache
def _kinds() -> np.ndarray:
    """Per code point: deleted as invisible, folded, changed by t2s on its own, or changed by
    t2s only inside a phrase."""
    kinds = np.zeros(_UNICODE, dtype=np.uint8)
    kinds[_matched(_INVISIBLE)] |= _INVISIBLE_BIT
    kinds[list(_translate_table())] |= _FOLD_BIT
    kinds[_t2s_changed()] |= _T2S_BIT
    kinds[0xD800:0xE000] |= _T2S_BIT  # lone surrogates take the old path (OpenCC refuses them)
    kinds[[ord(c) for c in _T2S_PHRASE_ONLY]] |= _T2S_PHRASE_BIT
    return kinds


@cache
def _classes() -> np.ndarray:
    """Per code point: a digit, a CJK character, a unit `_UNIT_SPACE` joins, a character that
    may follow a broken number."""
    classes = np.zeros(_UNICODE, dtype=np.uint8)
    classes[_matched(_DIGIT_RE)] |= _DIGIT_BIT
    classes[_matched(_CJK_RE)] |= _CJK_BIT
    classes[[ord(c) for c in _UNIT_CHARS]] |= _UNIT_BIT
    classes[[ord(c) for c in _AFTER_BREAK_CHARS]] |= _AFTER_BREAK_BIT
    return classes


@cache
def _fold_map() -> np.ndarray:
    """`_translate_table` as an array over the BMP (identity elsewhere)."""
    table = _translate_table()
    assert max(table) < 0x10000  # (a few compatibility ideographs fold to plane 2)
    fmap = np.arange(0x10000, dtype=np.uint32)
    fmap[list(table)] = [ord(v) for v in table.values()]
    return fmap


def build_tables() -> None:
    """Build the lookup tables (≈ 0.1 s, 2.5 MB) now rather than on the first text (`warm_up`)."""
    _kinds()
    _classes()
    _fold_map()


def code_points(text: str) -> np.ndarray:
    """The text as an array of code points (lone surrogates kept), for vectorised tests."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_code_points(cp: np.ndarray) -> str:
    return cp.tobytes().decode("utf-32-le", "surrogatepass")


class _View:
    """The text as code points, padded with `_PAD` NULs (a NUL is in no class, like the nothing
    beyond the text's ends), their classes, and where its spaces and newlines are."""

    def __init__(self, text: str, cp: np.ndarray | None = None) -> None:
        self.text = text
        if cp is not None:
            self.cp = cp

    @cached_property
    def cp(self) -> np.ndarray:
        return code_points(self.text)

    @cached_property
    def padded(self) -> np.ndarray:
        pad = np.zeros(_PAD, dtype=np.uint32)
        return np.concatenate((pad, self.cp, pad))

    @cached_property
    def classes(self) -> np.ndarray:
        return _classes().take(self.padded)

    @cached_property
    def spaces(self) -> np.ndarray:
        return np.flatnonzero(self.cp == 0x20)

    @cached_property
    def newlines(self) -> np.ndarray:
        return np.flatnonzero(self.cp == 0x0A)

    def at(self, positions: np.ndarray, off: int = 0) -> np.ndarray:
        """Code points at `positions + off` (0 beyond the ends)."""
        return self.padded[positions + (_PAD + off)]

    def has(self, positions: np.ndarray, bits: int, off: int = 0) -> np.ndarray:
        """Whether the characters at `positions + off` are in one of the classes `bits`."""
        return (self.classes[positions + (_PAD + off)] & bits) != 0


def _may_convert(text: str, kinds: np.ndarray) -> bool:
    """Whether `_t2s` could change `text` at all; when not, it would return it untouched.

    OpenCC converts segment by segment (the longest dictionary entry at each position, else one
    character); a segment changes only if it is a character t2s changes on its own or a phrase,
    and every changing phrase holds such a character or one of `_T2S_PHRASE_ONLY`. No entry
    holds a newline, so a line converts the same alone as inside the text. Simplified reports
    with 覆盖 therefore cost one conversion of those lines, not of the whole text.
    """
    if not (kinds & (_T2S_BIT | _T2S_PHRASE_BIT)).any():
        return False
    if (kinds & _T2S_BIT).any():
        return True
    cc = _opencc_t2s()
    done = -1
    for q in np.flatnonzero((kinds & _T2S_PHRASE_BIT) != 0).tolist():
        if q < done:
            continue
        start = text.rfind("\n", 0, q) + 1
        done = text.find("\n", q)
        if done < 0:
            done = len(text)
        line = text[start:done]
        if cc.convert(line) != line:
            return True
    return False


def _matches(pattern: re.Pattern[str], text: str, starts: np.ndarray) -> Iterable[re.Match[str]]:
    """The matches of `pattern.finditer(text)`, trying only `starts` (ascending; it must hold
    every position where the pattern can match). A match at a start is the one the scan finds
    there (look-behinds see the whole text, look-aheads run to its end); none is empty."""
    end = 0
    match = pattern.match
    for p in starts.tolist():
        if p >= end and (m := match(text, p)):
            yield m
            end = m.end()


def _broken_number_starts(v: _View) -> np.ndarray:
    """A match is a digit, maybe `.`/`,`, spaces, then a newline followed by spaces or what the
    look-ahead wants: its start is fixed by the newline."""
    nl = v.newlines
    if not nl.size:
        return nl
    nl = nl[(v.at(nl, 1) == 0x20) | v.has(nl, _DIGIT_BIT | _AFTER_BREAK_BIT, 1)]
    last = nl - 1  # the last character before the spaces in front of the newline
    for k in np.flatnonzero(v.at(last) == 0x20).tolist():
        q = int(last[k])
        while q >= 0 and v.text[q] == " ":
            q -= 1
        last[k] = q
    digit = v.has(last, _DIGIT_BIT)
    sep = ((v.at(last) == 0x2E) | (v.at(last) == 0x2C)) & v.has(last, _DIGIT_BIT, -1)
    return np.sort(np.concatenate((last[digit], last[sep] - 1)))


def _spaced_digit_starts(v: _View) -> np.ndarray:
    """A match starts with digit, space, digit."""
    sp = v.spaces
    return sp[v.has(sp, _DIGIT_BIT, -1) & v.has(sp, _DIGIT_BIT, 1)] - 1


def _letter_spaced_starts(v: _View) -> np.ndarray:
    """A match starts with a CJK character after a non-CJK one, 1–3 spaces, a CJK character."""
    sp = v.spaces
    first = v.has(sp, _CJK_BIT, -1) & ~v.has(sp, _CJK_BIT, -2)
    sp1, sp2 = v.at(sp, 1) == 0x20, v.at(sp, 2) == 0x20
    second = v.has(sp, _CJK_BIT, 1) | (sp1 & (v.has(sp, _CJK_BIT, 2) | (sp2 & v.has(sp, _CJK_BIT, 3))))
    return sp[first & second] - 1


def _unit_space_starts(v: _View) -> np.ndarray:
    """A match is a space after a digit and before a unit."""
    sp = v.spaces
    return sp[v.has(sp, _DIGIT_BIT, -1) & v.has(sp, _UNIT_BIT, 1)]


def _edge_space_starts(v: _View) -> np.ndarray:
    """A match starts at a newline before a space, or on any space of a run before a newline."""
    sp, nl = v.spaces, v.newlines
    if not sp.size:
        return sp
    firsts = sp[v.at(sp, -1) != 0x20]
    lasts = sp[v.at(sp, 1) != 0x20]
    before_nl = v.at(lasts, 1) == 0x0A
    runs = [np.arange(a, b + 1) for a, b in zip(firsts[before_nl].tolist(), lasts[before_nl].tolist(), strict=True)]
    return np.sort(np.concatenate((nl[v.at(nl, 1) == 0x20], *runs)))


_FEW_SPANS = 16  # up to this many, deleting by slices beats deleting by a mask


def _delete_at(v: _View, idx: np.ndarray, spans: Iterable[tuple[int, int]]) -> tuple[_View, np.ndarray]:
    """`_delete_spans` on a view; many spans are deleted with one mask."""
    starts: list[int] = []
    ends: list[int] = []
    prev = 0
    for s, e in spans:
        if s >= prev:  # as `_delete_spans`: a span overlapping the one before is dropped
            starts.append(s)
            ends.append(e)
            prev = e
    if not starts:
        return v, idx
    if len(starts) <= _FEW_SPANS:
        text, idx = _delete_spans(v.text, idx, zip(starts, ends, strict=True))
        return _View(text), idx
    if sum(ends) - sum(starts) == len(starts):  # single characters (the usual case)
        keep = np.ones(len(v.cp), dtype=bool)
        keep[starts] = False
    else:
        inside = np.zeros(len(v.cp) + 1, dtype=np.int8)
        inside[starts] = 1
        inside[ends] -= 1
        keep = np.cumsum(inside[:-1]) == 0
    cp = v.cp[keep]
    return _View(_from_code_points(cp), cp), idx[keep]


Step = Callable[[str, np.ndarray], tuple[str, np.ndarray]]


def normalize(raw: str, idx: np.ndarray | None = None) -> tuple[str, np.ndarray, NormStats]:
    """Return (normalised text, normalised->raw offsets, stats). See README for the rules."""
    stats = NormStats()
    if idx is None:
        idx = np.arange(len(raw), dtype=np.int64)
    cp = code_points(raw)
    kinds = _kinds().take(cp)
    # the invisible characters and a CR before a LF
    gone = (kinds & _INVISIBLE_BIT) != 0
    gone[:-1] |= (cp[:-1] == 0x0D) & (cp[1:] == 0x0A)
    text = raw
    if gone.any():
        keep = ~gone
        cp, idx, kinds = cp[keep], idx[keep], kinds[keep]
        text = _from_code_points(cp)
    # fold (`_translate_table`)
    folds = np.flatnonzero((kinds & _FOLD_BIT) != 0)
    if folds.size:
        cp = cp.copy()
        cp[folds] = _fold_map()[cp[folds]]
        text = _from_code_points(cp)
        kinds[folds] = _kinds().take(cp[folds])
    # Convert only a text that is traditional as a whole: in simplified text the few characters
    # OpenCC would change are legitimate (乾县, 乾隆 are simplified too) and must stay as printed.
    if _may_convert(text, kinds):
        converted = _t2s(text, stats)
        if converted is not text:  # hanzi are counted only when OpenCC changed something
            stats.cjk_chars = len(_NOT_CJK.sub("", text))
            if stats.script == "traditional":
                text = converted
                cp = code_points(text)
    v = _View(text, cp)
    matches = _matches(_BROKEN_NUMBER, v.text, _broken_number_starts(v))
    v, idx = _delete_at(v, idx, _match_spans(_BROKEN_NUMBER, matches))
    v, idx = _delete_at(v, idx, _space_spans(_matches(_SPACED_DIGITS, v.text, _spaced_digit_starts(v))))
    v, idx = _delete_at(v, idx, _space_spans(_matches(_LETTER_SPACED, v.text, _letter_spaced_starts(v))))
    matches = _matches(_UNIT_SPACE, v.text, _unit_space_starts(v))
    v, idx = _delete_at(v, idx, _match_spans(_UNIT_SPACE, matches))
    matches = _matches(_EDGE_SPACES, v.text, _edge_space_starts(v))
    v, idx = _delete_at(v, idx, _edge_space_spans(v.text, matches))
    text = v.text
    assert len(text) == idx.shape[0]
    return text, idx, stats
