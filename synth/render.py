"""Render a Report to bytes in one file format and encoding.

Every renderer prints the same blocks, so the same report carries the same facts in every
format. Output is byte-identical for the same report and rng: no clocks, fixed zip
timestamps and document dates. PDF and DOCX are written directly (synth/pdfwrite.py with the
page layout of synth/pdflayout.py, synth/docxwrite.py); XLSX with xlsxwriter.
"""

from __future__ import annotations

import html
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from synth.docxwrite import DocxDocument
from synth.model import Block, Report
from synth.pdflayout import BODY, HEADINGS, Flow
from synth.pdfwrite import PdfDocument
from synth.textutil import to_traditional

FORMATS = ("txt", "html", "xls", "xlsx", "docx", "pdf")
EXT = {"txt": ".txt", "html": ".html", "xls": ".xls", "xlsx": ".xlsx", "docx": ".docx", "pdf": ".pdf"}
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)
_BIG5_FIX = str.maketrans({"≥": "≧", "≤": "≦"})


@dataclass
class Rendered:
    """Bytes of one file plus how they were made (recorded in the truth)."""

    data: bytes
    format: str
    ext: str
    encoding: str | None = None
    layout: dict[str, Any] | None = None


def _conv(rep: Report) -> Callable[[str], str]:
    if rep.script == "traditional":
        return to_traditional
    return lambda s: s


def _encode(text: str, preferred: str) -> tuple[bytes, str]:
    """Encode with the preferred codec, falling back to a superset when a char is missing."""
    chain = {"gbk": ("gbk", "gb18030"), "gb2312": ("gb2312", "gbk", "gb18030"), "big5": ("big5", "cp950", "utf-8")}
    for cs in chain.get(preferred, (preferred,)):
        t = text.translate(_BIG5_FIX) if cs in ("big5", "cp950") else text
        try:
            return t.encode(cs), cs
        except UnicodeEncodeError:
            continue
    return text.encode("utf-8"), "utf-8"


# ---------------------------------------------------------------------------------------
# TXT
# ---------------------------------------------------------------------------------------

_TXT_ENC_SIMPLIFIED = (("utf-8", 40), ("utf-8-sig", 5), ("gbk", 20), ("gb18030", 10), ("utf-16", 12),
                       ("utf-16-le", 8), ("utf-16-be", 5))
