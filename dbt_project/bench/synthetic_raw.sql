-- Synthetic raw rows for timing `dbt build` at scale (NOT a test fixture; numbers are made up).
-- Run after pipeline/sql/raw_schema.sql in a scratch DuckDB file, from the repo root:
--   .venv/bin/python dbt_project/bench/make_synthetic_db.py var/bench.duckdb 10000
-- The runner substitutes __N_DOCS__ and __SEEDS__ (the dbt_project/seeds folder).
-- Per document i: department i // 9, fiscal year 2020 + i % 3, report type cycles
-- final_accounts / budget / performance_evaluation; ~1 in 50 line-item sets does not add up.

CREATE OR REPLACE TEMP TABLE bench_counties AS
SELECT row_number() OVER (ORDER BY code) - 1 AS n, code, name, province_name, prefecture_name
FROM read_csv('__SEEDS__/admin_divisions_gb2260_2024.csv', all_varchar = true)
WHERE level = 'county';

CREATE OR REPLACE TEMP TABLE bench_items AS
SELECT row_number() OVER (ORDER BY i.code) - 1 AS n, i.code AS item_code, i.name AS item_name,
       s.code AS section_code, s.name AS section_name, c.code AS class_code, c.name AS class_name
FROM read_csv('__SEEDS__/gov_function_classification_2024.csv', all_varchar = true) AS i
JOIN read_csv('__SEEDS__/gov_function_classification_2024.csv', all_varchar = true) AS s ON s.code = i.parent_code
JOIN read_csv('__SEEDS__/gov_function_classification_2024.csv', all_varchar = true) AS c ON c.code = s.parent_code
WHERE i.level = 'item';

