"""Word .docx files via python-docx, in body order (paragraphs and tables interleaved)."""

from __future__ import annotations

import io
import re

from .builder import Builder, Deadline
from .errors import ReadError
from .model import Document, ReadLimits, SegInfo
from .zipsafe import check_xml_parts, open_zip

_NL = re.compile(r"\s*\n\s*")


def read_docx(data: bytes, limits: ReadLimits, name: str, deadline: Deadline) -> Document:
    zf = open_zip(data, limits, name, "DOCX")
    check_xml_parts(zf, name, "DOCX")
    import docx
    from docx.table import Table as DocxTable

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many types on broken packages
        raise ReadError(
            "malformed_docx",
            f"{name or 'the DOCX file'} could not be opened as a Word document ({type(e).__name__}: {e}); "
            "open it in Word/LibreOffice and save it again",
        ) from None
    b = Builder(limits)
    para = 0
    for k, block in enumerate(d.iter_inner_content()):
        if k % 500 == 0:
            deadline.check(f"DOCX block {k}")
        if isinstance(block, DocxTable):
            _table(block, b)
        else:
            text = block.text
            if text.strip():
                b.newline()
                b.add(text, SegInfo(kind="docx", paragraph=para))
                b.sep("\n")
            para += 1
    return b.finish(fmt="docx", encoding=None, encoding_confidence=1.0)


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in cell.paragraphs]
    for nested in cell.tables:  # flatten nested tables into the cell's text
        for row in nested.rows:
            parts.extend(c.text for c in row.cells)
    return _NL.sub(" ", " ".join(p for p in parts if p.strip())).strip()


def _table(table, b: Builder) -> None:  # type: ignore[no-untyped-def]
    rows = []
    above: dict[int, object] = {}
    for r, row in enumerate(table.rows):
        cells: list[tuple[int, str, object]] = []
        prev_tc = None
        for col, cell in enumerate(row.cells):
            tc = cell._tc
            if tc is prev_tc:  # horizontal merge: python-docx repeats the cell per grid column
                continue
            prev_tc = tc
            text = "" if above.get(col) is tc else _cell_text(cell)  # vertical merge continues
            above[col] = tc
            cells.append((col, text, cell))
        if any(t for _, t, _ in cells):
            rows.append((r, cells))
    if not rows:
        return
    ti = b.start_table()
    for r, cells in rows:
        b.add_row(ti, r, [(col, text, SegInfo(kind="docx", table=ti, row=r, col=col)) for col, text, _ in cells])
