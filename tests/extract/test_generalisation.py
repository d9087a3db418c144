"""Mechanisms added for reports nobody here had seen (generated corpora, other provinces' wording).

Each test is a few sentences of our own; none is copied from the samples or from the generator.
"""

from __future__ import annotations

import json

import pytest

from extract import extract_text
from extract.columns import EXECUTED, OTHER_YEAR, PLANNED, SHARE, column_kind
from extract.evaluate import Score, run_corpus, score_one
from extract.identity import identify
from extract.numbers import parse_target
from extract.tables import table_rows
from extract.textutil import minimal_normalise

FA = "示例县农业农村局2023年度部门决算\n"
BUDGET = "示例县农业农村局2023年部门预算\n"
PERF = "示例县农业农村局2023年度部门整体支出绩效自评报告\n"


def run(body: str, head: str = FA) -> dict:
    out = extract_text(minimal_normalise(head + body))
    assert out["status"] == "ok", out["reason"]
    return out


def facts(body: str, head: str = FA) -> dict:
    return {f["field"]: f for f in run(body, head)["facts"]}


# ---------------------------------------------------------------- labels and wording
def test_expenditure_grand_total_is_not_this_years_spending():
    # 支出总计 includes the year-end carry-over: it equals 收入总计, not 本年支出合计
    got = facts("本年度收入总计3907.79万元，支出总计3907.79万元。本年支出合计3744.43万元。")
    assert got["revenue_total"]["value"] == 39077900.0
    assert got["expenditure_total"]["value"] == 37444300.0
    got = facts("收入、支出总计3225.16万元，较上年增加10.00万元。")
    assert got["revenue_total"]["value"] == 32251600.0 and "expenditure_total" not in got


def test_budget_report_wording():
    got = facts("2023年收入预算总计500.00万元，支出预算总计500.00万元。当年收入预算480.00万元。"
                "2023年度支出预算500.00万元。2023年政府采购预算总额12.00万元。", BUDGET)
    assert got["revenue_total"]["value"] == 5000000.0
    assert got["revenue_current_year"]["value"] == 4800000.0
    assert got["expenditure_total"]["value"] == 5000000.0
    assert got["procurement_total"]["value"] == 120000.0


def test_planned_labels_are_not_executed_figures():
    got = facts("2023年度政府采购预算总额12.00万元。“三公”经费财政拨款支出预算为9.31万元，支出决算为6.65万元。")
    assert "procurement_total" not in got
    assert "expenditure_total" not in got  # …支出预算… inside a longer name is not the total
    assert got["three_public_total"]["value"] == 66500.0


def test_words_mean_zero():
    got = facts("因公出国（境）费为零；公务接待费1.00万元。本部门无政府性基金预算拨款安排的支出。")
    assert got["three_public_overseas"]["value"] == 0.0
    assert got["government_fund_expenditure"]["value"] == 0.0


# ---------------------------------------------------------------- 分别 lists
def test_parallel_lists():
    got = facts("全年总支出300.00万元，基本支出和项目支出分别为100.00万元和200.00万元。")
    assert got["expenditure_basic"]["value"] == 1000000.0
    assert got["expenditure_project"]["value"] == 2000000.0


def test_parallel_lists_with_gloss_and_mismatch():
    got = facts("基本支出（Basic expenditure）和项目支出分别为100.00万元和200.00万元。")
    assert got["expenditure_project"]["value"] == 2000000.0
    got = facts("基本支出和项目支出分别为100.00万元。")
    assert "expenditure_basic" not in got and "expenditure_project" not in got
    got = facts("基本支出和项目支出分别占40%和60%。")
    assert "expenditure_basic" not in got and "expenditure_project" not in got


# ---------------------------------------------------------------- precision and conflicts
def test_coarse_restatement_keeps_the_precise_value():
    out = run("全年部门收入总计达1.35亿元。本年度收入总计13458.31万元。")
    got = {f["field"]: f for f in out["facts"]}
    assert got["revenue_total"]["value"] == 134583100.0
    assert not out["conflicts"]


def test_unitless_ratio_only_when_it_ends_the_clause():
    assert facts("全年部门预算执行率为96。")["budget_execution_rate"]["value"] == 0.96
    # a decimal broken after its point (a web page's line break) is one number, never a bare 99
    assert facts("全年部门预算执行率99. 11%。")["budget_execution_rate"]["value"] == 0.9911
    assert "budget_execution_rate" not in facts("全年部门预算执行率99. 1 1。")


def test_preceding_year_word_does_not_swallow_a_table_number():
    got = facts("收入支出决算总表 单位：万元\n收入项目\t金额\t支出项目\t金额\n"
                "年初结转和结余\t0.00\t年末结转和结余\t1.58\n")
    assert got["carryover_opening"]["value"] == 0.0


