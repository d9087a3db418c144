"""Field extractor: report files → the §2 JSON object of docs/contracts.md.

Public API:
* `extract_text(text, name="")` — the core, on normalised text;
* `extract_bytes(data, name)` — read with `extract.reading`, then the core;
* `extract_file(path)`;
* `EXTRACTOR_VERSION`.

No exception escapes for one file: a `ReadError` becomes `status: "rejected"` with
`reason: str(err)`, anything else a rejected object naming the exception.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from pathlib import Path

from .core import NotAReport
from .core import extract_text as _core_text

EXTRACTOR_VERSION = "0.1.0"

_EMPTY_LISTS = ("facts", "conflicts", "line_items", "indicators", "projects", "problems", "remedies", "warnings")


def _envelope(name: str, data: bytes | None, status: str, reason: str | None, fmt=None, enc=None) -> dict:
    out = {
        "file": name,
        "sha256": hashlib.sha256(data).hexdigest() if data is not None else None,
        "status": status,
        "reason": reason,
        "extractor_version": EXTRACTOR_VERSION,
        "format": fmt,
        "encoding": enc,
        "document": {},
        "document_spans": {},
    }
    for k in _EMPTY_LISTS:
        out[k] = []
    return out


def _rejected(name: str, data: bytes | None, reason: str, fmt=None, enc=None) -> dict:
    return _envelope(name, data, "rejected", reason, fmt, enc)


def extract_text(text: str, name: str = "") -> dict:
    """Core on normalised text; returns the full §2 object (sha256 of the UTF-8 text)."""
    data = text.encode("utf-8")
    try:
        body = _core_text(text, name)
    except NotAReport as err:
        return _rejected(name, data, f"not_a_report: {err}", "txt", "utf-8")
    except Exception as err:
        return _rejected(name, data, _internal(err), "txt", "utf-8")
    out = _envelope(name, data, "ok", None, "txt", "utf-8")
    out.update(body)
    return out


def _internal(err: BaseException) -> str:
    tb = traceback.extract_tb(err.__traceback__)
    where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
    return f"extractor_error: {type(err).__name__} at {where}: {err}"


def _fallback_read(data: bytes):
    """Only when extract.reading is not importable: decode plain text, normalise minimally."""
    from .textutil import minimal_normalise

    if not data.strip():
        raise _FallbackReadError("empty_file: the file has no content")
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030"):
        try:
            return minimal_normalise(data.decode(enc)), enc.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise _FallbackReadError("undecodable_text: neither UTF-8 nor GB18030")


class _FallbackReadError(Exception):
    pass


def extract_bytes(data: bytes, name: str) -> dict:
    """Read the file's bytes with the reading layer, then extract. Never raises for one file."""
    try:
        from .reading import ReadError, read_bytes
    except ImportError:
        read_bytes = None
        ReadError = None
    fmt = enc = None
    doc = None
    try:
        if read_bytes is not None:
            doc = read_bytes(data, name)
            text = doc.text
            fmt, enc = getattr(doc, "format", None), getattr(doc, "encoding", None)
        else:
            text, enc = _fallback_read(data)
            fmt = "txt"
    except Exception as err:
        if ReadError is not None and isinstance(err, ReadError):
            return _rejected(name, data, str(err))
        if isinstance(err, _FallbackReadError):
            return _rejected(name, data, str(err))
        return _rejected(name, data, "read_failed: " + _internal(err).split(": ", 1)[1])
    try:
        body = _core_text(text, name, doc)
    except NotAReport as err:
        return _rejected(name, data, f"not_a_report: {err}", fmt, enc)
    except Exception as err:
        return _rejected(name, data, _internal(err), fmt, enc)
    out = _envelope(name, data, "ok", None, fmt, enc)
    out.update(body)
    return out


def extract_file(path: str | os.PathLike[str]) -> dict:
    """Extract one file; an unreadable path is a rejected object, not an exception."""
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        return _rejected(name, None, f"unreadable_path: {type(err).__name__}: {err.strerror or err}")
    return extract_bytes(data, name)


__all__ = ["EXTRACTOR_VERSION", "extract_bytes", "extract_file", "extract_text"]
