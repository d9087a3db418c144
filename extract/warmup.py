"""Load once what every extraction needs, in a parent process, before it forks its workers.

The label scanner, the gazetteer, the classification tables, OpenCC and the format libraries
are built lazily on first use: ≈ 0.3–0.5 s per fresh process. Workers forked from a warmed
parent inherit all of it (copy-on-write) instead of rebuilding it per batch and per worker.
"""

from __future__ import annotations

import importlib
from functools import cache

# Libraries imported on first use (OCR stays lazy: it is large and rare).
_READER_LIBRARIES = (
    "pypdfium2",
    "lxml.etree",
    "python_calamine",
    "selectolax.lexbor",
    "defusedxml",
    "opencc",
    "cn2an",  # Chinese numerals: compiles its patterns and a city list at import (≈ 0.2 s)
)

# A made-up report in the shapes the extractor reads (prose facts, a table row, an indicator).
_SAMPLE = (
    "示例县财政局2023年度部门决算\n"
    "一、收入支出决算总体情况\n"
    "2023年度收入总计1234.56万元，支出总计1234.56万元，其中基本支出800.00万元，项目支出434.56万元。\n"
    "“三公”经费支出12.30万元，公务接待费3.20万元，共接待12批次、60人次。\n"
    "科目编码\t科目名称\t决算数\n2010101\t行政运行\t800.00\n"
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n产出指标\t数量指标\t培训人次\t≥100人次\t120人次\n"
    "部门整体支出绩效自评得分93.5分，评价等级为优。\n"
)


@cache
def warm_up() -> None:
    """Import the format readers and build the extractor's tables (idempotent, ≈ 0.4 s once)."""
    from extract import extract_bytes

    for name in _READER_LIBRARIES:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional reader library missing: its format fails later with a reason
            continue
    for module in ("pdf", "docx", "sheets", "html", "doc", "txt"):
        importlib.import_module(f"extract.reading.{module}")
    from extract.reading.encoding import frequent_chars, plausibility
    from extract.reading.normalize import build_tables

    frequent_chars()  # character tables the PDF reader's garbling test and the decoder use
    build_tables()  # code-point tables of the normaliser (≈ 70 ms, 2.5 MB)
    plausibility(_SAMPLE)
    extract_bytes(_SAMPLE.encode("utf-8"), "warm-up.txt")
