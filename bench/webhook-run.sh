#!/usr/bin/env bash
# Webhook ingest benchmark: unique signed events against a fresh portal database.
#   [NODE_FLAGS="--max-semi-space-size=1 --max-old-space-size=64"] [BASELINE=1] bash bench/webhook-run.sh [runs=3] [duration=10s] [connections=32]
# BASELINE=1 also runs bench/webhook-baseline.ts (bare node:http + HMAC + one insert) in each
# round, interleaved, so the portal's figure can be read as a ratio of it on a noisy machine.
# Needs: npm run build, wrk (apt-get install -y wrk). Prints one line per run + the server's VmHWM.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; DURATION=${2:-10s}; CONNS=${3:-32}
OUT=/tmp/bench; mkdir -p "$OUT"

# run_one <label> <server script> <name> <port>: a fresh database, fresh signatures, one wrk run.
run_one() {
  local label=$1 script=$2 name=$3 port=$4
  rm -f "$OUT/$name".db*
  # shellcheck disable=SC2086
  node ${NODE_FLAGS:-} "$script" --db "$OUT/$name.db" --port "$port" > "$OUT/$name.out" 2>&1 &
  local server=$!
  for _ in $(seq 1 50); do grep -q '"pid"' "$OUT/$name.out" 2>/dev/null && break; sleep 0.1; done
  node dist/bench/webhook-sign.js --count 5000 --out "$OUT/signed.tsv" > /dev/null
  echo -n "$label: "
  SIGNED="$OUT/signed.tsv" wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/webhook.lua --latency "http://127.0.0.1:$port/webhooks/mintoffice" | tail -1 | tr -d '\n'
  echo " $(grep VmHWM /proc/$server/status | tr -s ' \t' ' ')"
  kill "$server"; wait "$server" 2>/dev/null || true
}

for run in $(seq 1 "$RUNS"); do
  run_one "run $run" dist/bench/webhook-server.js webhook 8090
  if [ -n "${BASELINE:-}" ]; then run_one "run $run baseline" dist/bench/webhook-baseline.js baseline 8091; fi
done
