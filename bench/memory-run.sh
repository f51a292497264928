#!/usr/bin/env bash
# Memory and throughput of two builds side by side, each started with ITS OWN shipped command
# (the node flags of its package.json `start`; the Dockerfile's CMD repeats them):
#   [KINDS="webhook shop"] bash bench/memory-run.sh <baseline dir> [runs=3] [duration=10s] [connections=32]
# <baseline dir> is a built checkout to compare against, e.g. today's main:
#   git worktree add /tmp/base main && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npm run build)
# The other side is this checkout (built here). Per round, each side runs, alternating which goes first:
#   webhook  node <flags> dist/src/main.js with the API down (portal only), wrk posting unique signed
#            events (bench/webhook.lua): req/s, p99, server CPU per request, peak RSS (VmHWM)
#   shop     node <flags> dist/src/main.js embedded (a fresh `npm start`), wrk on GET /: same columns
# CPU per request (utime+stime of the server during the run / requests) moves far less with other
# load on the machine than req/s does. LOG_LEVEL=warn as in the other benchmarks (LOG_LEVEL=info
# adds one access-log line per request).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$(cd "$1" && pwd); RUNS=${2:-3}; DURATION=${3:-10s}; CONNS=${4:-32}
LOG_LEVEL=${LOG_LEVEL:-warn}
OUT=/tmp/bench-memory; mkdir -p "$OUT"; rm -f "$OUT"/*.res
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
node scripts/build.mjs --quiet
flags_of() { node -e "const s=require('$1/package.json').scripts.start; console.log(s.split(/\s+/).filter(w=>w.startsWith('--')).join(' '))"; }
ROOTS=("$BASE" "$PWD"); LABELS=(baseline this)
# BASE_FLAGS replaces the baseline's flags, to compare node flags on one build: BASE_FLAGS="--jitless" … memory-run.sh . …
FLAGS=("${BASE_FLAGS:-$(flags_of "$BASE")}" "$(flags_of "$PWD")")
SECRET=whsec_bench_0123456789abcdef
PORT=18090; STUB_PORT=18091
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }

# Waits until the server answers at all (with the API down, /healthz may say 503).
wait_up() { for _ in $(seq 1 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" != 000 ] && return 0; sleep 0.05; done; echo "server did not start" >&2; exit 1; }
p99_ms() { awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}'; }

# measure <side> <kind>: one server, one wrk run; appends "rps p99 cpu_us hwm_mb" to $OUT/<side>-<kind>.res
measure() {
  local i=$1 kind=$2 root=${ROOTS[$1]} flags=${FLAGS[$1]} server wrkout c0 c1
  rm -rf "$OUT/data"; mkdir -p "$OUT/data"
  if [ "$kind" = webhook ]; then
    # shellcheck disable=SC2086
    (cd "$root" && exec env ENV_FILE=/dev/null PORT=$PORT LOG_LEVEL="$LOG_LEVEL" DB_PATH="$OUT/data/portal.db" MINTOFFICE_API_URL=http://127.0.0.1:9 \
      MINTOFFICE_API_KEY=mo_bench_0123456789abcdef MINTOFFICE_WEBHOOK_SECRET=$SECRET ADMIN_PASSWORD=bench-password-123 \
      node $flags dist/src/main.js > "$OUT/server.log" 2>&1) &
    server=$!
    wait_up
    node dist/bench/webhook-sign.js --count 5000 --secret $SECRET --out "$OUT/signed.tsv" > /dev/null
    c0=$(cpu "$server")
    wrkout=$(SIGNED="$OUT/signed.tsv" wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/webhook.lua --latency "http://127.0.0.1:$PORT/webhooks/mintoffice")
  else
    # shellcheck disable=SC2086
    (cd "$root" && exec env ENV_FILE=/dev/null PORT=$PORT STUB_PORT=$STUB_PORT LOG_LEVEL="$LOG_LEVEL" DB_PATH="$OUT/data/portal.db" STUB_DB_PATH="$OUT/data/stub.db" \
      node $flags dist/src/main.js > "$OUT/server.log" 2>&1) &
    server=$!
    wait_up; sleep 0.5  # the embedded stub's prices reach the portal
    c0=$(cpu "$server")
    wrkout=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/")
  fi
  c1=$(cpu "$server")
  if grep -q 'Non-2xx' <<< "$wrkout"; then echo "non-2xx answers:" >&2; echo "$wrkout" >&2; kill "$server"; exit 1; fi
  local rps p99 hwm n us
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$wrkout")
  p99=$(p99_ms <<< "$wrkout")
  n=$(awk '/requests in/ {print $1}' <<< "$wrkout")
  us=$(( (c1 - c0) * 1000000 / TCK / n ))
  hwm=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$server/status")
  kill "$server"; wait "$server" 2>/dev/null || true
  printf '%-8s %-8s %10s req/s  p99 %7s ms  %4s us CPU/req  peak RSS %4s MB  load %s\n' "$kind" "${LABELS[$i]}" "$rps" "$p99" "$us" "$hwm" "$(cut -d' ' -f1 /proc/loadavg)"
  echo "$rps $p99 $us $hwm" >> "$OUT/$i-$kind.res"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

echo "node $(node --version), $(nproc) cores, wrk -t1 -c$CONNS -d$DURATION, $RUNS rounds, LOG_LEVEL=$LOG_LEVEL, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 0 1; do echo "${LABELS[$i]}: $(cd "${ROOTS[$i]}" && git log --oneline -1 2>/dev/null | cut -c1-60) — node ${FLAGS[$i]} dist/src/main.js"; done
KINDS=${KINDS:-webhook shop}
for run in $(seq 1 "$RUNS"); do
  for kind in $KINDS; do
    if (( run % 2 )); then measure 0 "$kind"; measure 1 "$kind"; else measure 1 "$kind"; measure 0 "$kind"; fi
  done
done
echo "medians:"
for kind in $KINDS; do
  for i in 0 1; do
    f="$OUT/$i-$kind.res"
    printf '%-8s %-8s %10s req/s  p99 %7s ms  %4s us CPU/req  peak RSS %4s MB  (RSS runs: %s)\n' "$kind" "${LABELS[$i]}" \
      "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" "$(cut -d' ' -f4 "$f" | median)" "$(cut -d' ' -f4 "$f" | paste -sd/)"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
