"""Reading layer: file bytes -> one normalised `Document` with a map back to every origin.

Contract §1 in docs/contracts.md. Pure library: no Airflow, DuckDB, dbt or GX imports here;
format libraries are imported lazily so `import extract.reading` stays cheap.
"""

from __future__ import annotations

import os

from .builder import Deadline
from .errors import ReadError
from .model import Cell, Document, Origin, ReadLimits, Table
from .sniff import sniff

__all__ = ["Cell", "Document", "Origin", "ReadError", "ReadLimits", "Table", "read_bytes", "read_file", "sniff"]


def read_bytes(data: bytes, name: str = "", *, limits: ReadLimits | None = None) -> Document:
    """Read one report from its bytes. Raises ReadError for anything it cannot read.

    The format is decided by content (`sniff`), never by `name`, which only appears in
    messages and in a warning when the extension disagrees with the content.
    """
    limits = limits or ReadLimits()
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("read_bytes wants bytes")
    data = bytes(data)
    if len(data) > limits.max_bytes:
        raise ReadError(
            "file_too_large",
            f"{name or 'the file'} has {len(data):,} bytes, more than the limit of {limits.max_bytes:,}; "
            "split it or raise ReadLimits.max_bytes",
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError("empty_file", f"{name or 'the file'} is empty (0 bytes of content); fetch it again")
    fmt = "unknown"
    deadline = Deadline(limits)
    try:
        fmt = sniff(data, name)
        doc = _dispatch(fmt, data, name, limits, deadline)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError("file_too_large", f"{name or 'the file'} needs more memory than available") from None
    except RecursionError:
        raise ReadError("malformed_document", f"{name or 'the file'} is nested too deeply to read") from None
    except Exception as e:  # a library choking on a hostile file must not take the caller down
        raise ReadError(
            "reader_failed",
            f"{name or 'the file'} ({fmt}) made the reader fail ({type(e).__name__}: {e}); "
            "re-save the file, and report it if it opens fine elsewhere",
        ) from e
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    same = {"htm": "html", "shtml": "html", "text": "txt", "csv": "txt"}.get(ext, ext) == doc.format
    if ext and not same:
        doc.warnings.append(f"extension .{ext} but the content is {doc.format}; read as {doc.format}")
    return doc


def read_file(path: str | os.PathLike[str], *, limits: ReadLimits | None = None) -> Document:
    """Read a file from disk (size checked before reading it into memory)."""
    limits = limits or ReadLimits()
    size = os.path.getsize(path)
    if size > limits.max_bytes:
        raise ReadError(
            "file_too_large",
            f"{os.fspath(path)} has {size:,} bytes, more than the limit of {limits.max_bytes:,}; "
            "split it or raise ReadLimits.max_bytes",
        )
    with open(path, "rb") as fh:
        return read_bytes(fh.read(), os.fspath(path), limits=limits)


def _dispatch(fmt: str, data: bytes, name: str, limits: ReadLimits, deadline: Deadline) -> Document:
    if fmt == "txt":
        from .txt import read_txt

        return read_txt(data, limits, name)
    if fmt == "html":
        from .html import read_html

        return read_html(data, limits, name, deadline)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, limits, name, deadline)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(data, limits, name, deadline)
    if fmt in {"xlsx", "xls"}:
        from .sheets import read_sheets

        return read_sheets(data, limits, name, deadline, fmt)
    if fmt == "xml_spreadsheet":
        from .sheets import read_xml_spreadsheet

        return read_xml_spreadsheet(data, limits, name, deadline)
    if fmt == "doc":
        from .doc import read_doc

        return read_doc(data, limits, name, deadline)
    raise ReadError("unsupported_format", f"{name or 'the file'}: format {fmt} is not supported")
