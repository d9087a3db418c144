"""The SQL that turns `incoming.*` (or the marts) into the tables the suites validate.

Why frames: GX's SQL route through duckdb-engine fails in 1.24 (architecture.md), so GX runs on
pandas. Everything that needs a join, a pivot or arithmetic (sums of parts, raw look-ups, grade
bands) is done here in DuckDB, once, set-wise, and GX sees flat columns it can check with its
stock expectations. Thresholds stay in the suite files: this module reads them from
`Suite.parameters` and never hard-codes one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd

from pipeline.gate.suites import Suite, grade_bands

Con = duckdb.DuckDBPyConnection


def _lit(value: Any) -> str:
    """A SQL literal for a number or string taken from a suite file (never from data)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _num_text(expr: str) -> str:
    """SQL rendering a DOUBLE as a person writes it: 93 not 93.0 (used in details)."""
    return (f"CASE WHEN ({expr}) = round({expr}) AND abs({expr}) < 1e15 THEN CAST(CAST({expr} AS BIGINT) AS VARCHAR) "
            f"ELSE CAST({expr} AS VARCHAR) END")


def _list(values: list[Any]) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


# ---------------------------------------------------------------------------------------------
# incoming_documents
# ---------------------------------------------------------------------------------------------

DOCUMENTS_SQL = """
WITH d AS (
    SELECT * FROM incoming.documents WHERE _run_id = $run_id
),
raw_prev AS (   -- same content promoted by an earlier run; this run's own rows are a retry
    SELECT document_id, string_agg(DISTINCT _run_id, ', ' ORDER BY _run_id) AS runs
    FROM raw.documents
    WHERE _run_id <> $run_id AND document_id IN (SELECT document_id FROM d)
    GROUP BY document_id
),
batch_keys AS (
    SELECT document_key, list(DISTINCT document_id ORDER BY document_id) AS ids
    FROM d WHERE document_key IS NOT NULL
    GROUP BY document_key HAVING count(DISTINCT document_id) > 1
),
raw_keys AS (
    SELECT document_key, list(DISTINCT document_id ORDER BY document_id) AS ids
    FROM raw.documents WHERE document_key IN (SELECT document_key FROM d)
    GROUP BY document_key
),
n_facts AS (
    SELECT document_id, count(*) AS n FROM incoming.facts WHERE _run_id = $run_id GROUP BY document_id
)
SELECT
    d.document_id,
    nullif(trim(d.department_name), '') AS department_name,
    d.fiscal_year,
    d.report_type,
    d.document_key,
    CASE WHEN rp.runs IS NOT NULL
         THEN 'document_id ' || d.document_id || ' already in raw.documents from run ' || rp.runs END
        AS already_in_raw_from_run,
    CASE WHEN bk.ids IS NOT NULL
         THEN 'document_key ' || d.document_key || ' also in this batch as document_id '
              || array_to_string(list_filter(bk.ids, x -> x <> d.document_id), ', ') END
        AS same_key_in_batch,
    CASE WHEN len(list_filter(rk.ids, x -> x <> d.document_id)) > 0
         THEN 'document_key ' || d.document_key || ' already in raw as document_id '
              || array_to_string(list_filter(rk.ids, x -> x <> d.document_id), ', ')
              || ' (this document supersedes it)' END
        AS supersedes_in_raw,
    coalesce(nf.n, 0) AS n_facts_loaded
FROM d
LEFT JOIN raw_prev rp ON rp.document_id = d.document_id
LEFT JOIN batch_keys bk ON bk.document_key = d.document_key
LEFT JOIN raw_keys rk ON rk.document_key = d.document_key
LEFT JOIN n_facts nf ON nf.document_id = d.document_id
ORDER BY d.document_id
"""


def documents_frame(con: Con, suite: Suite, run_id: str) -> pd.DataFrame:
    """One row per incoming.documents row of the run, with the raw/batch look-ups precomputed."""
    return con.execute(DOCUMENTS_SQL, {"run_id": run_id}).df()


# ---------------------------------------------------------------------------------------------
# incoming_facts: one row per reported value
# ---------------------------------------------------------------------------------------------

