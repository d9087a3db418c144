"""Block writer: formats values the way a report prints them and records what was printed.

Templates call ``w.money("expenditure_total", cents)`` inside the sentence they build; the
value is formatted in the report's unit style and remembered as a Mention of the block that
the sentence ends up in. Only templates that are actually chosen record anything.
"""

from __future__ import annotations

import random
from typing import Any

from synth.model import Block, Mention
from synth.textutil import cn_number, fmt_amount, fmt_pct, pct_value, yuan


class Writer:
    """Accumulates blocks and the mentions of the block being written."""

    def __init__(self, rng: random.Random, style: dict[str, Any], dept_name: str) -> None:
        self.rng = rng
        self.style = style
        self.dept_name = dept_name
        self.blocks: list[Block] = []
        self._pending: list[Mention] = []
        self._extra: dict[str, list[Any]] = {}

    # ---- value formatting -------------------------------------------------------------
    def amount_text(self, cents: int, unit: str | None = None) -> str:
        """Number only, in the given or default unit, following the report's style."""
        unit = unit or self.style["unit"]
        if unit == "元":
            return fmt_amount(cents, "元", strip=False, thousands=self.style["thousands"])
        if unit == "亿元":
            return fmt_amount(cents, "亿元", decimals=2, strip=True)
        return fmt_amount(cents, unit, strip=self.style["strip"])

    def _sp(self) -> str:
        return " " if self.style["spaced"] else ""

    def money(self, fld: str | None, cents: int, unit: str | None = None) -> str:
        """'3137.51万元' and, when fld is given, a recorded mention of that field."""
        unit = unit or self.style["unit"]
        num = self.amount_text(cents, unit)
        if fld:
            self._pending.append(Mention(fld, yuan(cents), num, unit))
        sp = self._sp()
        return f"{sp}{num}{sp}{unit}"

    def cell(self, fld: str | None, cents: int, unit: str) -> str:
        """A table cell holding an amount in the table's unit."""
        num = self.amount_text(cents, unit)
        if fld:
            self._pending.append(Mention(fld, yuan(cents), num, unit))
        return num

    def count(self, fld: str | None, n: int, unit: str) -> str:
        """'19人' (or '十九人' in reports that spell counts out) with a recorded integer mention."""
        shown = str(n)
        if self.style.get("cn_counts") and 0 < n < 100 and self.rng.random() < 0.5:
            shown = cn_number(n)
        if fld:
            self._pending.append(Mention(fld, int(n), shown, unit))
        sp = "" if not shown.isdigit() else self._sp()
        return f"{sp}{shown}{sp}{unit}"

    def pct(self, fld: str | None, ratio: float, decimals: int | None = None) -> str:
        """'72.65%'; a recorded ratio mention when fld is given."""
        d = self.style["pct_decimals"] if decimals is None else decimals
        t = fmt_pct(ratio, d)
        if fld:
            self._pending.append(Mention(fld, pct_value(t), t, "%"))
        return f"{self._sp()}{t}%"

    def score(self, score: float) -> str:
        """'93分' with a recorded performance_score mention."""
        t = f"{score:g}"
        self._pending.append(Mention("performance_score", float(score) if "." in t else int(score), t, "分"))
        return f"{self._sp()}{t}{self._sp()}分"

    def grade(self, grade: str, printed: str) -> str:
        """A grade as printed (优/良好/…), recorded as a text fact."""
        self._pending.append(Mention("performance_grade", None, printed, None, value_text=grade))
        return printed

    def zero_words(self, fld: str, phrase: str) -> str:
        """A zero stated in words (无…支出): the value is 0 and the phrase is what was printed."""
        self._pending.append(Mention(fld, 0.0, phrase, None))
        return phrase

    def add(self, key: str, item: Any) -> None:
        """Attach a structured row (line_items/indicators/projects/problems/remedies)."""
        self._extra.setdefault(key, []).append(item)

    # ---- blocks -----------------------------------------------------------------------
    def _flush(self, b: Block) -> Block:
        b.mentions = self._pending
        self._pending = []
        for k, v in self._extra.items():
            getattr(b, k).extend(v)
        self._extra = {}
        if self.dept_name and self.dept_name in b.all_text():
            b.doc_fields["department_name"] = self.dept_name
        self.blocks.append(b)
        return b

    def heading(self, text: str, level: int = 1, role: str = "") -> Block:
        return self._flush(Block("heading", text=text, level=level, role=role))

    def para(self, text: str, role: str = "") -> Block:
        return self._flush(Block("para", text=text, role=role))

    def table(self, rows: list[list[str]], title: str = "") -> Block:
        b = Block("table", rows=rows, text=title)
        return self._flush(b)

    def discard(self) -> None:
        """Forget mentions of a sentence that was built but not printed."""
        self._pending = []
        self._extra = {}
