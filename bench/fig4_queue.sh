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

para "A cycle is what a worker does for a one-part job: claim, choose_channel, record_part, complete," \
  "four JobStore calls, each one IMMEDIATE transaction (SqliteJobStore) or one POST /coord/v1/... (CoordinatorJobStore," \
  "server and 4 client threads in one process). $LOCAL_JOBS pending jobs for the local runs, $COORD_JOBS for the" \
  "coordinator; each run drains the queue. The baseline is plain SQLite on the same schema and pragmas (db::open:" \
  "WAL, synchronous=NORMAL, busy timeout), $WORKERS processes, a claim as one UPDATE ... RETURNING of the oldest" \
  "pending row and a complete as one UPDATE: the least a claim + complete can cost with separate processes."
para "Raw results: baseline \`$base\`; local \`$local_\`; coordinator \`$coord\`."
reproduce "$BUILD/bench_queue local /tmp/q.db $LOCAL_JOBS $WORKERS  (also: baseline, coordinator; a fresh DB each)"
