"""The extraction mechanisms, each on short sentences of our own (no sample text)."""

from __future__ import annotations

import pytest

from extract import extract_text
from extract.numbers import find_numbers, parse_cn, parse_target, ratio, unit_after, yuan
from extract.textutil import minimal_normalise

HEAD = "示例县农业农村局2023年度部门决算\n"


def facts(body: str, head: str = HEAD) -> dict:
    out = extract_text(minimal_normalise(head + body))
    assert out["status"] == "ok", out["reason"]
    return {f["field"]: f for f in out["facts"]}


def run(body: str, head: str = HEAD) -> dict:
    return extract_text(minimal_normalise(head + body))


# ---------------------------------------------------------------- numbers and units
@pytest.mark.parametrize(("text", "unit", "value"), [
    ("本年支出合计 12.5 万元。", "万元", 125000.0),
    ("本年支出合计3亿元。", "亿元", 300000000.0),
    ("本年支出合计 32,552.00 元。", "元", 32552.0),
    ("本年支出合计２８．５万元。", "万元", 285000.0),  # full-width digits
    ("本年支出合计壹佰万元。", "万元", 1000000.0),  # Chinese financial numerals
])
def test_money_units(text, unit, value):
    f = facts(text)["expenditure_total"]
    assert f["value"] == value and f["unit_as_reported"] == unit


def test_units_mixed_in_one_report():
    got = facts("本年收入合计1.2亿元。本年支出合计5000万元。其他收入300元。")
    assert got["revenue_current_year"]["value"] == 120000000.0
    assert got["expenditure_total"]["value"] == 50000000.0
    assert got["revenue_other"]["value"] == 300.0


def test_chinese_and_spaced_counts():
    got = facts("年末在职实有人数十二人。单位共有公务用车 1 0 辆。国内公务接待两批次，十五人次。")
    assert got["staff_actual"]["value"] == 12
    assert got["vehicles_owned"]["value"] == 10
    assert got["reception_batches"]["value"] == 2 and got["reception_visitors"]["value"] == 15


def test_number_helpers():
    assert [n.value for n in find_numbers("共 1 2 个, 3.5万元")] == [12.0, 3.5]
    assert parse_cn("两") == 2 and parse_cn("十二") == 12
    assert unit_after("5 人员", 1) == (None, 1)
    assert yuan(3137.51, "万元") == 31375100.0 and yuan(0.14, "万元") == 1400.0
    assert ratio(72.65) == 0.7265


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("≥90%", 0.9, "%"), ("1800万元", 18000000.0, "万元"), ("30亿元", 3000000000.0, "亿元"),
    ("9家（其中新认定3家）", 9, "家"), ("2021年1-12月", None, None), ("达到市级标准", None, None),
    ("满意度≥95%", 0.95, "%"),
])
def test_indicator_values(text, value, unit):
    v, u = parse_target(minimal_normalise(text))
    assert v == value and (u == unit or value is None)


# ---------------------------------------------------------------- percentages
def test_percent_with_and_without_sign():
    assert facts("全年部门预算执行率98.5%。")["budget_execution_rate"]["value"] == 0.985
    assert facts("全年部门预算执行率为96。")["budget_execution_rate"]["value"] == 0.96


# ---------------------------------------------------------------- scope rules
def test_change_amounts_are_not_values():
    got = facts("与上年相比，本年支出合计增加3.5万元，增长10%。")
    assert "expenditure_total" not in got


def test_several_years_in_one_sentence():
    got = facts("2023年机关运行经费支出20.5万元，比2022年减少1.2万元。2022年公务接待费8万元。")
    assert got["agency_operating_expense"]["value"] == 205000.0
    assert "three_public_reception" not in got  # 2022 is another year


def test_budget_goes_to_budget_field_and_executed_after_it():
    got = facts("2023年度“三公”经费预算为2万元，支出决算为1.5万元。")
    assert got["three_public_budget"]["value"] == 20000.0
    assert got["three_public_total"]["value"] == 15000.0


def test_budget_breakdown_is_not_executed():
    got = facts("2023年度支出预算300万元，其中：基本支出100万元；项目支出200万元。")
    assert "expenditure_basic" not in got and "expenditure_project" not in got


def test_executed_after_planned_same_label():
    got = facts("项目支出预算50万元，实际支出48.5万元。")
    assert got["expenditure_project"]["value"] == 485000.0


def test_project_breakdown_is_not_department_breakdown():
    got = facts("按经济分类，工资福利支出80万元。项目支出40万元，其中：商品和服务支出12万元。")
    assert got["econ_wages_benefits"]["value"] == 800000.0
    assert "econ_goods_services" not in got


