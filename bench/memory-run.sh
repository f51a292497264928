#!/usr/bin/env bash
# Memory vs throughput, side by side, with the start command the project ships:
#   bash bench/memory-run.sh [runs=3] [duration=10s] [connections=32]
#   FLAG_SETS="|--max-semi-space-size=4" bash bench/memory-run.sh   # compare any flag sets ('|'-separated)
# For each flag set (default: Node's defaults vs the flags of package.json's `start`, which the
# Dockerfile's CMD repeats), in interleaved rounds so machine noise hits both alike:
#   webhook  node <flags> dist/src/main.js against an API that is down (portal only), wrk posting
#            unique signed events (bench/webhook.lua) — req/s, p99, peak RSS (VmHWM)
#   shop     node <flags> dist/src/main.js embedded (as a fresh `npm start`), wrk on GET / — req/s,
#            p99, peak RSS
# LOG_LEVEL=warn as in the other benchmarks (LOG_LEVEL=info adds one access-log line per request).
# Needs wrk. Prints one line per run and a median summary.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; DURATION=${2:-10s}; CONNS=${3:-32}
LOG_LEVEL=${LOG_LEVEL:-warn}
OUT=/tmp/bench-memory; mkdir -p "$OUT"; rm -f "$OUT"/*.res
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
node scripts/build.mjs --quiet
SHIPPED=$(node --input-type=module -e "import { startFlags } from './scripts/build.mjs'; console.log(startFlags().join(' '))")
FLAG_SETS=${FLAG_SETS:-"--enable-source-maps|$SHIPPED"}
IFS='|' read -r -a SETS <<< "$FLAG_SETS"
SECRET=whsec_bench_0123456789abcdef
PORT=18090; STUB_PORT=18091

# Waits until the server answers at all (with the API down, /healthz may say 503).
wait_up() { for _ in $(seq 1 200); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" != 000 ] && return 0; sleep 0.05; done; echo "server did not start" >&2; exit 1; }
p99_ms() { awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}'; }

# measure <set index> <kind>: one server, one wrk run; appends "rps p99 hwm_mb" to $OUT/<i>-<kind>.res
measure() {
  local i=$1 kind=$2 flags=${SETS[$1]} server wrkout
  rm -rf "$OUT/data"; mkdir -p "$OUT/data"
  if [ "$kind" = webhook ]; then
    # shellcheck disable=SC2086
    env ENV_FILE=/dev/null PORT=$PORT LOG_LEVEL="$LOG_LEVEL" DB_PATH="$OUT/data/portal.db" MINTOFFICE_API_URL=http://127.0.0.1:9 \
      MINTOFFICE_API_KEY=mo_bench_0123456789abcdef MINTOFFICE_WEBHOOK_SECRET=$SECRET ADMIN_PASSWORD=bench-password-123 \
      node $flags dist/src/main.js > "$OUT/server.log" 2>&1 &
    server=$!
    wait_up
    node dist/bench/webhook-sign.js --count 5000 --secret $SECRET --out "$OUT/signed.tsv" > /dev/null
    wrkout=$(SIGNED="$OUT/signed.tsv" wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/webhook.lua --latency "http://127.0.0.1:$PORT/webhooks/mintoffice")
  else
    # shellcheck disable=SC2086
    env ENV_FILE=/dev/null PORT=$PORT STUB_PORT=$STUB_PORT LOG_LEVEL="$LOG_LEVEL" DB_PATH="$OUT/data/portal.db" STUB_DB_PATH="$OUT/data/stub.db" \
      node $flags dist/src/main.js > "$OUT/server.log" 2>&1 &
    server=$!
    wait_up; sleep 0.5  # the embedded stub's settings reach the portal
    wrkout=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/")
  fi
  if grep -q 'Non-2xx' <<< "$wrkout"; then echo "non-2xx answers:" >&2; echo "$wrkout" >&2; kill "$server"; exit 1; fi
  local rps p99 hwm
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$wrkout")
  p99=$(p99_ms <<< "$wrkout")
  hwm=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$server/status")
  kill "$server"; wait "$server" 2>/dev/null || true
  printf '%-8s [%s] %10s req/s  p99 %6s ms  peak RSS %4s MB\n' "$kind" "$flags" "$rps" "$p99" "$hwm"
  echo "$rps $p99 $hwm" >> "$OUT/$i-$kind.res"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

echo "node $(node --version), $(nproc) cores, wrk -t1 -c$CONNS -d$DURATION, $RUNS rounds, LOG_LEVEL=$LOG_LEVEL, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq 1 "$RUNS"); do
  for i in "${!SETS[@]}"; do measure "$i" webhook; measure "$i" shop; done
done
echo "medians:"
for i in "${!SETS[@]}"; do
  for kind in webhook shop; do
    f="$OUT/$i-$kind.res"
    printf '%-8s [%s] %10s req/s  p99 %6s ms  peak RSS %4s MB  (runs: %s)\n' "$kind" "${SETS[$i]}" \
      "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" "$(cut -d' ' -f3 "$f" | paste -sd/)"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
