#!/usr/bin/env bash
# Webhook ingest of unique signed events on SQLite and on PostgreSQL in the same run, alternating
# which goes first each round, each on a fresh database (the portal's group commit on both).
#   bash bench/webhook-databases.sh [runs=3] [duration=10s] [connections=32]
# Needs: npm run build, wrk, and a PostgreSQL from `bash bench/postgres.sh start` (PG_URL to
# point elsewhere). POOL sets DATABASE_POOL_SIZE (10).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; DURATION=${2:-10s}; CONNS=${3:-32}
OUT=${OUT:-/tmp/bench}; mkdir -p "$OUT"
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true' EXIT
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:55432/postgres}
node dist/bench/webhook-sign.js --count 5000 --out "$OUT/signed.tsv" > /dev/null

# run_one <label> <port> <server args…>
run_one() {
  local label=$1 port=$2; shift 2
  node dist/bench/webhook-server.js --port "$port" "$@" > "$OUT/$label.out" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do grep -q '"pid"' "$OUT/$label.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '"pid"' "$OUT/$label.out" || { echo "$label: the server did not start:" >&2; cat "$OUT/$label.out" >&2; exit 1; }
  echo -n "$label: "
  SIGNED="$OUT/signed.tsv" wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/webhook.lua --latency "http://127.0.0.1:$port/webhooks/mintoffice" | tail -1 | tr -d '\n'
  echo " load=$(cut -d' ' -f1 /proc/loadavg)"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}
sqlite() { rm -f "$OUT"/ingest.db*; run_one "run $1 sqlite" 8090 --db "$OUT/ingest.db"; }
postgres() {
  psql -q "$PG_URL" -c 'DROP DATABASE IF EXISTS ingest' -c 'CREATE DATABASE ingest'
  run_one "run $1 postgres" 8091 --database-url "${PG_URL%/*}/ingest" --pool "${POOL:-10}"
}
for run in $(seq 1 "$RUNS"); do
  if (( run % 2 )); then sqlite "$run"; postgres "$run"; else postgres "$run"; sqlite "$run"; fi
done
