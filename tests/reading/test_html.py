"""HTML pages: decoding, structure to lines, tables with origins, hostile nesting."""

from __future__ import annotations

import time

from extract.reading import read_bytes

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>盐边县财政局2021年部门决算</title><script>var total = 999;</script><style>p {}</style></head>
<body><nav>首页 | 关于我们</nav><div id="main"><h1>盐边县财政局</h1>
<p>本年支出合计３１３７．５１万元，其中<b>基本支出</b>1234.00万元。</p>
<table><caption>表1 收支决算总表</caption>
<tr><th>项目</th><th>决算数</th><th>预算数</th></tr>
<tr><td rowspan="2">基本支出</td><td>1234.00</td><td>1300.00</td></tr>
<tr><td>5.00</td><td>6.00</td></tr>
<tr><td colspan="2">合  计</td><td>1306.00</td></tr></table>
<p>第二段<br>第三行</p></div></body></html>"""


def test_html_meta_charset_gbk_is_decoded() -> None:
    doc = read_bytes(PAGE.encode("gbk"), "page.html")
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert "本年支出合计3137.51万元,其中基本支出1234.00万元。" in doc.text


def test_html_drops_script_style_and_nav() -> None:
    doc = read_bytes(PAGE.encode("utf-8"))
    assert "999" not in doc.text and "p {}" not in doc.text and "关于我们" not in doc.text


def test_html_blocks_and_br_become_lines() -> None:
    doc = read_bytes(PAGE.encode("utf-8"))
    assert "\n第二段\n第三行\n" in doc.text
    assert "盐边县财政局\n本年支出合计" in doc.text


def test_html_table_rows_become_tab_joined_lines() -> None:
    doc = read_bytes(PAGE.encode("utf-8"))
    assert "项目\t决算数\t预算数\n基本支出\t1234.00\t1300.00\n\t5.00\t6.00\n合计\t1306.00\n" in doc.text
    assert len(doc.tables) == 1


def test_html_table_cell_origin_gives_row_and_col() -> None:
    doc = read_bytes(PAGE.encode("utf-8"))
    rows = doc.tables[0].rows
    cell = rows[2][2]
    assert cell.text == "6.00"
    assert doc.text[cell.span[0] : cell.span[1]] == "6.00"
    o = doc.origin(cell.span[0] + 1)
    assert (o.kind, o.table, o.row, o.col) == ("html", 0, 2, 2)
    total = rows[3][1]
    assert (total.text, total.col) == ("1306.00", 2)  # after a colspan=2 cell


def test_html_text_origin_gives_element_path() -> None:
    doc = read_bytes(PAGE.encode("utf-8"))
    o = doc.origin(doc.text.index("基本支出1234"))
    assert o.kind == "html" and o.path is not None and o.path.endswith("p[1]>b[1]")


def test_html_layout_table_is_read_as_blocks() -> None:
    page = "<table><tr><td><p>第一段正文</p><p>第二段正文</p></td></tr></table>"
    doc = read_bytes(page.encode())
    assert doc.text == "第一段正文\n第二段正文\n"
    assert doc.tables == []


def test_html_utf16_page_is_decoded() -> None:
    doc = read_bytes(b"\xff\xfe" + PAGE.encode("utf-16-le"))
    assert doc.format == "html" and "本年支出合计3137.51万元" in doc.text


def test_html_deeply_nested_does_not_blow_the_stack() -> None:
    page = "<html><body>" + "<div>" * 100_000 + "支出合计100万元" + "</div>" * 100_000 + "</body></html>"
    t0 = time.monotonic()
    doc = read_bytes(page.encode())
    assert "支出合计100万元" in doc.text
    assert any("nested" in w for w in doc.warnings)
    assert time.monotonic() - t0 < 10


def test_html_moderately_nested_keeps_structure() -> None:
    page = "<div>" * 3000 + "<p>正文一</p><p>正文二</p>" + "</div>" * 3000
    doc = read_bytes(page.encode())
    assert doc.text == "正文一\n正文二\n"


def test_xls_extension_with_html_content_is_read_as_html() -> None:
    doc = read_bytes(PAGE.encode("gbk"), "决算表.xls")
    assert doc.format == "html"
    assert any(".xls" in w for w in doc.warnings)


def test_number_broken_across_source_lines_is_rejoined_in_html() -> None:
    from extract.reading import read_bytes

    html = "<html><body><p>本次自评综合得分69.\n5分</p></body></html>"
    assert "69.5分" in read_bytes(html.encode(), "a.html").text
