# Figure 3: importing 100,000 movies and 20,000 episodes (3 sources each) from cmup-sim-cm;
# a re-import with no changes (the default: changes since the last import), a full-sweep
# re-import (--full); the insert stage alone against a plain SQLite bulk insert. Each cmup run's
# CPU time (user + sys) is reported beside its wall time, and the load average around it: on a
# shared machine the wall time says as much about the other processes as about cmup.
. "$ROOT/bench/lib.sh"
section_title "Import"

if [ "$SCALE" = full ]; then MOVIES=100000 SHOWS=2000; else MOVIES=2000 SHOWS=40; fi
EPS=10 SOURCES=3
T_TOTAL=12 T_RE=2 T_RATIO=0.5
if ! have_cmd import || [ ! -x "$BUILD/cmup-sim-cm" ]; then
  not_measured "full import" "< $T_TOTAL s" "cmup import or cmup-sim-cm missing (src/cm, sim/cm)"
  exit 0
fi

PORT=$(free_port)
PASSWORD=$(random_hex 12)
start_bg sim-cm "$BUILD/cmup-sim-cm" --listen "127.0.0.1:$PORT" --password "$PASSWORD" --movies "$MOVIES" \
  --shows "$SHOWS" --episodes-per-show "$EPS" --sources "$SOURCES" --media-dir "$FIG_DIR/sim-media"
wait_port "$PORT" 60 || { not_measured "full import" "< $T_TOTAL s" "cmup-sim-cm did not start"; exit 0; }

