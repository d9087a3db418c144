"""The five samples re-encoded to GB18030, UTF-16 and traditional script give the same extraction output."""

from __future__ import annotations

import opencc
import pytest

from extract import extract_bytes
from tests.conftest import SAMPLES_DIR, requires_samples

pytestmark = requires_samples
SAMPLES = sorted(SAMPLES_DIR.glob("*.txt")) if SAMPLES_DIR.is_dir() else []


def _output(result: dict) -> tuple:
    facts = sorted((f["field"], f["value"], f.get("value_text")) for f in result["facts"])
    items = sorted((i["class"], i["section"], i["item"], i["amount"]) for i in result["line_items"])
    identity = {k: v for k, v in result["document"].items() if k != "title"}
    return identity, facts, items, len(result["conflicts"]), len(result["problems"]), len(result["remedies"])


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("variant", ["gb18030", "utf-16", "utf-16-le", "traditional-utf8", "traditional-gb18030"])
def test_reencoded_sample_gives_the_same_extraction(path, variant: str) -> None:
    text = path.read_bytes().decode("utf-8")
    reference = _output(extract_bytes(text.encode("utf-8"), path.name))
    if variant.startswith("traditional"):
        text = opencc.OpenCC("s2t").convert(text)
        data = text.encode("utf-8") if variant.endswith("utf8") else text.encode("gb18030")
    else:
        data = text.encode(variant)
    assert _output(extract_bytes(data, path.name)) == reference
