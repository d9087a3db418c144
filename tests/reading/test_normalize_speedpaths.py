"""Normalisation's fast paths (code-point tables, candidate positions) against what they replace."""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import numpy as np
import opencc
import pytest

from extract.reading import normalize as norm
from extract.reading import read_bytes

_DELETE_INVISIBLE = re.compile("\r(?=\n)|" + norm._INVISIBLE.pattern)


def _delete(text: str, idx: np.ndarray, pattern: re.Pattern[str]) -> tuple[str, np.ndarray]:
    """Delete every match of `pattern` (matches are exactly the characters to drop)."""
    return norm._delete_spans(text, idx, norm._match_spans(pattern, pattern.finditer(text)))


def _fold(text: str) -> str:
    table = norm._translate_table()
    changed = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")
    return changed.sub(lambda m: table[ord(m.group())], text)


def _whole_text_scans(raw: str) -> tuple[str, np.ndarray, tuple[int, int, int]]:
    """Normalisation as it was before the fast paths: every step a scan of the whole text."""
    stats = norm.NormStats()
    text, idx = _delete(raw, np.arange(len(raw), dtype=np.int64), _DELETE_INVISIBLE)
    text = _fold(text)
    converted = norm._t2s(text, stats)
    if converted is not text:
        stats.cjk_chars = len(norm._NOT_CJK.sub("", text))
        if stats.script == "traditional":
            text = converted
    text, idx = _delete(text, idx, norm._BROKEN_NUMBER)
    text, idx = norm._delete_spans(text, idx, norm._space_spans(norm._SPACED_DIGITS.finditer(text)))
    text, idx = norm._delete_spans(text, idx, norm._space_spans(norm._LETTER_SPACED.finditer(text)))
    text, idx = _delete(text, idx, norm._UNIT_SPACE)
    text, idx = norm._delete_spans(text, idx, norm._edge_space_spans(text, norm._EDGE_SPACES.finditer(text)))
    return text, idx, (stats.cjk_chars, stats.t2s_changed, stats.t2s_fallback_lines)


def test_fast_paths_give_what_whole_text_scans_give() -> None:
    alphabet = [
        *"0123456789０１٣ \u3000\u00a0\t\n\n\r.,%．",
        *"年月项目末初元万亿人次个批合计盐边县乾們國體經覆沈瞭",
        *"\u200b\ufeff\u00ad\x00\x0b\x85\u2028\U00020000\U0002f800\uf900\u2f00",
        "\r\n",
        "批覆",
        "  ",
    ]
    rng = random.Random(20261123)
    for _ in range(3000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.choice((2, 5, 12, 30, 80))))
        text, idx, stats = norm.normalize(raw)
        ref_text, ref_idx, ref_stats = _whole_text_scans(raw)
        assert (text, idx.tolist(), (stats.cjk_chars, stats.t2s_changed, stats.t2s_fallback_lines)) == (
            ref_text,
            ref_idx.tolist(),
            ref_stats,
        ), repr(raw)


def _opencc_dictionaries(tmp_path: Path) -> list[list[tuple[str, str]]]:
    """The t2s dictionaries of the installed OpenCC, dumped to text with its own tool."""
    clib = Path(opencc.__file__).parent / "clib"
    tool, share = clib / "bin" / "opencc_dict", clib / "share" / "opencc"
    if not tool.exists():
        pytest.skip("opencc_dict is not shipped with this OpenCC build")
    config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))
    files = [d["dict"]["file"] for d in config.get("normalization", [])]
    for step in config["conversion_chain"]:
        files += [d["file"] for d in step["dict"].get("dicts", [step["dict"]])]
    out = []
    for name in files:
        dump = tmp_path / f"{name}.txt"
        subprocess.run([tool, "-i", share / name, "-o", dump, "-f", "ocd2", "-t", "text"], check=True)
        rows = [line.split("\t") for line in dump.read_text(encoding="utf-8").splitlines() if line]
        out.append([(key, value.split(" ")[0]) for key, value in rows])
    return out


def test_phrase_only_characters_cover_the_installed_opencc_dictionaries(tmp_path: Path) -> None:
    """Skipping t2s is exact only if every phrase it changes holds a character the tables mark."""
    kinds = norm._kinds()

    def marked(ch: str) -> bool:
        return bool(kinds[ord(ch)] & (norm._T2S_BIT | norm._T2S_PHRASE_BIT))

    for entries in _opencc_dictionaries(tmp_path):
        for key, value in entries:
            assert all(ord(c) < 0x10000 or 0x20000 <= ord(c) < 0x40000 for c in key), key
            if value != key and len(key) > 1:
                assert any(marked(c) for c in key), (key, value)


def test_traditional_text_whose_traditional_forms_are_only_in_phrases_is_converted() -> None:
    doc = read_bytes("重覆批覆答覆".encode())
    assert (doc.text, doc.script) == ("重复批复答复", "traditional")


def test_simplified_text_with_fugai_is_left_alone() -> None:
    doc = read_bytes("覆盖率达到100%,实现全覆盖。".encode())
    assert (doc.text, doc.script) == ("覆盖率达到100%,实现全覆盖。", "simplified")


def test_broken_number_with_spaces_around_the_break_is_rejoined() -> None:
    assert read_bytes("支出3137.  \n  51万元".encode()).text == "支出3137.51万元"


def test_lone_carriage_return_becomes_a_newline() -> None:
    assert read_bytes("第一行\r第二行\r\n第三行".encode()).text == "第一行\n第二行\n第三行"


def test_zero_width_character_inside_spaced_digits_is_deleted_before_they_are_joined() -> None:
    assert read_bytes("2\u200b 0 2 3 年".encode()).text == "2023年"


def test_ideographic_space_between_letters_is_folded_then_joined() -> None:
    assert read_bytes("合\u3000计".encode()).text == "合计"


def test_chinese_letters_four_spaces_apart_stay_apart() -> None:
    assert read_bytes("合    计".encode()).text == "合    计"


def test_letter_spaced_supplementary_ideographs_are_joined() -> None:
    assert read_bytes("𠮷 野 家".encode()).text == "𠮷野家"


def test_spaced_non_ascii_decimal_digits_are_joined() -> None:
    assert read_bytes("٢ ٠ ٢ ٣ 年".encode()).text == "٢٠٢٣年"


def test_compatibility_ideograph_that_folds_outside_the_bmp_is_folded() -> None:
    assert read_bytes("\ufa6c".encode()).text == "\U000242ee"


def test_many_unit_spaces_are_all_removed_with_exact_offsets() -> None:
    src = "共5 个项目," * 30 + "合计100"
    doc = read_bytes(src.encode())
    assert doc.text == "共5个项目," * 30 + "合计100"
    assert doc.origin(doc.text.index("合计")).source_offset == src.index("合计")


def test_trailing_spaces_on_many_lines_are_removed() -> None:
    src = "\n".join(f"第{i}行  " for i in range(30))
    doc = read_bytes(src.encode())
    assert doc.text == "\n".join(f"第{i}行" for i in range(30))
    assert doc.origin(doc.text.index("第29行")).source_offset == src.index("第29行")
