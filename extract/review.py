"""An offline HTML page to check an extraction by eye.

The normalised text with every extracted value highlighted; a side table of fields → values
whose rows jump to the highlight; conflicts in red with every printed value linked. No external
resources: one self-contained file that works offline.
"""

from __future__ import annotations

import html
import json
from pathlib import Path


def _read(path: str) -> tuple[str | None, dict]:
    """The normalised text (as the extractor saw it) and the extraction of one file."""
    from . import _fallback_read, extract_bytes

    data = Path(path).read_bytes()
    out = extract_bytes(data, path)
    if out["status"] != "ok":
        return None, out
    try:
        from .reading import read_bytes
    except ImportError:
        return _fallback_read(data)[0], out
    return read_bytes(data, path).text, out


_CSS = """
body{font-family:sans-serif;margin:0;display:flex;height:100vh}
#text{flex:3;overflow:auto;padding:1em;white-space:pre-wrap;line-height:1.6;border-right:1px solid #ccc}
#side{flex:2;overflow:auto;padding:1em;font-size:13px}
mark{background:#fff3a0;border-bottom:2px solid #e0b000;cursor:pointer}
mark.li{background:#d8f0ff;border-color:#3a8fd0} mark.ind{background:#e6ffe0;border-color:#4a4}
mark.conf{background:#ffd0d0;border-color:#d00} mark.doc{background:#eadcff;border-color:#85c}
mark:target{outline:3px solid #f60}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #ddd;padding:2px 4px;vertical-align:top}
tr.conf td{background:#ffe8e8} a{text-decoration:none}
h2{font-size:15px;margin:1em 0 .3em}
"""


def review_html(path: str) -> str:
    text, out = _read(path)
    title = html.escape(f"review: {path}")
    if text is None or out.get("status") != "ok":
        return (f"<!doctype html><meta charset=utf-8><title>{title}</title><body><h1>{title}</h1>"
                f"<p>status: {html.escape(str(out.get('status')))}</p><p>reason: {html.escape(str(out.get('reason')))}"
                "</p></body>")
    marks: list[tuple[int, int, str, str, str]] = []  # start, end, css, label, id
    side_rows: list[str] = []
    conflict_fields = {c["field"] for c in out["conflicts"]}
    n = 0

    def add(span, css, label) -> str:
        nonlocal n
        n += 1
        mid = f"v{n}"
        marks.append((span[0], span[1], css, label, mid))
        return mid

    for k, sp in out.get("document_spans", {}).items():
        mid = add(sp, "doc", k)
        val = html.escape(str(out["document"].get(k)))
        side_rows.append(f"<tr><td>{k}</td><td><a href='#{mid}'>{val}</a></td></tr>")
    for k in ("province", "city", "county", "division_code", "report_type"):
        side_rows.append(f"<tr><td>{k}</td><td>{html.escape(str(out['document'].get(k)))}</td></tr>")
    fact_rows = []
    for f in out["facts"]:
        css = "conf" if f["field"] in conflict_fields else ""
        mid = add(f["span"], css, f["field"])
        v = f["value_text"] if f["value_text"] is not None else f["value"]
        printed = html.escape(f"{f['as_reported']} {f['unit_as_reported'] or ''}")
        fact_rows.append(f"<tr class='{css}'><td>{f['field']}</td><td><a href='#{mid}'>{html.escape(str(v))}</a></td>"
                         f"<td>{printed}</td></tr>")
    conf_rows = []
    for c in out["conflicts"]:
        links = []
        for v, sp in zip(c["values"], c["spans"], strict=False):
            mid = add(sp, "conf", c["field"])
            links.append(f"<a href='#{mid}'>{html.escape(str(v))}</a>")
        conf_rows.append(f"<tr class='conf'><td>{html.escape(c['field'])}</td><td>{' · '.join(links)}</td></tr>")
    li_rows = []
    for li in out["line_items"]:
        mid = add(li["span"], "li", "line item")
        names = html.escape(" / ".join(str(x) for x in (li["class"], li["section"], li["item"])))
        li_rows.append(f"<tr><td><a href='#{mid}'>{names}</a></td><td>{li['code'] or ''}</td><td>{li['amount']}</td>"
                       f"<td>{li['completion_rate']}</td></tr>")
    ind_rows = []
    for it in out["indicators"]:
        mid = add(it["span"], "ind", "indicator")
        ind_rows.append(f"<tr><td><a href='#{mid}'>{html.escape(str(it['level3']))}</a></td>"
                        f"<td>{html.escape(str(it['target_text']))} → {it['target_value']}</td>"
                        f"<td>{html.escape(str(it['actual_text']))} → {it['actual_value']}</td></tr>")
    pr_rows = []
    for p in out["projects"]:
        mid = add(p["span"], "li", "project")
        pr_rows.append(f"<tr><td><a href='#{mid}'>{html.escape(p['project_name'])}</a></td><td>"
                       + html.escape(json.dumps({k: p[k] for k in ("budget_amount", "executed_amount", "execution_rate",
                                                                    "score", "grade")}, ensure_ascii=False))
                       + "</td></tr>")
    for key in ("problems", "remedies"):
        for r in out[key]:
            add(r["span"], "ind", key)

    # non-overlapping highlights, in text order (facts first win an overlap: they were added first)
    chosen: list[tuple[int, int, str, str, str]] = []
    taken: list[tuple[int, int]] = []
    for m in marks:
        if m[1] <= m[0] or any(m[0] < e and s < m[1] for s, e in taken):
            continue
        taken.append((m[0], m[1]))
        chosen.append(m)
    chosen.sort()
    parts = []
    pos = 0
    for s, e, css, label, mid in chosen:
        parts.append(html.escape(text[pos:s]))
        parts.append(f"<mark id='{mid}' class='{css}' title='{html.escape(label)}'>{html.escape(text[s:e])}</mark>")
        pos = e
    parts.append(html.escape(text[pos:]))

    def table(head: str, rows: list[str]) -> str:
        return f"<h2>{head} ({len(rows)})</h2><table>{''.join(rows)}</table>" if rows else f"<h2>{head} (0)</h2>"

    warn = "".join(f"<li>{html.escape(w['code'])}: {html.escape(w['message'])}</li>" for w in out["warnings"])
    side = (table("document", side_rows) + table("conflicts", conf_rows) + table("facts", fact_rows)
            + table("line items", li_rows) + table("indicators", ind_rows) + table("projects", pr_rows)
            + f"<h2>problems {len(out['problems'])} · remedies {len(out['remedies'])}</h2>"
            + f"<h2>warnings ({len(out['warnings'])})</h2><ul>{warn}</ul>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{_CSS}</style></head>"
            f"<body><div id='text'>{''.join(parts)}</div><div id='side'><h1 style='font-size:16px'>{title}</h1>"
            f"{side}</div></body></html>")
