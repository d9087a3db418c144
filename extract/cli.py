"""Command line: `python -m extract --json FILE...` and `python -m extract --review FILE [-o out.html]`.

--json prints one §2 object per input file, one per line, in input order, and exits 0 even when
files are rejected (the objects say why); it exits non-zero only when it cannot run at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extract", description="Extract fields from department reports.")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--json", nargs="+", metavar="FILE", help="one JSON object per file, per line")
    mode.add_argument("--review", metavar="FILE", help="an offline HTML page to check the extraction by eye")
    ap.add_argument("-o", "--output", metavar="OUT", help="where --review writes (default: FILE.review.html)")
    a = ap.parse_args(argv)

    from . import extract_file

    if a.json:
        out = sys.stdout
        for f in a.json:
            obj = extract_file(f)
            out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
            out.flush()
        return 0

    from .review import review_html

    html = review_html(a.review)
    target = Path(a.output) if a.output else Path(a.review).with_suffix(".review.html")
    target.write_text(html, encoding="utf-8")
    print(str(target))
    return 0
