"""Decide how a byte string of text is encoded, by content, with a confidence.

Order: BOM -> strict UTF-8 -> UTF-16 LE/BE without BOM (NUL pattern, then plausibility)
-> GB18030 vs Big5 (strict decode with both; score the share of characters that are common
simplified/traditional Chinese or ordinary ASCII/punctuation). Nothing is ever decoded with
`errors="replace"`: a file we cannot decode with confidence raises `undecodable_text`.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from .errors import ReadError
from .normalize import code_points

MIN_CONFIDENCE = 0.6

_BOMS: list[tuple[bytes, str]] = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\x84\x31\x95\x33", "gb18030"),
]

# Labels people put in <meta charset> / declarations, mapped to the codec that decodes them
# best: GBK and GB2312 files routinely hold GB18030-only characters.
CODEC_ALIASES = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-big5": "big5hkscs",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode": "utf-16",
    "utf-16": "utf-16",
}


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    warnings: list[str] = field(default_factory=list)


@cache
def common_chars() -> tuple[frozenset[str], frozenset[str]]:
    """(simplified, traditional) common Chinese characters, derived from the codecs themselves.

    Simplified: GB2312 level 1 (3755 frequent hanzi). Traditional: Big5 level 1 (5401).
    No data file needed, and both sets are what real reports are written in.
    """
    simp: set[str] = set()
    for a in range(0xB0, 0xD8):
        for b in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                simp.add(bytes((a, b)).decode("gb2312"))
    trad: set[str] = set()
    for a in range(0xA4, 0xC7):
        for b in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            if (a, b) > (0xC6, 0x7E):
                break
            with contextlib.suppress(UnicodeDecodeError):
                trad.add(bytes((a, b)).decode("big5"))
    return frozenset(simp), frozenset(trad)


# The ~500 most frequent hanzi of modern Chinese (well-known frequency lists). Running text
# has most of its characters here; a random walk through GB2312 or Big5 (a wrong guess, or
# Korean EUC-KR read as GBK) hits it rarely.
_TOP = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方"
    "后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它"
    "合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条"
    "只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资"
    "边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北"
    "造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车"
    "例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫"
    "且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克"
    "何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调"
    "满县局照参红细引听该铁价严预算绩评项费财拨款执"
)


@cache
def frequent_chars() -> frozenset[str]:
    """The frequent hanzi in both scripts (traditional forms via OpenCC s2t)."""
    try:
        import opencc

        trad = opencc.OpenCC("s2t").convert(_TOP)
    except Exception:  # opencc missing: simplified list alone still works for GB text
        trad = ""
    return frozenset(_TOP + trad)


def frequent_share(text: str) -> tuple[float, int]:
    """(share of hanzi that are frequent ones, number of hanzi) in a sample of the text."""
    freq = frequent_chars()
    # Count distinct characters once (C speed) instead of testing every character in Python.
    counts = Counter(text[:30_000])
    han = sum(n for c, n in counts.items() if "\u3400" <= c <= "\u9fff")
    if not han:
        return 1.0, 0
    return sum(n for c, n in counts.items() if c in freq) / han, han


_OK_OTHER = re.compile(
    "[\t\n\r\x0c\x20-\x7e\u00b7\u00d7\u00f7\u2010-\u2027\u2030-\u205e\u2100-\u215f\u2160-\u217f"
    "\u2190-\u21ff\u2200-\u22ff\u2460-\u24ff\u2500-\u257f\u25a0-\u25ff\u2605\u2606\u3000-\u303f"
    "\uff01-\uff65\uffe0-\uffe6\u3200-\u32ff]"
)
_WS = re.compile(r"\s")


@cache
def _good_chars() -> frozenset[str]:
    simp, trad = common_chars()
    other = {chr(c) for c in range(0x10000) if _OK_OTHER.match(chr(c))}
    return frozenset(simp | trad | other)


def plausibility(text: str) -> float:
    """Share of non-space characters a Chinese report plausibly contains (0..1)."""
    # 12,000 characters from both ends decide between encodings as well as the whole file does
    # (a wrong decode garbles every line) and keep scoring cheap for long GBK reports.
    sample = text if len(text) <= 12_000 else text[:8_000] + text[-4_000:]
    spaces = sample.count(" ") + sample.count("\n") + sample.count("\r") + sample.count("\t")
    total = len(sample) - spaces
    if total <= 0:
        return 1.0
    good_chars = _good_chars()
    good = sum(n for c, n in Counter(sample).items() if c in good_chars) - spaces
    return max(good, 0) / total


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


# Byte counting by deletion (bytes.translate runs in C): what is left after deleting every
# other byte is the set we want to count.
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in (9, 10, 12, 13, 27))
_NOT_LEAD = bytes(range(0xC0))


def _binary_share(data: bytes) -> float:
    sample = data[:65536]
    if not sample:
        return 0.0
    return len(sample.translate(None, _NOT_CONTROL)) / len(sample)


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII characters put NULs on odd (LE) or even (BE) positions."""
    sample = data[:65536]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd > 0.1 * half and odd > 4 * even:
        return "utf-16-le"
    if even > 0.1 * half and even > 4 * odd:
        return "utf-16-be"
    return None


