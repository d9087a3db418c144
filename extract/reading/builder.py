"""Collect raw text with origins from a format reader, then normalise it into a Document."""

from __future__ import annotations

import time
from array import array
from dataclasses import replace

import numpy as np

from .errors import ReadError
from .model import Cell, Document, OriginMap, ReadLimits, SegInfo, Table
from .normalize import normalize


class Deadline:
    """Per-file time budget, checked between pages/paragraphs (C calls cannot be interrupted)."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.end = time.monotonic() + limits.time_budget_s

    def check(self, where: str) -> None:
        if time.monotonic() > self.end:
            raise ReadError(
                "time_budget_exceeded",
                f"reading took longer than {self.limits.time_budget_s:.0f} s (stopped at {where}); "
                "split the file or raise ReadLimits.time_budget_s",
            )


class Builder:
    """Append raw pieces, each tagged with a SegInfo; tables record cell extents.

    Readers never normalise: they append what the source says, plus separators
    (`\\n` between blocks, `\\t` between cells); `finish()` normalises once and maps spans.
    """

    def __init__(self, limits: ReadLimits, with_boxes: bool = False) -> None:
        self.limits = limits
        self._parts: list[str] = []
        self._len = 0
        self._seg_starts = array("q")
        self._seg_info: list[SegInfo] = []
        self._boxes: list[np.ndarray] | None = [] if with_boxes else None
        # tables: list of rows; a row is a list of (raw_start, raw_end, row, col)
        self._tables: list[tuple[Table, list[list[tuple[int, int, int, int]]]]] = []
        self.warnings: list[str] = []

    @property
    def length(self) -> int:
        return self._len

    def _check_size(self) -> None:
        if self._len > self.limits.max_chars:
            raise ReadError(
                "file_too_large",
                f"the text is longer than {self.limits.max_chars} characters; split the file "
                "or raise ReadLimits.max_chars",
            )

    def add(self, text: str, info: SegInfo, boxes: list[tuple[float, float, float, float]] | None = None) -> None:
        """Append `text` whose characters all share `info` (boxes: one per char, PDF only)."""
        if not text:
            return
        if not self._seg_info or self._seg_info[-1] != info or info.source_base is not None:
            self._seg_starts.append(self._len)
            self._seg_info.append(info)
        self._parts.append(text)
        self._len += len(text)
        if self._boxes is not None:
            if boxes is None:
                self._boxes.append(np.full((len(text), 4), np.nan, dtype=np.float32))
            else:
                assert boxes.shape == (len(text), 4)
                self._boxes.append(boxes.astype(np.float32, copy=False))
        if len(self._parts) % 4096 == 0:
            self._check_size()

    def sep(self, s: str) -> None:
        """Append a separator the reader made up; it inherits the previous segment's place."""
        if not s:
            return
        if not self._seg_info:
            self.add(s, SegInfo(kind="text"))
            return
        last = self._seg_info[-1]
        if last.source_base is not None:
            last = replace(last, source_base=None)
        self.add(s, last)

    def ends_with_newline(self) -> bool:
        return not self._parts or self._parts[-1].endswith("\n")

    def newline(self) -> None:
        """End the current line unless it is already ended."""
        if not self.ends_with_newline():
            self.sep("\n")

    # tables -----------------------------------------------------------------
    def start_table(self, page: int | None = None, name: str | None = None) -> int:
        self._tables.append((Table(page=page, name=name), []))
        return len(self._tables) - 1

    def add_row(
        self,
        table: int,
        row: int,
        cells: list[tuple[int, str, SegInfo]],
        boxes: list[np.ndarray] | None = None,
    ) -> None:
        """Write one table row as one `\\t`-joined line; `cells` are (col, text, info)."""
        self.newline()
        spans: list[tuple[int, int, int, int]] = []
        for k, (col, text, info) in enumerate(cells):
            if k:
                self.sep("\t")
            start = self._len
            self.add(text, info, boxes[k] if boxes is not None else None)
            spans.append((start, self._len, row, col))
        self.sep("\n")
        self._tables[table][1].append(spans)

    # finish -----------------------------------------------------------------
    def finish(
        self,
        *,
        fmt: str,
        encoding: str | None,
        encoding_confidence: float,
        pages: int | None = None,
        warnings: list[str] | None = None,
    ) -> Document:
        self._check_size()
        raw = "".join(self._parts)
        self._parts = [raw]
        text, idx, stats = normalize(raw)
        if not text.strip():
            raise ReadError(
                "empty_file",
                f"the {fmt} file holds no text after decoding"
                + (" (a PDF without a text layer needs OCR: set FISCAL_OCR=1)" if fmt == "pdf" else ""),
            )
        seg_starts = np.frombuffer(self._seg_starts, dtype=np.int64) if self._seg_starts else np.zeros(1, np.int64)
        seg_info = self._seg_info or [SegInfo(kind="text")]
        boxes = None
        if self._boxes is not None:
            boxes = np.concatenate(self._boxes) if self._boxes else np.zeros((0, 4), np.float32)
        omap = OriginMap(idx, seg_starts, seg_info, boxes)
        tables: list[Table] = []
        for table, rows in self._tables:
            for raw_row in rows:
                cells: list[Cell] = []
                for rs, re_, row, col in raw_row:
                    s = int(np.searchsorted(idx, rs, side="left"))
                    e = int(np.searchsorted(idx, re_, side="left"))
                    cells.append(Cell(text=text[s:e], span=(s, e), row=row, col=col))
                table.rows.append(cells)
            tables.append(table)
        return Document(
            text=text,
            format=fmt,
            encoding=encoding,
            encoding_confidence=round(encoding_confidence, 4),
            script=stats.script,
            warnings=[*(warnings or []), *self.warnings],
            pages=pages,
            tables=tables,
            origin_map=omap,
        )
