"""Tables printed one cell per line without TAB rows (extract/flattened.py), on short tables of
our own: rebuilt when the structure is unambiguous, abstained from (with a warning) otherwise."""

from __future__ import annotations

from extract import extract_text, flattened
from extract.indicators import indicators
from extract.projects import projects
from extract.textutil import fold, minimal_normalise

HEAD = "示例县农业农村局2023年度部门整体支出绩效自评报告\n"
IND_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
AFTER = "全年预算执行率为98.5%。"


def _text(*cells: str, after: str = AFTER, before: str = "绩效指标完成情况表") -> str:
    return fold(minimal_normalise(HEAD + before + "\n" + "\n".join(cells) + "\n" + after + "\n"))


def _ind(text: str) -> tuple[list[dict], list[dict]]:
    warnings: list[dict] = []
    return indicators(text, warnings=warnings), warnings


def _rows(got: list[dict]) -> list[tuple]:
    return [(r["level1"], r["level2"], r["level3"], r["target_text"], r["actual_text"]) for r in got]


# merged level cells printed as empty lines (text copied from a web page)
BLANK = [*IND_HEADER,
         "产出指标", "数量指标", "培训农民", "≥500人次", "612人次",
         "", "", "新建农田", "1200亩", "1180亩",
         "", "质量指标", "抽检合格率", "不低于96%", "98.5%",
         "效益指标", "社会效益指标", "政务公开及时性", "按规定公开", "已按规定公开",
         "满意度指标", "服务对象满意度指标", "服务对象满意度", "90%", "93%"]
EXPECTED = [
    ("产出指标", "数量指标", "培训农民", "≥500人次", "612人次"),
    ("产出指标", "数量指标", "新建农田", "1200亩", "1180亩"),
    ("产出指标", "质量指标", "抽检合格率", "不低于96%", "98.5%"),
    ("效益指标", "社会效益指标", "政务公开及时性", "按规定公开", "已按规定公开"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "90%", "93%"),
]


def test_blank_cells_are_merged_levels():
    got, warnings = _ind(_text(*BLANK))
    assert _rows(got) == EXPECTED and not warnings
    assert got[0]["target_value"] == 500 and got[0]["actual_value"] == 612 and got[0]["unit"] == "人次"
    assert got[2]["target_value"] == 0.96 and got[2]["actual_value"] == 0.985


def test_through_the_public_api_and_with_tab_indented_cells():
    out = extract_text(HEAD + "绩效指标完成情况表\n" + "\n".join("\t" + c for c in BLANK) + "\n" + AFTER + "\n")
    assert _rows(out["indicators"]) == EXPECTED


def test_empty_cells_dropped_compact_layout():
    compact = [c for c in BLANK if c]
    got, warnings = _ind(_text(*compact))
    assert _rows(got) == EXPECTED and not warnings


def test_a_stray_empty_line_inside_a_row_is_a_page_break():
    cells = list(BLANK)
    cells.insert(cells.index("1200亩"), "")  # between the name and the target
    got, warnings = _ind(_text(*cells))
    assert _rows(got) == EXPECTED and not warnings


def test_a_blank_line_after_the_table_and_extra_columns():
    cells = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分", "偏差原因",
             "产出指标", "数量指标", "培训农民", "500人次", "480人次", "20", "18", "培训时间推迟",
             "", "", "新建农田", "1200亩", "1200亩", "20", "20", ""]
    got, warnings = _ind(_text(*cells, after="\n三、评价结论"))
    assert _rows(got) == [("产出指标", "数量指标", "培训农民", "500人次", "480人次"),
                          ("产出指标", "数量指标", "新建农田", "1200亩", "1200亩")]
    assert not warnings


def test_a_cell_run_together_with_the_next_abstains_for_the_table():
    cells = list(BLANK)
    i = cells.index("新建农田")
    cells[i:i + 2] = ["新建农田1200亩"]  # a PDF reader joined the name and the target
    got, warnings = _ind(_text(*cells))
    assert got == []
    assert [w["code"] for w in warnings] == ["flattened_table_unaligned"]


def test_a_missing_cell_at_the_end_abstains():
    cells = BLANK[:-1]  # the last actual value is lost: the last row would take the sentence
    got, warnings = _ind(_text(*cells))
    assert got == [] and warnings
    # (known weakness: a short line such as a signature right after such a table is taken as
    # the lost cell — see extract/README.md)


def test_a_leftover_cell_after_the_table_abstains():
    got, warnings = _ind(_text(*BLANK, "95%"))
    assert got == [] and warnings


