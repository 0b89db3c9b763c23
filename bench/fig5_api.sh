# Figure 5: search latency of `cmup serve` with 100,000 titles, and requests/s under wrk next
# to nginx serving a static file of the same size, in the same run.
. "$ROOT/bench/lib.sh"
section_title "API: search latency and throughput"

if [ "$SCALE" = full ]; then LAT_N=600 WRK_S=8; else LAT_N=100 WRK_S=2; fi
WRK_C=32 WRK_T=2
T_P99=5 T_RATIO=0.5
if ! have_cmd serve || [ ! -x "$BUILD/bench_http_latency" ] || [ ! -x "$BUILD/bench_seed" ]; then
  not_measured "search p99" "< $T_P99 ms" "cmup serve or the bench programs did not build"
  exit 0
fi
ensure_catalog || { not_measured "search p99" "< $T_P99 ms" "catalog seeding failed"; exit 0; }

# serve_and_measure NAME [LD_PRELOAD]: starts cmup serve, measures health and search latency
# and wrk throughput, stops it. Sets LAT_<NAME>, HEALTH_<NAME>, RPS_<NAME>.
serve_and_measure() {
  local name=$1 preload=${2:-} port
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
[coordinator]
listen = ""
TOML
  chmod 600 "$FIG_DIR/cmup-$name.toml"
  if [ -n "$preload" ]; then
    start_bg "serve-$name" env LD_PRELOAD="$preload" "$BUILD/cmup" --config "$FIG_DIR/cmup-$name.toml" serve
  else
    start_bg "serve-$name" "$BUILD/cmup" --config "$FIG_DIR/cmup-$name.toml" serve
  fi
  local pid=$BG_PID
  wait_port "$port" 30 || { log "cmup serve ($name) did not start"; return 1; }
  echo "/api/v1/health" >"$FIG_DIR/health.txt"
  local v
  v=$("$BUILD/bench_http_latency" "$port" "$FIG_DIR/health.txt" 300 2>/dev/null | tail -n 1)
  printf -v "HEALTH_$name" '%s' "$v"
  v=$("$BUILD/bench_http_latency" "$port" "$FIG_DIR/paths.txt" "$LAT_N" 2>"$FIG_DIR/latency-$name.log" | tail -n 1)
  printf -v "LAT_$name" '%s' "$v"
  v=$(wrk_rps "cmup-$name" "http://127.0.0.1:$port" -s "$ROOT/bench/rotate_paths.lua")
  printf -v "RPS_$name" '%s' "$v"
  stop_pid "$pid"
}

wrk_rps() {  # NAME URL [wrk args] -> requests/s (the wrk output goes to $FIG_DIR/wrk-NAME.txt)
  local name=$1 url=$2
  shift 2
  BENCH_PATHS="$FIG_DIR/paths.txt" wrk -t"$WRK_T" -c"$WRK_C" -d"${WRK_S}s" --latency "$@" "$url" >"$FIG_DIR/wrk-$name.txt" 2>&1
  awk '/^Requests\/sec:/ { print $2 }' "$FIG_DIR/wrk-$name.txt"
}
j() { jq -r ".$2" <<<"$1" 2>/dev/null; }

"$BUILD/bench_seed" queries 200 "$CATALOG_TITLES" | sed 's|^|/api/v1/titles?q=|' >"$FIG_DIR/paths.txt"
LAT_plain="" LAT_nodelay="" HEALTH_plain="" HEALTH_nodelay="" RPS_plain="" RPS_nodelay=""
serve_and_measure plain
SHIM="$BUILD/bench/nodelay_shim.so"
[ -f "$SHIM" ] && serve_and_measure nodelay "$SHIM"
if [ -z "$LAT_plain" ]; then
  not_measured "search p99" "< $T_P99 ms" "no answer from cmup serve: $(tail -n 1 "$FIG_DIR/serve-plain.log")"
  exit 0
fi
p50=$(fmt2 "$(j "$LAT_plain" p50_ms)") p99=$(fmt2 "$(j "$LAT_plain" p99_ms)") size=$(j "$LAT_plain" mean_bytes)

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

nrps=""
[ "$nginx_ok" = 1 ] && nrps=$(wrk_rps nginx "http://127.0.0.1:$NPORT/search.json")
errs=$(grep -hE "Non-2xx|Socket errors" "$FIG_DIR/wrk-cmup-plain.txt" | tr '\n' ' ')

