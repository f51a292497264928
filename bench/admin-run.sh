#!/usr/bin/env bash
# Admin events page with 1,000,000 stored events: first (newest) and last (oldest) page.
#   [NODE_FLAGS="--max-semi-space-size=1 --max-old-space-size=64"] bash bench/admin-run.sh [runs=3] [duration=10s] [connections=4]
#   PG_URL=postgres://postgres@127.0.0.1:55432/postgres bash bench/admin-run.sh …   # the same on PostgreSQL
# Needs: npm run build, wrk. Seeds /tmp/bench/admin.db (or the database `admin` on PG_URL's
# server) once; delete it to reseed.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; DURATION=${2:-10s}; CONNS=${3:-4}
OUT=/tmp/bench; mkdir -p "$OUT"
if [ -n "${PG_URL:-}" ]; then
  ADMIN_URL="${PG_URL%/*}/admin"
  if ! psql -qAt "$ADMIN_URL" -c 'SELECT 1 FROM webhook_events LIMIT 1' > /dev/null 2>&1; then
    psql -q "$PG_URL" -c 'DROP DATABASE IF EXISTS admin' -c 'CREATE DATABASE admin'
    node dist/bench/admin-seed-postgres.js --database-url "$ADMIN_URL" --count 1000000
  fi
  STORE=(--database-url "$ADMIN_URL")
else
  [ -f "$OUT/admin.db" ] || node dist/bench/admin-seed.js --db "$OUT/admin.db" --count 1000000
  STORE=(--db "$OUT/admin.db")
fi
AUTH="Authorization: Basic $(printf 'admin:bench-password-123' | base64)"
for run in $(seq 1 "$RUNS"); do
  node ${NODE_FLAGS:-} dist/bench/webhook-server.js "${STORE[@]}" --port 8095 > "$OUT/admin-server.out" 2>&1 &
  SERVER=$!
  trap 'kill "$SERVER" 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do grep -q '"pid"' "$OUT/admin-server.out" 2>/dev/null && break; sleep 0.1; done
  for page in "/admin" "/admin?after=0" "/admin?type=agent.ready" "/admin?q=70000"; do
    echo -n "run $run $page: "
    wrk -t1 -c"$CONNS" -d"$DURATION" -H "$AUTH" -s bench/admin-latency.lua --latency "http://127.0.0.1:8095$page" | tail -1
  done
  echo "run $run server $(grep VmHWM /proc/$SERVER/status | tr -s ' \t' ' ')"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done