VALUES_SQL = """
WITH bands(grade, lo, hi) AS (VALUES {bands}),
top AS (SELECT max(hi) AS hi FROM bands),
f AS (SELECT * FROM incoming.facts WHERE _run_id = $run_id),
li AS (SELECT * FROM incoming.line_items WHERE _run_id = $run_id),
pj AS (SELECT * FROM incoming.projects WHERE _run_id = $run_id),
money_rows AS (
    SELECT document_id, 'facts.' || field AS money_label, CAST(value_numeric AS DOUBLE) AS money_yuan
    FROM f
    WHERE value_numeric IS NOT NULL
      AND (field IN (SELECT unnest({money_fields})) OR unit_as_reported IN (SELECT unnest({money_units})))
    UNION ALL
    SELECT document_id, 'line_items[' || line_no || '].amount', CAST(amount AS DOUBLE)
    FROM li WHERE amount IS NOT NULL
    UNION ALL
    SELECT document_id, 'line_items[' || line_no || '].budget_amount', CAST(budget_amount AS DOUBLE)
    FROM li WHERE budget_amount IS NOT NULL
    UNION ALL
    SELECT document_id, 'projects[' || line_no || '].budget_amount', CAST(budget_amount AS DOUBLE)
    FROM pj WHERE budget_amount IS NOT NULL
    UNION ALL
    SELECT document_id, 'projects[' || line_no || '].executed_amount', CAST(executed_amount AS DOUBLE)
    FROM pj WHERE executed_amount IS NOT NULL
),
dept_score AS (
    SELECT document_id, CAST(value_numeric AS DOUBLE) AS score FROM f WHERE field = 'performance_score'
),
dept_grade AS (
    SELECT document_id, nullif(trim(value_text), '') AS grade FROM f WHERE field = 'performance_grade'
),
scores AS (
    SELECT coalesce(s.document_id, g.document_id) AS document_id,
           'facts.performance_score' AS score_label, 'facts.performance_grade' AS grade_label,
           s.score, g.grade
    FROM dept_score s FULL OUTER JOIN dept_grade g ON g.document_id = s.document_id
    UNION ALL
    SELECT document_id, 'projects[' || line_no || '].score', 'projects[' || line_no || '].grade',
           CAST(score AS DOUBLE), nullif(trim(grade), '')
    FROM pj WHERE score IS NOT NULL OR nullif(trim(grade), '') IS NOT NULL
),
scored AS (
    SELECT s.document_id, s.score_label, s.grade_label, s.score, s.grade, b.grade AS band_grade
    FROM scores s
    CROSS JOIN top
    LEFT JOIN bands b
      ON s.score >= b.lo AND (s.score < b.hi OR (b.hi = top.hi AND s.score = b.hi))
)
SELECT document_id, money_label, money_yuan,
       NULL::VARCHAR AS score_label, NULL::DOUBLE AS score,
       NULL::VARCHAR AS grade_label, NULL::VARCHAR AS grade, NULL::VARCHAR AS band_grade,
       NULL::VARCHAR AS grade_detail
FROM money_rows
UNION ALL
SELECT document_id, NULL, NULL, score_label, score, grade_label, grade, band_grade,
       grade_label || '=' || coalesce(grade, 'NULL') || ' but ' || score_label || '='
           || coalesce({score_text}, 'NULL') || ' falls in band ' || coalesce(band_grade, 'NULL')
FROM scored
ORDER BY document_id
"""


def values_frame(con: Con, suite: Suite, run_id: str) -> pd.DataFrame:
    """Money values of facts, line items and projects; scores with their grades and score band."""
    p = suite.parameters
    bands = ", ".join(f"({_lit(g)}, {lo!r}, {hi!r})" for g, lo, hi in grade_bands(suite))
    sql = VALUES_SQL.format(
        bands=bands, score_text=_num_text("score"),
        money_fields=_list(p["money_fields"]), money_units=_list(p["money_units"]),
    )
    return con.execute(sql, {"run_id": run_id}).df()


# ---------------------------------------------------------------------------------------------
# incoming_consistency: one row per document
# ---------------------------------------------------------------------------------------------

#: The scalar facts the arithmetic rules read.
ARITH_FIELDS = (
    "expenditure_total", "expenditure_basic", "expenditure_project",
    "three_public_total", "three_public_overseas", "three_public_vehicles",
    "three_public_vehicle_purchase", "three_public_vehicle_operation", "three_public_reception",
    "general_budget_expenditure", "revenue_total", "revenue_current_year", "carryover_opening",
)


