"""Reports that arrive damaged — first page lost, translations in brackets, tables printed one cell
per line, web-page furniture inside lists, numbers broken by layout — on short texts of our own.
Each test is one behaviour: what an analyst reads unambiguously is read, anything else abstains."""

from __future__ import annotations

from extract import extract_text
from extract.findings import findings
from extract.gloss import GlossView
from extract.line_items import line_items
from extract.numbers import find_numbers
from extract.projects import projects
from extract.textutil import fold, minimal_normalise

HEAD = "示例县农业农村局2023年度部门决算\n"


def run(body: str, head: str = HEAD) -> dict:
    out = extract_text(minimal_normalise(head + body))
    assert out["status"] == "ok", out["reason"]
    return out


def facts(body: str, head: str = HEAD) -> dict:
    return {f["field"]: f for f in run(body, head)["facts"]}


# ---------------------------------------------------------------- glosses
def test_a_translation_in_brackets_after_a_label_is_read_past():
    got = facts("基本支出中，人员经费（Personnel funds）120.50万元，公用经费(gongyong jingfei)30.25万元。")
    assert got["expenditure_personnel"]["value"] == 1205000.0
    assert got["expenditure_public_operating"]["value"] == 302500.0


def test_a_translation_inside_a_label_is_read_past():
    got = facts("2023年度“三公(san gong)”经费财政拨款支出决算为5.32万元。")
    assert got["three_public_total"]["value"] == 53200.0


def test_spans_after_a_gloss_point_into_the_text_as_given():
    body = "基本支出（Basic expenditure）中，公用经费（Public funds）30.25万元。"
    text = minimal_normalise(HEAD + body)
    out = extract_text(text)
    f = next(f for f in out["facts"] if f["field"] == "expenditure_public_operating")
    s, e = f["span"]
    assert text[s:e].startswith("30.25") and "30.25" in f["snippet"]


def test_chinese_and_unit_brackets_are_not_glosses():
    view = GlossView(fold("公用经费（含离退休）30万元，支出（万元），(PPP)项目，占比(%)"))
    assert not view.changed
    got = facts("公用经费（含离退休）30.00万元。")
    assert "expenditure_public_operating" not in got  # a qualified label stays a qualified label


# ---------------------------------------------------------------- identity without a title
LOST_TITLE = (
    "政府交办的其他任务。\n二、机构及人员情况\n"
    "麦盖提县教育局内设3个股室，下属事业单位1个：麦盖提县教师发展中心。\n"
    "2023年度收入、支出总计12498.82万元。\n2023年度本年收入合计12498.82万元。\n"
    "2023年度“三公”经费财政拨款支出决算为5.32万元。\n"
)


def test_department_named_as_the_subject_of_its_own_sentences():
    doc = run(LOST_TITLE, head="")["document"]
    assert doc["department_name"] == "麦盖提县教育局"
    assert (doc["province"], doc["county"], doc["division_code"]) == ("新疆维吾尔自治区", "麦盖提县", "653127")


def test_fiscal_year_from_the_figures_it_dates():
    assert run(LOST_TITLE, head="")["document"]["fiscal_year"] == 2023


PART = "第二部分 部门决算情况说明\n"


def test_fiscal_year_abstains_when_the_figures_carry_two_years():
    body = (PART + "二、机构设置\n示例县农业农村局内设3个股室。\n2023年度本年收入合计100.00万元。\n"
            "2022年度本年收入合计90.00万元。\n")
    assert run(body, head="")["document"]["fiscal_year"] is None


def test_fiscal_year_needs_a_dated_figure_not_a_date():
    body = PART + "二、机构设置\n示例县农业农村局内设3个股室。\n截至2023年12月31日，编制10人。\n"
    assert run(body, head="")["document"]["fiscal_year"] is None


def test_two_organisations_as_subjects_give_no_department():
    body = (PART + "麦盖提县教育局内设3个股室。\n麦盖提县教师发展中心内设2个科室。\n"
            "2023年度本年收入合计100.00万元。\n")
    assert run(body, head="")["document"]["department_name"] is None


