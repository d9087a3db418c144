"""A minimal .docx package written from WordprocessingML templates: headings, paragraphs, grid tables.

python-docx spent 30–65 ms a report, most of it re-compressing its ~800 KB default template
(styles, stylesWithEffects, theme) and looking up style names; the reports need one
document.xml and a few styles. The body is built with string formatting the way python-docx
writes it (a run per paragraph, tabs as <w:tab/>, line breaks as <w:br/>, every table cell
holding a paragraph; rows padded to the table's width), so readers see the same structure.
Zip entries carry a fixed timestamp: the bytes depend only on the content.
"""

from __future__ import annotations

import io
import re
import zipfile

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_TEXT_WIDTH = 8306  # twips between the A4 margins below
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SPECIAL = re.compile(r"([\t\n\r])")

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="word/document.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_R}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_DOC_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_R}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_APP = (
    _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity></Properties>"
)
_CORE = (
    _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator></dc:creator>'
    "<cp:lastModifiedBy></cp:lastModifiedBy><cp:revision>1</cp:revision>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{time}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{time}</dcterms:modified></cp:coreProperties>'
)


def _heading_style(sid: str, name: str, size: int, level: int, centred: bool = False) -> str:
    jc = '<w:jc w:val="center"/>' if centred else ""
    outline = f'<w:outlineLvl w:val="{level}"/>' if level >= 0 else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/>'
        f'<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/>'
        f'{jc}{outline}</w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="{size}"/>'
        f'<w:szCs w:val="{size}"/></w:rPr></w:style>'
    )


_STYLES = (
    _HEAD + f'<w:styles xmlns:w="{_W}"><w:docDefaults><w:rPrDefault><w:rPr>'
    '<w:rFonts w:ascii="Times New Roman" w:eastAsia="宋体" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    '<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
    '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="360" w:lineRule="auto"/></w:pPr>'
    "</w:pPrDefault></w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
    '<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/>'
    '<w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="480"/></w:pPr></w:style>'
    + _heading_style("Title", "Title", 36, -1, centred=True)
    + _heading_style("Heading1", "heading 1", 32, 0)
    + _heading_style("Heading2", "heading 2", 30, 1)
    + _heading_style("Heading3", "heading 3", 28, 2)
    + _heading_style("Heading4", "heading 4", 28, 3)
    + '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
    '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
    "</w:tblCellMar></w:tblPr></w:style>"
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
    '<w:uiPriority w:val="59"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>'
    "</w:styles>"
)
_BODY_START = _HEAD + f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
_BODY_END = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" '
    'w:left="1800" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/></w:sectPr>'
    "</w:body></w:document>"
)


def _t(text: str) -> str:
    if text[0].isspace() or text[-1].isspace():
        return f'<w:t xml:space="preserve">{text.translate(_ESC)}</w:t>'
    return f"<w:t>{text.translate(_ESC)}</w:t>"


def _run(text: str) -> str:
    """One run holding text; tabs become <w:tab/>, line breaks <w:br/> (as python-docx writes them)."""
    if not _SPECIAL.search(text):
        return f"<w:r>{_t(text)}</w:r>"
    parts = []
    for piece in _SPECIAL.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\n", "\r"):
            parts.append("<w:br/>")
        elif piece:
            parts.append(_t(piece))
    return "<w:r>" + "".join(parts) + "</w:r>"


class DocxDocument:
    """Body blocks appended in order, packaged by ``to_bytes``."""

    def __init__(self, title: str = "") -> None:
        self.title = title
        self.body: list[str] = []

    def heading(self, text: str, level: int) -> None:
        """Level 0 is the document title (style Title), 1–4 are Heading 1–4."""
        style = "Title" if level == 0 else f"Heading{level}"
        run = _run(text) if text else ""
        self.body.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run}</w:p>')

    def paragraph(self, text: str) -> None:
        """A body paragraph (style Body Text: first line indented by two characters)."""
        run = _run(text) if text else ""
        self.body.append(f'<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr>{run}</w:p>')

    def table(self, rows: list[list[str]]) -> None:
        """A 'Table Grid' table (all borders) with equal columns; short rows get empty cells."""
        ncols = max(len(r) for r in rows)
        w = _TEXT_WIDTH // ncols
        tc = f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
        out = [
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            f'<w:gridCol w:w="{w}"/>' * ncols,
            "</w:tblGrid>",
        ]
        for row in rows:
            out.append("<w:tr>")
            for cell in row:
                out.append(f"{tc}<w:p>{_run(cell) if cell else ''}</w:p></w:tc>")
            out.append(f"{tc}<w:p/></w:tc>" * (ncols - len(row)))
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.body.append("".join(out))

    def to_bytes(self, time: str = "2024-01-01T00:00:00Z") -> bytes:
        """The .docx file (zip entries in a fixed order with a fixed timestamp)."""
        parts = (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("docProps/core.xml", _CORE.format(title=self.title.translate(_ESC), time=time)),
            ("docProps/app.xml", _APP),
            ("word/document.xml", _BODY_START + "".join(self.body) + _BODY_END),
            ("word/_rels/document.xml.rels", _DOC_RELS),
            ("word/styles.xml", _STYLES),
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in parts:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, text.encode("utf-8"))
        return buf.getvalue()
