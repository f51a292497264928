#!/usr/bin/env bash
# Partner inquiry benchmark: POST /api/partner (stored in SQLite; with the outbox worker
# delivering to a local sink when NOTIFY=1), and GET /partners (page render).
#   npm run build && bash bench/partners-run.sh [runs=3] [duration=10s] [connections=16]
#   NOTIFY=1 bash bench/partners-run.sh ...
# Needs wrk (apt-get install -y wrk). One line per run: wrk's Requests/sec, p50/p99 latency,
# the server's VmHWM and, with NOTIFY=1, how many inquiries were stored and delivered.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; DURATION=${2:-10s}; CONNS=${3:-16}; NOTIFY=${NOTIFY:-0}
OUT=/tmp/bench; mkdir -p "$OUT"
for run in $(seq 1 "$RUNS"); do
  rm -f "$OUT"/partners.db*
  if [ "$NOTIFY" = 1 ]; then
    node dist/bench/partners-sink.js --port 8092 > "$OUT/sink.out" 2>&1 &
    SINK=$!
    for _ in $(seq 1 50); do grep -q '"pid"' "$OUT/sink.out" 2>/dev/null && break; sleep 0.1; done
    node dist/bench/partners-server.js --db "$OUT/partners.db" --port 8091 --notify http://127.0.0.1:8092/inquiries > "$OUT/server.out" 2>&1 &
  else
    node dist/bench/partners-server.js --db "$OUT/partners.db" --port 8091 > "$OUT/server.out" 2>&1 &
  fi
  SERVER=$!
  for _ in $(seq 1 50); do grep -q '"pid"' "$OUT/server.out" 2>/dev/null && break; sleep 0.1; done
  post=$(wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/partners.lua --latency http://127.0.0.1:8091/ )
  page=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency http://127.0.0.1:8091/partners)
  rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
  pct() { echo "$1" | awk -v p="$2" '$1 == p {print $2}'; }
  non2xx() { echo "$1" | awk '/Non-2xx/ {print $5}'; }
  line="run $run: POST /api/partner $(rps "$post") req/s p50 $(pct "$post" 50%) p99 $(pct "$post" 99%) non2xx=$(non2xx "$post" || true)"
  line="$line | GET /partners $(rps "$page") req/s p50 $(pct "$page" 50%) p99 $(pct "$page" 99%)"
  line="$line | $(grep VmHWM /proc/$SERVER/status | tr -s ' \t' ' ')"
  if [ "$NOTIFY" = 1 ]; then
    # Wait for the outbox to drain, then compare stored with delivered.
    for _ in $(seq 1 600); do
      pending=$(node --input-type=module -e "const {default:D}=await import('./dist/src/lib/sqlite-driver.js');const d=new D('$OUT/partners.db',{readonly:true});console.log(d.prepare(\"select count(*) c from inquiry_outbox where state='pending'\").get().c)")
      [ "$pending" = 0 ] && break; sleep 0.5
    done
    counts=$(node --input-type=module -e "const {default:D}=await import('./dist/src/lib/sqlite-driver.js');const d=new D('$OUT/partners.db',{readonly:true});const q=s=>d.prepare(s).get().c;console.log('stored='+q('select count(*) c from inquiries')+' delivered='+q(\"select count(*) c from inquiry_outbox where state='delivered'\")+' failed='+q(\"select count(*) c from inquiry_outbox where state='failed'\"))")
    line="$line | $counts sink=$(curl -s http://127.0.0.1:8092/)"
    kill "$SINK"; wait "$SINK" 2>/dev/null || true
  fi
  echo "$line"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done