def test_share_is_not_value():
    got = facts("一般公共预算财政拨款支出100万元，占本年支出合计的50%。")
    assert "expenditure_total" not in got


def test_words_mean_zero():
    got = facts("本年度无政府性基金预算财政拨款支出。三年无因公出国（境）费用。本单位未发生政府采购支出。")
    assert got["government_fund_expenditure"]["value"] == 0.0
    assert got["three_public_overseas"]["value"] == 0.0
    assert got["procurement_total"]["value"] == 0.0


def test_total_beats_parts_in_one_sentence():
    got = facts("行政编制5人，年末实有人员4人；事业编制6人，年末实有人数6人，年末在职实有人数10人。")
    assert got["staff_actual"]["value"] == 10


def test_foreign_reception_is_not_domestic():
    got = facts("国内公务接待3批次，20人次。外事接待0批次，0人次。")
    assert got["reception_batches"]["value"] == 3 and got["reception_visitors"]["value"] == 20


# ---------------------------------------------------------------- conflicts
def test_same_value_other_precision_is_not_a_conflict():
    out = run("公务接待费3.26万元。附件：公务接待费32552.00元。")
    assert not [c for c in out["conflicts"] if c["field"] == "three_public_reception"]


def test_different_values_make_a_conflict_first_stays():
    out = run("部门整体支出绩效自评得分为93分。\n附件1\n部门整体支出绩效评价结论：自评得分97分。")
    got = {f["field"]: f for f in out["facts"]}
    assert got["performance_score"]["value"] == 93
    (c,) = [c for c in out["conflicts"] if c["field"] == "performance_score"]
    assert c["values"] == [93, 97] and len(c["spans"]) == 2


# ---------------------------------------------------------------- performance
def test_grades_and_scores():
    head = "示例县教育局2022年度部门整体支出绩效自评报告\n"
    got = facts("部门整体支出绩效自评得分93.5分，自评等级为“良好”。", head=head)
    assert got["performance_score"]["value"] == 93.5
    assert got["performance_grade"]["value_text"] == "良"
    got = facts("部门整体支出绩效优秀。", head="示例县教育局2022年度部门整体支出绩效自评报告\n")
    assert got["performance_grade"]["value_text"] == "优"


def test_project_score_goes_to_project_rows():
    out = run("2022年乡村道路养护专项资金支出绩效自评得分为88分。",
              head="示例县交通运输局2022年度部门整体支出绩效自评报告\n")
    assert "performance_score" not in {f["field"] for f in out["facts"]}
    assert out["projects"] and out["projects"][0]["score"] == 88


# ---------------------------------------------------------------- tables
def test_table_row_with_header_unit():
    got = facts("收入支出决算总表\n单位：万元\n项目\t决算数\n本年收入合计\t1,234.50\n本年支出合计\t1234.5\n")
    assert got["revenue_current_year"]["value"] == 12345000.0
    assert got["expenditure_total"]["unit_as_reported"] == "万元"


def test_flattened_table_one_cell_per_line():
    body = ("项目绩效目标完成情况表\n\t项目名称\n\t示例道路养护项目\n\n"
            "\t预算执行情况(万元)\n\t预算数:\n\t60\n\t执行数:\n\t55\n\n"
            "\t绩效指标\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\t实际完成值\n\n"
            "\t\n\t产出指标\n\t数量指标\n\t养护里程\n\t≥20公里\n\t22公里\n\n"
            "\t\n\t\n\t\n\t群众满意度\n\t≥90%\n\t95%\n")
    out = run(body)
    inds = out["indicators"]
    assert [i["level3"] for i in inds] == ["养护里程", "群众满意度"]
    assert inds[1]["level1"] == "产出指标" and inds[1]["target_value"] == 0.9 and inds[1]["actual_value"] == 0.95
    (p,) = out["projects"]
    assert p["budget_amount"] == 600000.0 and p["executed_amount"] == 550000.0


# ---------------------------------------------------------------- line items
def test_line_items_prose_and_inheritance():
    body = ("社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）："
            "支出决算为 10.5 万元，完成预算 100%；"
            "机关事业单位基本养老保险缴费支出（项）：支出决算为 3 万元，完成预算 98%；"
            "行政单位离退休（项）：支出决算 1 万元。\n1.一般公共服务（类）（款）（项）：指用于…的支出。")
    items = run(body)["line_items"]
    assert len(items) == 3  # the definition line has no amount; a repeated line stays
    assert items[1]["class"] == "社会保障和就业支出" and items[1]["section"] == "行政事业单位养老支出"
    assert items[0]["code"] == "2080501" and items[1]["code"] == "2080505"
    assert items[1]["amount"] == 30000.0 and items[1]["completion_rate"] == 0.98


