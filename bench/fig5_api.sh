# Figure 5: search of `cmup serve` with 100,000 titles: server-side time (bench_search), latency
# over HTTP, and searches/s under wrk for distinct and for repeated queries, the repeated ones
# next to nginx serving a static file of the same size, in the same run.
. "$ROOT/bench/lib.sh"
section_title "API: search latency and throughput"

if [ "$SCALE" = full ]; then LAT_N=600 WRK_S=8 NQ=3000; else LAT_N=100 WRK_S=2 NQ=300; fi
WRK_C=256 WRK_T=2
T_P50=0.5 T_P99=2 T_DISTINCT=5000 T_RATIO=0.5
if ! have_cmd serve || [ ! -x "$BUILD/bench_http_latency" ] || [ ! -x "$BUILD/bench_seed" ]; then
  not_measured "search p99" "< $T_P99 ms" "cmup serve or the bench programs did not build"
  exit 0
fi
ensure_catalog || { not_measured "search p99" "< $T_P99 ms" "catalog seeding failed"; exit 0; }

# Server side, no HTTP: the index build, then titles_page() per distinct query (miss, then hit).
SRV=""
if [ -x "$BUILD/bench_search" ]; then
  SRV=$("$BUILD/bench_search" "$CATALOG_DB" "$NQ" "$CATALOG_TITLES" 2>"$FIG_DIR/bench_search.log" | tail -n 1)
fi

# serve_and_measure NAME: starts cmup serve, measures health latency, sequential search
# latency (distinct and repeated queries) and wrk throughput (both mixes), stops it. Sets
# HEALTH_<NAME>, LATD_<NAME>, LATR_<NAME>, RPSD_<NAME>, RPSR_<NAME>, RSS_<NAME> (KiB).
serve_and_measure() {
  local name=$1 port
  port=$(free_port)
  cat >"$FIG_DIR/cmup-$name.toml" <<TOML
[general]
data_dir = "$FIG_DIR/data"
log_level = "warn"
[database]
path = "$CATALOG_DB"
[web]
listen = "127.0.0.1:$port"
admin_token = "$(random_hex 16)"
# wrk's $WRK_C connections all come from 127.0.0.1: one address, many users.
max_connections_per_ip = 4096
queue = 4096
[coordinator]
listen = ""
TOML
  chmod 600 "$FIG_DIR/cmup-$name.toml"
  start_bg "serve-$name" "$BUILD/cmup" --config "$FIG_DIR/cmup-$name.toml" serve
  local pid=$BG_PID
  wait_port "$port" 30 || { log "cmup serve ($name) did not start"; return 1; }
  echo "/api/v1/health" >"$FIG_DIR/health.txt"
  local v
  v=$("$BUILD/bench_http_latency" "$port" "$FIG_DIR/health.txt" 300 2>/dev/null | tail -n 1)
  printf -v "HEALTH_$name" '%s' "$v"
  # Distinct queries first (nothing cached yet), then the repeated mix.
  v=$("$BUILD/bench_http_latency" "$port" "$FIG_DIR/paths-distinct.txt" "$LAT_N" 2>"$FIG_DIR/latency-distinct-$name.log" | tail -n 1)
  printf -v "LATD_$name" '%s' "$v"
  v=$("$BUILD/bench_http_latency" "$port" "$FIG_DIR/paths.txt" "$LAT_N" 2>"$FIG_DIR/latency-$name.log" | tail -n 1)
  printf -v "LATR_$name" '%s' "$v"
  # wrk over distinct queries not asked before (each thread its own share of the list).
  v=$(BENCH_PATHS="$FIG_DIR/paths-wrk-distinct.txt" BENCH_DISJOINT=1 wrk_rps "cmup-$name-distinct" "http://127.0.0.1:$port" -s "$ROOT/bench/rotate_paths.lua")
  printf -v "RPSD_$name" '%s' "$v"
  v=$(wrk_rps "cmup-$name" "http://127.0.0.1:$port" -s "$ROOT/bench/rotate_paths.lua")
  printf -v "RPSR_$name" '%s' "$v"
  printf -v "RSS_$name" '%s' "$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)"
  stop_pid "$pid"
}

