#!/usr/bin/env bash
# Installs what the native integration stack needs (make integration); idempotent and quiet.
#   apt:  postgresql, redis-server, chromium, a CJK font (the reports are Chinese: without one the
#         screenshots show boxes and the Chinese OCR tests skip), LibreOffice (writes the legacy
#         .doc/.xls files the reader is tested on), nodejs/npm when missing
#   venv: var/superset — Superset 6.1.0 in its OWN venv (its dependencies clash with Airflow's)
#   npm:  playwright-core in var/integration/node (drives Debian's /usr/bin/chromium; no browser download)
# Nothing is started here; tests/integration starts every service on free localhost ports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
UV="${UV:-$ROOT/var/tools/bin/uv}"
PLAYWRIGHT_VERSION=1.65.1
SUPERSET_VENV="$ROOT/var/superset"
NODE_DIR="$ROOT/var/integration/node"

log() { echo "install.sh: $*" >&2; }

# --- Debian packages -------------------------------------------------------------------------
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)  # legacy .doc/.xls tests
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101: the packages' own default instances are not started (we never use them)
  $SUDO sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

# --- Superset in its own venv ----------------------------------------------------------------
superset_ok() {
  [ -x "$SUPERSET_VENV/bin/python" ] && "$SUPERSET_VENV/bin/python" - <<'EOF' 2>/dev/null
import importlib.metadata as m
want = {"apache-superset": "6.1.0", "duckdb-engine": "0.17.0", "duckdb": "1.5.6", "flask-caching": "2.3.1"}
assert all(m.version(k) == v for k, v in want.items())
import rich, cachetools  # noqa: F401  (undeclared dependencies of the 6.1.0 wheel)
EOF
}
if ! superset_ok; then
  log "Superset 6.1.0 into var/superset"
  [ -x "$SUPERSET_VENV/bin/python" ] || "$UV" venv -q "$SUPERSET_VENV" --python 3.11
  "$UV" pip install -q --python "$SUPERSET_VENV/bin/python" -r deploy/native/superset-native.txt
  superset_ok || { log "Superset venv is not as pinned"; exit 1; }
fi

# --- playwright-core (the browser is Debian's chromium) ---------------------------------------
if ! grep -qs "\"version\": \"$PLAYWRIGHT_VERSION\"" "$NODE_DIR/node_modules/playwright-core/package.json"; then
  log "playwright-core $PLAYWRIGHT_VERSION into var/integration/node"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"name": "fiscal-integration-browser", "private": true}' > "$NODE_DIR/package.json"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$NODE_DIR" --silent --no-audit --no-fund \
    --save-exact "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
fi