def test_a_short_form_subject_is_not_the_department_name():
    body = PART + "教育局内设3个股室。\n2023年度本年收入合计100.00万元。\n"
    assert run(body, head="")["document"]["department_name"] is None


def test_signature_run_together_with_its_date():
    doc = run("本年支出合计100.00万元。\n示例县农业农村局2024年5月22日\n")["document"]
    assert doc["published_on"] == "2024-05-22"


def test_signature_block_followed_by_a_workbooks_other_sheets():
    body = ("本年支出合计100.00万元。\n示例县农业农村局\n2025.10.15\n表1\n项目名称\t预算数\n"
            "农田建设项目\t10.00\n动物防疫补助经费\t20.00\n防汛抗旱专项经费\t30.00\n水利工程维护经费\t40.00\n")
    assert run(body)["document"]["published_on"] == "2025-10-15"


def test_two_signature_dates_give_no_publication_date():
    body = ("本年支出合计100.00万元。\n示例县农业农村局\n2025.10.15\n附件\n示例县农业农村局\n2025.11.20\n"
            "表1\n项目名称\t预算数\n农田建设项目\t10.00\n动物防疫补助经费\t20.00\n防汛抗旱专项经费\t30.00\n"
            "水利工程维护经费\t40.00\n")
    assert run(body)["document"]["published_on"] is None


# ---------------------------------------------------------------- words and numbers
def test_two_character_grades_after_performance():
    assert facts("部门整体支出绩效中等，自评得分73分。")["performance_grade"]["value_text"] == "中"
    assert facts("部门整体支出绩效较差，自评得分47分。")["performance_grade"]["value_text"] == "差"


def test_a_decimal_broken_after_its_point_by_a_web_page():
    assert [n.value for n in find_numbers("商品和服务支出423. 40万元，占43. 91%")] == [423.4, 43.91]
    assert facts("商品和服务支出423. 40万元。")["econ_goods_services"]["value"] == 4234000.0
    assert [n.value for n in find_numbers("共3. 1个")] == [3, 1]  # no money unit or %: two numbers


# ---------------------------------------------------------------- line items
CODE_TABLE = ["一般公共预算财政拨款支出决算表(单位:万元)", "科目编码", "科目名称", "决算数",
              "2130101", "行政运行", "213.52", "2130104", "事业运行", "105.72", "2210201", "住房公积金", "17.98",
              "", "合计", "337.22"]


def _items(lines: list[str], report_type: str = "final_accounts") -> list[tuple]:
    text = fold(minimal_normalise(HEAD + "\n".join(lines) + "\n五、其他情况说明\n"))
    return [(r["code"], r["item"], r["amount"]) for r in line_items(text, report_type)]


def test_code_table_printed_one_cell_per_line_without_tabs():
    assert _items(CODE_TABLE) == [("2130101", "行政运行", 2135200.0), ("2130104", "事业运行", 1057200.0),
                                  ("2210201", "住房公积金", 179800.0)]


def test_code_table_name_run_together_with_its_figure():
    lines = [*CODE_TABLE[:8], "事业运行105.72", *CODE_TABLE[10:]]
    assert ("2130104", "事业运行", 1057200.0) in _items(lines)


def test_code_table_page_break_inside_a_row():
    lines = [*CODE_TABLE[:9], "", "105.72", *CODE_TABLE[10:]]
    assert len(_items(lines)) == 3


def test_code_table_page_break_inside_the_header():
    lines = [*CODE_TABLE[:3], "", *CODE_TABLE[3:]]
    assert len(_items(lines)) == 3


def test_code_table_stops_at_a_lost_figure_and_never_shifts():
    # the figure of 事业运行 is lost: the next code must not become its amount
    lines = [*CODE_TABLE[:9], *CODE_TABLE[10:]]
    assert _items(lines) == [("2130101", "行政运行", 2135200.0)]


def test_code_table_on_one_line_separated_by_spaces():
    line = " ".join(CODE_TABLE[1:13])
    assert len(_items([CODE_TABLE[0], line])) == 3