# wrk_rps NAME URL [wrk args] -> successful (2xx/3xx) requests/s; an error answer is not a
# search served. The wrk output goes to $FIG_DIR/wrk-NAME.txt.
wrk_rps() {
  local name=$1 url=$2
  shift 2
  BENCH_PATHS="${BENCH_PATHS:-$FIG_DIR/paths.txt}" wrk -t"$WRK_T" -c"$WRK_C" -d"${WRK_S}s" --latency "$@" "$url" >"$FIG_DIR/wrk-$name.txt" 2>&1
  awk '/ requests in / { n = $1; t = $4; sub(/s,?$/, "", t) } /^  Non-2xx/ { bad = $5 }
       END { if (t > 0) printf "%.2f\n", (n - bad) / t }' "$FIG_DIR/wrk-$name.txt"
}
j() { jq -r ".$2" <<<"$1" 2>/dev/null; }

"$BUILD/bench_seed" queries 200 "$CATALOG_TITLES" | sed 's|^|/api/v1/titles?q=|' >"$FIG_DIR/paths.txt"
# Distinct queries: the same mix, each query once (in bench_seed's pseudo-random order); the
# sequential run and the wrk run use separate parts, so wrk never meets a query already cached.
"$BUILD/bench_seed" queries 400000 "$CATALOG_TITLES" | awk '!seen[$0]++' | sed 's|^|/api/v1/titles?q=|' >"$FIG_DIR/distinct-all.txt"
head -n $((LAT_N + 60)) "$FIG_DIR/distinct-all.txt" >"$FIG_DIR/paths-distinct.txt"
tail -n +$((LAT_N + 61)) "$FIG_DIR/distinct-all.txt" >"$FIG_DIR/paths-wrk-distinct.txt"
NDISTINCT=$(wc -l <"$FIG_DIR/paths-wrk-distinct.txt")
LATD_plain="" LATR_plain="" HEALTH_plain="" RPSD_plain="" RPSR_plain="" RSS_plain=""
serve_and_measure plain
if [ -z "$LATD_plain" ]; then
  not_measured "search p99" "< $T_P99 ms" "no answer from cmup serve: $(tail -n 1 "$FIG_DIR/serve-plain.log")"
  exit 0
fi
p50=$(fmt2 "$(j "$LATD_plain" p50_ms)") p99=$(fmt2 "$(j "$LATD_plain" p99_ms)") size=$(j "$LATR_plain" mean_bytes)

# nginx, our own instance (never the system one): a static file of the mean response size.
NPORT=$(free_port)
mkdir -p "$FIG_DIR/nginx/www" "$FIG_DIR/nginx/tmp" "$FIG_DIR/nginx/logs"
head -c "$size" /dev/zero | tr '\0' 'x' >"$FIG_DIR/nginx/www/search.json"
cat >"$FIG_DIR/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $FIG_DIR/nginx/nginx.pid;
error_log $FIG_DIR/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $FIG_DIR/nginx/tmp/body;
  proxy_temp_path $FIG_DIR/nginx/tmp/proxy;
  fastcgi_temp_path $FIG_DIR/nginx/tmp/fastcgi;
  uwsgi_temp_path $FIG_DIR/nginx/tmp/uwsgi;
  scgi_temp_path $FIG_DIR/nginx/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NPORT;
    root $FIG_DIR/nginx/www;
    default_type application/json;
  }
}
CONF
start_bg nginx nginx -p "$FIG_DIR/nginx" -c "$FIG_DIR/nginx/nginx.conf"
nginx_ok=1
wait_port "$NPORT" 10 || nginx_ok=0

# The same wrk as against cmup, the same Lua script rotating through the same 200 request
# lines (nginx ignores the query and serves the file): the client does the same work per
# request on both sides of the ratio. (Until 2026-12-02 nginx was measured with one fixed
# path and no script, which left wrk more of the shared cores against nginx than against cmup.)
sed 's|^/api/v1/titles?|/search.json?|' "$FIG_DIR/paths.txt" >"$FIG_DIR/paths-nginx.txt"
nrps=""
[ "$nginx_ok" = 1 ] && nrps=$(BENCH_PATHS="$FIG_DIR/paths-nginx.txt" wrk_rps nginx "http://127.0.0.1:$NPORT" -s "$ROOT/bench/rotate_paths.lua")
# Diagnostic: nginx measured the old way (one path, no script), so the change of method shows.
nrps_fixed=""
[ "$nginx_ok" = 1 ] && nrps_fixed=$(wrk_rps nginx-fixed "http://127.0.0.1:$NPORT/search.json")
errs_d=$(grep -hE "Non-2xx|Socket errors" "$FIG_DIR/wrk-cmup-plain-distinct.txt" | tr '\n' ' ')
# Searches/s count only successful answers (see wrk_rps).
errs_r=$(grep -hE "Non-2xx|Socket errors" "$FIG_DIR/wrk-cmup-plain.txt" | tr '\n' ' ')
us_ms() { awk -v x="$1" 'BEGIN { printf "%.3f", x / 1000 }'; }

