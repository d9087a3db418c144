#!/usr/bin/env bash
# Container start for the `superset` service: the same steps the native integration test runs
# (tests/integration/test_native_stack.py, fixture `superset`), in the same order.
set -euo pipefail
: "${SUPERSET_SECRET_KEY:?set SUPERSET_SECRET_KEY in .env}"
: "${SUPERSET_ADMIN_USER:=admin}"
if [ -z "${SUPERSET_ADMIN_PASSWORD:-}" ]; then
  # No password in .env: generate one once and keep it in the superset-home volume.
  pwfile="${SUPERSET_HOME:-/app/superset_home}/admin_password"
  [ -s "$pwfile" ] || python -c "import secrets; print(secrets.token_urlsafe(18))" > "$pwfile"
  SUPERSET_ADMIN_PASSWORD="$(cat "$pwfile")"
  echo "superset: admin password generated in $pwfile"
fi
export SUPERSET_ADMIN_USER SUPERSET_ADMIN_PASSWORD
superset db upgrade
superset fab create-admin --username "$SUPERSET_ADMIN_USER" --firstname Fiscal --lastname Admin \
  --email "${SUPERSET_ADMIN_EMAIL:-admin@localhost}" --password "$SUPERSET_ADMIN_PASSWORD" || true
superset init
/usr/bin/run-server.sh &
server=$!
for _ in $(seq 120); do
  curl -sf http://localhost:8088/health >/dev/null && break
  sleep 1
done
python /app/fiscal_bootstrap.py --url http://localhost:8088
wait "$server"
