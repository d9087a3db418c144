"""Text files decode back to exactly the text that was written, in every encoding."""

from __future__ import annotations

import random
import re

import pytest

from synth import apply_damage, generate_report
from synth.render import render_txt, txt_text
from synth.textutil import to_traditional

ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]


@pytest.mark.parametrize("enc", ENCODINGS)
def test_simplified_text_decodes_back(enc: str) -> None:
    rep = generate_report("enc", "performance_evaluation")
    r = render_txt(rep, random.Random(5), encoding=enc)
    expected, _ = txt_text(rep, random.Random(5))
    assert r.encoding == enc
    assert r.data.decode(enc) == expected


def test_utf16_with_and_without_bom() -> None:
    rep = generate_report("bom", "budget")
    with_bom = render_txt(rep, random.Random(1), encoding="utf-16").data
    without = render_txt(rep, random.Random(1), encoding="utf-16-le").data
    assert with_bom[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert without[:2] not in (b"\xff\xfe", b"\xfe\xff")


def test_big5_traditional_decodes_back() -> None:
    rep = apply_damage(generate_report("big5", "final_accounts"), ["traditional"], random.Random(0))
    r = render_txt(rep, random.Random(2), encoding="big5")
    assert r.encoding in ("big5", "cp950")
    text = r.data.decode(r.encoding)
    expected, _ = txt_text(rep, random.Random(2))
    assert text == expected.translate(str.maketrans({"≥": "≧", "≤": "≦"}))
    assert "萬元" in text or "元" in text
    assert to_traditional(rep.document["department_name"])[:2] in text


def test_html_meta_gbk_bytes_are_gbk() -> None:
    from synth.render import render_html

    r = render_html(generate_report("g", "budget"), random.Random(0), encoding="gbk")
    assert re.search(rb'charset="?gbk', r.data)
    r.data.decode("gbk")
