"""Glosses: a translation or pinyin printed in brackets after a Chinese term.

`基本支出（Basic expenditure）`, `公用经费(gongyong jingfei)`, `“三公(san gong)”经费`: the
bracket repeats the term in Latin letters and says nothing an analyst needs, but it splits labels
and puts brackets between a label and its number (which otherwise mark a qualified label such as
`公用经费（含…）`). The extractor reads a view of the text without them and maps every span back
to the text as given.

Only brackets holding Latin words are glosses: at least four letters, one of them lower case, no
digits, right after a Chinese character or a closing quote (or opening the next line: a wrapped
PDF line). `（含离退休）`, `（万元）`, `(%)`, `(PPP)` stay.
"""

from __future__ import annotations

import bisect
import re

# The bracket is searched first (a pattern opening with a literal lets the engine skip ahead);
# what must precede it is checked in `_gloss_spans`.
_GLOSS = re.compile(r"\([ ]?[A-Za-z][A-Za-z '’.\-]{2,60}\)")
_BEFORE_GLOSS = re.compile(r"[\u4e00-\u9fff”’\"」]")


def _gloss_spans(text: str) -> list[tuple[int, int]]:
    """Brackets of Latin words right after a Chinese character or closing quote, with one space
    or line break allowed between them (which goes with the gloss)."""
    out = []
    for m in _GLOSS.finditer(text):
        s = m.start()
        if not _is_gloss(m.group(0)):
            continue
        if s >= 2 and text[s - 1] in " \n" and _BEFORE_GLOSS.match(text, s - 2):
            out.append((s - 1, m.end()))
        elif s >= 1 and _BEFORE_GLOSS.match(text, s - 1):
            out.append((s, m.end()))
    return out


def _is_gloss(s: str) -> bool:
    letters = sum(c.isascii() and c.isalpha() for c in s)
    return letters >= 4 and any("a" <= c <= "z" for c in s)


class GlossView:
    """The text without glosses and the way back: `orig(pos)`, `span(s, e)`."""

    def __init__(self, text: str) -> None:
        self.original = text
        cut: list[tuple[int, int]] = []
        if "(" in text:
            cut = _gloss_spans(text)
        self.changed = bool(cut)
        if not cut:
            self.text = text
            self._at: list[int] = []
            self._shift: list[int] = []
            return
        parts = []
        prev = 0
        removed = 0
        self._at = []  # position in the view of the first character after each gloss
        self._shift = []  # characters removed up to and including that gloss
        for s, e in cut:
            parts.append(text[prev:s])
            removed += e - s
            self._at.append(s - (removed - (e - s)))
            self._shift.append(removed)
            prev = e
        parts.append(text[prev:])
        self.text = "".join(parts)

    def orig(self, pos: int) -> int:
        """Offset in the original text of the view's character at pos."""
        i = bisect.bisect_right(self._at, pos) - 1
        return pos + (self._shift[i] if i >= 0 else 0)

    def span(self, s: int, e: int) -> list[int]:
        """A view span [s, e) in the original text (a gloss inside stays inside, one after it out)."""
        if e <= s:
            o = self.orig(s)
            return [o, o]
        return [self.orig(s), self.orig(e - 1) + 1]


def map_spans(out: dict, view: GlossView) -> None:
    """Every span of an extraction result (view offsets) → offsets in the original text."""
    if not view.changed:
        return

    def one(sp):
        if isinstance(sp, (list, tuple)) and len(sp) == 2 and all(isinstance(x, int) for x in sp):
            return view.span(sp[0], sp[1])
        return sp

    spans = out.get("document_spans") or {}
    for k, sp in list(spans.items()):
        spans[k] = one(sp)
    for key in ("facts", "line_items", "indicators", "projects", "problems", "remedies", "warnings"):
        for row in out.get(key) or []:
            if row.get("span") is not None:
                row["span"] = one(row["span"])
    for c in out.get("conflicts") or []:
        c["spans"] = [one(sp) for sp in c.get("spans") or []]
