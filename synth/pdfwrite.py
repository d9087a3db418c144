"""A small direct PDF writer: pages of text lines and ruling lines, nothing else.

The synthetic reports need only text in one Chinese font and straight rules, so the content
streams are built with string formatting instead of reportlab's platypus (which spent ~30 ms a
report on objects the reports do not use). The font is the one platypus used: the
non-embedded CID font STSong-Light in a Type0 font with the UniGB-UCS2-H CMap, so a character
code is its UTF-16 unit and pdfium extracts the right Unicode without a ToUnicode map. Each
rule is its own stroked path (``m l S``), as reportlab drew them, so a reader sees every rule
as a separate thin path object. No clock, no random file ID: the bytes depend only on the calls.
"""

from __future__ import annotations

import zlib

A4 = (595.2756, 841.8898)  # points, as reportlab.lib.pagesizes.A4
MM = 72 / 25.4
FONT = "STSong-Light"

# Advance widths (1/1000 em) of U+0020..U+007E in STSong-Light (Adobe-GB1 CIDs 1..95, which the
# UniGB-UCS2-H CMap maps these code points to); every other character is 1000 (full width).
_ASCII_WIDTHS = (
    207, 270, 342, 467, 462, 797, 710, 239, 374, 374, 423, 605, 238, 375, 238, 334,
    462, 462, 462, 462, 462, 462, 462, 462, 462, 462, 238, 238, 605, 605, 605, 344,
    748, 684, 560, 695, 739, 563, 511, 729, 793, 318, 312, 666, 526, 896, 758, 772,
    544, 772, 628, 465, 607, 753, 711, 972, 647, 620, 607, 374, 333, 374, 606, 500,
    239, 417, 503, 427, 529, 415, 264, 444, 518, 241, 230, 495, 228, 793, 527, 524,
    524, 504, 338, 336, 277, 517, 450, 652, 466, 452, 407, 370, 258, 370, 605,
)  # fmt: skip
WIDTHS: dict[str, int] = {chr(0x20 + i): w for i, w in enumerate(_ASCII_WIDTHS)}

_FONT_OBJECTS = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 0 >>"
    b" /FontDescriptor 5 0 R /DW 1000 /W [1 [" + " ".join(map(str, _ASCII_WIDTHS)).encode() + b"]] >>",
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
    b" /ItalicAngle 0 /Ascent 752 /Descent -271 /CapHeight 737 /StemV 58 /XHeight 553 /MissingWidth 500 >>",
)


def text_width(text: str, size: float) -> float:
    """Advance width of text at size points."""
    get = WIDTHS.get
    return sum(get(c, 1000) for c in text) * size / 1000


def _hex_utf16(text: str) -> str:
    """A PDF hex string of the UTF-16BE code units (no escaping needed, any character)."""
    return text.encode("utf-16-be", "surrogatepass").hex()


class Page:
    """Drawing operators of one page; coordinates in points from the bottom-left corner."""

    __slots__ = ("ops",)

    def __init__(self) -> None:
        # black 0.5 pt rules with round caps/joins, as the reportlab grid was drawn
        self.ops: list[str] = ["0 0 0 RG 0 0 0 rg 0.5 w 1 J 1 j"]

    def text(self, x: float, y: float, size: float, text: str) -> None:
        """One line of text with its baseline starting at (x, y)."""
        if text:
            self.ops.append(f"BT /F1 {size:g} Tf {x:.3f} {y:.3f} Td <{_hex_utf16(text)}> Tj ET")

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """One stroked straight rule (a path object of its own)."""
        self.ops.append(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S")

    def content(self) -> bytes:
        return "\n".join(self.ops).encode("ascii")


class PdfDocument:
    """Pages drawn in order, serialised by ``to_bytes``."""

    def __init__(self, size: tuple[float, float] = A4, title: str = "") -> None:
        self.size = size
        self.title = title
        self.pages: list[Page] = []

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        return page

    def to_bytes(self, level: int = 6) -> bytes:
        """The PDF file: catalog, page tree, font, info, then each page and its content stream."""
        n = len(self.pages)
        first = 7  # object number of the first page; its content stream follows it
        kids = " ".join(f"{first + 2 * k} 0 R" for k in range(n))
        objs: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
            *_FONT_OBJECTS,
            f"<< /Title <feff{_hex_utf16(self.title)}> /Author () /Creator () /Producer () >>".encode(),
        ]
        box = f"[0 0 {self.size[0]:g} {self.size[1]:g}]"
        for k, page in enumerate(self.pages):
            objs.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox {box} /Resources << /Font << /F1 3 0 R >> >>"
                f" /Contents {first + 2 * k + 1} 0 R >>".encode()
            )
            data = zlib.compress(page.content(), level)
            objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objs, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i
            out += body
            out += b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
        return bytes(out)
