"""Word .docx files, in body order (paragraphs and tables interleaved)."""

from __future__ import annotations

import re

from .builder import Builder, Deadline
from .errors import ReadError
from .model import Document, ReadLimits, SegInfo
from .zipsafe import check_xml_parts, open_zip

_NL = re.compile(r"\s*\n\s*")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAIN_PART = re.compile(r"^word/document\d*\.xml$")


def read_docx(data: bytes, limits: ReadLimits, name: str, deadline: Deadline) -> Document:
    """Body paragraphs and tables in document order, read straight from word/document.xml.

    Parsing the one XML part with lxml is about five times faster than building python-docx's
    object model, and keeps exactly what the extractor needs: paragraph text (tabs and breaks
    included), table cells with horizontal spans (gridSpan) and vertical merges (vMerge).
    """
    zf = open_zip(data, limits, name, "DOCX")
    check_xml_parts(zf, name, "DOCX")
    label = name or "the DOCX file"
    part = next((i.filename for i in zf.infolist() if _MAIN_PART.match(i.filename)), None)
    if part is None:
        raise ReadError(
            "malformed_docx",
            f"{label} has no word/document.xml; it is not a Word document. "
            "Open it in Word/LibreOffice and save it as .docx again",
        )
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        root = etree.fromstring(zf.read(part), parser)
    except Exception as e:  # a damaged part: lxml raises XMLSyntaxError and friends
        raise ReadError(
            "malformed_docx",
            f"{label} could not be opened as a Word document ({type(e).__name__}: {e}); "
            "open it in Word/LibreOffice and save it again",
        ) from None
    body = root.find(f"{W}body")
    if body is None:
        raise ReadError("malformed_docx", f"{label}: word/document.xml has no body; save the file again")
    b = Builder(limits)
    para = 0
    for k, block in enumerate(_blocks(body)):
        if k % 500 == 0:
            deadline.check(f"DOCX block {k}")
        if block.tag == f"{W}tbl":
            _table(block, b)
        else:
            text = _para_text(block)
            if text.strip():
                b.newline()
                b.add(text, SegInfo(kind="docx", paragraph=para))
                b.sep("\n")
            para += 1
    return b.finish(fmt="docx", encoding=None, encoding_confidence=1.0)


def _blocks(container):  # type: ignore[no-untyped-def]
    """Paragraphs and tables of a container in order, looking through content controls (w:sdt)."""
    for child in container:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def _para_text(p) -> str:  # type: ignore[no-untyped-def]
    """The text Word shows for a paragraph: runs' text, tabs as \\t, breaks as \\n (deleted text skipped)."""
    parts: list[str] = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText"):
        tag = el.tag
        if tag == f"{W}t":
            parts.append(el.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:  # type: ignore[no-untyped-def]
    parts = [_para_text(p) for p in tc.iter(f"{W}p")]  # nested tables' paragraphs included, in order
    return _NL.sub(" ", " ".join(p for p in parts if p.strip())).strip()


def _int_attr(el, path: str, default: int) -> int:  # type: ignore[no-untyped-def]
    node = el.find(path)
    try:
        return int(node.get(f"{W}val")) if node is not None else default
    except (TypeError, ValueError):
        return default


def _table(table, b: Builder) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for r, tr in enumerate(table.iterfind(f"{W}tr")):
        cells: list[tuple[int, str]] = []
        col = 0
        for tc in tr.iterfind(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span = max(1, _int_attr(props, f"{W}gridSpan", 1)) if props is not None else 1
            vmerge = props.find(f"{W}vMerge") if props is not None else None
            continues = vmerge is not None and vmerge.get(f"{W}val") in (None, "continue")
            cells.append((col, "" if continues else _cell_text(tc)))
            col += span
        if any(t for _, t in cells):
            rows.append((r, cells))
    if not rows:
        return
    ti = b.start_table()
    for r, cells in rows:
        b.add_row(ti, r, [(col, text, SegInfo(kind="docx", table=ti, row=r, col=col)) for col, text in cells])