def decode_text(data: bytes, declared: str | None = None, what: str = "text file") -> Decoded:
    """Decode bytes to str with the documented order; raise ReadError when not confident."""
    warnings: list[str] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :] if codec != "utf-8-sig" else data
            text = _strict(body, codec)
            if text is None:
                raise ReadError(
                    "undecodable_text",
                    f"the {what} starts with a {codec} byte-order mark but its bytes are not valid "
                    f"{codec}; re-save it as UTF-8",
                )
            return Decoded(text, codec.removesuffix("-sig"), 1.0, warnings)

    if declared:
        codec = CODEC_ALIASES.get(declared.strip().lower(), declared.strip().lower())
        text = _strict(data, codec)
        # Strictly valid UTF-8 is its own proof (as in the undeclared path below); any byte
        # string decodes as GBK, so a declared legacy codec must also read as Chinese.
        if text is not None and (codec in ("utf-8", "utf8") or plausibility(text) >= 0.9):
            return Decoded(text, codec, 0.95, warnings)
        warnings.append(f"declared charset {declared!r} does not fit the bytes; detected by content instead")

    text = _strict(data, "utf-8")
    if text is not None:
        multibyte = len(data[:65536].translate(None, _NOT_LEAD))
        conf = 1.0 if multibyte == 0 or multibyte >= 8 else 0.9
        if "\x00" in text and _utf16_by_nuls(data):
            text = None  # ASCII-only UTF-16 is valid UTF-8 with NULs: treat as UTF-16 below
        else:
            return Decoded(text, "utf-8", conf, warnings)

    # UTF-16 without BOM. Mostly-Chinese UTF-16 has few NULs, so both byte orders are scored
    # on plausibility; the NUL pattern only breaks ties.
    nul_codec = _utf16_by_nuls(data)
    if nul_codec or b"\x00" in data[:65536]:
        even = data[: len(data) - (len(data) % 2)]
        scored = []
        for codec in ("utf-16-le", "utf-16-be"):
            t = _strict(even, codec)
            if t is not None and "\x00" not in t:
                scored.append((plausibility(t) + (0.01 if codec == nul_codec else 0.0), codec, t))
        if scored:
            p, codec, t = max(scored)
            if p >= 0.85:
                return Decoded(t, codec, round(min(1.0, p), 4), warnings)

    if _binary_share(data) > 0.05 or b"\x00" in data[:65536]:
        raise ReadError(
            "binary_not_a_report",
            f"the {what} holds binary data (control bytes, NULs) and is not a document format "
            "this reader knows (PDF, DOCX, XLSX, XLS, DOC, HTML, text); check the file",
        )

    candidates: list[tuple[float, str, str]] = []
    for codec in ("gb18030", "big5hkscs", "utf-16-le", "utf-16-be"):
        if codec.startswith("utf-16") and len(data) % 2:
            continue
        t = _strict(data, codec)
        if t is not None:
            candidates.append((plausibility(t), codec, t))
    if not candidates:
        raise ReadError(
            "undecodable_text",
            f"the {what} is not valid UTF-8, UTF-16, GB18030 or Big5; re-save it as UTF-8",
        )
    candidates.sort(reverse=True)
    best_p, best_codec, best_text = candidates[0]
    second = candidates[1][0] if len(candidates) > 1 else 0.0
    margin = best_p - second
    conf = best_p * min(1.0, margin / 0.2) if len(candidates) > 1 else best_p
    fshare, nhan = frequent_share(best_text)
    if nhan >= 30 and fshare < 0.25:
        raise ReadError(
            "undecodable_text",
            f"the {what} decodes as {best_codec} but reads as random characters (only {fshare:.0%} "
            "of its hanzi are common ones): wrong or unknown encoding; re-save it as UTF-8",
        )
    if best_p < 0.8 or conf < MIN_CONFIDENCE:
        raise ReadError(
            "undecodable_text",
            f"cannot tell the encoding of the {what}: best guess {best_codec} gives only "
            f"{best_p:.0%} ordinary characters (runner-up {second:.0%}); re-save it as UTF-8",
        )
    return Decoded(best_text, "big5" if best_codec == "big5hkscs" else best_codec, round(conf, 4), warnings)