if [ -n "$SRV" ]; then
  sp50=$(us_ms "$(j "$SRV" miss_p50_us)") sp99=$(us_ms "$(j "$SRV" miss_p99_us)")
  row "server-side search p50 (in process, distinct queries, no cache)" "$sp50 ms" "-" "-" "< $T_P50 ms" "$(status_of "$sp50" "<=" "$T_P50")"
  row "server-side search p99 (in process, distinct queries, no cache)" "$sp99 ms" "-" "-" "< $T_P99 ms" "$(status_of "$sp99" "<=" "$T_P99")"
  row "server-side search CPU time p50 / p99 (the same calls, thread CPU clock)" "$(us_ms "$(j "$SRV" miss_cpu_p50_us)") / $(us_ms "$(j "$SRV" miss_cpu_p99_us)") ms" "-" "-" "(diagnostic: without waiting for a core)" "reported"
  row "server-side answer from the cache p50 / p99" "$(us_ms "$(j "$SRV" hit_p50_us)") / $(us_ms "$(j "$SRV" hit_p99_us)") ms" "-" "-" "(reported)" "reported"
  row "search index build ($(j "$SRV" titles) titles)" "$(j "$SRV" build_ms) ms, $(j "$SRV" index_mib) MiB" "-" "-" "(reported)" "reported"
else
  not_measured "server-side search p50/p99" "< $T_P50 / < $T_P99 ms" "bench_search did not build or run (see fig5/bench_search.log)"
fi
row "search latency p50 over HTTP (one client, sequential, distinct queries)" "$p50 ms" "-" "-" "< $T_P50 ms" "$(status_of "$p50" "<=" "$T_P50")"
row "search latency p99 over HTTP (one client, sequential, distinct queries)" "$p99 ms" "-" "-" "< $T_P99 ms" "$(status_of "$p99" "<=" "$T_P99")"
row "search latency p50 / p99 over HTTP (sequential, repeated queries)" "$(fmt2 "$(j "$LATR_plain" p50_ms)") / $(fmt2 "$(j "$LATR_plain" p99_ms)") ms" "-" "-" "(reported)" "reported"
row "HTTP floor: GET /api/v1/health p50" "$(fmt2 "$(j "$HEALTH_plain" p50_ms)") ms" "-" "-" "(diagnostic)" "reported"
if [ -n "$RPSD_plain" ]; then
  row "searches/s under wrk -c$WRK_C, distinct queries" "$(fmt2 "$RPSD_plain")/s" "-" "-" ">= $T_DISTINCT/s" "$(status_of "$RPSD_plain" ">=" "$T_DISTINCT")"
else
  not_measured "searches/s under wrk, distinct queries" ">= $T_DISTINCT/s" "wrk failed (see bench/out/<run>/fig5/)"
fi
if [ -n "$RPSR_plain" ] && [ -n "$nrps" ]; then
  r=$(ratio "$RPSR_plain" "$nrps")
  row "searches/s under wrk -c$WRK_C, repeated queries" "$(fmt2 "$RPSR_plain")/s" "$(fmt2 "$nrps")/s nginx, static file of $size bytes" "$r" \
    ">= $T_RATIO" "$(status_of "$r" ">=" "$T_RATIO")"
else
  not_measured "searches/s under wrk, repeated queries" ">= $T_RATIO x nginx" "wrk or nginx failed (see bench/out/<run>/fig5/)"
fi
if [ -n "$RPSR_plain" ] && [ -n "$nrps_fixed" ]; then
  row "the same, against nginx measured without the Lua rotation (one path; the method before 2026-12-02)" "$(fmt2 "$RPSR_plain")/s" \
    "$(fmt2 "$nrps_fixed")/s nginx, one fixed path" "$(ratio "$RPSR_plain" "$nrps_fixed")" "(diagnostic)" "reported"
fi
[ -n "$RSS_plain" ] && row "cmup serve RSS after the runs" "$(awk -v k="$RSS_plain" 'BEGIN { printf "%.0f", k / 1024 }') MiB" "-" "-" "(reported)" "reported"

