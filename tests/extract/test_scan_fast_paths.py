"""The fast scans find exactly what the plain whole-text scans find.

Speed work replaced several whole-text regex scans (tried at every position) by searches that
start from rare characters. Each is checked here against the plain scan on many random texts
built from the characters that matter to it, so a shortcut can never change a value.
"""

from __future__ import annotations

import random
import re

import pytest

from extract import columns, facts, findings, identity, labels, line_items, tables
from extract.core import _ANNEX
from extract.labels import catalog
from extract.textutil import (
    SentenceStarts,
    finditer_near,
    lines_holding,
    period_start,
    sentence_start,
    years_before_nian,
)


def _texts(alphabet: list[str], n: int, longest: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, longest))) for _ in range(n)]


def test_years_found_from_nian_backwards_are_those_the_year_pattern_finds() -> None:
    pattern = re.compile(r"(\d{4})\s*年")
    for text in _texts(["2023", " ", "年", "\n", "1", "x", "２０２３", "12345"], 5000, 12, seed=1):
        expected = [(m.start(), int(m.group(1))) for m in pattern.finditer(text)]
        assert years_before_nian(text) == expected, text


_HEADING_WORDS = ["问题", "存在", "的", "主要", "及原因", "措施", "改进", "下一步", "建议", "整改情况", "工作打算",
                  "相关", "意见", "\n", " ", "\t", "1", "、", ".", "(", "（一）", "二、", "。", ":", "文本", "\n\n"]


@pytest.mark.parametrize("which", ["problems", "remedies"])
def test_finding_headings_found_near_their_words_are_those_of_a_whole_text_scan(which: str) -> None:
    rx, near = (findings._PROB, findings._PROB_NEAR) if which == "problems" else (findings._REM, findings._REM_NEAR)
    for text in _texts(_HEADING_WORDS, 20000, 25, seed=2):
        assert [m.span() for m in finditer_near(rx, text, *near)] == [m.span() for m in rx.finditer(text)], text


def test_annex_heading_found_near_its_word_is_the_first_of_a_whole_text_scan() -> None:
    words = ["附件", "第", "一", "二", "部分", "\n", " ", "\t", "1", "12", "说明", "\n\n"]
    for text in _texts(words, 20000, 20, seed=3):
        near = next(finditer_near(_ANNEX, text, ("附件",), "第一二三四五六七八九十部分"), None)
        whole = _ANNEX.search(text)
        assert (near and near.span()) == (whole and whole.span()), text


_GRADE_WORDS = ["自评", "等级", "等次", "评价", "评定", "绩效", "总体", "结论", "结果", "为", "是", ":", "确定为", "“",
                "”", '"', "「", "」", "优秀", "良好", "中等", "较差", "优", "良", "中", "差", " ", "\u3000", "\n", "。",
                ",", "、", "小学", "\t"]


@pytest.mark.parametrize("k", [k for k, near in enumerate(facts._GRADE_NEAR) if near is not None])
def test_grade_matches_found_near_their_anchors_are_those_of_a_whole_text_scan(k: int) -> None:
    rx, near = facts._GRADE_PATTERNS[k], facts._GRADE_NEAR[k]
    for text in _texts(_GRADE_WORDS, 20000, 16, seed=4 + k):
        assert [m.span(1) for m in finditer_near(rx, text, *near)] == [m.span(1) for m in rx.finditer(text)], text


def _markers_by_window_scan(text: str) -> list[tuple[tuple[int, int], str, str]]:
    """The 类/款/项 markers as a scan of the 48 characters before each "(类)" finds them."""
    out = []
    last_end = 0
    for t in line_items._MARKER_TAIL.finditer(text):
        for m in line_items._MARKER.finditer(text, max(last_end, t.start() - 48), t.end()):
            if m.end() == t.end():
                out.append((m.span(), m.group("name"), m.group("lvl")))
                last_end = m.end()
                break
    return out