# --- mojibake ---------------------------------------------------------------------------

# UTF-8 bytes shown as Latin-1/cp1252: a lead byte letter (Ã..ï) followed by a continuation
# byte rendered as C1 control or a cp1252 symbol.
_LATIN1_MOJIBAKE = re.compile(
    "[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_NOT_CJK = re.compile("[^\u4e00-\u9fff]+")


def _cjk_count(text: str) -> int:
    return len(_NOT_CJK.sub("", text))


def _gbk_mojibake_lines(lines: list[str]) -> list[bool]:
    """Per line: is it UTF-8 that was decoded as GBK (re-encoding it gives valid UTF-8)?

    All lines are re-encoded and re-decoded in one go: GB18030 never uses the byte 0x0A inside
    a character and a replacement never swallows it, so the lines stay aligned.
    """
    joined = "\n".join(lines)
    try:
        fixed = joined.encode("gb18030").decode("utf-8", errors="replace")
    except UnicodeEncodeError:  # a lone surrogate somewhere: fall back to line by line
        fixed_lines = []
        for ln in lines:
            try:
                fixed_lines.append(ln.encode("gb18030").decode("utf-8", errors="replace"))
            except UnicodeEncodeError:
                fixed_lines.append(ln)
        return [_gbk_mojibake_line(line, f) for line, f in zip(lines, fixed_lines, strict=True)]
    # Ordinary Chinese re-encoded as GB18030 is mostly invalid UTF-8 (many U+FFFD): counted for
    # all lines at once, that rules out nearly every line before it is looked at on its own.
    cp = code_points(fixed)
    breaks = np.flatnonzero(cp == 0x0A)
    if len(breaks) != len(lines) - 1:  # pragma: no cover - guarded by the docstring
        return [False] * len(lines)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(cp)]))
    lost = np.concatenate(([0], np.cumsum(cp == 0xFFFD)))
    few_lost = lost[ends] - lost[starts] <= np.maximum(1, (ends - starts) // 20)
    out = [False] * len(lines)
    for k in np.flatnonzero(few_lost).tolist():
        out[k] = _gbk_mojibake_line(lines[k], fixed[starts[k] : ends[k]])
    return out


def _gbk_mojibake_line(line: str, fixed: str) -> bool:
    if fixed == line or fixed.count("\ufffd") > max(1, len(fixed) // 20):
        return False
    return _cjk_count(line) >= 4 and _cjk_count(fixed) >= 2


def _may_hold_latin1_mojibake(text: str) -> bool:
    """Whether `text` has a character `_LATIN1_MOJIBAKE` starts with (a C-speed test)."""
    cp = code_points(text)
    return bool(((cp - 0xC2) <= 0xEF - 0xC2).any())  # unsigned: below 0xC2 wraps round


def mojibake(text: str) -> tuple[float, list[str]]:
    """(share of non-ASCII lines that are garbled, descriptions) — detect, never guess-repair."""
    notes: list[str] = []
    lines = [ln for ln in text.split("\n") if not ln.isascii()]
    if not lines:
        return 0.0, notes
    # A garbled file is garbled throughout: an even sample of lines decides as well as all of them.
    step = max(1, len(lines) // 400)
    lines = lines[::step]
    latin1 = None
    if _may_hold_latin1_mojibake(text) and _LATIN1_MOJIBAKE.search(text):
        latin1 = [len(_LATIN1_MOJIBAKE.findall(ln)) >= 2 for ln in lines]
    gbk = _gbk_mojibake_lines(lines)
    bad_lines = sum(1 for k, g in enumerate(gbk) if g or (latin1 is not None and latin1[k]))
    if bad_lines:
        notes.append(f"{bad_lines} line(s) look like UTF-8 bytes decoded as Latin-1 or GBK (e.g. 'æ', 'é”', '鍏')")
    kun = text.count("锟斤拷")
    if kun:
        notes.append(f"'锟斤拷' appears {kun} time(s): characters were lost in an earlier conversion")
    repl = text.count("\ufffd")
    if repl:
        notes.append(f"{repl} U+FFFD replacement character(s): characters were lost in an earlier conversion")
    share = bad_lines / len(lines)
    lost = (kun * 3 + repl) / max(len(text), 1)
    return max(share, lost * 20), notes


def check_mojibake(text: str, what: str = "text") -> list[str]:
    """Raise `mojibake_text` when garbling dominates; otherwise return warnings for some."""
    share, notes = mojibake(text)
    if share >= 0.3:
        raise ReadError(
            "mojibake_text",
            f"the {what} is garbled ({'; '.join(notes)}); it was converted with the wrong "
            "encoding before it reached us: fetch the original file",
        )
    return [f"mojibake: {n}" for n in notes]
