# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# Everything generated lives under var/ (ignored); the published warehouse under warehouse/.

SHELL      := /bin/bash
PYTHON     ?= python3
UV_VERSION := 0.13.8
TOOLS      := var/tools
UV         := $(TOOLS)/bin/uv
VENV       := .venv
PY         := $(VENV)/bin/python
INBOX      ?= data/inbox
WAREHOUSE  ?= warehouse/fiscal.duckdb
BENCH_DOCS ?= 1000
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: help venv run reextract test test-faults lint bench integration demo-inbox review up down logs clean

help:
	@echo "make run [INBOX=dir] [WAREHOUSE=file.duckdb]  ingest the inbox and publish the warehouse"
	@echo "make reextract                                 re-extract the archive, rebuild, report what changed"
	@echo "make test                                      install and run the test suite"
	@echo "make test-faults                               the long fault-injection and hostile-input tests"
	@echo "make lint                                      ruff"
	@echo "make bench [BENCH_DOCS=1000]                   end-to-end benchmark on a generated corpus"
	@echo "make demo-inbox                                rewrite the demo corpus in data/inbox"

$(UV):
	@mkdir -p $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# The environment is rebuilt only when the lock changes.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-groups --extra ocr
	@touch $@

venv: $(VENV)/.synced

run: venv
	FISCAL_OCR=$${FISCAL_OCR:-1} $(PY) -m pipeline.run --inbox "$(INBOX)" --warehouse "$(WAREHOUSE)"

reextract: venv
	$(PY) -m pipeline.run --reextract --warehouse "$(WAREHOUSE)"

test: venv
	$(PY) -m pytest -m "not integration and not faults" -q

test-faults: venv
	$(PY) -m pytest -m faults -q

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m pipeline.bench --docs $(BENCH_DOCS)

integration: venv
	$(PY) -m pytest -m integration -q

demo-inbox: venv
	rm -rf var/demo data/inbox data/demo_truth
	$(PY) -m synth --out var/demo --n 20 --seed 20261123 --mix realistic --damage light
	mkdir -p data && cp -r var/demo/inbox data/inbox && cp -r var/demo/truth data/demo_truth
	printf '%s\n' "本报讯 今天上午，市图书馆举办读书分享会，来自各行各业的读者交流阅读心得。" > data/inbox/not_a_report.txt

review: venv
	@test -n "$(FILE)" || (echo "usage: make review FILE=path/to/report" && exit 2)
	$(PY) -m extract --review "$(FILE)" -o var/review.html && echo "open var/review.html"

up:
	docker compose --env-file .env up -d

down:
	docker compose down

logs:
	docker compose logs -f --tail=200

clean:
	rm -rf var warehouse $(VENV)