def _rule(name: str, total: str, parts: list[tuple[str, str, str]], rel: float) -> str:
    """SQL columns `<name>_diff`, `<name>_tol`, `<name>_detail` for `total = sum(parts)`.

    `parts` are (label, value expression, step expression). All three columns are NULL unless the
    total and every part are printed: a missing term is "not stated", not zero (fields.md §6).
    """
    present = " AND ".join([f"{total} IS NOT NULL"] + [f"({v}) IS NOT NULL" for _, v, _ in parts])
    total_parts = " + ".join(f"({v})" for _, v, _ in parts)
    steps = " + ".join([f"{total}_step"] + [f"({s})" for _, _, s in parts])
    tol = f"greatest({steps}, {rel!r} * abs({total}))"
    fmt = " + ".join(f"{label} %.2f" for label, _, _ in parts)
    args = ", ".join(f"({v})" for _, v, _ in parts)
    detail = (
        f"printf('{fmt} = %.2f but {total} = %.2f: differs by %.2f yuan, tolerance %.2f', "
        f"{args}, {total_parts}, {total}, abs({total} - ({total_parts})), {tol})"
    )
    return (
        f"CASE WHEN {present} THEN abs({total} - ({total_parts})) END AS {name}_diff,\n"
        f"    CASE WHEN {present} THEN {tol} END AS {name}_tol,\n"
        f"    CASE WHEN {present} THEN {detail} END AS {name}_detail"
    )


