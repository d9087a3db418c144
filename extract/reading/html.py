"""HTML pages (and the many '.xls' files from government sites that are really HTML).

Bytes are decoded here (BOM, then <meta charset>, then the text heuristics), parsed with
selectolax/lexbor and walked with an explicit stack, so depth never touches Python's
recursion limit. lexbor itself is quadratic in nesting depth (200k nested <div> took 80 s),
so pages nested deeper than MAX_DEPTH are read in a flat text mode instead.
"""

from __future__ import annotations

import html as htmllib
import re

from .builder import Builder, Deadline
from .encoding import check_mojibake, decode_text
from .model import Document, ReadLimits, SegInfo

MAX_DEPTH = 5000
MAX_SPAN = 1000

BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "menu", "ol", "p",
    "pre", "section", "summary", "title", "ul", "tr", "td", "th", "table", "thead", "tbody",
}  # fmt: skip
DROP = {
    "script", "style", "nav", "noscript", "template", "iframe", "object", "svg", "canvas",
    "select", "button", "meta", "link", "base",
}  # fmt: skip
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_NON_NESTING = {"p", "li", "td", "th", "tr", "option", "dt", "dd", "thead", "tbody", "tfoot", "colgroup"}

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)([^>]*)>")
_WS = re.compile(r"[ \t\n\r\f]+")
# A number the page's source broke across lines (`69.\n5`): HTML would render a space there, but
# the reader rejoins it exactly as the plain-text path does.
_BROKEN_NUMBER = re.compile(r"(?<=\d[.,])[ \t\r\f]*\n\s*(?=\d)")


def _collapse(text: str) -> str:
    # Most text nodes are one clean run of words: test cheaply before running the regexes.
    if "\n" in text:
        text = _BROKEN_NUMBER.sub("", text)
    if "\n" in text or "\t" in text or "\r" in text or "\f" in text or "  " in text:
        text = _WS.sub(" ", text)
    return text


def decode_html(data: bytes, name: str = "") -> tuple[str, str, float, list[str]]:
    """Decode an HTML page: BOM, then a <meta charset> that fits the bytes, then content."""
    head = data[:4096]
    if head.count(0) > len(head) // 4:  # UTF-16 page: the meta tag is not ASCII-searchable
        declared = None
    else:
        m = _META_CHARSET.search(head)
        declared = m.group(1).decode("ascii", "replace") if m else None
    dec = decode_text(data, declared=declared, what=f"HTML page {name}".strip())
    return dec.text, dec.encoding, dec.confidence, dec.warnings


def _max_depth(src: str) -> int:
    """Approximate element nesting depth from the tag stream (cheap, no tree)."""
    tags = src.count("<")
    if tags <= MAX_DEPTH:  # fewer tags than the limit: cannot nest deeper
        return tags
    depth = 0
    deepest = 0
    for m in _TAG.finditer(src):
        tag = m.group(2).lower()
        if tag in _VOID or tag in _NON_NESTING or m.group(3).rstrip().endswith("/"):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def read_html(data: bytes, limits: ReadLimits, name: str, deadline: Deadline) -> Document:
    src, encoding, conf, warnings = decode_html(data, name)
    b = Builder(limits)
    if _max_depth(src) > MAX_DEPTH:
        warnings.append(f"HTML nested more than {MAX_DEPTH} levels deep: read as flat text without tables")
        _flat_text(src, b)
    else:
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(src)
        _walk(tree.root, b, deadline)
    doc = b.finish(fmt="html", encoding=encoding, encoding_confidence=conf, warnings=warnings)
    doc.warnings.extend(check_mojibake(doc.text, "HTML page"))
    return doc


def _flat_text(src: str, b: Builder) -> None:
    src = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", src)
    src = re.sub(r"(?is)<!--.*?-->", " ", src)
    block = "|".join(sorted(BLOCK | {"br"}))
    src = re.sub(rf"(?i)</?(?:{block})\b[^>]*>", "\n", src)
    src = re.sub(r"<[^>]*>", "", src)
    for k, line in enumerate(htmllib.unescape(src).split("\n")):
        line = _WS.sub(" ", line).strip()
        if line:
            b.add(line, SegInfo(kind="html", paragraph=k))
            b.sep("\n")


def _children(node):  # type: ignore[no-untyped-def]
    out = []
    k = node.child
    while k is not None:
        out.append(k)
        k = k.next
    return out