_TXT_ENC_TRADITIONAL = (("big5", 50), ("utf-8", 30), ("utf-16", 20))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def txt_text(rep: Report, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The plain-text rendering (before encoding)."""
    flat = rng.random() < 0.3
    blank = rng.random() < 0.5
    nl = "\r\n" if rng.random() < 0.25 else "\n"
    lines: list[str] = []
    for b in rep.blocks:
        if b.kind == "table":
            if flat:
                lines.extend(("\t" + c) if c else "\t" for row in b.rows for c in row)
            else:
                lines.extend("\t".join(row) for row in b.rows)
        else:
            lines.append(b.text)
        if blank:
            lines.append("")
    text = _conv(rep)("\n".join(lines) + "\n")
    if nl != "\n":
        text = text.replace("\n", nl)
    return text, {"table_layout": "cell_per_line" if flat else "tab_rows", "newline": "crlf" if nl != "\n" else "lf"}


def render_txt(rep: Report, rng: random.Random, encoding: str | None = None) -> Rendered:
    text, layout = txt_text(rep, rng)
    enc = encoding or _weighted(rng, _TXT_ENC_TRADITIONAL if rep.script == "traditional" else _TXT_ENC_SIMPLIFIED)
    data, used = _encode(text, enc)
    return Rendered(data, "txt", ".txt", used, layout)


# ---------------------------------------------------------------------------------------
# HTML and HTML-in-.xls
# ---------------------------------------------------------------------------------------

def _h(s: str) -> str:
    return html.escape(s, quote=False)


def _html_body(rep: Report, conv: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    for b in rep.blocks:
        if b.kind == "heading":
            lvl = min(6, max(1, b.level + 1))
            out.append(f"<h{lvl}>{_h(conv(b.text))}</h{lvl}>")
        elif b.kind == "para":
            t = _h(conv(b.text))
            if b.role == "flattened_table":
                t = t.replace("\n", "<br>\n")
            out.append(f'<p style="text-indent:2em">{t}</p>')
        else:
            rows = []
            for i, row in enumerate(b.rows):
                tag = "th" if i == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{_h(conv(c))}</{tag}>" for c in row) + "</tr>")
            out.append('<table border="1" cellspacing="0" cellpadding="4">\n' + "\n".join(rows) + "\n</table>")
    return out


def render_html(rep: Report, rng: random.Random, encoding: str | None = None) -> Rendered:
    conv = _conv(rep)
    enc = encoding or rng.choice(("utf-8", "utf-8", "gbk", "gb2312"))
    if rep.script == "traditional" and enc in ("gbk", "gb2312") and not encoding:
        enc = rng.choice(("utf-8", "big5"))
    title = conv(rep.title or "信息公开")
    county = rep.document.get("county") or ""
    meta_style = rng.random() < 0.5
    body = "\n".join(_html_body(rep, conv))
    nav = conv(f"您当前的位置：首页 &gt; 政务公开 &gt; 财政预决算 &gt; {county}部门预决算")
    foot = conv(f"主办：{county}人民政府办公室　地址：{county}人民路1号　联系电话：0000-1234567")

    def page(cs: str) -> str:
        meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={cs}">' if meta_style
                else f'<meta charset="{cs}">')
        return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n{meta}\n<title>{_h(title)}</title>\n</head>\n"
                f"<body>\n<div class=\"nav\">{nav}</div>\n<div class=\"article\">\n{body}\n</div>\n"
                f"<div class=\"footer\">{foot}</div>\n</body>\n</html>\n")

    data, used = _encode(page(enc), enc)
    if used != enc:  # the meta must name the codec actually used
        data, used = _encode(page(used), used)
    return Rendered(data, "html", ".html", used, {"meta": "http-equiv" if meta_style else "charset"})


def render_xls_html(rep: Report, rng: random.Random, encoding: str | None = None) -> Rendered:
    """An '.xls' that is really an HTML table, as many government sites serve them."""
    conv = _conv(rep)
    enc = encoding or rng.choice(("gbk", "gbk", "utf-8"))
    width = max([len(r) for b in rep.blocks if b.kind == "table" for r in b.rows] + [4])
    rows: list[str] = []
    for b in rep.blocks:
        if b.kind == "table":
            for row in b.rows:
                rows.append("<tr>" + "".join(f"<td>{_h(conv(c))}</td>" for c in row) + "</tr>")
        else:
            rows.append(f'<tr><td colspan="{width}">{_h(conv(b.text))}</td></tr>')

    def page(cs: str) -> str:
        return ('<html xmlns:o="urn:schemas-microsoft-com:office:office" '
                'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns="http://www.w3.org/TR/REC-html40">\n'
                f'<head><meta http-equiv="Content-Type" content="application/vnd.ms-excel; charset={cs}">\n'
                "<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet>"
                "<x:Name>Sheet1</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml>"
                "<![endif]-->\n</head>\n<body>\n<table border=\"1\">\n" + "\n".join(rows)
                + "\n</table>\n</body>\n</html>\n")

    data, used = _encode(page(enc), enc)
    if used != enc:
        data, used = _encode(page(used), used)
    return Rendered(data, "xls", ".xls", used, {"html_disguised_as": "xls"})


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------

_NUMERIC = re.compile(r"^\d+\.\d{1,2}$|^0$")


def render_xlsx(rep: Report, rng: random.Random, encoding: str | None = None) -> Rendered:
    import xlsxwriter

    conv = _conv(rep)
    numeric = rng.random() < 0.6
    split_sheets = rng.random() < 0.4
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": conv(rep.title), "author": "", "created": FIXED_TIME})
    money = wb.add_format({"num_format": "0.00"})
    main = wb.add_worksheet(conv("正文"))
    main.set_column(0, 0, 60)
    r = 0
    ntab = 0
    for b in rep.blocks:
        if b.kind == "table":
            if split_sheets:
                ntab += 1
                ws = wb.add_worksheet(f"{conv('表')}{ntab}")
                rr = 0
                if b.text:
                    ws.write_string(rr, 0, conv(b.text))
                    rr += 1
            else:
                ws, rr = main, r
            for row in b.rows:
                for j, cell in enumerate(row):
                    c = conv(cell)
                    if numeric and _NUMERIC.match(c):
                        ws.write_number(rr, j, float(c), money)
                    elif c:
                        ws.write_string(rr, j, c)
                rr += 1
            if not split_sheets:
                r = rr
        else:
            main.write_string(r, 0, conv(b.text))
            r += 1
    wb.close()
    return Rendered(buf.getvalue(), "xlsx", ".xlsx", None, {"numeric_cells": numeric, "table_sheets": split_sheets})


# ---------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------

def render_docx(rep: Report, rng: random.Random, encoding: str | None = None) -> Rendered:
    """Title and Heading 1–4 paragraphs, body paragraphs and 'Table Grid' tables."""
    conv = _conv(rep)
    d = DocxDocument(title=conv(rep.title))
    for b in rep.blocks:
        if b.kind == "heading":
            d.heading(conv(b.text), min(b.level, 4))
        elif b.kind == "para":
            d.paragraph(conv(b.text))
        else:
            d.table([[conv(c) for c in r] for r in b.rows])
    return Rendered(d.to_bytes(), "docx", ".docx", None, None)


# ---------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------

def render_pdf(rep: Report, rng: random.Random, encoding: str | None = None) -> Rendered:
    """A4 pages in STSong-Light: headings, indented paragraphs, ruled tables, page numbers."""
    conv = _conv(rep)
    footer = rng.choice(("— {n} —", "第 {n} 页", "{n}"))
    # half of the files repeat the report title as a running header (over a rule) from page 2 on,
    # as published reports do; readers must not let it interrupt a paragraph or a table
    running = conv(rep.title) if rep.title and rng.random() < 0.5 else ""
    doc = PdfDocument(title=conv(rep.title))
    flow = Flow(doc, footer, running)
    for b in rep.blocks:
        if b.kind == "heading":
            flow.paragraph(conv(b.text), HEADINGS[min(b.level, 4)])
        elif b.kind == "para":
            flow.paragraph(conv(b.text), BODY)
        else:
            flow.spacer(4)
            flow.table([[conv(c) for c in r] for r in b.rows])
            flow.spacer(6)
    return Rendered(doc.to_bytes(), "pdf", ".pdf", None, {"running_header": bool(running)})


RENDERERS: dict[str, Callable[..., Rendered]] = {
    "txt": render_txt, "html": render_html, "xls": render_xls_html, "xlsx": render_xlsx, "docx": render_docx,
    "pdf": render_pdf,
}


def render(rep: Report, fmt: str, rng: random.Random, encoding: str | None = None) -> Rendered:
    """Render rep in fmt ('txt', 'html', 'xls', 'xlsx', 'docx', 'pdf')."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    return RENDERERS[fmt](rep, rng, encoding)


def block_text(b: Block) -> str:
    """Text of a block as the renderers print it (helper for tests)."""
    return b.all_text()