def test_line_items_from_coded_table():
    body = ("一般公共预算财政拨款支出决算表\n单位：万元\n科目编码\t科目名称\t合计\n208\t社会保障和就业支出\t12\n"
            "20805\t行政事业单位养老支出\t12\n2080505\t机关事业单位基本养老保险缴费支出\t12\n")
    (li,) = run(body)["line_items"]
    assert li["code"] == "2080505" and li["amount"] == 120000.0 and li["class"] == "社会保障和就业支出"


# ---------------------------------------------------------------- problems and remedies
def test_problems_and_remedies():
    body = ("四、存在的问题及改进措施\n（一）存在问题\n一是预算编制不够精细；二是绩效目标不够明确。\n"
            "（二）改进措施\n1.加强预算编制。\n2.细化绩效目标。\n五、其他\n无")
    out = run(body, head="示例县水利局2022年度部门整体支出绩效自评报告\n")
    assert [p["text"] for p in out["problems"]] == ["预算编制不够精细", "绩效目标不够明确。"]
    assert len(out["remedies"]) == 2
    out = run("（二）存在问题\n无。\n（三）改进建议\n无。", head="示例县水利局2022年度部门整体支出绩效自评报告\n")
    assert out["problems"] == [] and out["remedies"] == []


# ---------------------------------------------------------------- identity and region
def test_identity_year_type_date():
    out = run("……\n示例县水利局\n2023年4月9日\n", head="盐边县水利局2022年度部门整体支出绩效自评报告\n")
    d = out["document"]
    assert d["fiscal_year"] == 2022 and d["report_type"] == "performance_evaluation"
    assert d["published_on"] == "2023-04-09"
    assert (d["province"], d["city"], d["county"], d["division_code"]) == ("四川省", "攀枝花市", "盐边县", "510422")


def test_final_accounts_with_performance_annex_stays_final_accounts():
    body = "第二部分 2021年度部门决算情况说明\n附件1\n部门整体支出绩效自评报告\n"
    out = run(body, head="示例县水利局2021年度部门决算\n")
    assert out["document"]["report_type"] == "final_accounts"


def test_budget_report_plans_use_plain_names():
    got = facts("2024年“三公”经费预算数为3万元。", head="示例县水利局2024年部门预算\n")
    assert got["three_public_total"]["value"] == 30000.0


def test_ambiguous_county_abstains_or_resolves_with_evidence():
    d = run("本年支出合计1万元。", head="鼓楼区教育局2023年度部门决算\n")["document"]
    assert d["county"] is None and d["division_code"] is None
    d = run("福建省福州市。本年支出合计1万元。", head="鼓楼区教育局2023年度部门决算\n")["document"]
    assert d["county"] == "鼓楼区" and d["city"] == "福州市" and d["division_code"] == "350102"


def test_city_prefix_is_the_same_department():
    d = run("预算单位\t攀枝花市盐边县水利局\n", head="盐边县水利局2023年度部门决算\n")["document"]
    assert d["department_name"] == "攀枝花市盐边县水利局"


def test_not_a_report_is_rejected():
    out = extract_text("今天天气很好，我们去公园散步。")
    assert out["status"] == "rejected" and out["reason"].startswith("not_a_report:")


def test_minus_glued_to_an_amount_is_kept_so_the_gate_sees_it() -> None:
    from extract.numbers import NUMBER_RE, to_num

    [n] = [to_num(m) for m in NUMBER_RE.finditer("收支总计均为-5817.23万元")]
    assert (n.value, n.text) == (-5817.23, "-5817.23")


def test_range_and_code_dashes_are_not_minus_signs() -> None:
    from extract.numbers import NUMBER_RE, to_num

    values = [to_num(m).value for m in NUMBER_RE.finditer("1-12月 204-06-01 A-1 - 1.米易")]
    assert all(v >= 0 for v in values)


def test_a_title_naming_only_this_bureau_gives_no_department() -> None:
    """`2019年度本局部门决算`: 本局 is not a name, and 度本局 (the tail of 年度 glued on) neither."""
    from extract import extract_text

    out = extract_text("2019年度本局部门决算\n一、收入支出决算总体情况说明\n本年支出合计100万元。")
    assert out["document"].get("department_name") is None


def test_lines_of_the_same_text_are_split_once_and_a_new_text_is_split_again() -> None:
    from extract.flattened import lines

    text = "项目\n金额\n100"
    first = lines(text)
    assert lines(text) is first
    other = "".join(["项目\n金额\n", "200"])
    assert [ln.text for ln in lines(other)] == ["项目", "金额", "200"]