# ---------------------------------------------------------------- staff: whose posts
def test_staff_of_the_department_not_of_a_subordinate_unit():
    assert "staff_authorized" not in facts("下属事业单位1个，其中：示例县农业服务中心编制12人。")
    assert facts("截至2023年12月31日，我局编制40人，在职实有人数37人。")["staff_authorized"]["value"] == 40
    assert facts("本局共核定编制28个，年末在职实有人数24人。")["staff_authorized"]["value"] == 28
    head = "隆阳区卫生健康委员会2023年度部门决算\n"
    assert facts("截至年底，区卫生健康委编制30人。", head)["staff_authorized"]["value"] == 30


# ---------------------------------------------------------------- tables: column headers
def test_column_kinds():
    assert column_kind("预算数") == PLANNED and column_kind("决算数") == EXECUTED
    assert column_kind("上年数") == OTHER_YEAR and column_kind("本年数") == EXECUTED
    assert column_kind("完成率") == SHARE and column_kind("预算执行数") == EXECUTED
    assert column_kind("上年预算数") == OTHER_YEAR and column_kind("预算金额") == PLANNED
    assert column_kind("2022年决算", 2023) == OTHER_YEAR and column_kind("2023年决算", 2023) == EXECUTED


def test_table_column_chosen_by_header():
    table = "单位：万元\n项目\t预算数\t决算数\t完成率\n基本支出\t900.00\t860.64\t95.6%\n"
    assert facts(table)["expenditure_basic"]["value"] == 8606400.0
    table = "单位：万元\n项目\t上年预算数\t本年预算数\n基本支出\t800.00\t900.00\n"
    assert facts(table, BUDGET)["expenditure_basic"]["value"] == 9000000.0


def test_table_without_header_abstains_on_several_figures():
    out = run("单位：万元\n基本支出\t900.00\t860.64\n")
    assert "expenditure_basic" not in {f["field"] for f in out["facts"]}
    assert any(w["code"] == "table_column_unknown" for w in out["warnings"])


def test_transposed_three_public_table():
    got = facts("财政拨款“三公”经费支出决算表（单位：万元）\n项目\t合计\t因公出国（境）费\t公务接待费\n"
                "预算数\t5.00\t1.00\t4.00\n决算数\t4.68\t0.00\t4.68\n")
    assert got["three_public_overseas"]["value"] == 0.0
    assert got["three_public_reception"]["value"] == 46800.0


def test_label_inside_a_longer_cell_name_is_not_the_field():
    got = facts("单位：万元\n项目名称\t预算数\t执行数\n学前教育公用经费补助\t109.78\t81.96\n")
    assert "expenditure_public_operating" not in got


def test_flattened_table_is_cut_by_its_header_width():
    text = ("\t科目编码\n\t科目名称\n\t决算数\n\t2130101\n\t行政运行\n\t615.56\n"
            "\t2130199\n\t其他农业农村支出\n\t214.93\n")
    rows = table_rows(text)
    assert [len(r.cells) for r in rows] == [3, 3, 3] and not rows[1].flattened
    # a wrong width would put labels and figures in one column: left as it was
    text = "\t项目\n\t合计\n\t公务接待费\n\t公务用车购置费\n\t决算数\n\t4.68\n"
    assert len(table_rows(text)) == 1


# ---------------------------------------------------------------- line items and projects
def test_line_items_prose_and_table_both_kept():
    body = ("1.农林水（类）农业农村（款）2130101行政运行（项）：年初预算为300.00万元，支出决算280.00万元，"
            "完成年初预算的93.3%；\n一般公共预算财政拨款支出决算表（单位：万元）\n科目编码\t科目名称\t决算数\n"
            "2130101\t行政运行\t280.00\n")
    items = run(body)["line_items"]
    assert len(items) == 2
    prose, table = items
    assert prose["class"] == "农林水支出" and prose["code"] == "2130101"
    assert prose["amount"] == 2800000.0 and prose["budget_amount"] == 3000000.0
    assert prose["completion_rate"] == 0.933
    assert table["amount"] == 2800000.0 and table["item"] == "行政运行"


def test_line_item_table_picks_the_executed_column():
    body = ("单位：万元\n科目编码\t科目名称\t预算数\t决算数\t完成率\n2130101\t行政运行\t300.00\t280.00\t93.3%\n")
    (item,) = run(body)["line_items"]
    assert item["amount"] == 2800000.0 and item["budget_amount"] == 3000000.0 and item["completion_rate"] == 0.933


def test_budget_report_line_items_are_plans():
    (item,) = run("1.农林水（类）农业农村（款）行政运行（项）：预算数为58.27万元；", BUDGET)["line_items"]
    assert item["amount"] == 582700.0


def test_project_table_by_header():
    body = ("项目支出绩效自评情况表\n项目名称\t预算数（万元）\t执行数（万元）\t执行率\t自评得分\t评价等级\n"
            "乡村道路养护\t60.00\t41.00\t68.33%\t88\t良\n")
    (p,) = run(body, PERF)["projects"]
    assert (p["budget_amount"], p["executed_amount"], p["execution_rate"], p["score"], p["grade"]) == \
        (600000.0, 410000.0, 0.6833, 88, "良")