para "cmup serve on a database of $CATALOG_TITLES synthetic movie titles (bench/bench_db.cpp: most carry a made-up" \
  "three-syllable name, the rest only common words), each with one stored 1080P variant so the API lists it." \
  "Queries (\`bench_seed queries\`): 50 % a distinctive word of a title, 20 % its first four letters, 15 % two words," \
  "15 % one common word that matches thousands of titles; GET /api/v1/titles?q=..., default page size; mean" \
  "response $size bytes. Server side: \`bench_search\` builds the index from the database and calls" \
  "SearchService::titles_page (what the route calls: search, page, render) for $(j "$SRV" n) distinct queries of the" \
  "mix, each once (no cache), then again (cache hits); slowest: $(jq -r '.slowest | join(", ")' <<<"$SRV" 2>/dev/null)." \
  "The wall-clock rows include time the search thread waits for a core; the CPU-time row does not (load" \
  "average at the start of this run: $(cut -d' ' -f1-3 /proc/loadavg))." \
  "Over HTTP: $LAT_N sequential requests over one keep-alive connection after 50 warm-up requests, first over" \
  "distinct queries the server has not seen (p90 $(fmt2 "$(j "$LATD_plain" p90_ms)") ms, max $(fmt2 "$(j "$LATD_plain" max_ms)") ms," \
  "errors $(j "$LATD_plain" errors)), then over the 200-query repeated mix. Throughput: \`wrk -t$WRK_T -c$WRK_C -d${WRK_S}s\`," \
  "first over $NDISTINCT further distinct queries (each wrk thread walks its own part of the list, so no query" \
  "repeats), then rotating through the 200 repeated queries, then the same wrk against nginx (worker_processes" \
  "auto; our own instance, config and port) serving a static file of the mean response size, with the same Lua" \
  "script rotating through the same 200 request lines (/search.json?q=..., the query ignored). wrk, the server and" \
  "nginx share the machine's $(nproc) cores. ${errs_d:+wrk (distinct) reported: $errs_d} ${errs_r:+wrk (repeated) reported: $errs_r}"
para "wrk latency under load: cmup distinct $(awk '/ 50%/ { print "p50 " $2 } / 99%/ { print ", p99 " $2 }' "$FIG_DIR/wrk-cmup-plain-distinct.txt" | tr -d '\n');" \
  "cmup repeated $(awk '/ 50%/ { print "p50 " $2 } / 99%/ { print ", p99 " $2 }' "$FIG_DIR/wrk-cmup-plain.txt" | tr -d '\n');" \
  "nginx $(awk '/ 50%/ { print "p50 " $2 } / 99%/ { print ", p99 " $2 }' "$FIG_DIR/wrk-nginx.txt" 2>/dev/null | tr -d '\n')."
if [ -n "$SRV" ] && [ "$(status_of "$sp99" "<=" "$T_P99")" = missed ]; then
  para "**Why p99 misses:** the same calls took $(us_ms "$(j "$SRV" miss_cpu_p99_us)") ms of CPU time at p99" \
    "(thread CPU clock); the rest of the wall-clock tail is the search thread waiting for a core (load average" \
    "$(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores at the end of this figure). The costliest queries are common" \
    "words, whose thousands of matching titles are all ranked before the page is cut."
fi
if [ -n "$RPSR_plain" ] && [ -n "$nrps" ] && [ "$(status_of "$(ratio "$RPSR_plain" "$nrps")" ">=" "$T_RATIO")" = missed ]; then
  para "**Why the repeated-query ratio misses:** an answer from the cache costs $(us_ms "$(j "$SRV" hit_p50_us)") ms in the" \
    "server (p50), is answered on the I/O thread (the route's io_first, no pool hand-off) and written pre-serialized;" \
    "the rest is cmup's per-request HTTP path (Beast's request parser, query parsing and validation, the coroutine" \
    "per request) against nginx's static-file path, with wrk, cmup and nginx sharing $(nproc) cores. ${errs_r:+wrk against cmup: $errs_r}"
fi
reproduce "bench_search catalog.db $NQ $CATALOG_TITLES; cmup --config cmup-plain.toml serve; $BUILD/bench_http_latency PORT paths-distinct.txt $LAT_N; BENCH_PATHS=paths-wrk-distinct.txt BENCH_DISJOINT=1 wrk -t$WRK_T -c$WRK_C -d${WRK_S}s --latency -s bench/rotate_paths.lua http://127.0.0.1:PORT (files in bench/out/<run>/fig5/)"
