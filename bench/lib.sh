# Shared helpers of the figure scripts (sourced; bench/run exports the environment):
#   BUILD   absolute build directory      ROOT  repository root
#   OUT     this run's output directory   FIG   figure number of the sourcing script
#   SCALE   "full" (make bench) or "small" (smoke test of the harness)
# Every process a script starts goes through start_bg, runs in its own process group and
# is killed when the script exits, however it exits. All traffic stays on 127.0.0.1.

set -u
set -o pipefail

FIG_DIR="$OUT/fig$FIG"
mkdir -p "$FIG_DIR"
SECTION="$OUT/fig$FIG.md"
ROWS="$OUT/fig$FIG.rows"
: >"$ROWS"
BG_PIDS=()

log() { printf '[fig%s %s] %s\n' "$FIG" "$(date -u +%H:%M:%S)" "$*" >&2; }

# start_bg NAME CMD...: runs CMD in its own session (setsid), output in $FIG_DIR/NAME.log;
# sets BG_PID.
start_bg() {
  local name=$1
  shift
  setsid "$@" >"$FIG_DIR/$name.log" 2>&1 &
  BG_PID=$!
  BG_PIDS+=("$BG_PID")
}

# stop_pid PID: SIGTERM to its process group, SIGKILL after 5 s.
stop_pid() {
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

cleanup_bg() {
  local pid
  for pid in "${BG_PIDS[@]}"; do stop_pid "$pid"; done
  BG_PIDS=()
}
trap cleanup_bg EXIT
trap 'exit 143' TERM INT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
  local port=$1 limit=${2:-30} i
  for i in $(seq $((limit * 10))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# wait_for SECONDS CMD...: polls CMD (every 0.2 s) until it succeeds or the deadline passes.
wait_for() {
  local limit=$1 end
  shift
  end=$(($(date +%s) + limit))
  while [ "$(date +%s)" -lt "$end" ]; do
    "$@" && return 0
    sleep 0.2
  done
  return 1
}

now_ms() { date +%s%3N; }

# have_cmd SUBCOMMAND: the cmup binary implements it (its stub's "not built yet" is gone).
have_cmd() {
  [ -x "$BUILD/cmup" ] && ! grep -aq "cmup $1: not built yet" "$BUILD/cmup"
}

# Arithmetic with awk (floats): calc 'EXPR'.
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
fmt2() { awk -v x="$1" 'BEGIN { printf "%.2f", x }'; }

# status_of VALUE OP TARGET: "met" or "missed" (OP is >= or <=).
status_of() {
  if awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !((op == ">=") ? (v >= t) : (v <= t)) }'; then
    echo met
  else
    echo missed
  fi
}

# --- the section of RESULTS.md this figure writes ---------------------------------------

# section_title TEXT
section_title() { printf '## %s. %s\n\n' "$FIG" "$1" >"$SECTION"; }
# para TEXT...: a paragraph.
para() { printf '%s\n\n' "$*" >>"$SECTION"; }
# row METRIC VALUE BASELINE RATIO TARGET STATUS: one line of the figure's table (also the summary).
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >>"$ROWS"; }
# not_measured METRIC TARGET WHY
not_measured() { row "$1" "-" "-" "-" "$2" "not measured: $3"; }
# reproduce CMD: the exact command, shown as code.
reproduce() { printf 'Reproduce: `%s`\n\n' "$*" >>"$SECTION"; }
# ratio A B: A/B with two decimals ("-" when B is zero or missing).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# ensure_catalog: $OUT/catalog.db with the synthetic titles of the search figures (100,000;
# 2,000 at small scale), made once per run and shared by the figures that read a catalog.
# Sets CATALOG_DB and CATALOG_TITLES; prints the seeding time (ms) the first time.
ensure_catalog() {
  CATALOG_DB="$OUT/catalog.db"
  if [ "$SCALE" = full ]; then CATALOG_TITLES=100000; else CATALOG_TITLES=2000; fi
  if [ ! -f "$OUT/catalog.ready" ]; then
    rm -f "$CATALOG_DB"*
    "$BUILD/bench_seed" titles "$CATALOG_DB" "$CATALOG_TITLES" >"$OUT/catalog.seed_ms" 2>"$OUT/catalog.log" || return 1
    touch "$OUT/catalog.ready"
  fi
}

# random_hex N: N random bytes as hex (fresh secrets per run; never fixed ones).
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# sim_telegram_config FILE BOT_ID USERNAME TOKEN: a simulated world with one bot (JSON).
sim_telegram_config() {
  printf '{"bots":[{"id":%s,"username":"%s","token":"%s"}],"channels":[],"users":[]}\n' "$2" "$3" "$4" >"$1"
  chmod 600 "$1"
}
