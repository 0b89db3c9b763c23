# Figure 6: the bot's time from an update arriving to its send call leaving.
. "$ROOT/bench/lib.sh"
section_title "Bot: update arriving -> send call leaving"

if [ "$SCALE" = full ]; then N=400 RATE=20; else N=40 RATE=20; fi
TARGET_MS=5
if [ ! -x "$BUILD/bench_bot" ] || [ ! -x "$BUILD/cmup-sim-telegram" ]; then
  not_measured "median latency" "< $TARGET_MS ms" "bench_bot or cmup-sim-telegram did not build (src/bot, sim/telegram)"
  exit 0
fi
ensure_catalog || { not_measured "median latency" "< $TARGET_MS ms" "catalog seeding failed"; exit 0; }

TOKEN="7100000001:AA$(random_hex 17 | cut -c1-33)"
sim_telegram_config "$FIG_DIR/sim.json" 7100000001 cmup_bench_bot "$TOKEN"
PORT=$(free_port)
start_bg sim-telegram "$BUILD/cmup-sim-telegram" --listen "127.0.0.1:$PORT" --config "$FIG_DIR/sim.json" \
  --data-dir "$FIG_DIR/sim-data" --control
wait_port "$PORT" 20 || { not_measured "median latency" "< $TARGET_MS ms" "cmup-sim-telegram did not start"; exit 0; }

res=$("$BUILD/bench_bot" "http://127.0.0.1:$PORT" cmup_bench_bot "$TOKEN" "$CATALOG_DB" "$CATALOG_TITLES" "$N" "$RATE" 2>"$FIG_DIR/bench_bot.log" | tail -n 1)
if [ -z "$res" ]; then
  not_measured "median latency" "< $TARGET_MS ms" "bench_bot failed: $(tail -n 1 "$FIG_DIR/bench_bot.log")"
  exit 0
fi
g() { jq -r ".$1" <<<"$res"; }
p50=$(fmt2 "$(g p50_ms)"); p99=$(fmt2 "$(g p99_ms)"); floor=$(fmt2 "$(g write_floor_p50_ms)")
row "median, update handed over -> reply leaving" "$p50 ms" "$floor ms (one durable SQLite write)" "$(ratio "$p50" "$floor")" \
  "< $TARGET_MS ms" "$(status_of "$p50" "<=" "$TARGET_MS")"
row "p99" "$p99 ms" "-" "-" "(reported)" "reported"
para "$(g updates) users each write to the bot through cmup-sim-telegram's control API (70 % searches of the" \
  "$CATALOG_TITLES-title catalog, 20 % /start, 10 % /help); the Update JSON the simulator returns is handed to a" \
  "BotService in webhook mode (handle_webhook, the webhook's entry point) at $RATE updates/s, below the bot's pacing" \
  "(30 messages/s less bot.pacing_margin: 25.5/s) so the rate limiter never holds a reply. The clock starts just before the body is handed over" \
  "and stops when the bot's send observer (BotService::set_send_observer) sees the reply's sendMessage leave; in" \
  "between: JSON parse, the durable inbox write, dispatch to a chat thread, the conversation (catalog search)." \
  "$(g replied) of $(g updates) updates got a reply; max $(fmt2 "$(g max_ms)") ms. Measured from the bot's own arrival" \
  "stamp: p50 $(fmt2 "$(g stamp_p50_ms)") ms, p99 $(fmt2 "$(g stamp_p99_ms)") ms. Baseline: median of 200 single-row" \
  "write transactions (BEGIN IMMEDIATE, INSERT, COMMIT) on the same database, the floor of a handler that records an" \
  "update before answering it."
reproduce "$BUILD/bench_bot http://127.0.0.1:PORT cmup_bench_bot TOKEN catalog.db $CATALOG_TITLES $N $RATE  (cmup-sim-telegram --control on PORT with bench/out/<run>/fig6/sim.json)"

# --- Cold delivery (issue 17): the first delivery, before the bot knows its own file ids, next
# to the same delivery once it does. A second simulator holds the storage world.
if [ "$SCALE" = full ]; then DN=20; else DN=8; fi
if [ ! -x "$BUILD/bench_bot_delivery" ]; then
  not_measured "cold delivery (3 parts), p50" "<= warm + 1 round trip" "bench_bot_delivery did not build"
  exit 0