def test_line_item_markers_read_backwards_are_those_a_window_scan_finds() -> None:
    words = ["(类)", "(款)", "(项)", "(项目)", "行政", "运行", " ", "\n", "\t", "、", ",", "1", "2080501", "(", ")",
             "教育支出", "  ", "名称很长的一个项目名称"]
    for text in _texts(words, 20000, 20, seed=9):
        found = [(m.span(), m.group("name"), m.group("lvl")) for m in line_items._markers(text)]
        assert found == _markers_by_window_scan(text), text


def test_label_scanner_reads_an_opening_quote_as_optional() -> None:
    scanner = catalog().scanner
    assert [m.group(0) for m in scanner.finditer("本年“三公”经费支出12万元")] == ["“三公”经费支出"]
    assert [m.group(0) for m in scanner.finditer("本年三公”经费支出12万元")] == ["三公”经费支出"]


def test_label_scanner_does_not_take_a_quote_no_label_opens_with() -> None:
    # labels open with “ only: a 「 before the label is not part of the match
    assert [m.span() for m in catalog().scanner.finditer("「三公」经费支出")] == [(1, 8)]


def _annex_names_line_by_line(text: str) -> list[tuple[str, int]]:
    """An organisation's name alone on a line whose next non-blank line (of the next two) is dated."""
    out = []
    lines = text.split("\n")
    pos = 0
    for i, line in enumerate(lines):
        if 3 <= len(line.strip()) <= 40:
            m = identity._ORG_LINE.match(line)
            if m and not identity._bad_name(m.group("name")):
                nxt = next((x for x in lines[i + 1 : i + 3] if x.strip()), "")
                if re.match(r"\s*\d{4}\s*年", nxt):
                    out.append((m.group("name"), pos + m.start("name")))
        pos += len(line) + 1
    return out


def test_annex_title_names_found_from_the_dated_lines_are_those_a_line_by_line_reading_finds() -> None:
    words = ["盐边县财政局", "米易县教育局", "\n", "\n\n", " ", "2023年", "2023 年度", "年", "部门决算", "\t", "12",
             "本局"]
    for text in _texts(words, 20000, 12, seed=10):
        assert identity._annex_title_names(text) == _annex_names_line_by_line(text), text


def test_publication_date_found_near_its_words_is_the_first_of_a_whole_text_scan() -> None:
    words = ["公开时间", "发布日期", "公布时间", "时间", "日期", ":", "：", " ", "\n", "2023", "年", "-", "/", ".",
             "10", "月", "1", "9", "日", "x"]
    for text in _texts(words, 20000, 14, seed=12):
        near = next(finditer_near(identity._PUBLISHED, text, *identity._PUBLISHED_NEAR), None)
        whole = identity._PUBLISHED.search(text)
        assert (near and near.span()) == (whole and whole.span()), text


def test_regex_labels_scanned_without_groups_are_found_as_by_a_scan_with_one_group_per_label() -> None:
    cat = catalog()
    parts = [f"(?P<R_{f.name}_{i}>{rx})" for f in cat.fields.values() for i, rx in enumerate(f.regex)]
    grouped = re.compile("|".join(parts))
    words = ["年", "支出", ":", "：", "预算", "度", "\n", ",", "总计", "核定", "我局", "本单位", "编制", "局", "位",
             "数", "为", "12", "一", "共", "设", "置", "立", "定", "了", "部门整体", "绩效目标", "绩效指标", " "]
    for text in _texts(words, 20000, 12, seed=13):
        expected = [(m.start(), m.end(), cat.group_fields[m.lastgroup]) for m in grouped.finditer(text)]
        found = [(m.start(), m.end(), cat.group_fields[labels._regex_group(cat, text, m)])
                 for m in cat.regex_scanner.finditer(text)]
        assert found == expected, text