cat >"$FIG_DIR/cmup.toml" <<TOML
[general]
data_dir = "$FIG_DIR/data"
log_level = "warn"
[database]
path = "$FIG_DIR/import.db"
[cm]
base_url = "http://127.0.0.1:$PORT"
username = "cmup"
[images]
# Figure 3 measures the catalog import; the poster pass (102k downloads from the simulator)
# runs after the pages and is not part of it.
fetch = false
TOML
chmod 600 "$FIG_DIR/cmup.toml"
load1() { cut -d' ' -f1 /proc/loadavg; }
import() {  # NAME [ARGS] -> seconds on stdout; the summary line in $FIG_DIR/NAME.out,
  # "wall user sys" in $FIG_DIR/NAME.time, "load before, after" in $FIG_DIR/NAME.load
  local name=$1 t0 t1 before
  shift
  before=$(load1)
  t0=$(now_ms)
  CMUP_CM_PASSWORD="$PASSWORD" /usr/bin/time -f '%e %U %S' -o "$FIG_DIR/$name.time" \
    "$BUILD/cmup" --config "$FIG_DIR/cmup.toml" import -q "$@" >"$FIG_DIR/$name.out" 2>"$FIG_DIR/$name.err" || return 1
  t1=$(now_ms)
  echo "$before, $(load1)" >"$FIG_DIR/$name.load"
  calc "($t1 - $t0) / 1000"
}
cpu_of() { awk '{ printf "%.2f", $2 + $3 }' "$FIG_DIR/$1.time" 2>/dev/null; }  # user + sys seconds
first=$(import first) || first=""
re="" full=""
[ -n "$first" ] && { re=$(import again) || re=""; }
[ -n "$first" ] && { full=$(import sweep --full) || full=""; }
rows=$(sqlite3 "$FIG_DIR/import.db" "SELECT (SELECT count(*) FROM titles) + (SELECT count(*) FROM episodes) +
  (SELECT count(*) FROM source_links) + (SELECT count(*) FROM upload_variants) + (SELECT count(*) FROM variant_sources)" 2>/dev/null)
items=$((MOVIES + SHOWS + SHOWS * EPS))
if [ -n "$first" ]; then
  row "full import: $MOVIES movies + $((SHOWS * EPS)) episodes ($SHOWS shows), $SOURCES sources each" "$(fmt2 "$first") s" \
    "-" "-" "< $T_TOTAL s" "$(status_of "$first" "<=" "$T_TOTAL")"
  row "full import throughput" "$(fmt2 "$(calc "$items / $first")") items/s, $(fmt2 "$(calc "$rows / $first")") rows/s" \
    "-" "-" "(reported)" "reported"
else
  not_measured "full import" "< $T_TOTAL s" "cmup import failed: $(tail -n 1 "$FIG_DIR/first.err")"
fi
if [ -n "$first" ]; then
  row "full import: CPU time of cmup (user + sys)" "$(cpu_of first) s" "-" "-" "(reported; load $(cat "$FIG_DIR/first.load"))" "reported"
fi
if [ -n "$re" ]; then
  row "re-import, nothing changed (default: changes since the last import)" "$(fmt2 "$re") s" "$(fmt2 "$first") s first import" "$(ratio "$re" "$first")" \
    "< $T_RE s" "$(status_of "$re" "<=" "$T_RE")"
fi
if [ -n "$full" ]; then
  row "re-import, nothing changed, full sweep (--full; every cm.full_sweep_every runs)" "$(fmt2 "$full") s, CPU $(cpu_of sweep) s" \
    "$(fmt2 "$first") s first import" "$(ratio "$full" "$first")" "(reported)" "reported"
fi

ins=""
if [ -x "$BUILD/bench_import" ]; then
  ins_load=$(load1)
  ins=$("$BUILD/bench_import" "http://127.0.0.1:$PORT" cmup "$PASSWORD" "$FIG_DIR/insert" 2>"$FIG_DIR/bench_import.log" | tail -n 1)
fi
if [ -n "$ins" ]; then
  g() { jq -r ".$1" <<<"$ins"; }
  r=$(ratio "$(g plain_s)" "$(g insert_s)")
  row "insert stage alone (cm::write_items, pages of 500)" "$(fmt2 "$(g insert_s)") s, $(fmt2 "$(g insert_rows_per_s)") rows/s" \
    "$(fmt2 "$(g plain_s)") s, $(fmt2 "$(g plain_rows_per_s)") rows/s plain SQLite, one transaction" "$r" \
    ">= $T_RATIO" "$(status_of "$r" ">=" "$T_RATIO")"
else
  not_measured "insert stage vs plain SQLite" ">= $T_RATIO" "bench_import missing or failed: $(tail -n 1 "$FIG_DIR/bench_import.log" 2>/dev/null)"
fi
para "cmup-sim-cm serves $MOVIES movies and $SHOWS shows of $EPS episodes, $SOURCES source links each (login, token refresh and paging as the real" \
  "CM). \`cmup import\` runs against it into a fresh database" \
  "and writes $rows rows (titles, episodes, source links, queue entries, variant sources; the FTS indexes through" \
  "triggers); then again with nothing changed, then again with \`--full\`. Summary lines: first \`$(tail -n 1 "$FIG_DIR/first.out" 2>/dev/null)\`;" \
  "again \`$(tail -n 1 "$FIG_DIR/again.out" 2>/dev/null)\`; full sweep \`$(tail -n 1 "$FIG_DIR/sweep.out" 2>/dev/null)\`." \
  "Wall, user and sys seconds (/usr/bin/time): first $(cat "$FIG_DIR/first.time" 2>/dev/null), again $(cat "$FIG_DIR/again.time" 2>/dev/null)," \
  "full sweep $(cat "$FIG_DIR/sweep.time" 2>/dev/null); 1-minute load average before, after each: first $(cat "$FIG_DIR/first.load" 2>/dev/null)," \
  "again $(cat "$FIG_DIR/again.load" 2>/dev/null), full sweep $(cat "$FIG_DIR/sweep.load" 2>/dev/null) (2 cores)."
[ -n "$ins" ] && para "Insert stage: bench_import reads the same catalog with cm::CmClient and the importer's parsers" \
  "into memory ($(fmt2 "$(g fetch_parse_s)") s for fetching and parsing, not part of the stage), then times" \
  "cm::write_items() into a fresh database: $(g rows) rows from $(g items) items. Baseline: exactly those rows, read" \
  "back into memory, inserted into another fresh database with the same schema (indexes, FTS triggers) by prepared" \
  "INSERTs in ONE transaction. Ratio = plain time / cmup time (1.0 = as fast as plain SQLite). Load average" \
  "before bench_import: $ins_load, after: $(load1)."
reproduce "cmup-sim-cm --listen 127.0.0.1:PORT --password PW --movies $MOVIES --shows $SHOWS --episodes-per-show $EPS --sources $SOURCES; CMUP_CM_PASSWORD=PW cmup --config cmup.toml import -q (twice, then with --full); $BUILD/bench_import http://127.0.0.1:PORT cmup PW DIR"