def _cell_text(node) -> str:  # type: ignore[no-untyped-def]
    return _collapse(node.text(deep=True, separator=" ")).strip()


def _table_rows(table):  # type: ignore[no-untyped-def]
    """The <tr> of this table (not of tables nested in its cells), and its caption."""
    rows = []
    caption = None
    for ch in _children(table):
        if ch.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in _children(ch) if r.tag == "tr")
        elif ch.tag == "tr":
            rows.append(ch)
        elif ch.tag == "caption":
            caption = ch
    return rows, caption


def _span(node, attr: str) -> int:  # type: ignore[no-untyped-def]
    try:
        return max(1, min(MAX_SPAN, int((node.attributes.get(attr) or "1").strip())))
    except ValueError:
        return 1


def _is_layout_table(rows) -> bool:  # type: ignore[no-untyped-def]
    """Tables used for page layout (one column, or holding other tables) are walked as blocks."""
    widest = 0
    for tr in rows:
        cells = [c for c in _children(tr) if c.tag in ("td", "th")]
        widest = max(widest, len(cells))
        for c in cells:
            if c.css_first("table") is not None:
                return True
    return widest <= 1


def _emit_table(table, rows, caption, path: str, b: Builder, para: int) -> None:  # type: ignore[no-untyped-def]
    if caption is not None:
        text = _cell_text(caption)
        if text:
            b.newline()
            b.add(text, SegInfo(kind="html", paragraph=para, path=path + ">caption"))
            b.sep("\n")
    ti = b.start_table()
    pending: list[list[int]] = []  # [col_start, col_end, rows_left] from rowspans above
    for r, tr in enumerate(rows):
        occupied = [(s, e) for s, e, left in pending if left > 0]
        col = 0
        expected = 0
        cells: list[tuple[int, str, SegInfo]] = []
        new_pending: list[list[int]] = []
        for cell in _children(tr):
            if cell.tag not in ("td", "th"):
                continue
            moved = True
            while moved:
                moved = False
                for s, e in occupied:
                    if s <= col < e:
                        col = e
                        moved = True
            if col > expected:  # columns held by a rowspan from above: keep the row aligned
                cells.append((expected, "", SegInfo(kind="html", table=ti, row=r, col=expected, path=path)))
            cs, rs = _span(cell, "colspan"), _span(cell, "rowspan")
            text = _cell_text(cell)
            cells.append((col, text, SegInfo(kind="html", table=ti, row=r, col=col, path=path)))
            if rs > 1:
                new_pending.append([col, col + cs, rs - 1])
            col += cs
            expected = col
        pending = [[s, e, left - 1] for s, e, left in pending if left - 1 > 0] + new_pending
        if any(t for _, t, _ in cells):
            b.add_row(ti, r, cells)


def _walk(root, b: Builder, deadline: Deadline) -> None:  # type: ignore[no-untyped-def]
    para = 0
    # stack items: (node, path) to enter, or (None, tag) marking the end of a block
    stack: list[tuple[object, str]] = [(root, "")]
    seen = 0
    while stack:
        node, path = stack.pop()
        if node is None:
            if path in BLOCK or path == "br":
                b.newline()
            continue
        tag = node.tag  # type: ignore[attr-defined]
        seen += 1
        if seen % 5000 == 0:
            deadline.check(f"HTML element {seen}")
        if tag == "-text":
            text = node.text(deep=False)  # type: ignore[attr-defined]
            if text and not text.isspace():  # whitespace between blocks adds nothing
                b.add(_collapse(text), SegInfo(kind="html", paragraph=para, path=path))
            continue
        if tag in DROP or tag is None or tag.startswith("-"):
            continue
        if tag == "br":
            b.sep("\n")
            continue
        if tag == "table":
            rows, caption = _table_rows(node)
            if rows and not _is_layout_table(rows):
                para += 1
                b.newline()
                _emit_table(node, rows, caption, path, b, para)
                continue
        if tag in BLOCK:
            para += 1
            b.newline()
            stack.append((None, tag))
        counts: dict[str, int] = {}
        kids = []
        for ch in _children(node):
            t = ch.tag
            if t and not t.startswith("-"):
                counts[t] = counts.get(t, 0) + 1
                kids.append((ch, f"{path}>{t}[{counts[t]}]" if path else f"{t}"))
            else:
                kids.append((ch, path))
        stack.extend(reversed(kids))