def test_header_rows_remembered_across_rows_of_a_table_are_the_rows_found_without_memory() -> None:
    text = ("单位：万元\n项目\t预算数\t决算数\n基本支出\t100.00\t90.00\n项目支出\t50.00\t40.00\n\n"
            "科目\t2022年决算数\t2023年决算数\n工资福利支出\t10\t12\n商品和服务支出\t5\t6\n")
    rows = tables.table_rows(text)
    memo: dict[int, bool] = {}
    for k in range(len(rows)):
        assert columns.header_above(text, rows, k, 2023, memo=memo) is columns.header_above(text, rows, k, 2023)
    assert memo and any(memo.values())


def _tab_rows_line_by_line(text: str) -> list[tables.Row]:
    """Every line in turn: a TAB line is a row, a run of one-cell lines (a leading TAB) a block."""
    rows: list[tables.Row] = []
    block: list[tables.Cell] = []
    block_start = pos = 0

    def flush(end: int) -> None:
        nonlocal block
        if block:
            prev_nl = text.rfind("\n", 0, max(0, block_start - 1))
            rows.extend(tables._rechunk(block, block_start, end, text[prev_nl + 1:max(0, block_start - 1)]))
            block = []

    for line in text.split("\n"):
        off = pos
        pos += len(line) + 1
        if "\t" not in line:
            flush(off)
        elif line.startswith("\t") and line.count("\t") == 1:
            block_start = block_start if block else off
            s = off + 1 + (len(line) - 1 - len(line[1:].lstrip()))
            block.append(tables.Cell(line[1:].strip(), s, s + len(line[1:].strip())))
        else:
            flush(off)
            rows.append(tables.Row(tables._split_tabs(line, off), off, off + len(line), False))
    flush(len(text))
    return rows


def test_tab_rows_found_from_the_tabs_are_those_a_line_by_line_reading_finds() -> None:
    for text in _texts(["\t", "\n", "项目", "100.00", " ", "\t\t", "合计", "\n\n", "基本支出", "单位:万元"], 20000, 16,
                       seed=14):
        assert tables._tab_rows(text) == _tab_rows_line_by_line(text), repr(text)


def test_lines_holding_a_word_are_the_lines_a_line_by_line_reading_finds() -> None:
    words = ("报告", "情况表")
    for text in _texts(["报告", "情况表", "报", "告", "\n", "项目", "\n\n", " ", "表"], 20000, 12, seed=15):
        expected, pos = [], 0
        for line in text.split("\n"):
            if any(w in line for w in words):
                expected.append(pos)
            pos += len(line) + 1
        assert lines_holding(text, words) == expected, repr(text)


@pytest.mark.parametrize("k", range(len(identity._YEAR_IN_BODY)))
def test_body_years_found_near_their_words_are_the_first_of_a_whole_text_scan(k: int) -> None:
    rx, anchors = identity._YEAR_IN_BODY[k]
    words = ["2023", "2022", " ", "年", "度", "部门", "决算", "预算", "整体支出", "情况说明", "\n", "1", "x"]
    for text in _texts(words, 20000, 10, seed=16 + k):
        near = next(finditer_near(rx, text, anchors, "年度部门决算预算整体支出情况说明"), None)
        whole = rx.search(text)
        assert (near and near.span()) == (whole and whole.span()), text


def test_sentence_and_period_starts_found_together_are_those_of_the_two_functions() -> None:
    words = ["。", ";", "；", "!", "！", "?", "？", "\n", "文字", "a" * 50, "b" * 120]
    for text in _texts(words, 5000, 30, seed=20):
        starts = SentenceStarts(text)
        for pos in range(0, len(text) + 1, max(1, len(text) // 10)):
            assert starts.at(pos) == (sentence_start(text, pos), period_start(text, pos)), (text, pos)


def test_remembered_money_conversion_keeps_a_printed_minus_zero_apart_from_zero() -> None:
    from math import copysign

    from extract.numbers import ratio, yuan

    assert copysign(1, yuan(0.0, "万元")) == 1 and copysign(1, yuan(-0.0, "万元")) == -1
    assert yuan(1, "万元") == yuan(1.0, "万元") == 10000.0 and ratio(72.65) == 0.7265
