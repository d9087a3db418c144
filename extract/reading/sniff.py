"""Tell the format of a file from its bytes; the file name's extension is only a hint."""

from __future__ import annotations

import io
import re
import zipfile

from .errors import ReadError

_HTML_HINT = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|span|br|h[1-6])[\s>/]", re.IGNORECASE
)
_BINARY_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"%!PS", "a PostScript file"),
    (b"\x00\x00\x00\x0cjP", "a JPEG 2000 image"),
]


def _head_text(data: bytes, n: int = 8192) -> str:
    """The start of the file as text good enough to look for markup: UTF-16 decoded by its
    BOM or NUL pattern, anything else through latin-1 (ASCII-compatible encodings)."""
    head = data[:n]
    codec = None
    if head.startswith(b"\xff\xfe"):
        codec = "utf-16-le"
    elif head.startswith(b"\xfe\xff"):
        codec = "utf-16-be"
    elif head.count(0) > len(head) // 8:
        codec = "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"
    if codec:
        return head[: len(head) - len(head) % 2].decode(codec, errors="ignore")
    return head.decode("latin-1")


def sniff(data: bytes, name: str = "") -> str:
    """Return txt|html|pdf|docx|xlsx|xls|doc|xml_spreadsheet, or raise ReadError."""
    head = data[:4096]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _sniff_ole(data, name)
    if head.startswith(b"{\\rtf"):
        raise ReadError(
            "unsupported_format",
            f"{name or 'the file'} is an RTF document; open it in Word or LibreOffice and save as DOCX",
        )
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise ReadError(
                "binary_not_a_report",
                f"{name or 'the file'} is {what}, not a report document; "
                "supply the report as PDF, DOCX, XLSX, HTML or text",
            )
    view = _head_text(data).lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    if view[:5].lower() == "<?xml" and "urn:schemas-microsoft-com:office:spreadsheet" in view:
        return "xml_spreadsheet"
    if _HTML_HINT.search(view[:4096]):
        return "html"
    return "txt"


def _sniff_zip(data: bytes, name: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise ReadError(
            "corrupt_zip",
            f"{name or 'the file'} starts like a ZIP/Office file but its archive is damaged ({e}); "
            "download it again or re-save it",
        ) from None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            raise ReadError("unsupported_format", f"{name or 'the file'} is a PowerPoint file; export it as PDF")
    if "EncryptedPackage" in names:
        raise ReadError("encrypted_office", f"{name or 'the file'} is password-protected; save an unprotected copy")
    if "mimetype" in names:
        raise ReadError(
            "unsupported_format",
            f"{name or 'the file'} is an OpenDocument file; save it as DOCX or XLSX",
        )
    raise ReadError(
        "unsupported_format",
        f"{name or 'the file'} is a ZIP archive, not a Word/Excel document; unpack it and supply the reports",
    )


def _sniff_ole(data: bytes, name: str) -> str:
    """OLE compound file: .doc vs .xls by stream names (UTF-16 in the directory sectors)."""
    u = lambda s: s.encode("utf-16-le")  # noqa: E731
    if u("EncryptedPackage") in data or u("EncryptionInfo") in data:
        raise ReadError(
            "encrypted_office",
            f"{name or 'the file'} is a password-protected Office file; save an unprotected copy",
        )
    if u("WordDocument") in data:
        return "doc"
    if u("Workbook") in data or u("Book") in data:
        return "xls"
    if u("PowerPoint Document") in data:
        raise ReadError("unsupported_format", f"{name or 'the file'} is a PowerPoint file; export it as PDF")
    raise ReadError(
        "unsupported_format",
        f"{name or 'the file'} is an OLE compound file that is neither Word nor Excel; open and re-save it",
    )
