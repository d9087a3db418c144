"""Hostile and bad inputs for the quality-gate and reader tests.

``write_bad_corpus(out_dir)`` writes one file per case and returns
{file_name: expected_reason_code}. Codes are provisional slugs (listed in synth/README.md);
``ok`` means the file must be accepted, and ``ok:<warning>`` accepted with that warning.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from pathlib import Path

from synth.generate import generate_report
from synth.model import Report
from synth.render import render, txt_text

_NEWS = (
    "本报讯（记者 张明）昨日，全市秋季运动会在市体育中心开幕，来自各区县的三十余支代表队参加比赛。\n"
    "开幕式上，运动员代表宣誓，裁判员代表表示将公正执裁。本届运动会设田径、游泳、篮球等十二个大项。\n"
    "据组委会介绍，比赛将持续五天，预计吸引观众两万余人次。赛事期间，体育中心周边道路将实行临时交通管制，\n"
    "请市民合理安排出行。天气预报显示，未来一周以晴到多云为主，适宜户外运动。\n"
)


def _plain(rep: Report, seed: int) -> str:
    """Simplified UTF-8 text of a report, tables as tab rows, for the semantic cases."""
    text, _ = txt_text(rep, random.Random(seed))
    return text.replace("\r\n", "\n")


def _fact(rep: Report, field: str) -> dict | None:
    for f in rep.truth()["facts"]:
        if f["field"] == field and f["unit_as_reported"]:
            return f
    return None


def _pdf_bytes(rep: Report) -> bytes:
    return render(rep, "pdf", random.Random(7)).data


def _encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption("user-secret", "owner-secret", canPrint=0, canCopy=0)
    c = canvas.Canvas(buf, invariant=1, encrypt=enc)
    c.setFont("STSong-Light", 14)
    c.drawString(72, 760, "某县农业农村局2023年度部门决算")
    c.drawString(72, 730, "2023年度收、支总计均为1234.56万元。")
    c.showPage()
    c.save()
    return buf.getvalue()


_DOCX_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>")
_DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _zi(name: str) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    return zi


def _zip_bomb_docx(uncompressed_mb: int) -> bytes:
    """A DOCX whose document.xml inflates to uncompressed_mb MiB of padding (ratio ≈ 1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(_zi("[Content_Types].xml"), _DOCX_CT)
        z.writestr(_zi("_rels/.rels"), _DOCX_RELS)
        with z.open(_zi("word/document.xml"), "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body><w:p><w:r><w:t>'.encode())
            chunk = b" " * (1 << 20)
            for _ in range(uncompressed_mb):
                f.write(chunk)
            f.write("报告</w:t></w:r></w:p></w:body></w:document>".encode())
    return buf.getvalue()


def _entity_bomb_docx() -> bytes:
    """A DOCX whose document.xml is a 'billion laughs' entity expansion."""
    ents = ['<!ENTITY lol0 "哈哈哈哈哈哈哈哈哈哈">']
    for i in range(1, 10):
        ents.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [\n' + "\n".join(ents) + "\n]>\n"
           f"<w:document {_W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_zi("[Content_Types].xml"), _DOCX_CT)
        z.writestr(_zi("_rels/.rels"), _DOCX_RELS)
        z.writestr(_zi("word/document.xml"), xml)
    return buf.getvalue()


def _replace_number(text: str, as_reported: str, unit: str, new: str, count: int = 0) -> str:
    pat = re.compile(r"(?<![\d.])" + re.escape(as_reported) + r"(?=\s*" + re.escape(unit) + ")")
    return pat.sub(new, text, count=count)


def write_bad_corpus(out_dir: str | os.PathLike[str], *, large_mb: int = 80,
                     bomb_mb: int = 256) -> dict[str, str]:
    """Write the hostile-input set into out_dir and return {file_name: expected_reason_code}."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random("bad-inputs")
    expected: dict[str, str] = {}

    def put(name: str, data: bytes, code: str) -> None:
        (out / name).write_bytes(data)
        expected[name] = code

    base = generate_report("bad:base", "final_accounts")
    base_txt = _plain(base, 1)
    base_pdf = _pdf_bytes(base)

    put("empty.txt", b"", "empty_file")
    put("random_binary.bin", bytes(rng.getrandbits(8) for _ in range(8192)), "binary_not_a_report")
    put("random_binary.pdf", bytes(rng.getrandbits(8) for _ in range(8192)), "binary_not_a_report")
    put("truncated.pdf", base_pdf[: len(base_pdf) * 2 // 5], "truncated_pdf")
    put("encrypted.pdf", _encrypted_pdf(), "encrypted_pdf")
    put("zip_bomb.docx", _zip_bomb_docx(bomb_mb), "zip_bomb")
    put("xml_entity_bomb.docx", _entity_bomb_docx(), "xml_entity_expansion")
    put("pdf_named_as.txt", base_pdf, "ok:extension_mismatch")
    # undecodable: valid UTF-8 text with invalid byte runs sprinkled through it
    raw = bytearray(base_txt.encode("utf-8"))
    for _ in range(200):
        pos = rng.randrange(len(raw))
        raw[pos:pos] = bytes((0xFF, 0xFE, 0x80, 0xC0))
    if len(raw) % 2 == 0:
        raw.append(0xFF)  # odd length: not UTF-16 either
    put("undecodable.txt", bytes(raw), "undecodable_text")
    # mojibake: UTF-8 bytes wrongly decoded as GBK and saved again as UTF-8
    put("mojibake.txt", base_txt.encode("utf-8").decode("gbk", errors="replace").encode("utf-8"), "mojibake_text")
    put("news_article.txt", _NEWS.encode("utf-8"), "not_a_report")

    # Each semantic case gets a report of its own, so that no two of them share a department,
    # year and type (which would make the later one a corrected re-issue of the earlier).
    def own(case: str) -> tuple[Report, str]:
        rep = generate_report(f"bad:{case}", "final_accounts")
        return rep, _plain(rep, 1)

    rep, txt = own("no_department")
    put("no_department_name.txt", txt.replace(rep.document["department_name"], "本局").encode("utf-8"),
        "missing_department_name")

    rep, txt = own("year_1899")
    y = str(rep.document["fiscal_year"])
    put("year_1899.txt", txt.replace(y, "1899").replace(str(int(y) - 1), "1898").encode("utf-8"),
        "implausible_fiscal_year")

    rep, txt = own("negative")
    f = _fact(rep, "expenditure_total")
    neg = _replace_number(txt, f["as_reported"], f["unit_as_reported"], "-" + f["as_reported"], 1) if f else txt
    put("negative_amount.txt", neg.encode("utf-8"), "negative_amount")

    rep, txt = own("tenfold")
    fb = _fact(rep, "expenditure_basic")
    if fb:
        num = float(fb["as_reported"].replace(",", "")) * 10
        tenx = _replace_number(txt, fb["as_reported"], fb["unit_as_reported"], f"{num:.2f}")
    else:
        tenx = txt
    put("arithmetic_off_10x.txt", tenx.encode("utf-8"), "arithmetic_mismatch")

    dup = render(generate_report("bad:dup", "budget"), "txt", random.Random(3), encoding="utf-8").data
    put("duplicate_a.txt", dup, "ok")
    put("duplicate_b.txt", dup, "duplicate_file")

    same = generate_report("bad:same", "performance_evaluation")
    put("same_report.pdf", _pdf_bytes(same), "ok")
    put("same_report.txt", _plain(same, 2).encode("utf-8"), "duplicate_document")

    re_base = generate_report("bad:reissue", "final_accounts")
    v1 = _plain(re_base, 3)
    fr = _fact(re_base, "three_public_total") or _fact(re_base, "expenditure_total")
    v2 = v1
    if fr:
        old = float(fr["as_reported"].replace(",", ""))
        v2 = _replace_number(v1, fr["as_reported"], fr["unit_as_reported"], f"{old + 1.25:.2f}")
    first = v2.split("\n", 1)
    v2 = first[0] + "（更正版）\n" + (first[1] if len(first) > 1 else "")
    put("reissue_original.txt", v1.encode("utf-8"), "ok")
    put("reissue_corrected.txt", v2.encode("utf-8"), "ok:corrected_reissue")

    for k, name in enumerate(('quote"d \'name\'.txt', "semi;colon;name.txt", "new\nline.txt", "$(touch x);`id`.txt",
                              "空格 和 中文 名称.txt", "-starts-with-dash.txt")):
        odd = render(generate_report(f"bad:names:{k}", "budget"), "txt", random.Random(k), encoding="utf-8").data
        put(name, odd, "ok")

    filler = base_txt.encode("utf-8")
    with open(out / "very_large.txt", "wb") as fh:
        written = 0
        while written < large_mb * (1 << 20):
            fh.write(filler)
            written += len(filler)
    expected["very_large.txt"] = "file_too_large"
    return expected
