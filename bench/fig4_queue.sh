# Figure 4: queue claim + complete cycles/s, 4 local workers on one database and 4 workers
# through the coordinator API, next to plain SQLite doing the least a claim + complete needs.
. "$ROOT/bench/lib.sh"
section_title "Queue: claim + complete cycles per second"

WORKERS=4
if [ "$SCALE" = full ]; then LOCAL_JOBS=6000 COORD_JOBS=1500; else LOCAL_JOBS=200 COORD_JOBS=100; fi
BIN="$BUILD/bench_queue"
T_LOCAL=2000
T_COORD=500

run_mode() {  # MODE JOBS -> JSON line on stdout (or nothing)
  rm -f "$FIG_DIR/$1.db"*
  "$BIN" "$1" "$FIG_DIR/$1.db" "$2" "$WORKERS" 2>"$FIG_DIR/$1.log" | tail -n 1
}
field() { jq -r ".$2" <<<"$1"; }

if [ ! -x "$BIN" ]; then
  not_measured "local: 4 workers, one database" ">= $T_LOCAL/s" "bench_queue did not build (src/queue)"
  not_measured "coordinator API: 4 workers" ">= $T_COORD/s" "bench_queue did not build (src/queue)"
  exit 0
fi

base=$(run_mode baseline "$LOCAL_JOBS")
local_=$(run_mode local "$LOCAL_JOBS")
coord=$(run_mode coordinator "$COORD_JOBS")
SHIM="$BUILD/bench/nodelay_shim.so"
coord_nd=""
if [ -f "$SHIM" ]; then
  rm -f "$FIG_DIR/coordinator-nodelay.db"*
  coord_nd=$(LD_PRELOAD="$SHIM" "$BIN" coordinator "$FIG_DIR/coordinator-nodelay.db" "$COORD_JOBS" "$WORKERS" 2>"$FIG_DIR/coordinator-nodelay.log" | tail -n 1)
fi
b=$(field "$base" per_s 2>/dev/null || echo "")
if [ -n "$local_" ]; then
  v=$(field "$local_" per_s)
  row "local: 4 worker processes, one database" "$v/s" "${b:-?}/s plain SQLite" "$(ratio "$v" "${b:-0}")" \
    ">= $T_LOCAL/s" "$(status_of "$v" ">=" "$T_LOCAL")"
else
  not_measured "local: 4 workers, one database" ">= $T_LOCAL/s" "bench_queue local failed: $(tail -n 1 "$FIG_DIR/local.log")"
fi
if [ -n "$coord" ]; then
  c=$(field "$coord" per_s)
  lv=$(field "$local_" per_s 2>/dev/null || echo 0)
  row "coordinator API: 4 worker threads over HTTP" "$c/s" "${lv}/s local" "$(ratio "$c" "$lv")" \
    ">= $T_COORD/s" "$(status_of "$c" ">=" "$T_COORD")"
else
  not_measured "coordinator API: 4 workers" ">= $T_COORD/s" "bench_queue coordinator failed: $(tail -n 1 "$FIG_DIR/coordinator.log")"
fi

if [ -n "$coord_nd" ]; then
  cn=$(field "$coord_nd" per_s)
  row "what-if: coordinator with TCP_NODELAY (LD_PRELOAD shim)" "$cn/s" "${c:-?}/s as built" "$(ratio "$cn" "${c:-0}")" "(what-if)" "reported"
fi
if [ -n "${c:-}" ] && [ "$(status_of "$c" ">=" "$T_COORD")" = missed ]; then
  para "**Why the coordinator misses:** every call is a small HTTP POST whose answer httplib writes in two" \
    "pieces (headers, then body) on a socket without TCP_NODELAY; Nagle's algorithm holds the second piece until" \
    "the client's delayed ACK (~40 ms on Linux), so each worker thread makes ~25 calls/s whatever the server does." \
    "The what-if row runs the same binary with bench/nodelay_shim.so, which only sets TCP_NODELAY on accepted" \
    "sockets. **To close it:** \`srv_->set_tcp_nodelay(true)\` in CoordinatorServer (and in the web server), then" \
    "the database is the limit again (the local row)."
fi
if [ -n "${v:-}" ] && [ "$(status_of "$v" ">=" "$T_LOCAL")" = missed ]; then
  para "**Why the local figure misses:** four processes take turns at SQLite's single write lock; a process that" \
    "finds it taken sleeps in SQLite's busy handler (1, 2, 5, 10 ... ms steps), so most of the time nobody writes." \
    "The plain-SQLite baseline suffers the same (its rate is the ceiling for separate processes on one file), and" \
    "on this 2-core machine the processes also compete for CPU. **To close it:** fewer write transactions per job" \
    "(choose_channel and record_part folded into claim/complete for one-part jobs), and a claim that waits on a" \
    "shared lock file or the coordinator instead of SQLite's sleep-and-retry busy handler."
fi
para "A cycle is what a worker does for a one-part job: claim, choose_channel, record_part, complete," \
  "four JobStore calls, each one IMMEDIATE transaction (SqliteJobStore) or one POST /coord/v1/... (CoordinatorJobStore," \
  "server and 4 client threads in one process). $LOCAL_JOBS pending jobs for the local runs, $COORD_JOBS for the" \
  "coordinator; each run drains the queue. The baseline is plain SQLite on the same schema and pragmas (db::open:" \
  "WAL, synchronous=NORMAL, busy timeout), $WORKERS processes, a claim as one UPDATE ... RETURNING of the oldest" \
  "pending row and a complete as one UPDATE: the least a claim + complete can cost with separate processes."
para "Raw results: baseline \`$base\`; local \`$local_\`; coordinator \`$coord\`."
reproduce "$BUILD/bench_queue local /tmp/q.db $LOCAL_JOBS $WORKERS  (also: baseline, coordinator; a fresh DB each)"
