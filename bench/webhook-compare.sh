#!/usr/bin/env bash
# Webhook ingest of two builds side by side (e.g. before and after a change), alternating which
# goes first each round. Besides req/s and p99 it prints the server's CPU per event (utime+stime
# of the server process during the wrk run / events), which other load on the machine moves far
# less than req/s.
#   bash bench/webhook-compare.sh <dir A> <dir B> [runs=4] [duration=8s] [connections=32]
# Each dir is a built checkout (npm run build; e.g. `git archive <rev> | tar -x -C /tmp/a` plus a
# node_modules symlink). Needs wrk.
set -euo pipefail
A=$1; B=$2; RUNS=${3:-4}; DURATION=${4:-8s}; CONNS=${5:-32}
OUT=/tmp/bench-compare; mkdir -p "$OUT"
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
run_one() {
  local label=$1 root=$2 port=$3
  rm -f "$OUT/$label".db* "$OUT/$label.out"
  (cd "$root" && exec node dist/bench/webhook-server.js --db "$OUT/$label.db" --port "$port" > "$OUT/$label.out" 2>&1) &
  local server=$!
  for _ in $(seq 1 300); do grep -q '"pid"' "$OUT/$label.out" 2>/dev/null && break; sleep 0.1; done
  (cd "$root" && node dist/bench/webhook-sign.js --count 5000 --out "$OUT/signed-$label.tsv" > /dev/null)
  local c0; c0=$(cpu "$server")
  (cd "$root" && SIGNED="$OUT/signed-$label.tsv" wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/webhook.lua --latency "http://127.0.0.1:$port/webhooks/mintoffice") > "$OUT/$label.wrk"
  local c1; c1=$(cpu "$server")
  local n; n=$(grep -o '^ *[0-9]* requests in' "$OUT/$label.wrk" | grep -o '[0-9]*' | head -1)
  local rps; rps=$(grep 'Requests/sec' "$OUT/$label.wrk" | tr -s ' ' | cut -d' ' -f2)
  local p99; p99=$(grep ' 99%' "$OUT/$label.wrk" | tr -s ' ' | cut -d' ' -f3)
  echo "$label req/s=$rps p99=$p99 events=$n cpu_us_per_event=$(( (c1 - c0) * 1000000 / TCK / n )) load=$(cut -d' ' -f1 /proc/loadavg)"
  kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
}
for run in $(seq 1 "$RUNS"); do
  if (( run % 2 )); then run_one A "$A" 18190; run_one B "$B" 18191
  else run_one B "$B" 18191; run_one A "$A" 18190; fi
done