CONSISTENCY_SQL = """
WITH docs AS (
    SELECT DISTINCT document_id, department_name, fiscal_year, report_type, n_conflicts
    FROM incoming.documents WHERE _run_id = $run_id
),
mult(unit, m) AS (VALUES {multipliers}),
f AS (   -- value and printed step (one unit of the last printed digit, in yuan) of each fact
    SELECT f.document_id, f.field, CAST(f.value_numeric AS DOUBLE) AS v,
           CASE WHEN m.m IS NOT NULL
                 AND regexp_matches(coalesce(f.as_reported, ''), '^[^0-9]*[0-9][0-9,]*(\\.[0-9]+)?[^0-9]*$')
                THEN m.m * pow(10, -length(regexp_extract(replace(f.as_reported, ',', ''), '\\.([0-9]+)', 1)))
                ELSE {default_step} END AS step
    FROM incoming.facts f LEFT JOIN mult m ON m.unit = f.unit_as_reported
    WHERE f._run_id = $run_id AND f.value_numeric IS NOT NULL
      AND f.field IN (SELECT unnest({arith_fields}))
),
p AS (
    SELECT document_id,
    {pivot}
    FROM f GROUP BY document_id
),
li AS (  -- function line items with their level: 类 1, 款 2, 项 3 (from the code, else the names)
    SELECT document_id, line_no, CAST(amount AS DOUBLE) AS amount, code, class_name, section_name,
           CASE WHEN regexp_matches(coalesce(code, ''), '^[0-9]{{7}}$') THEN 3
                WHEN regexp_matches(coalesce(code, ''), '^[0-9]{{5}}$') THEN 2
                WHEN regexp_matches(coalesce(code, ''), '^[0-9]{{3}}$') THEN 1
                WHEN item_name IS NOT NULL THEN 3
                WHEN section_name IS NOT NULL THEN 2
                ELSE 1 END AS lvl
    FROM incoming.line_items WHERE _run_id = $run_id AND amount IS NOT NULL
),
parents AS (  -- a line with a deeper line under it is a subtotal, not a leaf
    SELECT DISTINCT l.document_id, l.line_no
    FROM li l JOIN li c ON c.document_id = l.document_id AND c.lvl > l.lvl
    WHERE (l.code IS NOT NULL AND c.code IS NOT NULL AND starts_with(c.code, l.code))
       OR (l.class_name IS NOT NULL AND c.class_name = l.class_name
           AND (l.lvl = 1 OR c.section_name IS NOT DISTINCT FROM l.section_name))
),
items AS (
    SELECT li.document_id, sum(amount) AS items_sum, count(*) AS items_n
    FROM li ANTI JOIN parents ON parents.document_id = li.document_id AND parents.line_no = li.line_no
    GROUP BY li.document_id
),
conf AS (
    SELECT document_id, string_agg(field || '=' || vals, '; ' ORDER BY field) AS conflicts
    FROM (
        SELECT document_id, field,
               string_agg(coalesce({conflict_text}, value_text, 'NULL'), ' vs '
                          ORDER BY value_index) AS vals
        FROM incoming.conflicts WHERE _run_id = $run_id
        GROUP BY document_id, field HAVING count(*) > 1
    ) GROUP BY document_id
),
cur AS (
    SELECT d.document_id, regexp_replace(d.department_name, '\\s+', '', 'g') AS dept, d.report_type,
           d.fiscal_year, f.field, CAST(f.value_numeric AS DOUBLE) AS v
    FROM docs d JOIN incoming.facts f ON f.document_id = d.document_id AND f._run_id = $run_id
    WHERE f.field IN (SELECT unnest({yoy_fields})) AND f.value_numeric > 0
),
prev_docs AS (  -- the latest loaded report of the same department, type and previous year
    SELECT r.document_id, regexp_replace(r.department_name, '\\s+', '', 'g') AS dept, r.report_type, r.fiscal_year
    FROM raw.documents r
    SEMI JOIN cur ON regexp_replace(r.department_name, '\\s+', '', 'g') = cur.dept
        AND r.report_type = cur.report_type AND r.fiscal_year = cur.fiscal_year - 1
    QUALIFY row_number() OVER (PARTITION BY dept, r.report_type, r.fiscal_year
                               ORDER BY r._loaded_at DESC, r.document_id DESC) = 1
),
prev AS (
    SELECT pd.*, f.field, CAST(f.value_numeric AS DOUBLE) AS v
    FROM prev_docs pd JOIN raw.facts f ON f.document_id = pd.document_id
    WHERE f.field IN (SELECT unnest({yoy_fields})) AND f.value_numeric > 0
),
ratios AS (
    SELECT c.document_id, greatest(c.v, p.v) / least(c.v, p.v) AS r,
           printf('%s = %.2f in %d but %.2f in %d (raw document %s): factor %.1f',
                  c.field, c.v, c.fiscal_year, p.v, p.fiscal_year, p.document_id,
                  greatest(c.v, p.v) / least(c.v, p.v)) AS detail
    FROM cur c JOIN prev p ON p.dept = c.dept AND p.report_type = c.report_type
        AND p.fiscal_year = c.fiscal_year - 1 AND p.field = c.field
),
yoy AS (
    SELECT document_id, max(r) AS yoy_jump_ratio, arg_max(detail, r) AS yoy_detail
    FROM ratios GROUP BY document_id
),
w AS (
    SELECT docs.document_id, p.*, items.items_sum, items.items_n, conf.conflicts AS conflict_values,
           docs.n_conflicts, yoy.yoy_jump_ratio, yoy.yoy_detail
    FROM docs
    LEFT JOIN p ON p.document_id = docs.document_id
    LEFT JOIN items ON items.document_id = docs.document_id
    LEFT JOIN conf ON conf.document_id = docs.document_id
    LEFT JOIN yoy ON yoy.document_id = docs.document_id
)
SELECT document_id,
    {rules},
    coalesce(conflict_values, CASE WHEN n_conflicts > 0
        THEN n_conflicts || ' conflict(s) reported by the extractor (values not in incoming.conflicts)' END)
        AS conflicts,
    yoy_jump_ratio, yoy_detail
FROM w
ORDER BY document_id
"""


def consistency_frame(con: Con, suite: Suite, run_id: str) -> pd.DataFrame:
    """Per document: the arithmetic rules' difference and tolerance, conflicts, year-over-year."""
    p = suite.parameters
    default_step = float(p["default_term_tolerance_yuan"])
    rel = float(p["relative_tolerance"])
    pivot = ",\n    ".join(
        f"max(v) FILTER (WHERE field = '{fld}') AS {fld}, max(step) FILTER (WHERE field = '{fld}') AS {fld}_step"
        for fld in ARITH_FIELDS
    )

    def part(field: str) -> tuple[str, str, str]:
        return (field, field, f"{field}_step")

    vehicles = (
        "three_public_vehicles",
        "coalesce(three_public_vehicles, three_public_vehicle_purchase + three_public_vehicle_operation)",
        "CASE WHEN three_public_vehicles IS NOT NULL THEN three_public_vehicles_step "
        "ELSE three_public_vehicle_purchase_step + three_public_vehicle_operation_step END",
    )
    items = ("function line items", "items_sum", f"items_n * {default_step!r}")
    rules = ",\n    ".join([
        _rule("expenditure_split", "expenditure_total",
              [part("expenditure_basic"), part("expenditure_project")], rel),
        _rule("three_public", "three_public_total",
              [part("three_public_overseas"), vehicles, part("three_public_reception")], rel),
        _rule("three_public_vehicles", "three_public_vehicles",
              [part("three_public_vehicle_purchase"), part("three_public_vehicle_operation")], rel),
        _rule("function_items", "general_budget_expenditure", [items], rel),
        _rule("revenue_split", "revenue_total",
              [part("revenue_current_year"), part("carryover_opening")], rel),
    ])
    multipliers = ", ".join(f"({_lit(u)}, {float(m)!r})" for u, m in p["tolerance_unit_multipliers"].items())
    sql = CONSISTENCY_SQL.format(
        conflict_text=_num_text("CAST(value_numeric AS DOUBLE)"),
        multipliers=multipliers, default_step=repr(default_step), arith_fields=_list(list(ARITH_FIELDS)),
        pivot=pivot, rules=rules, yoy_fields=_list(p["yoy_fields"]),
    )
    return con.execute(sql, {"run_id": run_id}).df()


