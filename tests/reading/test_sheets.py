"""Spreadsheets: sheets to table rows, number rendering, origins, hostile workbooks."""

from __future__ import annotations

import pytest

from extract.reading import ReadError, read_bytes

from .helpers import make_xlsx, rezip

SHEETS: dict[str, list[list[object]]] = {
    "收支决算总表": [
        ["项目", "决算数", "预算数"],
        ["基本支出", 1234.0, 1300.5],
        [None, None, None],
        ["项目支出", 1903.51, 0.1 + 0.2],
    ],
    "空表": [],
    "三公经费": [["公务接待费", 3.26]],
}


def test_xlsx_sheets_become_table_rows() -> None:
    doc = read_bytes(make_xlsx(SHEETS), "a.xlsx")
    assert doc.format == "xlsx"
    assert doc.text == (
        "收支决算总表\n项目\t决算数\t预算数\n基本支出\t1234\t1300.5\n项目支出\t1903.51\t0.3\n三公经费\n公务接待费\t3.26\n"
    )
    assert [t.name for t in doc.tables] == ["收支决算总表", "三公经费"]


def test_xlsx_cell_origin_gives_sheet_row_and_col() -> None:
    doc = read_bytes(make_xlsx(SHEETS))
    cell = doc.tables[0].rows[2][1]  # third non-empty row is sheet row 3 (0-based)
    o = doc.origin(cell.span[0])
    assert (cell.text, o.kind, o.path, o.table, o.row, o.col) == ("1903.51", "xlsx", "收支决算总表", 0, 3, 1)


def test_xlsx_with_entity_declarations_is_refused() -> None:
    data = make_xlsx(SHEETS)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><sst>&b;</sst>'
    with pytest.raises(ReadError) as e:
        read_bytes(rezip(data, {"xl/sharedStrings.xml": bomb}))
    assert e.value.code == "xml_entity_expansion"


def test_xlsx_with_enormous_used_range_is_refused() -> None:
    data = make_xlsx({"S": [["a"]]})
    import io
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
    with pytest.raises(ReadError) as e:
        read_bytes(rezip(data, {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", far)}))
    assert e.value.code == "sheet_too_large"


def test_broken_xlsx_is_malformed_spreadsheet() -> None:
    data = rezip(make_xlsx(SHEETS), {"xl/workbook.xml": b"<workbook><sheets><sheet"})
    with pytest.raises(ReadError) as e:
        read_bytes(data)
    assert e.value.code == "malformed_spreadsheet"


XML_2003 = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="收支总表"><Table>
  <Row><Cell><Data ss:Type="String">项目</Data></Cell><Cell><Data ss:Type="String">决算数</Data></Cell></Row>
  <Row ss:Index="3"><Cell><Data ss:Type="String">基本支出</Data></Cell>
   <Cell ss:Index="3"><Data ss:Type="Number">1234.5</Data></Cell></Row>
 </Table></Worksheet></Workbook>"""


def test_excel_2003_xml_served_as_xls_is_read() -> None:
    doc = read_bytes(XML_2003.encode(), "a.xls")
    assert doc.format == "xls"
    assert doc.text == "收支总表\n项目\t决算数\n基本支出\t\t1234.5\n"
    cell = doc.tables[0].rows[1][2]
    o = doc.origin(cell.span[0])
    assert (o.row, o.col, o.path) == (2, 2, "收支总表")


def test_excel_2003_xml_with_entities_is_refused() -> None:
    evil = XML_2003.replace('<?mso-application progid="Excel.Sheet"?>', '<!DOCTYPE Workbook [<!ENTITY a "aaaa">]>')
    with pytest.raises(ReadError) as e:
        read_bytes(evil.encode())
    assert e.value.code == "xml_entity_expansion"