def test_a_level_2_word_under_another_level_1_does_not_fit():
    cells = list(BLANK)
    cells[cells.index("社会效益指标")] = "数量指标"  # 数量指标 is not a 效益指标 word
    got, warnings = _ind(_text(*cells))
    assert got == [] and warnings


def test_a_row_starting_with_an_inherited_level_needs_a_level_above():
    cells = [*IND_HEADER, "", "数量指标", "培训农民", "500人次", "480人次"]
    got, _ = _ind(_text(*cells))
    assert got == []


def test_an_unknown_header_cell_reads_nothing():
    cells = ["序号", *IND_HEADER, "1", "产出指标", "数量指标", "培训农民", "500人次", "480人次"]
    got, _ = _ind(_text(*cells))
    assert got == []


def test_rows_with_a_leading_empty_cell_the_header_lacks():
    # TAB cells, one blank-line separated block per row, each row one empty cell more than the
    # header: read by the TAB-row reader (shifted by that cell), not a second time here
    text = "\n".join(["\t" + c for c in IND_HEADER] + [""]
                     + ["\t", "\t产出指标", "\t数量指标", "\t培训农民", "\t500人次", "\t480人次", ""]
                     + ["\t", "\t", "\t", "\t新建农田", "\t1200亩", "\t1200亩", ""])
    got, _ = _ind(fold(HEAD + "绩效指标完成情况\n" + text + "\n" + AFTER))
    assert [r["level3"] for r in got] == ["培训农民", "新建农田"]


def test_footer_of_a_web_page_ends_the_table():
    footer = "主办:示例县人民政府办公室 地址:示例县人民路1号 联系电话:0000-1234567 网站标识码:1234"
    got, warnings = _ind(_text(*BLANK, after=footer))
    assert len(got) == 5 and not warnings


def test_spaces_inside_a_printed_number_are_layout():
    cells = [*IND_HEADER, "产出指标", "数量指标", "培训农民", "≥7 41人", "2 4 0 人次"]
    got, _ = _ind(_text(*cells))
    assert got[0]["target_text"] == "≥741人" and got[0]["actual_value"] == 240


# ---------------------------------------------------------------- projects

PROJ_HEADER = ["项目名称", "预算数(万元)", "执行数(万元)", "执行率", "自评得分", "评价等级"]


def _proj(text: str) -> tuple[list[dict], list[dict]]:
    warnings: list[dict] = []
    rows, _conf = projects(text, [], [], [], warnings=warnings)
    return rows, warnings


def test_flattened_project_table():
    cells = [*PROJ_HEADER, "2023年农田建设项目", "360.37", "325.27", "90.26%", "85", "良",
             "动物防疫补助经费", "1,201.16", "1,199.43", "99.86%", "", "优", "合计", "1561.53", "1524.70", "", "", ""]
    got, warnings = _proj(_text(*cells, after="五、评价结论", before="项目支出绩效自评情况表"))
    assert not warnings
    assert [(p["project_name"], p["budget_amount"], p["executed_amount"], p["execution_rate"], p["score"],
             p["grade"]) for p in got] == [
        ("2023年农田建设项目", 3603700.0, 3252700.0, 0.9026, 85, "良"),
        ("动物防疫补助经费", 12011600.0, 11994300.0, 0.9986, None, "优"),
    ]


def test_project_name_run_together_with_its_budget_abstains():
    cells = [*PROJ_HEADER, "2023年农田建设项目360.37", "325.27", "90.26%", "85", "良",
             "动物防疫补助经费", "201.16", "199.43", "99.14%", "77", "中"]
    got, warnings = _proj(_text(*cells, after="五、评价结论", before="项目支出绩效自评情况表"))
    assert got == [] and warnings


def test_a_table_on_one_line_separated_by_spaces():
    line = " ".join([*PROJ_HEADER, "农田建设项目", "360.37", "325.27", "90.26%", "85", "良",
                     "动物防疫补助经费", "201.16", "199.43", "99.14%", "77", "中"])
    got, warnings = _proj(_text(line, after="五、评价结论", before="项目支出绩效自评情况表"))
    assert [p["project_name"] for p in got] == ["农田建设项目", "动物防疫补助经费"] and not warnings
    line2 = line.replace("动物防疫补助经费", "动物防疫 补助经费")  # one cell with a space: abstain
    got, warnings = _proj(_text(line2, after="五、评价结论", before="项目支出绩效自评情况表"))
    assert got == [] and warnings


def test_header_words_are_declarative():
    spec = flattened.specs()["indicators"]
    assert spec.columns["预期指标值"] == "target" and spec.columns["实际完成指标值"] == "actual"
    assert "服务对象满意度指标" in spec.levels["满意度指标"]
    assert flattened.specs()["projects"].columns["执行数"] == "executed_amount"