# ---------------------------------------------------------------------------------------------
# marts
# ---------------------------------------------------------------------------------------------


def _columns(con: Con, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


class MissingTable(LookupError):
    """A contract table the audit needs does not exist: the build did not produce it."""


def dim_document_frame(con: Con, suite: Suite, run_id: str) -> pd.DataFrame:
    """marts.dim_document rows (without the unknown member) plus raw documents missing from it."""
    cols = _columns(con, "marts", "dim_document")
    if not cols:
        raise MissingTable("marts.dim_document does not exist")
    unknown = str(suite.parameters.get("unknown_member_id", "-1"))
    keep = f"d.document_id IS DISTINCT FROM {_lit(unknown)}"
    if "is_unknown_member" in cols:
        keep += " AND NOT coalesce(d.is_unknown_member, false)"
    sql = f"""
    WITH raw_docs AS (
        SELECT document_id, any_value(department_name) AS department_name, any_value(fiscal_year) AS fiscal_year
        FROM raw.documents GROUP BY document_id
    ),
    dim AS (SELECT * FROM marts.dim_document d WHERE {keep})
    SELECT dim.document_id, nullif(trim(dim.department_name), '') AS department_name, dim.fiscal_year,
           r.document_id IS NOT NULL AS in_raw_documents, true AS in_dim_document
    FROM dim LEFT JOIN raw_docs r ON r.document_id = dim.document_id
    UNION ALL
    SELECT r.document_id, r.department_name, r.fiscal_year, true, false
    FROM raw_docs r ANTI JOIN dim ON dim.document_id = r.document_id
    ORDER BY 1
    """
    return con.execute(sql).df()


def fct_reported_value_frame(con: Con, suite: Suite, run_id: str) -> pd.DataFrame:
    """marts.fct_reported_value: document id, the money/number value, and whether dim_document has it.

    The mart's exact column names are owned by the dbt side; the suite lists the candidates so the
    audit follows a rename by an edit of the suite file.
    """
    cols = _columns(con, "marts", "fct_reported_value")
    if not cols:
        raise MissingTable("marts.fct_reported_value does not exist")
    p = suite.parameters
    id_col = next((c for c in p["document_id_columns"] if c in cols), None)
    value_col = next((c for c in p["value_columns"] if c in cols), None)
    if id_col is None or value_col is None:
        raise MissingTable(
            f"marts.fct_reported_value has none of {p['document_id_columns']} or none of {p['value_columns']}; "
            f"columns are {cols}"
        )
    label = "'fct_reported_value.' || field" if "field" in cols else "'fct_reported_value'"
    sql = f"""
    SELECT f."{id_col}" AS document_id, {label} || '.{value_col}' AS value_label,
           CAST(f."{value_col}" AS DOUBLE) AS value,
           d.document_id IS NOT NULL AS in_dim_document
    FROM marts.fct_reported_value f
    LEFT JOIN (SELECT DISTINCT document_id FROM marts.dim_document) d ON d.document_id = f."{id_col}"
    """
    return con.execute(sql).df()


FRAMES: dict[str, Callable[[Con, Suite, str], pd.DataFrame]] = {
    "documents": documents_frame,
    "values": values_frame,
    "consistency": consistency_frame,
    "dim_document": dim_document_frame,
    "fct_reported_value": fct_reported_value_frame,
}