def test_prose_line_takes_the_code_its_table_row_prints():
    prose = "1.农林水支出（类）农业农村（款）事业运行（项）：支出决算105.72万元；"
    got = _items([prose, *CODE_TABLE])
    assert got.count(("2130104", "事业运行", 1057200.0)) == 2


def test_prose_line_takes_no_code_from_a_row_with_another_amount():
    prose = "1.农林水支出（类）农业农村（款）事业运行（项）：支出决算99.00万元；"
    got = _items([prose, *CODE_TABLE])
    assert (None, "事业运行", 990000.0) in got


def test_item_name_ending_its_line_takes_the_figures_of_the_next():
    prose = "1.农林水支出（类）农业农村（款）行政运行（项）：预算数为584.75万元；事业运行（项）：\n预算数为197.86万元；"
    got = _items([prose], report_type="budget")
    assert [r[1:] for r in got] == [("行政运行", 5847500.0), ("事业运行", 1978600.0)]


# ---------------------------------------------------------------- the 三公 table, columns named by labels
THREE_PUBLIC = ["财政拨款“三公”经费支出决算表（单位：万元）", "项目", "合计", "因公出国（境）费", "公务用车购置费",
                "公务用车运行维护费", "公务接待费", "决算数", "16.08", "0", "0", "9.36", "6.72", "五、其他情况说明"]


def test_three_public_table_printed_one_cell_per_line():
    got = facts("\n".join(THREE_PUBLIC) + "\n")
    assert got["three_public_vehicle_operation"]["value"] == 93600.0
    assert got["three_public_vehicle_purchase"]["value"] == 0.0
    assert got["three_public_reception"]["value"] == 67200.0


def test_three_public_table_on_one_line_separated_by_spaces():
    got = facts(THREE_PUBLIC[0] + "\n" + " ".join(THREE_PUBLIC[1:13]) + "\n" + THREE_PUBLIC[13] + "\n")
    assert got["three_public_vehicle_operation"]["value"] == 93600.0


def test_three_public_table_with_a_figure_too_few_is_not_read():
    cells = [*THREE_PUBLIC[:10], *THREE_PUBLIC[11:]]  # one figure lost: the columns cannot be told
    got = facts("\n".join(cells) + "\n")
    assert "three_public_vehicle_operation" not in got and "three_public_reception" not in got


# ---------------------------------------------------------------- lists and tables with web furniture
def test_a_foreign_line_inside_a_numbered_list_is_passed_over():
    text = ("六、存在的问题及改进建议\n（一）存在问题\n（一）资产管理基础较弱。\n（二）预算编制不够精准。\n"
            "（二）改进建议\n热烈庆祝本站访问量突破1000000人次！\n（一）定期开展资产清查。\n"
            "您是第 52371 位访问者\n（二）加强预算编制。\n（三）完善项目库管理。\n示例县农业农村局\n")
    probs, rems = findings(fold(text))
    assert len(probs) == 2
    assert [r["text"] for r in rems] == ["定期开展资产清查。", "加强预算编制。", "完善项目库管理。"]


def test_none_after_a_foreign_line_states_no_problems():
    probs, _ = findings(fold("（一）存在问题\n扫码关注官方微信公众号\n无。\n（二）改进建议\n无。\n"))
    assert probs == []


def test_flattened_project_table_ends_before_a_web_page_advertisement():
    cells = ["项目名称", "预算数(万元)", "执行数(万元)", "执行率", "自评得分", "评价等级",
             "动物防疫补助经费", "201.16", "199.43", "99.14%", "77", "中",
             "农田建设项目", "360.37", "325.27", "90.26%", "85", "良",
             "点击下载客户端APP，随时随地查阅政务信息 >>", "五、评价结论"]
    text = fold(minimal_normalise(HEAD + "项目支出绩效自评情况表\n" + "\n".join(cells) + "\n"))
    warnings: list[dict] = []
    rows, _ = projects(text, [], [], [], warnings=warnings)
    assert [p["project_name"] for p in rows] == ["动物防疫补助经费", "农田建设项目"] and not warnings
