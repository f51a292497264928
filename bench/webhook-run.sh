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
for run in $(seq 1 "$RUNS"); do
  rm -f "$OUT"/webhook.db*
  node ${NODE_FLAGS:-} dist/bench/webhook-server.js --db "$OUT/webhook.db" --port 8090 > "$OUT/server.out" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 50); do grep -q '"pid"' "$OUT/server.out" 2>/dev/null && break; sleep 0.1; done
  node dist/bench/webhook-sign.js --count 5000 --out "$OUT/signed.tsv" > /dev/null
  echo -n "run $run: "
  SIGNED="$OUT/signed.tsv" wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/webhook.lua --latency http://127.0.0.1:8090/webhooks/mintoffice | tail -1 | tr -d '\n'
  echo " $(grep VmHWM /proc/$SERVER/status | tr -s ' \t' ' ')"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  if [ -n "${BASELINE:-}" ]; then
    rm -f "$OUT"/baseline.db*
    node dist/bench/webhook-baseline.js --db "$OUT/baseline.db" --port 8091 > "$OUT/baseline.out" 2>&1 &
    BASE=$!
    for _ in $(seq 1 50); do grep -q '"pid"' "$OUT/baseline.out" 2>/dev/null && break; sleep 0.1; done
    node dist/bench/webhook-sign.js --count 5000 --out "$OUT/signed.tsv" > /dev/null
    echo -n "run $run baseline: "
    SIGNED="$OUT/signed.tsv" wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/webhook.lua --latency http://127.0.0.1:8091/webhooks/mintoffice | tail -1 | tr -d '\n'
    echo " $(grep VmHWM /proc/$BASE/status | tr -s ' \t' ' ')"
    kill "$BASE"; wait "$BASE" 2>/dev/null || true
  fi
done
