# Figure 3: importing 100,000 movies and 20,000 episodes (3 sources each) from cmup-sim-cm;
# a re-import with no changes; the insert stage alone against a plain SQLite bulk insert.
. "$ROOT/bench/lib.sh"
section_title "Import"

if [ "$SCALE" = full ]; then MOVIES=100000 SHOWS=2000; else MOVIES=2000 SHOWS=40; fi
EPS=10 SOURCES=3
T_TOTAL=20 T_RE=5 T_RATIO=0.5
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
import() {  # NAME -> seconds on stdout; the summary line in $FIG_DIR/NAME.out
  local t0 t1
  t0=$(now_ms)
  CMUP_CM_PASSWORD="$PASSWORD" "$BUILD/cmup" --config "$FIG_DIR/cmup.toml" import -q >"$FIG_DIR/$1.out" 2>"$FIG_DIR/$1.err" || return 1
  t1=$(now_ms)
  calc "($t1 - $t0) / 1000"
}
first=$(import first) || first=""
re=""
[ -n "$first" ] && { re=$(import again) || re=""; }
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
if [ -n "$re" ]; then
  row "re-import, nothing changed" "$(fmt2 "$re") s" "$(fmt2 "$first") s first import" "$(ratio "$re" "$first")" \
    "< $T_RE s" "$(status_of "$re" "<=" "$T_RE")"
fi

ins=""
if [ -x "$BUILD/bench_import" ]; then
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
  "triggers); then again with nothing changed. Summary lines: first \`$(tail -n 1 "$FIG_DIR/first.out" 2>/dev/null)\`;" \
  "again \`$(tail -n 1 "$FIG_DIR/again.out" 2>/dev/null)\`."
[ -n "$ins" ] && para "Insert stage: bench_import reads the same catalog with cm::CmClient and the importer's parsers" \
  "into memory ($(fmt2 "$(g fetch_parse_s)") s for fetching and parsing, not part of the stage), then times" \
  "cm::write_items() into a fresh database: $(g rows) rows from $(g items) items. Baseline: exactly those rows, read" \
  "back into memory, inserted into another fresh database with the same schema (indexes, FTS triggers) by prepared" \
  "INSERTs in ONE transaction. Ratio = plain time / cmup time (1.0 = as fast as plain SQLite)."
reproduce "cmup-sim-cm --listen 127.0.0.1:PORT --password PW --movies $MOVIES --shows $SHOWS --episodes-per-show $EPS --sources $SOURCES; CMUP_CM_PASSWORD=PW cmup --config cmup.toml import -q (twice); $BUILD/bench_import http://127.0.0.1:PORT cmup PW DIR"
