"""Data Docs that open without internet.

GX renders its Data Docs with Bootstrap, bootstrap-table, jQuery, Font Awesome and Vega from
CDNs, and none of those files ship in the GX wheel. Offline, a browser would try to fetch about
fifteen URLs and GX's index page (a table filled by bootstrap-table from JavaScript) would stay
empty. So after GX builds the site this module:

* removes every `<link>`/`<script>` that points at the internet, and the inline scripts that only
  drive those libraries,
* points the logo at the copy GX does ship (`static/images/logo-long.png`),
* turns remote `<a href>` into plain text,
* adds a small local stylesheet (`static/styles/gate-offline.css`),
* replaces GX's JavaScript index with a static list of the validation and suite pages,
* checks that no file asks for an http(s) resource any more (`remote_references`).

Validation and suite pages are server-rendered HTML, so they stay complete. Next to the GX site,
`write_report` renders the gate's own plain report from `meta.validation_*`, the record that is
authoritative for quarantine.
"""

from __future__ import annotations

import datetime as dt
import glob
import html
import os
import re
from pathlib import Path
from typing import Any

import duckdb

OFFLINE_CSS = """
body { font-family: system-ui, sans-serif; margin: 0 2rem 2rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0; }
td, th { border: 1px solid #ccc; padding: .2rem .5rem; vertical-align: top; text-align: left; }
.invisible, #ge-cta-footer, .cooltip .top { display: none !important; }
.text-danger { color: #b00020; } .text-success { color: #1b7f3b; }
.nav, .navbar { list-style: none; padding: 0; }
img { max-height: 40px; }
code, pre { white-space: pre-wrap; word-break: break-all; }
.show-scrollbars { max-height: 20rem; overflow: auto; }
"""

_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?https?://[^>]*>", re.I)
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?https?://[^>]*>\s*</script>", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>.*?</script>", re.I | re.S)
_REMOTE_IMG = re.compile(r"(<img\b[^>]*\bsrc\s*=\s*[\"'])https?://[^\"']*([\"'])", re.I)
_REMOTE_URL = re.compile(r"url\(\s*([\"']?)https?://[^)\"']*\1\s*\)", re.I)
_REMOTE_A = re.compile(r"(<a\b[^>]*?)\s+href\s*=\s*([\"'])https?://[^\"']*\2", re.I)
#: What a browser would fetch by itself: src/href of resources, CSS url() and @import.
_FETCHABLE = re.compile(
    r"<(?:link|script|img|iframe|source|embed|object|video|audio)\b[^>]*\b(?:src|href|data)\s*=\s*[\"']?https?://"
    r"|url\(\s*[\"']?https?://|@import\s+[\"']?(?:url\()?\s*[\"']?https?://",
    re.I,
)


def _rel(target: Path, page: Path) -> str:
    return Path(os.path.relpath(target, page.parent)).as_posix()


def sanitize_site(site: Path) -> None:
    """Rewrite every HTML page of a GX site so that it fetches nothing from the internet."""
    css = site / "static" / "styles" / "gate-offline.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(OFFLINE_CSS, encoding="utf-8")
    logo = site / "static" / "images" / "logo-long.png"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        text = _REMOTE_LINK.sub("", text)
        text = _REMOTE_SCRIPT.sub("", text)
        text = _INLINE_SCRIPT.sub("", text)
        local_logo = _rel(logo, page)
        text = _REMOTE_IMG.sub(lambda m, lg=local_logo: m.group(1) + lg + m.group(2), text)
        text = _REMOTE_URL.sub(f"url('{local_logo}')", text)
        text = _REMOTE_A.sub(r"\1", text)
        text = text.replace("</head>", f'<link rel="stylesheet" href="{_rel(css, page)}">\n</head>', 1)
        page.write_text(text, encoding="utf-8")
    for sheet in site.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        sheet.write_text(_REMOTE_URL.sub(f"url('{_rel(logo, sheet)}')", text), encoding="utf-8")
    _static_index(site)


def _static_index(site: Path) -> None:
    """GX's index is filled by bootstrap-table from JavaScript; offline it would be empty."""
    items = []
    for page in sorted(site.glob("validations/**/*.html"), reverse=True):
        parts = page.relative_to(site / "validations").parts
        items.append(f'<li><a href="{html.escape(page.relative_to(site).as_posix())}">'
                     f'{html.escape(" / ".join(parts))}</a></li>')
    suites = [f'<li><a href="{html.escape(p.relative_to(site).as_posix())}">{html.escape(p.stem)}</a></li>'
              for p in sorted(site.glob("expectations/**/*.html"))]
    (site / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>GX Data Docs (offline)</title>"
        '<link rel="stylesheet" href="static/styles/gate-offline.css"></head><body>'
        "<h1>Great Expectations Data Docs</h1><p><a href=\"../index.html\">Gate report</a></p>"
        "<h2>Expectation suites</h2><ul>" + "".join(suites) + "</ul>"
        "<h2>Validation results</h2><ul>" + "".join(items) + "</ul></body></html>",
        encoding="utf-8",
    )


