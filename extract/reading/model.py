"""Public value types of the reading layer: Document, Origin, Table, Cell, ReadLimits."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Ceilings that keep one hostile or huge file from taking the worker down.

    `ocr=None` means: follow the environment variable `FISCAL_OCR=1`.
    """

    max_bytes: int = 50 * MB
    max_pages: int = 2000
    max_uncompressed: int = 200 * MB
    max_ratio: float = 100.0
    max_zip_entries: int = 5000
    max_chars: int = 20_000_000
    time_budget_s: float = 300.0
    ocr: bool | None = None
    ocr_max_pages: int = 200
    soffice_timeout_s: float = 120.0

    def ocr_enabled(self) -> bool:
        """OCR is opt-in: slow (seconds per page) and needs the optional extra."""
        if self.ocr is not None:
            return self.ocr
        return os.environ.get("FISCAL_OCR", "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one normalised character came from.

    kind: text|pdf|docx|xlsx|html. page is 1-based (PDF, OCR); bbox is (x0, y0, x1, y1) in PDF
    points, origin bottom-left. paragraph is the 0-based block index (DOCX/DOC paragraph,
    HTML block). table/row/col are 0-based: table indexes `Document.tables`, row/col are the
    position in the source table (for spreadsheets the sheet's row/column, for HTML the grid
    column after colspans). source_offset is the char offset in the decoded source text
    (plain text only). path is the HTML element path or the spreadsheet sheet name.
    """

    kind: str
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    source_offset: int | None = None
    ocr_confidence: float | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell; `span` is (start, end) in `Document.text`."""

    text: str
    span: tuple[int, int]
    row: int
    col: int


@dataclass(slots=True)
class Table:
    """A table as rows of cells; each row is also one `\\t`-joined line of `Document.text`."""

    rows: list[list[Cell]] = field(default_factory=list)
    page: int | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SegInfo:
    """Origin template shared by a run of raw characters (a paragraph, a cell, a PDF line...)."""

    kind: str
    page: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    source_base: int | None = None
    ocr_confidence: float | None = None
    path: str | None = None


class OriginMap:
    """Compact map normalised offset -> raw offset -> segment origin (+ per-char PDF boxes).

    Normalised -> raw is stored as runs (norm_start[k], raw_start[k]) in which the mapping
    advances one-to-one; raw -> segment as the sorted segment start offsets. Both lookups are
    binary searches, so `origin()` is O(log n) and memory is O(runs + segments), plus 16
    bytes per raw char for PDFs, where every character keeps its own box.
    """

    __slots__ = ("_boxes", "_norm_starts", "_raw_starts", "_seg_info", "_seg_starts", "has_ocr", "has_pages", "length")

    def __init__(
        self,
        norm_to_raw: np.ndarray,
        seg_starts: np.ndarray,
        seg_info: list[SegInfo],
        boxes: np.ndarray | None,
    ) -> None:
        self.length = int(norm_to_raw.shape[0])
        if self.length:
            breaks = np.flatnonzero(np.diff(norm_to_raw) != 1) + 1
            starts = np.concatenate(([0], breaks)).astype(np.int64)
            self._norm_starts = starts
            self._raw_starts = norm_to_raw[starts].astype(np.int64)
        else:
            self._norm_starts = np.zeros(0, dtype=np.int64)
            self._raw_starts = np.zeros(0, dtype=np.int64)
        self._seg_starts = seg_starts.astype(np.int64)
        self._seg_info = seg_info
        self._boxes = boxes
        #: True when some characters were read by OCR (they carry a confidence).
        self.has_ocr = any(info.ocr_confidence is not None for info in seg_info)
        #: True when some characters sit on a numbered page (PDF); plain text and HTML have none.
        self.has_pages = any(info.page is not None for info in seg_info)

    @property
    def runs(self) -> int:
        """Number of one-to-one runs (a measure of how much normalisation moved things)."""
        return int(self._norm_starts.shape[0])

    def raw_offset(self, offset: int) -> int:
        """Offset in the pre-normalisation text of normalised character `offset`."""
        if not 0 <= offset < self.length:
            raise IndexError(f"offset {offset} outside text of length {self.length}")
        k = int(np.searchsorted(self._norm_starts, offset, side="right")) - 1
        return int(self._raw_starts[k]) + (offset - int(self._norm_starts[k]))

    def origin(self, offset: int) -> Origin:
        raw = self.raw_offset(offset)
        s = int(np.searchsorted(self._seg_starts, raw, side="right")) - 1
        info = self._seg_info[s]
        src = None if info.source_base is None else info.source_base + (raw - int(self._seg_starts[s]))
        bbox = None
        if self._boxes is not None:
            b = self._boxes[raw]
            if not math.isnan(float(b[0])):
                bbox = (round(float(b[0]), 2), round(float(b[1]), 2), round(float(b[2]), 2), round(float(b[3]), 2))
        return Origin(
            kind=info.kind,
            page=info.page,
            bbox=bbox,
            paragraph=info.paragraph,
            table=info.table,
            row=info.row,
            col=info.col,
            source_offset=src,
            ocr_confidence=info.ocr_confidence,
            path=info.path,
        )


@dataclass(slots=True)
class Document:
    """One report as one normalised text plus the map back to where each character came from."""

    text: str
    format: str
    encoding: str | None
    encoding_confidence: float
    script: str
    warnings: list[str]
    pages: int | None
    tables: list[Table]
    origin_map: OriginMap = field(repr=False)

    def origin(self, offset: int) -> Origin:
        """Origin of the normalised character at `offset` (0 <= offset < len(text)), O(log n)."""
        return self.origin_map.origin(offset)

    def page_of(self, offset: int) -> int | None:
        """Page of a character, the one field most callers want from an origin."""
        return self.origin_map.origin(offset).page

    def ocr_confidence(self, start: int, end: int) -> float | None:
        """Lowest OCR confidence of the characters in [start, end); None when none was OCR'd.

        A value is only as trustworthy as its worst-read character (a lost decimal point turns
        3137.51 into 313751), so callers compare this minimum against their threshold.
        """
        if not self.origin_map.has_ocr:
            return None
        lowest: float | None = None
        for i in range(max(start, 0), min(end, len(self.text))):
            if self.text[i].isspace():
                continue
            c = self.origin_map.origin(i).ocr_confidence
            if c is not None and (lowest is None or c < lowest):
                lowest = c
        return lowest
