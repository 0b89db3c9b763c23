# Figure 7: the web tier under held connections. 10,000 idle keep-alive connections and 1,000
# slowloris connections (one header line a second, re-opened when cut) held open against
# `cmup serve` on the 100,000-title catalog, while a fresh client makes requests, each on a new
# connection: /api/v1/health and search latency, errors, and the server's RSS.
. "$ROOT/bench/lib.sh"
section_title "Web tier under 10,000 idle + 1,000 slowloris connections"

if [ "$SCALE" = full ]; then IDLE=10000 SLOW=1000 N=1000; else IDLE=500 SLOW=50 N=100; fi
T_P99=20 T_RSS_MIB=256
if ! have_cmd serve || [ ! -x "$BUILD/bench_http_hold" ] || [ ! -x "$BUILD/bench_seed" ]; then
  not_measured "fresh client p99 while held" "< $T_P99 ms" "cmup serve or bench_http_hold did not build"
  exit 0
fi
ensure_catalog || { not_measured "fresh client p99 while held" "< $T_P99 ms" "catalog seeding failed"; exit 0; }
"$BUILD/bench_seed" queries 200 "$CATALOG_TITLES" | sed 's|^|/api/v1/titles?q=|' >"$FIG_DIR/paths.txt"

port=$(free_port)
# Defaults except: idle keep-alive connections may wait out the whole run (the default 60 s
# would close them before the measurement ends), and room for 11,000 connections in total.
cat >"$FIG_DIR/cmup.toml" <<TOML
[general]
data_dir = "$FIG_DIR/data"
log_level = "warn"
[database]
path = "$CATALOG_DB"
[web]
listen = "127.0.0.1:$port"
idle_timeout_ms = 600000
max_connections = 15000
[coordinator]
listen = ""
TOML
start_bg serve "$BUILD/cmup" --config "$FIG_DIR/cmup.toml" serve
pid=$BG_PID
wait_port "$port" 30 || { not_measured "fresh client p99 while held" "< $T_P99 ms" "cmup serve did not start"; exit 0; }
# The server is a child of setsid: its pid is the session leader's.
spid=$(pgrep -s "$pid" -x cmup | head -n 1)
res=$("$BUILD/bench_http_hold" "$port" "$IDLE" "$SLOW" "$N" "$FIG_DIR/paths.txt" "${spid:-$pid}" 2>"$FIG_DIR/hold.log" | tail -n 1)
echo "$res" >"$FIG_DIR/result.json"
stop_pid "$pid"
j() { jq -r ".$1" <<<"$res" 2>/dev/null; }
if [ -z "$res" ] || [ "$(j errors)" = null ]; then
  not_measured "fresh client p99 while held" "< $T_P99 ms" "bench_http_hold gave no result (see bench/out/<run>/fig7/)"
  exit 0
fi
hp99=$(fmt2 "$(j health.p99_ms)") sp99=$(fmt2 "$(j search.p99_ms)") errors=$(j errors)
rss=$(awk -v k="$(j rss_holding_kib)" 'BEGIN { printf "%.0f", k / 1024 }')
rss0=$(awk -v k="$(j rss_before_kib)" 'BEGIN { printf "%.0f", k / 1024 }')
row "held: idle keep-alive / slowloris connections" "$(j idle_held) / $(j slow_held)" "-" "-" "$IDLE / $SLOW" \
  "$([ "$(j idle_held)" -ge "$IDLE" ] && [ "$(j slow_held)" -ge $((SLOW * 9 / 10)) ] && echo met || echo missed)"
row "fresh client: GET /api/v1/health p99 (new connection each)" "$hp99 ms" "-" "-" "< $T_P99 ms" "$(status_of "$hp99" "<=" "$T_P99")"
row "fresh client: search p99 (new connection each)" "$sp99 ms" "-" "-" "< $T_P99 ms" "$(status_of "$sp99" "<=" "$T_P99")"
row "fresh client errors" "$errors" "-" "-" "0" "$(status_of "$errors" "<=" 0)"
row "server RSS while holding" "$rss MiB" "$rss0 MiB before" "-" "< $T_RSS_MIB MiB" "$(status_of "$rss" "<=" "$T_RSS_MIB")"
para "cmup serve (web.io_threads 2, web.threads 8, defaults otherwise; idle_timeout_ms raised to 600 s so the idle" \
  "connections outlive the run) on $CATALOG_TITLES synthetic titles. bench_http_hold (bench/http_hold.cpp, Asio, one" \
  "thread) opens $IDLE keep-alive connections that each make one GET /api/v1/health and then stay idle, and $SLOW" \
  "slowloris connections that send a request line and then one header line a second, re-opened when the server cuts" \
  "them at web.header_timeout_ms (10 s); sources are spread over 127.0.x.y, 50 per address, under the default" \
  "per-address cap of 64. Then a fresh client on 127.0.0.1 makes at least $N requests for at least 15 s (past the header deadline), each on a new connection, alternating" \
  "health and searches (the queries of figure 5). Health p50 $(fmt2 "$(j health.p50_ms)") ms, max" \
  "$(fmt2 "$(j health.max_ms)") ms; search p50 $(fmt2 "$(j search.p50_ms)") ms, max $(fmt2 "$(j search.max_ms)") ms;" \
  "slowloris connections cut and re-opened during the run: $(j slow_cut); idle connections dropped: $(j idle_dropped)." \
  "The load tool, the server and everything else share the machine's $(nproc) cores (load average at the end:" \
  "$(cut -d' ' -f1-3 /proc/loadavg))."
reproduce "cmup --config cmup.toml serve; $BUILD/bench_http_hold PORT $IDLE $SLOW $N paths.txt SERVER_PID (files in bench/out/<run>/fig7/)"