def remote_references(folder: Path) -> list[str]:
    """`file: snippet` for every http(s) resource a browser would fetch from pages in `folder`."""
    found = []
    for page in list(folder.rglob("*.html")) + list(folder.rglob("*.css")):
        text = page.read_text(encoding="utf-8", errors="replace")
        found += [f"{page}: {text[m.start():m.start() + 120]}" for m in _FETCHABLE.finditer(text)]
    return found


def build_data_docs(ctx: Any, site: Path) -> None:
    """Let GX render its site for the context's validations into `site`, then make it offline-clean."""
    site.mkdir(parents=True, exist_ok=True)
    ctx.build_data_docs(site_names=["gate"])
    sanitize_site(site)
    leftovers = remote_references(site)
    if leftovers:
        raise RuntimeError(f"Data Docs still reference the internet: {leftovers[:3]}")


# ---------------------------------------------------------------------------------------------
# The gate's own report
# ---------------------------------------------------------------------------------------------


def _safe(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", run_id)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{OFFLINE_CSS}"
        ".critical{color:#b00020}.warning{color:#a15c00}.info{color:#555}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path, run_id: str, max_rows: int = 5000) -> Path:
    """Write `report-<run_id>.html` (this run) and `index.html` (all runs) from `meta.validation_*`.

    Plain HTML with inline CSS and no script: it opens anywhere, offline, and lists every failing
    document (up to `max_rows`), which GX's pages cap.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    e = html.escape
    suites = con.execute(
        "SELECT stage, suite, success, evaluated, failed_critical, failed_warning, started_at, finished_at "
        "FROM meta.validation_runs WHERE run_id = ? ORDER BY stage DESC, suite", [run_id]
    ).fetchall()
    suite_rows = []
    for stage, suite, ok, n, fc, fw, started, finished in suites:
        pages = sorted((out_dir / "gx" / "validations" / suite).glob(f"{glob.escape(run_id)}/*/*.html")) or sorted(
            (out_dir / "gx" / "validations" / suite).glob("*/*/*.html")
        )
        link = f'<a href="{e(pages[-1].relative_to(out_dir).as_posix())}">GX page</a>' if pages else ""
        suite_rows.append([e(stage), e(suite), "passed" if ok else "<b>failed</b>", str(n), str(fc), str(fw),
                           e(str(started)), e(str(finished)), link])
    summary = con.execute(
        "SELECT r.suite, v.expectation, v.severity, v.success, v.detail FROM meta.validation_results v "
        "JOIN meta.validation_runs r USING (validation_id) WHERE v.run_id = ? AND v.document_id IS NULL "
        "ORDER BY r.stage DESC, r.suite, v.expectation", [run_id]
    ).fetchall()
    failures = con.execute(
        "SELECT document_id, severity, expectation, detail FROM meta.validation_results "
        "WHERE run_id = ? AND document_id IS NOT NULL AND NOT success "
        "ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, document_id, expectation "
        "LIMIT ?", [run_id, max_rows]
    ).fetchall()
    n_fail = con.execute(
        "SELECT count(*) FROM meta.validation_results WHERE run_id = ? AND document_id IS NOT NULL AND NOT success",
        [run_id],
    ).fetchone()[0]
    body = (
        f"<p>Generated {e(dt.datetime.now(dt.UTC).isoformat(timespec='seconds'))}. "
        '<a href="index.html">All runs</a> · <a href="gx/index.html">GX Data Docs</a></p>'
        "<h2>Suites</h2>"
        + _table(["stage", "suite", "result", "documents", "critical docs", "warning docs", "started", "finished",
                  ""], suite_rows)
        + "<h2>Expectations</h2>"
        + _table(["suite", "expectation", "severity", "result", "detail"],
                 [[e(s), e(x), f'<span class="{e(sev)}">{e(sev)}</span>', "passed" if ok else "<b>failed</b>",
                   e(d or "")] for s, x, sev, ok, d in summary])
        + f"<h2>Failing documents ({n_fail} rows{', first ' + str(max_rows) if n_fail > max_rows else ''})</h2>"
        + _table(["document_id", "severity", "expectation", "detail"],
                 [[e(d), f'<span class="{e(sev)}">{e(sev)}</span>', e(x), e(t or "")]
                  for d, sev, x, t in failures])
    )
    report = out_dir / f"report-{_safe(run_id)}.html"
    report.write_text(_page(f"Quality gate — run {run_id}", body), encoding="utf-8")

    runs = con.execute(
        "SELECT run_id, max(finished_at), bool_and(success), sum(failed_critical), sum(failed_warning) "
        "FROM meta.validation_runs GROUP BY run_id ORDER BY max(finished_at) DESC NULLS LAST LIMIT 200"
    ).fetchall()
    index_rows = []
    for rid, finished, ok, fc, fw in runs:
        name = f"report-{_safe(rid)}.html"
        cell = f'<a href="{e(name)}">{e(rid)}</a>' if (out_dir / name).exists() else e(rid)
        index_rows.append([cell, e(str(finished)), "passed" if ok else "<b>failed</b>", str(fc), str(fw)])
    (out_dir / "index.html").write_text(
        _page("Quality gate reports",
              '<p><a href="gx/index.html">GX Data Docs</a></p>'
              + _table(["run", "finished", "all suites passed", "critical docs", "warning docs"], index_rows)),
        encoding="utf-8",
    )
    return report
