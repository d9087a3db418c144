"""Spreadsheets: .xlsx and real (BIFF/OLE) .xls via python-calamine; Excel 2003 XML too.

Each sheet becomes one `Table`: a line with the sheet name, then one `\\t`-joined line per
non-empty row. Origins carry the sheet name (path), table index, and the sheet's own 0-based
row and column, so a cell can be found again in Excel (row + 1, column letter).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from .builder import Builder, Deadline
from .errors import ReadError
from .model import Document, ReadLimits, SegInfo
from .zipsafe import check_xml_parts, open_zip

MAX_CELLS = 20_000_000  # bounding box of a sheet; calamine allocates it densely
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')


def fmt_value(v: object) -> str:
    """Render a cell value as the report would print it (no float noise like 0.30000000000000004)."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return ""
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return format(v, ".15g")
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v).strip()


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_xlsx_extent(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse a sheet whose used range is enormous (A1 + XFD1048576 is a 17-billion-cell bomb)."""
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        data = zf.read(info)
        rows: list[int] = []
        cols: list[int] = []
        for m in _CELL_REF.finditer(data):
            cols.append(_col_number(m.group(1)))
            rows.append(int(m.group(2)))
        if rows:
            cells = (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)
            if cells > MAX_CELLS:
                raise ReadError(
                    "sheet_too_large",
                    f"{name or 'the workbook'}: {info.filename} spans {cells:,} cells "
                    f"(limit {MAX_CELLS:,}); delete the stray far-away cells or export the tables",
                )


def read_sheets(data: bytes, limits: ReadLimits, name: str, deadline: Deadline, fmt: str) -> Document:
    if fmt == "xlsx":
        zf = open_zip(data, limits, name, "XLSX")
        check_xml_parts(zf, name, "XLSX")
        _check_xlsx_extent(zf, name)
    import python_calamine as pc

    label = name or f"the {fmt.upper()} file"
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
    except pc.PasswordError:
        raise ReadError("encrypted_office", f"{label} is password-protected; save an unprotected copy") from None
    except Exception as e:  # CalamineError, ZipError, XmlError, ValueError...
        raise ReadError(
            "malformed_spreadsheet",
            f"{label} could not be read as a spreadsheet ({type(e).__name__}: {e}); re-save it in Excel",
        ) from None
    b = Builder(limits)
    for si, sheet_name in enumerate(names):
        deadline.check(f"sheet {sheet_name}")
        try:
            sheet = wb.get_sheet_by_index(si)
            if sheet.height * sheet.width > MAX_CELLS:
                raise ReadError(
                    "sheet_too_large",
                    f"{label}: sheet {sheet_name!r} spans {sheet.height * sheet.width:,} cells (limit {MAX_CELLS:,})",
                )
            start_row, start_col = sheet.start or (0, 0)
            grid = sheet.to_python(skip_empty_area=True)
        except ReadError:
            raise
        except Exception as e:
            b.warnings.append(f"sheet {sheet_name!r} unreadable ({type(e).__name__}: {e}); skipped")
            continue
        _emit_sheet(b, sheet_name, [(start_row + r, start_col, row) for r, row in enumerate(grid)], deadline)
    return b.finish(fmt=fmt, encoding=None, encoding_confidence=1.0)


def _emit_sheet(b: Builder, sheet_name: str, rows: list[tuple[int, int, list[object]]], deadline: Deadline) -> None:
    table_rows: list[tuple[int, list[tuple[int, str]]]] = []
    for r, c0, values in rows:
        texts = [fmt_value(v) for v in values]
        while texts and not texts[-1]:
            texts.pop()
        if any(texts):
            table_rows.append((r, [(c0 + c, t) for c, t in enumerate(texts)]))
    if not table_rows:
        return
    b.newline()
    ti = b.start_table(name=sheet_name)
    b.add(sheet_name, SegInfo(kind="xlsx", path=sheet_name))
    b.sep("\n")
    for k, (r, cells) in enumerate(table_rows):
        if k % 2000 == 0:
            deadline.check(f"sheet {sheet_name} row {r}")
        b.add_row(ti, r, [(c, t, SegInfo(kind="xlsx", table=ti, row=r, col=c, path=sheet_name)) for c, t in cells])


# --- Excel 2003 XML ("SpreadsheetML"), which some sites serve as .xls -------------------

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def read_xml_spreadsheet(data: bytes, limits: ReadLimits, name: str, deadline: Deadline) -> Document:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    label = name or "the XML spreadsheet"
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise ReadError("xml_entity_expansion", f"{label} declares a DTD/entities ({e}); refusing it") from None
    except Exception as e:
        raise ReadError("malformed_spreadsheet", f"{label} is not well-formed XML ({e})") from None
    b = Builder(limits)
    for ws in root.iter(f"{_SS}Worksheet"):
        sheet_name = ws.get(f"{_SS}Name") or "Sheet"
        rows: list[tuple[int, int, list[object]]] = []
        r = -1
        for row in ws.iter(f"{_SS}Row"):
            idx = row.get(f"{_SS}Index")
            r = int(idx) - 1 if idx and idx.isdigit() else r + 1
            values: list[object] = []
            c = -1
            for cell in row.findall(f"{_SS}Cell"):
                cidx = cell.get(f"{_SS}Index")
                c = int(cidx) - 1 if cidx and cidx.isdigit() else c + 1
                c = min(c, 16384)
                while len(values) < c:
                    values.append("")
                d = cell.find(f"{_SS}Data")
                text = "".join(d.itertext()) if d is not None else ""
                if d is not None and d.get(f"{_SS}Type") == "Number":
                    try:
                        values.append(float(text))
                    except ValueError:
                        values.append(text)
                else:
                    values.append(text)
                c += int(cell.get(f"{_SS}MergeAcross") or 0) if (cell.get(f"{_SS}MergeAcross") or "").isdigit() else 0
            rows.append((r, 0, values))
        _emit_sheet(b, sheet_name, rows, deadline)
    return b.finish(fmt="xls", encoding="utf-8", encoding_confidence=1.0)
