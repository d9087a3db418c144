"""Fixture builders shared by the reading-layer tests (all fixtures are made in the tests)."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"

REPORT = (
    "盐边县经济信息化和科学技术局\n"
    "2021年部门整体支出绩效自评报告\n"
    "一、部门概况\n"
    "本年支出合计3137.51万元，其中基本支出1234.00万元，项目支出1903.51万元。\n"
    "共设置绩效目标12个，自评得分93分，评价等级为优。\n"
)


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt")) if SAMPLES.is_dir() else []


def make_docx(paragraphs_before: list[str], table: list[list[str]] | None, paragraphs_after: list[str]) -> bytes:
    """A .docx built with python-docx: paragraphs, one table, paragraphs."""
    import io

    import docx

    d = docx.Document()
    for p in paragraphs_before:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, v in enumerate(row):
                t.cell(r, c).text = v
    for p in paragraphs_after:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip package, replacing and adding entries (to build hostile variants)."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for k, v in (add or {}).items():
            dst.writestr(k, v)
    return out.getvalue()


def make_pdf(pages: list[list[str]], table: list[list[str]] | None = None, encrypt: str | None = None) -> bytes:
    """A Chinese text PDF drawn with reportlab's built-in CID font STSong-Light.

    Each page is a list of lines; `table` (if given) is drawn on the last page as rows of
    cells 150 pt apart, so its cells are separated by wide gaps like a printed table.
    """
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt, invariant=True)  # same bytes every run
    for k, lines in enumerate(pages):
        c.setFont("STSong-Light", 11)
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 18
        if table and k == len(pages) - 1:
            for row in table:
                for j, cell in enumerate(row):
                    c.drawString(72 + 150 * j, y, cell)
                y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


def make_image_pdf(text: str = "Total 3137.51") -> bytes:
    """A 'scanned' PDF: one page holding only an image of text (no text layer).

    ASCII only: this machine has no CJK font to draw Chinese glyphs into an image.
    """
    import io

    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (800, 200), 255)
    ImageDraw.Draw(img).text((20, 60), text, fill=0, font=ImageFont.load_default(size=64))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(img), 72, 600, width=400, height=100)
    c.showPage()
    c.save()
    return buf.getvalue()


def raw_pdf(content: bytes, font: bytes) -> bytes:
    """A one-page PDF written by hand (to make fonts reportlab never writes)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        font,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def garbled_pdf() -> bytes:
    """Identity-H CID font without ToUnicode: pdfium returns CIDs as code points (garbage)."""
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /XYZ+SimSun /Encoding /Identity-H /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType2 /BaseFont /XYZ+SimSun /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>] >>"
    )
    content = b"BT /F1 12 Tf 72 700 Td <" + b"0F3A0B21113C2A5D1E0F0C0D0E0F" * 12 + b"> Tj ET"
    return raw_pdf(content, font)


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (v3, 512-byte sectors), streams padded past the mini cutoff."""
    import struct

    free, end, fatsect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    streams = {k: v.ljust(4096, b"\0") for k, v in streams.items()}  # below 4096: mini stream
    names = list(streams)
    bodies = [s + b"\0" * (-(-len(s) // 512) * 512 - len(s)) for s in streams.values()]
    fat = [fatsect, end]
    starts = []
    for body in bodies:
        first = len(fat)
        n = len(body) // 512
        starts.append(first)
        fat.extend(range(first + 1, first + n))
        fat.append(end)
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, nostream, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    dirs = entry("Root Entry", 5, 1, nostream, end, 0)
    for k, name in enumerate(names):
        right = k + 2 if k + 1 < len(names) else nostream
        dirs += entry(name, 2, nostream, right, starts[k], len(streams[name]))
    dirs = dirs.ljust(512, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + dirs + b"".join(bodies)


def make_doc(text: str, flags: int = 0x0200) -> bytes:
    """A Word 97 .doc whose main text is `text` (\\r ends paragraphs, \\x07 ends cells/rows)."""
    import struct

    fc = 0x800
    word = bytearray(fc)
    struct.pack_into("<HH", word, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", word, 0x0A, flags)
    struct.pack_into("<i", word, 0x4C, len(text))
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, fc, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", word, 0x1A2, 0, len(clx))
    word += text.encode("utf-16-le")
    table = "1Table" if flags & 0x0200 else "0Table"
    return _cfb({"WordDocument": bytes(word), table: clx})


def make_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx written by xlsxwriter, one worksheet per entry."""
    import datetime
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": datetime.datetime(2024, 1, 1)})  # same bytes every run
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def cjk_font() -> str | None:
    """A font that can draw Chinese (Debian: fonts-wqy-microhei, see deploy/native/install.sh)."""
    import os

    return next((f for f in CJK_FONTS if os.path.exists(f)), None)


def make_chinese_scan(
    lines: list[str], dpi: int = 150, size_pt: float = 11, *, rotate: float = 0.0, blur: float = 0.0,
    speckle: float = 0.0, jpeg_quality: int = 85, seed: int = 0,
) -> bytes:  # fmt: skip
    """An A4 'scanned' PDF of Chinese lines: rendered, optionally degraded, saved as JPEG."""
    import io
    import random

    from PIL import Image, ImageDraw, ImageFilter, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font_path = cjk_font()
    assert font_path, "no CJK font installed"
    rng = random.Random(seed)
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    px = int(size_pt * dpi / 72)
    font = ImageFont.truetype(font_path, px)
    y = dpi
    for line in lines:
        draw.text((dpi, y), line, fill=0, font=font)
        y += int(px * 1.8)
    if rotate:
        img = img.rotate(rotate, fillcolor=255, resample=Image.BICUBIC)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if speckle:
        pix = img.load()
        for _ in range(int(w * h * speckle)):
            pix[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 255))
    jpeg = io.BytesIO()
    img.save(jpeg, "JPEG", quality=jpeg_quality)
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(Image.open(io.BytesIO(jpeg.getvalue()))), 0, 0, width=595, height=842)
    c.showPage()
    c.save()
    return buf.getvalue()
