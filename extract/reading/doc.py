"""Old Word .doc (OLE compound file, Word 97-2003).

The text is taken from the WordDocument stream's piece table with olefile (BSD, pure Python):
paragraphs and table rows (cell marks) survive, formatting does not; it takes milliseconds.
Only when that cannot read the file (Word 6/95, a damaged piece table) and LibreOffice
(`soffice`) is on PATH is the file converted headless to .docx (temp dir, private profile,
timeout) and read by the DOCX reader.

Why this order (measured 2026-11-23, LibreOffice 7.4): a conversion costs ≈1.3 s per file,
and LibreOffice's own DOC import lost the second of two tables of a generated report
(flattened to one line) that the piece table read cell by cell.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import tempfile

from .builder import Builder, Deadline
from .errors import ReadError
from .model import Document, ReadLimits, SegInfo

#: Piece-table failures that LibreOffice may still read (encryption is final either way).
SOFFICE_CAN_RESCUE = ("doc_unsupported", "malformed_doc")


def read_doc(data: bytes, limits: ReadLimits, name: str, deadline: Deadline) -> Document:
    try:
        return _read_piece_table(data, limits, name)
    except ReadError as e:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if e.code not in SOFFICE_CAN_RESCUE or not soffice or os.environ.get("FISCAL_DOC_NO_SOFFICE") == "1":
            raise
        docx_bytes = _convert_with_soffice(soffice, data, limits, name)
        if docx_bytes is None:
            raise
        why = e.code
    from .docx import read_docx

    doc = read_docx(docx_bytes, limits, name, deadline)
    doc.format = "doc"
    doc.warnings.append(f"converted from .doc with LibreOffice ({why}: the piece table could not be read)")
    return doc


def _convert_with_soffice(soffice: str, data: bytes, limits: ReadLimits, name: str) -> bytes | None:
    with tempfile.TemporaryDirectory(prefix="fiscal-doc-") as tmp:
        src = os.path.join(tmp, "in.doc")
        with open(src, "wb") as fh:
            fh.write(data)
        profile = "file://" + os.path.join(tmp, "profile")  # private profile: parallel-safe
        cmd = [
            soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", tmp, src,
        ]  # fmt: skip
        try:
            subprocess.run(cmd, capture_output=True, timeout=limits.soffice_timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError(
                "time_budget_exceeded",
                f"{name or 'the DOC file'}: LibreOffice did not convert it within "
                f"{limits.soffice_timeout_s:.0f} s; save it as DOCX by hand",
            ) from None
        except OSError:
            return None
        out = os.path.join(tmp, "in.docx")
        if not os.path.exists(out):
            return None
        with open(out, "rb") as fh:
            return fh.read()


def _read_piece_table(data: bytes, limits: ReadLimits, name: str) -> Document:
    label = name or "the DOC file"
    try:
        import olefile
    except ImportError:  # pragma: no cover - olefile is a declared dependency
        raise ReadError(
            "doc_unsupported",
            f"{label} is an old Word file; install LibreOffice (soffice) or olefile, or save it as DOCX",
        ) from None
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        word = ole.openstream("WordDocument").read()
        fib_flags = struct.unpack_from("<H", word, 0x0A)[0]
        n_fib = struct.unpack_from("<H", word, 0x02)[0]
        if fib_flags & 0x0100 or fib_flags & 0x8000:
            raise ReadError("encrypted_office", f"{label} is password-protected; save an unprotected copy")
        if n_fib < 0x00C1:
            raise ReadError(
                "doc_unsupported",
                f"{label} is a Word 6/95 file (nFib {n_fib:#x}); open it in Word/LibreOffice and save as DOCX",
            )
        table_name = "1Table" if fib_flags & 0x0200 else "0Table"
        table = ole.openstream(table_name).read()
        ccp_text = struct.unpack_from("<i", word, 0x4C)[0]
        fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x1A2)
        text = _piece_text(word, table[fc_clx : fc_clx + lcb_clx], ccp_text)
    except ReadError:
        raise
    except Exception as e:  # olefile/struct errors on damaged files
        raise ReadError(
            "malformed_doc",
            f"{label} is a damaged Word file ({type(e).__name__}: {e}); open it in Word and save as DOCX",
        ) from None
    return _build(text, limits)


def _piece_text(word: bytes, clx: bytes, ccp_text: int) -> str:
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 0x02:
        raise ValueError("no piece table (Pcdt) in the CLX")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    parts: list[str] = []
    total = 0
    for i in range(n):
        fc_raw = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        length = cps[i + 1] - cps[i]
        if length <= 0:
            continue
        if fc_raw & 0x40000000:  # compressed: 8-bit cp1252 at fc/2
            start = (fc_raw & 0x3FFFFFFF) // 2
            parts.append(word[start : start + length].decode("cp1252", errors="replace"))
        else:
            start = fc_raw & 0x3FFFFFFF
            parts.append(word[start : start + 2 * length].decode("utf-16-le", errors="replace"))
        total += length
        if total >= ccp_text:
            break
    return "".join(parts)[:ccp_text]


def _strip_fields(text: str) -> str:
    """Drop field instructions (between 0x13 and 0x14), keep field results (0x14..0x15)."""
    out: list[str] = []
    stack: list[bool] = []  # per open field: True while in its instruction part
    for ch in text:
        if ch == "\x13":
            stack.append(True)
        elif ch == "\x14":
            if stack:
                stack[-1] = False
        elif ch == "\x15":
            if stack:
                stack.pop()
        elif not (stack and stack[-1]):
            out.append(ch)
    return "".join(out)


_DROP = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x06\x08\x1f"), None)


def _build(text: str, limits: ReadLimits) -> Document:
    text = _strip_fields(text).translate(_DROP).replace("\x1e", "-")
    b = Builder(limits)
    para = 0
    cells: list[str] = []
    cur: list[str] = []
    table = -1
    row = 0
    prev_cell_end = False
    for ch in text:
        if ch == "\x07":
            if prev_cell_end and not cur:  # row-end mark right after the last cell mark
                if table < 0:
                    table = b.start_table()
                    row = 0
                b.add_row(
                    table,
                    row,
                    [(c, t.strip(), SegInfo(kind="docx", table=table, row=row, col=c)) for c, t in enumerate(cells)],
                )
                row += 1
                cells = []
                prev_cell_end = False
                continue
            cells.append("".join(cur))
            cur = []
            prev_cell_end = True
            continue
        prev_cell_end = False
        if ch == "\r":
            if cells:  # a paragraph break inside a cell
                cur.append(" ")
                continue
            if "".join(cur).strip():
                table = -1
                b.newline()
                b.add("".join(cur), SegInfo(kind="docx", paragraph=para))
                b.sep("\n")
            para += 1
            cur = []
            continue
        cur.append(ch)
    if "".join(cur).strip():
        b.newline()
        b.add("".join(cur), SegInfo(kind="docx", paragraph=para))
    return b.finish(fmt="doc", encoding=None, encoding_confidence=1.0)
