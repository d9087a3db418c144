"""Small speed/memory measurements of the reading layer (not a test; numbers go in README).

    .venv/bin/python -m extract.reading.bench            # all formats, ~1 minute
    .venv/bin/python -m extract.reading.bench --ocr      # plus OCR seconds per page
    .venv/bin/python -m extract.reading.bench --samples ../shared/samples   # real-size TXT/HTML

Fixtures are generated in memory: a text PDF of dense Chinese pages (reportlab, STSong-Light,
~1,500 characters and one table per page), a DOCX/XLSX/HTML/TXT report of ~10 pages.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time

LINE = "本年支出合计3137.51万元，其中基本支出1234.00万元，项目支出1903.51万元，较上年增长12.5%。"
TABLE = [["项目", "决算数", "预算数"], ["基本支出", "1234.00", "1300.00"], ["项目支出", "1903.51", "2000.00"]]


def make_pdf(pages: int) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for p in range(pages):
        c.setFont("STSong-Light", 11)
        y = 800
        c.drawString(72, y, f"盐边县财政局2021年部门决算 第{p + 1}页")
        y -= 20
        for _ in range(30):
            c.drawString(72, y, LINE)
            y -= 16
        for row in TABLE:
            for k, cell in enumerate(row):
                c.drawString(72 + 150 * k, y, cell)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


def make_docx(paragraphs: int) -> bytes:
    import docx

    d = docx.Document()
    for i in range(paragraphs):
        d.add_paragraph(LINE)
        if i % 50 == 0:
            t = d.add_table(rows=len(TABLE), cols=3)
            for r, row in enumerate(TABLE):
                for c, v in enumerate(row):
                    t.cell(r, c).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def make_xlsx(rows: int) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("收支决算总表")
    for r in range(rows):
        ws.write_row(r, 0, ["基本支出", 1234.0 + r, 1300.5, "备注说明文字"])
    wb.close()
    return buf.getvalue()


def make_html(paragraphs: int) -> bytes:
    body = "".join(f"<p>{LINE}</p>" for _ in range(paragraphs))
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE * 20)
    page = f'<html><head><meta charset="gbk"><title>决算</title></head><body>{body}<table>{rows}</table></body></html>'
    return page.encode("gbk")


def as_html_page(text: str) -> bytes:
    """A real report's text laid out the way Word-exported portal pages are: one styled <p>
    per line, a one-row <table> per tab- or multi-space-separated line."""
    import html

    body = []
    for ln in text.split("\n"):
        if "\t" in ln or "  " in ln.strip():
            tds = "".join(f'<td style="border:1px solid">{html.escape(c)}</td>' for c in ln.split())
            body.append(f"<table><tr>{tds}</tr></table>")
        else:
            body.append(f'<p class="MsoNormal"><span style="font-family:宋体">{html.escape(ln)}</span></p>')
    page = '<html><head><meta charset="utf-8"><title>report</title></head><body><div class="main">'
    return (page + "\n".join(body) + "</div></body></html>").encode("utf-8")


def real_size(samples: str) -> dict[str, object]:
    """Documents/s on real reports (TXT as delivered, and the same text as an HTML page)."""
    from pathlib import Path

    from extract.reading.encoding import decode_text

    out: dict[str, object] = {}
    files = sorted(p for p in Path(samples).iterdir() if p.is_file())
    for kind in ("txt", "html"):
        rates = []
        sizes = []
        for p in files:
            data = p.read_bytes()
            if kind == "html":
                data = as_html_page(decode_text(data).text)
            reps = max(5, int(2_000_000 / max(len(data), 1)))
            rates.append(1 / timed(data, reps))
            sizes.append(len(data) // 1024)
        out[f"{kind}_docs_per_s"] = [round(r) for r in rates]
        out[f"{kind}_sizes_kb"] = sizes
        # The rate of the corpus as a whole: documents divided by the total time.
        out[f"{kind}_corpus_docs_per_s"] = round(len(rates) / sum(1 / r for r in rates)) if rates else None
    return out


def timed(data: bytes, repeat: int, **kw: object) -> float:
    from extract.reading import ReadLimits, read_bytes

    read_bytes(data, limits=ReadLimits(**kw))  # warm-up (imports, caches)
    t0 = time.perf_counter()
    for _ in range(repeat):
        read_bytes(data, limits=ReadLimits(**kw))
    return (time.perf_counter() - t0) / repeat


def peak_memory_mb(pages: int) -> dict[str, float]:
    """Peak RSS of a fresh process (without reportlab) reading a PDF file after a warm-up."""
    import os
    import tempfile

    paths = []
    for n in (2, pages):
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as fh:
            fh.write(make_pdf(n))
            paths.append(fh.name)
    code = (
        "import resource, tracemalloc\n"
        "from extract.reading import read_file\n"
        f"read_file({paths[0]!r})\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "tracemalloc.start()\n"
        f"doc = read_file({paths[1]!r})\n"
        "cur, peak = tracemalloc.get_traced_memory()\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(before / 1024, after / 1024, peak / 2**20, cur / 2**20, len(doc.text))\n"
    )
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    finally:
        for p in paths:
            os.unlink(p)
    before, after, peak, held, chars = out.split()
    return {
        "rss_warm_mb": round(float(before), 1),
        "rss_peak_mb": round(float(after), 1),
        "python_peak_mb": round(float(peak), 1),
        "document_held_mb": round(float(held), 1),
        "chars": int(chars),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ocr", action="store_true")
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--samples", help="folder of real reports: measure only real-size TXT/HTML")
    args = ap.parse_args()
    res: dict[str, object] = {}
    if args.samples:
        print(json.dumps(real_size(args.samples), ensure_ascii=False, indent=1))
        return
    pdf = make_pdf(args.pages)
    t = timed(pdf, 1)
    res["pdf_pages_per_s"] = round(args.pages / t, 1)
    res["pdf_chars_per_page"] = len(LINE) * 30 + 40
    docx_b = make_docx(300)
    res["docx_docs_per_s"] = round(1 / timed(docx_b, 5), 1)
    xlsx_b = make_xlsx(500)
    res["xlsx_docs_per_s"] = round(1 / timed(xlsx_b, 5), 1)
    html_b = make_html(300)
    res["html_docs_per_s"] = round(1 / timed(html_b, 5), 1)
    txt_b = ("\n".join([LINE] * 300)).encode("gb18030")
    res["txt_gb18030_docs_per_s"] = round(1 / timed(txt_b, 10), 1)
    res["doc_sizes_kb"] = {
        k: round(len(v) / 1024) for k, v in [("docx", docx_b), ("xlsx", xlsx_b), ("html", html_b), ("txt", txt_b)]
    }
    res["pdf_500_pages_memory"] = peak_memory_mb(args.pages)
    if args.ocr:
        from extract.reading import ReadLimits, read_bytes
        from extract.reading.ocr import ocr_available

        if ocr_available():
            import pypdfium2 as pdfium

            from extract.reading.ocr import ocr_page

            doc = pdfium.PdfDocument(make_pdf(2))
            ocr_page(doc[0], ReadLimits())  # warm-up
            t0 = time.perf_counter()
            ocr_page(doc[1], ReadLimits())
            res["ocr_s_per_page"] = round(time.perf_counter() - t0, 2)
            del read_bytes
        else:
            res["ocr_s_per_page"] = "OCR extra not installed"
    print(json.dumps(res, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
