"""Plain text: encoding detection, refusals, normalisation and offsets back to the source."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from extract.reading import ReadError, read_bytes

from .helpers import REPORT


def test_samples_decode_as_utf8_with_high_confidence(samples: list[Path]) -> None:
    for path in samples:
        doc = read_bytes(path.read_bytes(), path.name)
        assert (doc.format, doc.encoding, doc.script) == ("txt", "utf-8", "simplified")
        assert doc.encoding_confidence >= 0.95
        assert not [w for w in doc.warnings if w.startswith("mojibake")]


@pytest.mark.parametrize("codec", ["gb18030", "utf-16-le", "utf-16-be", "utf-16", "utf-8-sig"])
def test_sample_reencoded_reads_back_to_same_text(samples: list[Path], codec: str) -> None:
    path = samples[0]
    ref = read_bytes(path.read_bytes()).text
    doc = read_bytes(path.read_bytes().decode("utf-8").encode(codec))
    assert doc.text == ref
    assert doc.encoding_confidence >= 0.9


def test_sample_in_traditional_script_reads_back_simplified(samples: list[Path]) -> None:
    path = samples[1]
    ref = read_bytes(path.read_bytes()).text
    trad = opencc.OpenCC("s2t").convert(path.read_bytes().decode("utf-8"))
    for data in (trad.encode("utf-8"), trad.encode("gb18030")):
        doc = read_bytes(data)
        assert doc.script == "traditional"
        assert doc.text == ref


def test_gbk_text_is_decoded_as_gb18030() -> None:
    doc = read_bytes(REPORT.encode("gbk"))
    assert doc.encoding == "gb18030"
    assert "本年支出合计3137.51万元" in doc.text
    assert doc.encoding_confidence >= 0.9


def test_big5_text_is_detected_and_converted_to_simplified() -> None:
    trad = "臺北市政府財政局\n本年支出合計3137.51萬元，預算執行率為95.5%。\n機關運行經費與公務接待費說明。\n"
    doc = read_bytes(trad.encode("big5"))
    assert doc.encoding == "big5"
    assert doc.script == "traditional"
    assert "本年支出合计3137.51万元" in doc.text
    assert "机关运行经费" in doc.text


def test_utf16_without_bom_and_without_ascii_is_detected() -> None:
    doc = read_bytes("本年支出合计为三千万元整部门整体支出绩效自评报告".encode("utf-16-be"))
    assert doc.encoding == "utf-16-be"
    assert doc.text.startswith("本年支出合计")


def test_bom_decides_the_encoding() -> None:
    doc = read_bytes(b"\xff\xfe" + REPORT.encode("utf-16-le"))
    assert (doc.encoding, doc.encoding_confidence) == ("utf-16-le", 1.0)


def test_invalid_bytes_after_bom_are_refused() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(b"\xef\xbb\xbf" + REPORT.encode("gbk"))
    assert e.value.code == "undecodable_text"


def test_random_high_bytes_are_undecodable() -> None:
    junk = bytes((0xA1 + (i * 37) % 0x5E) for i in range(3000))
    with pytest.raises(ReadError) as e:
        read_bytes(junk)
    assert e.value.code == "undecodable_text"
    assert "UTF-8" in e.value.message


def test_binary_bytes_are_not_a_report() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(bytes(range(256)) * 40)
    assert e.value.code == "binary_not_a_report"


def test_image_is_not_a_report() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png")
    assert e.value.code == "binary_not_a_report"
    assert "PNG" in e.value.message


@pytest.mark.parametrize("data", [b"", b"  \r\n\t ", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(data, "a.txt")
    assert e.value.code == "empty_file"
    assert str(e.value).startswith("empty_file: ")


def test_utf8_read_as_latin1_is_rejected_as_mojibake() -> None:
    garbled = REPORT.encode("utf-8").decode("latin-1").encode("utf-8")
    with pytest.raises(ReadError) as e:
        read_bytes(garbled)
    assert e.value.code == "mojibake_text"


def test_utf8_read_as_gbk_is_rejected_as_mojibake() -> None:
    garbled = REPORT.encode("utf-8").decode("gb18030", errors="replace").encode("utf-8")
    with pytest.raises(ReadError) as e:
        read_bytes(garbled)
    assert e.value.code == "mojibake_text"


def test_a_few_lost_characters_give_a_warning_not_a_rejection() -> None:
    text = REPORT * 20 + "单位负责人：锟斤拷\n"
    doc = read_bytes(text.encode("utf-8"))
    assert any("锟斤拷" in w for w in doc.warnings)


def test_file_over_max_bytes_is_refused() -> None:
    from extract.reading import ReadLimits

    with pytest.raises(ReadError) as e:
        read_bytes(REPORT.encode() * 10, limits=ReadLimits(max_bytes=100))
    assert e.value.code == "file_too_large"


def test_full_width_digits_and_punctuation_fold_to_ascii() -> None:
    doc = read_bytes("支出合计３１３７．５１万元（占比７２．６５％）：".encode())
    assert doc.text == "支出合计3137.51万元(占比72.65%):"


def test_chinese_punctuation_nfkc_keeps_is_kept() -> None:
    doc = read_bytes("一、概况。《报告》“三公”经费".encode())
    assert doc.text == "一、概况。《报告》“三公”经费"


def test_crlf_and_zero_width_characters_are_removed() -> None:
    doc = read_bytes("第一行\r\n第\u200b二行\ufeff\r\n".encode())
    assert doc.text == "第一行\n第二行\n"


def test_number_broken_across_lines_is_rejoined() -> None:
    doc = read_bytes("支出合计3137.\n51万元，收入合计1,\n234.00万元".encode())
    assert "支出合计3137.51万元" in doc.text
    assert "1,234.00万元" in doc.text


def test_spaced_digits_are_joined() -> None:
    doc = read_bytes("2 0 2 3 年共设置目标1 0 个".encode())
    assert doc.text == "2023年共设置目标10个"


def test_letter_spaced_chinese_is_joined_but_word_boundaries_stay() -> None:
    doc = read_bytes("合  计\t100\n盐 边 县 财 政 局\n第一部分 部门概况".encode())
    assert doc.text == "合计\t100\n盐边县财政局\n第一部分 部门概况"


def test_txt_origin_points_to_source_offset_after_rejoined_number() -> None:
    src = "盐 边 县\r\n支出合计3137.\r\n51万元"
    doc = read_bytes(src.encode())
    assert doc.text == "盐边县\n支出合计3137.51万元"
    i = doc.text.index("51万元")
    assert doc.origin(i).kind == "text"
    assert doc.origin(i).source_offset == src.index("51万元")
    assert doc.origin(doc.text.index("县")).source_offset == src.index("县")
    assert doc.origin(doc.text.index("3137")).source_offset == src.index("3137")


def test_txt_origin_counts_decoded_characters_not_bytes() -> None:
    src = "前言\n本年收入合计100万元"
    doc = read_bytes(src.encode("gb18030"))
    assert doc.origin(doc.text.index("100")).source_offset == src.index("100")


def test_origin_outside_the_text_raises_index_error() -> None:
    doc = read_bytes(REPORT.encode())
    with pytest.raises(IndexError):
        doc.origin(len(doc.text))


def test_extension_that_disagrees_with_content_gives_a_warning() -> None:
    doc = read_bytes(REPORT.encode(), "report.xls")
    assert doc.format == "txt"
    assert any(".xls" in w for w in doc.warnings)


def test_korean_euc_kr_is_not_mistaken_for_chinese() -> None:
    korean = "대한민국 정부 예산 보고서 결산 지출 합계 부문 개요 성과 평가 자체 보고 " * 10
    with pytest.raises(ReadError) as e:
        read_bytes(korean.encode("euc-kr"))
    assert e.value.code == "undecodable_text"


def test_t2s_that_changes_length_falls_back_per_character(monkeypatch: pytest.MonkeyPatch) -> None:
    from extract.reading import normalize

    class PhraseConverter:  # like a phrase table mapping 2 chars to 3
        def convert(self, s: str) -> str:
            if len(s) == 1:
                return {"資": "资", "訊": "讯", "預": "预"}.get(s, s)
            return s.replace("資訊", "信息化").replace("預", "预")

    monkeypatch.setattr(normalize, "_opencc_t2s", lambda: PhraseConverter())
    src = "預算資訊公開說明\n"
    doc = read_bytes(src.encode("utf-8"))
    assert doc.text == "预算资讯公開說明\n"
    assert doc.origin(doc.text.index("讯")).source_offset == src.index("訊")


def test_simplified_text_keeps_characters_opencc_would_change() -> None:
    """乾县 is a simplified place name too: only a traditional text as a whole is converted."""
    from extract.reading import read_bytes

    assert read_bytes("乾县统计局2023年度部门决算".encode(), "a.txt").text.startswith("乾县统计局")


def test_spaces_at_line_ends_and_text_ends_are_dropped_inside_spaces_stay() -> None:
    doc = read_bytes("  部门概况  \n   本年支出 100万元 \n末行   ".encode())
    assert doc.text == "部门概况\n本年支出 100万元\n末行"


def test_number_broken_before_its_unit_or_decimal_is_rejoined_but_not_between_two_numbers() -> None:
    doc = read_bytes("支出3137\n.51万元，占比95\n%，合计3137.51\n万元\n2023\n2024".encode())
    assert "支出3137.51万元" in doc.text
    assert "占比95%" in doc.text
    assert "合计3137.51万元" in doc.text
    assert "2023\n2024" in doc.text


def test_digits_after_a_number_are_not_taken_as_letter_spaced() -> None:
    doc = read_bytes("预算1.5 2 3 年".encode())
    assert doc.text == "预算1.5 23年"


def test_one_garbled_paragraph_in_a_long_report_is_a_warning_naming_the_lines() -> None:
    garbled = "部门决算说明支出决算总表".encode().decode("gb18030")
    text = REPORT * 20 + garbled + "\n"
    doc = read_bytes(text.encode("utf-8"))
    assert any("1 line(s) look like UTF-8 bytes decoded" in w for w in doc.warnings)


def test_declared_utf8_html_is_trusted_without_scoring_when_the_bytes_are_valid() -> None:
    page = "<html><head><meta charset='utf-8'></head><body><p>部门决算 ½ ℃ ☆</p></body></html>"
    doc = read_bytes(page.encode("utf-8"))
    assert doc.encoding == "utf-8"
    assert doc.encoding_confidence == 0.95


def test_spaced_digits_after_a_clause_comma_are_joined_but_not_after_a_thousands_comma() -> None:
    assert read_bytes("接待41批次,3 6 9 人次".encode()).text == "接待41批次,369人次"
    assert read_bytes("合计1,2 3".encode()).text == "合计1,2 3"


def test_a_zero_cell_is_not_glued_to_the_next_cell_of_a_flattened_row() -> None:
    assert read_bytes("上年结转 0 年末结转和结余 5".encode()).text == "上年结转 0 年末结转和结余 5"
    assert read_bytes("基本支出 0 项目支出 12".encode()).text == "基本支出 0 项目支出 12"


def test_a_year_before_nianmo_and_a_count_before_xiang_are_joined() -> None:
    assert read_bytes("截至2023 年末共有车辆5 辆,共 3 项".encode()).text == "截至2023年末共有车辆5辆,共 3项"