fi
BOT_TOKEN2="7100000011:AA$(random_hex 17 | cut -c1-33)"
UP_TOKEN2="7100000012:AA$(random_hex 17 | cut -c1-33)"
printf '{"bots":[{"id":7100000011,"username":"cmup_bench_bot","token":"%s"},{"id":7100000012,"username":"cmup_bench_up","token":"%s","local_mode":true}],"channels":[{"id":-1001000000001,"title":"Storage","admins":["cmup_bench_up","cmup_bench_bot"]},{"id":-1001000000099,"title":"Index","admins":["cmup_bench_bot"]}],"users":[]}\n' \
  "$BOT_TOKEN2" "$UP_TOKEN2" >"$FIG_DIR/sim-delivery.json"
chmod 600 "$FIG_DIR/sim-delivery.json"
DPORT=$(free_port)
start_bg sim-telegram-delivery "$BUILD/cmup-sim-telegram" --listen "127.0.0.1:$DPORT" --config "$FIG_DIR/sim-delivery.json" \
  --data-dir "$FIG_DIR/sim-delivery-data" --control
wait_port "$DPORT" 20 || { not_measured "cold delivery (3 parts), p50" "<= warm + 1 round trip" "cmup-sim-telegram did not start"; exit 0; }
dres=$("$BUILD/bench_bot_delivery" "http://127.0.0.1:$DPORT" "$BOT_TOKEN2" "$UP_TOKEN2" -1001000000001 -1001000000099 \
  "$FIG_DIR/delivery.db" "$DN" 2>"$FIG_DIR/bench_bot_delivery.log" | tail -n 1)
dload=$(uptime | sed 's/.*load average: //')
if [ -z "$dres" ]; then
  not_measured "cold delivery (3 parts), p50" "<= warm + 1 round trip" "bench_bot_delivery failed: $(tail -n 1 "$FIG_DIR/bench_bot_delivery.log")"
  exit 0
fi
d() { jq -r ".$1" <<<"$dres"; }
rtt=$(fmt2 "$(d rtt_p50_ms)")
for p in 3 1; do
  cold=$(fmt2 "$(d "parts$p.cold_p50_ms")"); warm=$(fmt2 "$(d "parts$p.warm_p50_ms")")
  bound=$(awk -v w="$warm" -v r="$rtt" 'BEGIN { printf "%.2f", w + r }')
  row "cold delivery ($p part$([ "$p" = 1 ] || echo s)), p50" "$cold ms" "$warm ms warm (by file id)" "$(ratio "$cold" "$warm")" \
    "<= warm + 1 round trip ($bound ms)" "$(status_of "$cold" "<=" "$bound")"
done
para "Cold delivery (issue 17): for each of $DN samples per part count, an uploader bot stores a fresh variant in a" \
  "storage channel (as a worker does) and the bot delivers it through Delivery::deliver() (the Mini App's \"Send to" \
  "me\" path) to a new user while it has no file id of its own: copyMessage (1 part) or one copyMessages call (3" \
  "parts). The bot then learns the ids in the background through its index chat (its pacing raised so learning between samples is quick; each measured delivery goes to a new user, so pacing never holds it), and the same variant goes to another" \
  "new user by file id (sendVideo, sendMediaGroup): warm. p90: 1 part cold $(fmt2 "$(d parts1.cold_p90_ms)") ms," \
  "warm $(fmt2 "$(d parts1.warm_p90_ms)") ms; 3 parts cold $(fmt2 "$(d parts3.cold_p90_ms)") ms, warm" \
  "$(fmt2 "$(d parts3.warm_p90_ms)") ms. One round trip: median of 50 getMe calls to the same simulator, $rtt ms." \
  "Before issue 17 the cold 3-part delivery waited for three forwards into the index chat (5.6 s measured)." \
  "Load average when it ended: $dload (2 cores, other builds alongside)."
reproduce "$BUILD/bench_bot_delivery http://127.0.0.1:PORT BOT_TOKEN UPLOADER_TOKEN -1001000000001 -1001000000099 delivery.db $DN  (cmup-sim-telegram --control on PORT with bench/out/<run>/fig6/sim-delivery.json)"
