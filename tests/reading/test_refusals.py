"""Format sniffing by content and the refusals that do not belong to one format."""

from __future__ import annotations

import io
import zipfile

import pytest

from extract.reading import ReadError, read_bytes, sniff

from .helpers import REPORT, make_docx, make_pdf, make_xlsx


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"%PDF-1.4\n...", "pdf"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"\xef\xbb\xbf<html><body>x</body></html>", "html"),
        ("<table><tr><td>项目</td></tr></table>".encode("gbk"), "html"),
        (REPORT.encode("gbk"), "txt"),
        (REPORT.encode("utf-16"), "txt"),
    ],
)
def test_sniff_decides_by_content(data: bytes, fmt: str) -> None:
    assert sniff(data, "whatever.xls") == fmt


def test_sniff_tells_docx_from_xlsx_by_package_parts() -> None:
    assert sniff(make_docx(["a"], None, []), "x.xls") == "docx"
    assert sniff(make_xlsx({"S": [["a"]]}), "x.doc") == "xlsx"


def test_pdf_named_txt_is_read_as_pdf() -> None:
    doc = read_bytes(make_pdf([["本年支出合计3137.51万元"]]), "report.txt")
    assert doc.format == "pdf" and "3137.51" in doc.text


def test_rtf_is_unsupported() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(b"{\\rtf1\\ansi hello}", "a.doc")
    assert e.value.code == "unsupported_format"
    assert "DOCX" in e.value.message


def test_opendocument_is_unsupported() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<x/>")
    with pytest.raises(ReadError) as e:
        read_bytes(buf.getvalue(), "a.odt")
    assert e.value.code == "unsupported_format"


def test_encrypted_ooxml_package_is_refused() -> None:
    from .helpers import _cfb

    with pytest.raises(ReadError) as e:
        read_bytes(_cfb({"EncryptionInfo": b"x", "EncryptedPackage": b"y"}), "a.xlsx")
    assert e.value.code == "encrypted_office"


def test_read_error_str_is_code_colon_message() -> None:
    err = ReadError("empty_file", "nothing here")
    assert str(err) == "empty_file: nothing here"
    assert (err.code, err.message) == ("empty_file", "nothing here")


def test_read_error_survives_pickling() -> None:
    import pickle

    err = pickle.loads(pickle.dumps(ReadError("zip_bomb", "too big")))
    assert (err.code, err.message) == ("zip_bomb", "too big")


def test_non_bytes_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        read_bytes("text, not bytes")  # type: ignore[arg-type]