row "search latency p50 (one client, sequential)" "$p50 ms" "-" "-" "(reported)" "reported"
row "search latency p99 (one client, sequential)" "$p99 ms" "-" "-" "< $T_P99 ms" "$(status_of "$p99" "<=" "$T_P99")"
row "HTTP floor: GET /api/v1/health p50" "$(fmt2 "$(j "$HEALTH_plain" p50_ms)") ms" "-" "-" "(diagnostic)" "reported"
if [ -n "$RPS_plain" ] && [ -n "$nrps" ]; then
  r=$(ratio "$RPS_plain" "$nrps")
  row "requests/s under wrk (searches)" "$(fmt2 "$RPS_plain")/s" "$(fmt2 "$nrps")/s nginx, static file of $size bytes" "$r" \
    ">= $T_RATIO" "$(status_of "$r" ">=" "$T_RATIO")"
else
  not_measured "requests/s under wrk" ">= $T_RATIO x nginx" "wrk or nginx failed (see bench/out/<run>/fig5/)"
fi
if [ -n "$LAT_nodelay" ]; then
  row "with TCP_NODELAY (LD_PRELOAD shim): search p50 / p99" \
    "$(fmt2 "$(j "$LAT_nodelay" p50_ms)") / $(fmt2 "$(j "$LAT_nodelay" p99_ms)") ms" "-" "-" "(what-if)" "reported"
  row "with TCP_NODELAY: health p50" "$(fmt2 "$(j "$HEALTH_nodelay" p50_ms)") ms" "-" "-" "(what-if)" "reported"
  [ -n "$RPS_nodelay" ] && [ -n "$nrps" ] && row "with TCP_NODELAY: requests/s under wrk" "$(fmt2 "$RPS_nodelay")/s" \
    "$(fmt2 "$nrps")/s nginx" "$(ratio "$RPS_nodelay" "$nrps")" "(what-if)" "reported"
fi
para "cmup serve on a database of $CATALOG_TITLES synthetic movie titles (bench/bench_db.cpp: most carry a made-up" \
  "three-syllable name, the rest only common words), each with one stored 1080P variant so the API lists it." \
  "Queries (\`bench_seed queries\`): 50 % a distinctive word of a title, 20 % its first four letters, 15 % two words," \
  "15 % one common word that matches thousands of titles; GET /api/v1/titles?q=..., default page size; mean" \
  "response $size bytes. Latency: $LAT_N sequential requests over one keep-alive connection after 50 warm-up" \
  "requests (p90 $(fmt2 "$(j "$LAT_plain" p90_ms)") ms, max $(fmt2 "$(j "$LAT_plain" max_ms)") ms, errors $(j "$LAT_plain" errors))." \
  "Throughput: \`wrk -t$WRK_T -c$WRK_C -d${WRK_S}s\` rotating through the same queries, then the same wrk against" \
  "nginx (worker_processes auto; our own instance, config and port) serving a static file of the mean response" \
  "size. wrk, the server and nginx share the machine's $(nproc) cores. The what-if rows run the same cmup binary" \
  "with bench/nodelay_shim.so preloaded, which only sets TCP_NODELAY on accepted sockets. ${errs:+wrk reported: $errs}"
para "wrk latency under load: cmup $(awk '/ 50%/ { print "p50 " $2 } / 99%/ { print ", p99 " $2 }' "$FIG_DIR/wrk-cmup-plain.txt" | tr -d '\n');" \
  "nginx $(awk '/ 50%/ { print "p50 " $2 } / 99%/ { print ", p99 " $2 }' "$FIG_DIR/wrk-nginx.txt" 2>/dev/null | tr -d '\n')."
if [ "$(status_of "$p99" "<=" "$T_P99")" = missed ]; then
  hf=$(fmt2 "$(j "$HEALTH_plain" p50_ms)")
  para "**Why the latency misses:** even GET /api/v1/health, which does no work, takes $hf ms at the median: the" \
    "web server's sockets lack TCP_NODELAY, so Nagle's algorithm holds the body of each response until the client's" \
    "delayed ACK (~40 ms). With the shim (TCP_NODELAY only) health drops to $(fmt2 "$(j "$HEALTH_nodelay" p50_ms)") ms and" \
    "search to p50/p99 $(fmt2 "$(j "$LAT_nodelay" p50_ms)")/$(fmt2 "$(j "$LAT_nodelay" p99_ms)") ms; what remains is the" \
    "search itself (FTS5 bm25 ranking over every match of a common word, and the trigram typo stage, which runs" \
    "whenever words find fewer than 10 titles, i.e. for most distinctive-word queries). **To close it:**" \
    "\`set_tcp_nodelay(true)\` on the httplib server; rank common-word queries on a bounded candidate set (LIMIT" \
    "inside the FTS query, or a precomputed popularity order) and skip the typo stage when words already matched."
fi
reproduce "cmup --config cmup-plain.toml serve; $BUILD/bench_http_latency PORT paths.txt $LAT_N; BENCH_PATHS=paths.txt wrk -t$WRK_T -c$WRK_C -d${WRK_S}s --latency -s bench/rotate_paths.lua http://127.0.0.1:PORT (files in bench/out/<run>/fig5/)"