# ---------------------------------------------------------------- identity
def test_navigation_line_is_not_the_title():
    ident = identify("您当前的位置：首页 > 政务公开 > 财政预决算 > 示例县部门预决算\n二、机构设置\n"
                     "第二部分 2021年部门预算情况说明\n全年部门预算执行率95%。\n")
    assert ident.report_type == "budget"
    ident = identify("二级预算单位1个。\n第三部分 绩效目标设置及完成情况\n全年部门预算执行率95%。\n")
    assert ident.report_type == "performance_evaluation"


@pytest.mark.parametrize("date", ["发布日期：2024-04-11", "公开时间：2024.4.11", "公开日期：2024年04月11日"])
def test_published_date_forms(date):
    assert run(date + "\n")["document"]["published_on"] == "2024-04-11"


def test_place_names_that_look_like_short_forms():
    doc = run("一、部门职责\n", "市中区统计局\n2023年度部门决算\n")["document"]
    assert doc["department_name"] == "市中区统计局"
    doc = run("一、部门职责\n", "静海区司法局2022年度部门决算\n")["document"]
    assert doc["province"] == "天津市" and doc["city"] == "天津市" and doc["county"] == "静海区"


# ---------------------------------------------------------------- findings and indicators
def test_findings_numbered_like_headings():
    out = run("六、存在的主要问题及下一步改进措施\n（一）存在问题\n（一）绩效指标不够细化。\n（二）评价覆盖面不广。\n"
              "（二）下一步改进措施\n（一）细化绩效指标。\n（二）扩大评价范围。\n示例县农业农村局\n2024年5月21日\n",
              PERF)
    assert [p["text"] for p in out["problems"]] == ["绩效指标不够细化。", "评价覆盖面不广。"]
    assert len(out["remedies"]) == 2
    out = run("（一）存在问题\n本年度无。\n（二）改进建议\n无。\n", PERF)
    assert out["problems"] == [] and out["remedies"] == []


def test_indicator_units_and_comparators():
    assert parse_target("350970头") == (350970, "头")
    assert parse_target("≥9家次") == (9, "家次")
    assert parse_target("≥8篇以上") == (8, "篇")
    body = "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n产出指标\t数量指标\t开展培训\t≧31场次\t37场次\n"
    (ind,) = run(body, PERF)["indicators"]
    assert ind["target_text"] == "≥31场次" and ind["target_value"] == 31 and ind["unit"] == "场次"


# ---------------------------------------------------------------- the evaluator on the generator's layout
def test_evaluate_reads_a_synth_corpus(tmp_path):
    synth = pytest.importorskip("synth")
    synth.write_corpus(str(tmp_path), n=3, seed=5, formats=["txt"], mix=None, damage="none")
    sc = run_corpus(tmp_path)
    assert sc.files == 3
    tp, fp, _fn = sc.total()
    assert tp > 50 and fp <= 0.05 * tp
    truth = json.loads(next((tmp_path / "truth").glob("*.truth.json")).read_text(encoding="utf-8"))
    assert isinstance(truth["facts"], list)


def test_evaluate_scores_wrong_values_first():
    sc = Score()
    truth = {"document": {"fiscal_year": 2023}, "facts": [{"field": "expenditure_total", "value": 100.0}],
             "conflicts": []}
    out = {"status": "ok", "document": {"fiscal_year": 2023},
           "facts": [{"field": "expenditure_total", "value": 200.0, "value_text": None, "snippet": ""},
                     {"field": "revenue_total", "value": 5.0, "value_text": None, "snippet": ""}]}
    score_one(out, truth, sc, "x")
    assert sc.c["expenditure_total"] == [0, 1, 1] and sc.c["revenue_total"] == [0, 1, 0]
    assert {e.kind for e in sc.errors} == {"wrong", "spurious"}


def test_grade_header_beside_a_project_name_is_not_a_grade():
    body = ("项目名称\t预算数（元）\t执行数（元）\t执行率\t自评得分\t评价等级\n"
            "中小学校舍维修改造资金\t100.00\t90.00\t90%\t74\t中\n"
            "五、评价结论\n部门整体支出绩效良好，自评得分85分。\n")
    out = run(body, PERF)
    got = {f["field"]: f for f in out["facts"]}
    assert got["performance_grade"]["value_text"] == "良"
    assert not [c for c in out["conflicts"] if c["field"] == "performance_grade"]


def test_county_name_must_open_the_department_name():
    from extract.region import resolve

    assert resolve("干安县民政局", "").county is None  # 安县 inside another name is not 安县
    assert resolve("攀枝花市仁和区经济信息化和科学技术局", "").division_code == "510411"