CREATE OR REPLACE TEMP TABLE bench_docs AS
SELECT
    i,
    substr(sha256(cast(i AS varchar)), 1, 16) AS document_id,
    sha256(cast(i AS varchar)) AS sha256,
    i // 9 AS dept_no,
    2020 + i % 3 AS fiscal_year,
    ['final_accounts', 'budget', 'performance_evaluation'][1 + (i // 3) % 3] AS report_type,
    (hash(i // 9) % 2846) AS county_n,
    1000000 + (hash(i) % 90000) * 1000 AS total
FROM range(__N_DOCS__) AS t(i);

INSERT INTO raw.documents
SELECT d.document_id, d.sha256, 'bench_' || d.i || '.pdf', '/inbox/bench_' || d.i || '.pdf', 'pdf', NULL,
       c.name || '第' || d.dept_no || '局', c.province_name, c.prefecture_name, c.name,
       CASE WHEN d.i % 5 = 0 THEN NULL ELSE c.code END,
       d.fiscal_year, d.report_type, make_date(d.fiscal_year + 1, 3, 1), NULL,
       c.name || '第' || d.dept_no || '局|' || d.fiscal_year || '|' || d.report_type,
       'bench', 25, 0, 0, 'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d JOIN bench_counties AS c ON c.n = d.county_n;

-- money facts: basic + project = total; 三公 parts = total; the rest proportional
INSERT INTO raw.facts
SELECT d.document_id, f.field, v.value, NULL, '万元', cast(round(v.value / 10000, 2) AS varchar),
       100, 110, 1, '…' || f.field || '…', 'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d
CROSS JOIN (VALUES
    ('revenue_total', 1.05), ('revenue_current_year', 1.0), ('revenue_general_budget', 0.9),
    ('revenue_other', 0.1), ('carryover_opening', 0.05), ('expenditure_total', 1.0),
    ('expenditure_basic', 0.4), ('expenditure_project', 0.6), ('expenditure_personnel', 0.3),
    ('expenditure_public_operating', 0.1), ('general_budget_basic_expenditure', 0.4),
    ('econ_wages_benefits', 0.3), ('econ_goods_services', 0.2), ('econ_household_subsidies', 0.05),
    ('econ_capital', 0.02), ('general_budget_expenditure', 0.9), ('three_public_total', 0.004),
    ('three_public_overseas', 0.0), ('three_public_vehicles', 0.003), ('three_public_reception', 0.001),
    ('agency_operating_expense', 0.05), ('procurement_total', 0.2)
) AS f(field, share)
CROSS JOIN LATERAL (SELECT cast(round(d.total * f.share, -2) AS decimal(24, 6)) AS value) AS v
WHERE d.report_type IN ('final_accounts', 'budget');

INSERT INTO raw.facts
SELECT d.document_id, f.field, f.value, f.value_text, f.unit, coalesce(cast(f.value AS varchar), f.value_text),
       200, 210, 2, '…', 'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d
CROSS JOIN LATERAL (VALUES
    ('performance_score', cast(60 + hash(d.i) % 40 AS decimal(24, 6)), NULL, '分'),
    ('performance_grade', NULL,
        CASE WHEN 60 + hash(d.i) % 40 >= 90 THEN '优' WHEN 60 + hash(d.i) % 40 >= 80 THEN '良' ELSE '中' END, NULL),
    ('performance_target_count', 15, NULL, '个'),
    ('budget_execution_rate', cast(0.8 + (hash(d.i) % 20) / 100 AS decimal(24, 6)), NULL, '%'),
    ('staff_actual', 20 + hash(d.i) % 30, NULL, '人'),
    ('reception_batches', hash(d.i) % 12, NULL, '批次')
) AS f(field, value, value_text, unit)
WHERE d.report_type = 'performance_evaluation' OR f.field IN ('staff_actual', 'reception_batches');

INSERT INTO raw.conflicts
SELECT d.document_id, 'performance_score', k.idx, cast(60 + hash(d.i) % 40 + k.idx * 3 AS decimal(24, 6)),
       NULL, 200, 210, '…', 'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d CROSS JOIN (VALUES (0), (1)) AS k(idx)
WHERE d.report_type = 'performance_evaluation' AND d.i % 10 = 0;

-- line items: 3 classes, one 类 line each plus 3 项 lines that split it; 类 lines sum to the
-- general-budget expenditure (0.9 * total), except every 50th document (off by 10%)
INSERT INTO raw.line_items
SELECT d.document_id, row_number() OVER (PARTITION BY d.document_id ORDER BY g.k, l.j),
       it.class_name, CASE WHEN l.j > 0 THEN it.section_name END, CASE WHEN l.j > 0 THEN it.item_name END,
       CASE WHEN l.j = 0 THEN it.class_code WHEN d.i % 7 = 0 THEN NULL ELSE it.item_code END,
       cast(CASE WHEN l.j = 0 THEN g.class_amount ELSE round(g.class_amount / 3, 2) END AS decimal(18, 2)),
       NULL, NULL, NULL, 2000, 2040, 3, '…', 'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d
CROSS JOIN LATERAL (
    SELECT k, round(d.total * 0.9, -2) * (CASE WHEN d.i % 50 = 0 THEN 1.1 ELSE 1 END) / 3 AS class_amount
    FROM range(3) AS r(k)
) AS g
JOIN bench_items AS it ON it.n = (hash(d.i) + g.k * 97) % 291
CROSS JOIN range(4) AS l(j)
WHERE d.report_type IN ('final_accounts', 'budget');

INSERT INTO raw.indicators
SELECT d.document_id, n.k + 1, NULL, ['产出指标', '效益指标', '满意度指标'][1 + n.k % 3], '数量指标', '指标' || n.k,
       '≥90%', cast(85 + hash(d.i + n.k) % 15 AS varchar) || '%', 0.9,
       cast((85 + hash(d.i + n.k) % 15) / 100 AS decimal(24, 6)), '%', 3000, 3010, '…',
       'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d CROSS JOIN range(15) AS n(k)
WHERE d.report_type = 'performance_evaluation';

INSERT INTO raw.projects
SELECT d.document_id, n.k + 1, '项目' || n.k, 600000, 500000, 0.833333, 80 + n.k * 5,
       CASE WHEN 80 + n.k * 5 >= 90 THEN '优' ELSE '良' END, 4000, 4010, '…',
       'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d CROSS JOIN range(3) AS n(k)
WHERE d.report_type = 'performance_evaluation';

INSERT INTO raw.findings
SELECT d.document_id, CASE WHEN n.k < 2 THEN 'problem' ELSE 'remedy' END, 1 + n.k % 2, '问题或措施' || n.k,
       5000, 5010, 'bench-run', TIMESTAMP '2024-10-01 08:00:00'
FROM bench_docs AS d CROSS JOIN range(4) AS n(k)
WHERE d.report_type = 'performance_evaluation';
