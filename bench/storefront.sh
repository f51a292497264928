#!/usr/bin/env bash
# Storefront load benchmark: GET / and GET /buy of the BUILT portal under wrk, with the API
#   (a) up        — embedded stub (MINTOFFICE_API_URL unset, as `npm start`)
#   (b) refusing  — MINTOFFICE_API_URL points at a closed port
#   (c) hanging   — MINTOFFICE_API_URL points at a server that accepts and never answers
# plus start-up time to a healthy /healthz. Medians of RUNS runs each. Needs wrk and curl.
#
#   bench/storefront.sh                 # RUNS=3 DURATION=10s CONNECTIONS=32 THREADS=1
#   RUNS=5 DURATION=20s bench/storefront.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
PORT="${PORT:-18000}"
STUB_PORT="${STUB_PORT:-18001}"
DEAD_PORT="${DEAD_PORT:-18002}"
HANG_PORT="${HANG_PORT:-18003}"
OUT="bench/out/storefront-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
npm run build --silent

DATA="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  rm -rf "$DATA"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Starts the portal with the given env; waits for a healthy /healthz (or, with no key, any answer).
# Sets STARTUP_MS to the start-up time.
start_portal() {
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then echo "port $PORT is already in use" >&2; exit 1; fi
  local started; started=$(now_ms)
  env "$@" PORT="$PORT" LOG_LEVEL=warn DB_PATH="$DATA/portal.db" STUB_DB_PATH="$DATA/stub.db" \
    node dist/src/main.js >>"$OUT/portal.log" 2>&1 &
  PORTAL_PID=$!
  PIDS+=("$PORTAL_PID")
  for _ in $(seq 1 1000); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
      STARTUP_MS=$(( $(now_ms) - started ))
      return 0
    fi
    sleep 0.005
  done
  echo "portal did not become healthy; see $OUT/portal.log" >&2
  exit 1
}

stop_portal() {
  kill "$PORTAL_PID" 2>/dev/null || true
  wait "$PORTAL_PID" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# wrk's p99 in ms (it prints us/ms/s units).
p99_ms() {
  awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}'
}

# One wrk run; appends req/s and p99 to $OUT/<name>.rps and .p99.
run_wrk() { # name path run
  local name=$1 path=$2 i=$3 file
  file="$OUT/$name-${path//\//_}-$i.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$path" >"$file"
  if grep -q 'Non-2xx' "$file"; then echo "non-2xx answers in $file" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$file" >>"$OUT/$name${path//\//_}.rps"
  p99_ms <"$file" >>"$OUT/$name${path//\//_}.p99"
}

report() { # name path
  local base="$OUT/$1${2//\//_}"
  printf '%-16s %-5s req/s %s (median %s)   p99 ms %s (median %s)\n' "$1" "$2" \
    "$(paste -sd/ "$base.rps")" "$(median <"$base.rps")" "$(paste -sd/ "$base.p99")" "$(median <"$base.p99")" | tee -a "$OUT/summary.txt"
}

echo "node $(node --version), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"

# Start-up: embedded mode, fresh databases each time.
startups=()
for i in $(seq 1 "$RUNS"); do
  rm -f "$DATA"/*.db*
  start_portal STUB_PORT="$STUB_PORT"
  startups+=("$STARTUP_MS")
  stop_portal
done
printf 'startup to healthy /healthz ms %s (median %s)\n' "$(IFS=/; echo "${startups[*]}")" "$(printf '%s\n' "${startups[@]}" | median)" | tee -a "$OUT/summary.txt"

node -e "require('node:net').createServer(() => {}).listen($HANG_PORT, '127.0.0.1')" &
PIDS+=("$!")
BROKEN_API=(MINTOFFICE_API_KEY=mo_test_bench_0123456789 MINTOFFICE_WEBHOOK_SECRET=whsec_bench_0123456789 SETTINGS_REFRESH_SECONDS=5)

# Rounds interleave the scenarios, so load from anything else on the machine hits all of them alike.
for i in $(seq 1 "$RUNS"); do
  # (a) API up: the embedded stub. Its settings land in the portal's cache and database, so (b)
  # and (c), which reuse that database, show the same prices from the persisted cache.
  start_portal STUB_PORT="$STUB_PORT"
  sleep 0.5
  run_wrk a-api-up / "$i"; run_wrk a-api-up /buy "$i"
  stop_portal
  # (b) API refusing connections; the settings refresh every 5 s keeps failing during the run.
  start_portal MINTOFFICE_API_URL="http://127.0.0.1:$DEAD_PORT" "${BROKEN_API[@]}"
  run_wrk b-api-refusing / "$i"; run_wrk b-api-refusing /buy "$i"
  stop_portal
  # (c) API accepting connections and never answering (refreshes hang until the 30 s timeout).
  start_portal MINTOFFICE_API_URL="http://127.0.0.1:$HANG_PORT" "${BROKEN_API[@]}" MINTOFFICE_TIMEOUT_SECONDS=30
  run_wrk c-api-hanging / "$i"; run_wrk c-api-hanging /buy "$i"
  stop_portal
done
for name in a-api-up b-api-refusing c-api-hanging; do report "$name" /; report "$name" /buy; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
echo "raw wrk output: $OUT"
