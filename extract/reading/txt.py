"""Plain text files."""

from __future__ import annotations

from .builder import Builder
from .encoding import check_mojibake, decode_text
from .model import Document, ReadLimits, SegInfo


def read_txt(data: bytes, limits: ReadLimits, name: str = "") -> Document:
    dec = decode_text(data, what=f"text file {name}".strip())
    warnings = dec.warnings + check_mojibake(dec.text, "text file")
    b = Builder(limits)
    b.add(dec.text, SegInfo(kind="text", source_base=0))
    return b.finish(fmt="txt", encoding=dec.encoding, encoding_confidence=dec.confidence, warnings=warnings)
