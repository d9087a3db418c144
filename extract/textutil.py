"""Small text helpers shared by the extractors.

Everything here is length-preserving or returns offsets into the text it was given, because
every value the extractor emits carries a span into the normalised text.
"""

from __future__ import annotations

import re
import unicodedata

# Full-width ASCII (U+FF01..U+FF5E) → ASCII and the ideographic space → space. One char to one
# char, so offsets stay valid. The reader already does this (NFKC); doing it again is harmless and
# lets the core run on texts that did not go through the reader.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20


_NEEDS_FOLD = re.compile("[\uff01-\uff5e\u3000]")


def fold(text: str) -> str:
    """Fold full-width forms to ASCII, one char for one char (a no-op scan on reader output)."""
    if _NEEDS_FOLD.search(text) is None:
        return text
    return text.translate(_FOLD)


def minimal_normalise(raw: str) -> str:
    """What the reader does, in the small: NFKC where it keeps length, CRLF → LF.

    Used only when the reading layer is unavailable and by tests; the production path gets
    `Document.text` from `extract.reading`.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


SENTENCE_END = re.compile(r"[。;；!！?？\n]")
PERIOD_END = re.compile(r"[。!！?？\n]")
CLAUSE_END = re.compile(r"[。;；,，!！?？\n]")


def occurrences(text: str, word: str):
    """Offsets of every occurrence of `word` (overlapping ones too), by literal search."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def lines_holding(text: str, words: tuple[str, ...]) -> list[int]:
    """Starts of the lines that hold one of `words`, in order (found from the words)."""
    return sorted({text.rfind("\n", 0, i) + 1 for w in words for i in occurrences(text, w)})


def years_before_nian(text: str) -> list[tuple[int, int]]:
    """(start, year) of every `dddd年` (spaces allowed before 年), as `(\\d{4})\\s*年` finds them.

    Found from the 年 characters backwards: a pattern that opens with `\\d` is tried at every
    position of a long text, the 年 are few.
    """
    out: list[tuple[int, int]] = []
    last_end = 0
    for i in occurrences(text, "年"):
        k = i
        while k > 0 and text[k - 1].isspace():
            k -= 1
        s = k - 4
        if s >= last_end and text[s:k].isdecimal():
            out.append((s, int(text[s:k])))
            last_end = i + 1
    return out


def finditer_near(pattern: re.Pattern[str], text: str, anchors: tuple[str, ...], around: str):
    """The matches `pattern.finditer(text)` gives, found only near the anchors.

    For patterns every match of which contains one of the `anchors` (a rare word) and otherwise
    only characters of `around`, white space and digits (numbering, the rest of the keyword):
    each anchor occurrence is widened over such characters to a window no match can leave,
    overlapping windows are merged, and the pattern runs over the windows in order from where
    the previous match ended. A pattern that opens with `^` or a character class is tried at every position
    of a long text; the anchors are found by literal search.
    """
    hits = sorted((i, i + len(word)) for word in anchors for i in occurrences(text, word))
    if not hits:
        return
    n = len(text)
    windows: list[list[int]] = []
    for a, b in hits:
        lo = a
        while lo > 0 and (text[lo - 1] in around or text[lo - 1].isspace() or text[lo - 1].isdecimal()):
            lo -= 1
        hi = b
        while hi < n and (text[hi] in around or text[hi].isspace() or text[hi].isdecimal()):
            hi += 1
        hi = min(n, hi + 1)  # one character more: look-aheads see what follows
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    last_end = 0
    for lo, hi in windows:
        for m in pattern.finditer(text, max(lo, last_end), hi):
            yield m
            last_end = m.end() if m.end() > m.start() else m.end() + 1


class LineIndex:
    """The line around an offset, found by searching from it (two C-level searches beat
    building the list of every line start of a long text for the few lookups a report needs)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def line_bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the line holding `offset`; a newline belongs to the line it ends."""
        text = self.text
        end = text.find("\n", offset)
        return text.rfind("\n", 0, offset) + 1, len(text) if end < 0 else end


_SENT_CHARS = "。;；!！?？\n"
_PERIOD_CHARS = "。!！?？\n"


def _last_of(text: str, chars: str, pos: int, limit: int) -> int:
    lo = max(0, pos - limit)
    best = lo
    for ch in chars:
        i = text.rfind(ch, lo, pos)
        if i >= best:
            best = i + 1
    return best


SENTENCE_LIMIT = 300  # how far back a sentence start is looked for
PERIOD_LIMIT = 400  # how far back a full stop is looked for


def sentence_start(text: str, pos: int, limit: int = SENTENCE_LIMIT) -> int:
    """Offset just after the last sentence end (。；\\n …) before pos, at most `limit` back."""
    return _last_of(text, _SENT_CHARS, pos, limit)


def period_start(text: str, pos: int, limit: int = PERIOD_LIMIT) -> int:
    """Offset just after the last full stop (。 or line end) before pos: a whole sentence with its ；-lists."""
    return _last_of(text, _PERIOD_CHARS, pos, limit)


class SentenceStarts:
    """`sentence_start` and `period_start` of one text at once, looking only for the stop
    characters the text holds (most reports have no ! or ?): the answers are those of the two
    functions with their default limits."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.period_chars = "".join(ch for ch in _PERIOD_CHARS if ch in text)
        self.semicolons = "".join(ch for ch in "；;" if ch in text)

    def at(self, pos: int) -> tuple[int, int]:
        """(sentence start, period start) of the text at `pos`."""
        text = self.text
        lo_period = max(0, pos - PERIOD_LIMIT)
        lo_sentence = max(0, pos - SENTENCE_LIMIT)
        bp = -1
        for ch in self.period_chars:
            i = text.rfind(ch, lo_period, pos)
            if i > bp:
                bp = i
        bs = bp if bp >= lo_sentence else -1  # a full stop also ends a sentence
        for ch in self.semicolons:
            i = text.rfind(ch, lo_sentence, pos)
            if i > bs:
                bs = i
        return max(lo_sentence, bs + 1), max(lo_period, bp + 1)


def sentence_end(text: str, pos: int, limit: int = 300) -> int:
    m = SENTENCE_END.search(text, pos, min(len(text), pos + limit))
    return m.start() if m else min(len(text), pos + limit)


def clause_start(text: str, pos: int, limit: int = 120) -> int:
    lo = max(0, pos - limit)
    best = lo
    for m in CLAUSE_END.finditer(text, lo, pos):
        best = m.end()
    return best


def snippet(text: str, start: int, end: int, width: int = 20) -> str:
    """About `width` chars either side of [start, end), on one line, with … where cut."""
    a = max(0, start - width)
    b = min(len(text), end + width)
    s = text[a:b].replace("\n", " ").replace("\t", " ")
    return ("…" if a > 0 else "") + s + ("…" if b < len(text) else "")


_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def squeeze(s: str) -> str:
    """Remove layout whitespace inside Chinese names (PDF line breaks, table padding)."""
    return _CJK_SPACE.sub("", s.strip())


def per_text(fn):  # type: ignore[no-untyped-def]
    """Remember `fn(text)` for the last text object it was called with.

    Several extractors split the same document text into lines; the text is one object for
    the whole extraction, so identity (not equality, which would compare 30 k characters) is
    the key, and holding the last text keeps its id from being reused. Results are shared:
    callers must treat them as read-only.
    """
    last: list = [None, None]

    def wrapper(text: str):  # type: ignore[no-untyped-def]
        if last[0] is not text:
            last[1] = fn(text)
            last[0] = text
        return last[1]

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    wrapper.__doc__ = fn.__doc__
    return wrapper
