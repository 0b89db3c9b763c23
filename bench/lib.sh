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

# --- media and the upload world (figures 1 and 2) -----------------------------------------

# base_clip: $OUT/media/base.mp4, a 10 s 720p H.264/AAC clip (~5.5 MB), encoded once per run.
base_clip() {
  BASE_CLIP="$OUT/media/base.mp4"
  mkdir -p "$OUT/media"
  [ -s "$BASE_CLIP" ] && return 0
  ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t 10 -c:v libx264 -preset ultrafast -b:v 4M -maxrate 4M -bufsize 8M -pix_fmt yuv420p -c:a aac -b:a 128k \
    -movflags +faststart "$BASE_CLIP.tmp.mp4" && mv "$BASE_CLIP.tmp.mp4" "$BASE_CLIP"
}

# make_media FILE MIB: copies of the base clip joined by ffmpeg's concat demuxer (-c copy),
# at least MIB MiB; .mp4 gets +faststart (moov first: the direct path), .mkv needs a remux.
make_media() {
  local file=$1 mib=$2 base_bytes copies list
  base_clip || return 1
  base_bytes=$(stat -c %s "$BASE_CLIP")
  copies=$(((mib * 1048576 + base_bytes - 1) / base_bytes))
  [ "$copies" -ge 1 ] || copies=1
  list="$file.list"
  for _ in $(seq "$copies"); do echo "file '$BASE_CLIP'"; done >"$list"
  case "$file" in
    *.mp4) ffmpeg -v error -y -f concat -safe 0 -i "$list" -c copy -movflags +faststart "$file" ;;
    *) ffmpeg -v error -y -f concat -safe 0 -i "$list" -c copy "$file" ;;
  esac
  local rc=$?
  rm -f "$list"
  return $rc
}

# upload_world DIR UP_BPS DOWN_BPS MAX_UPLOAD_BYTES: starts cmup-sim-telegram (uploads throttled
# to UP_BPS, all together) and bench_media_server (serving DIR/media, all downloads together
# throttled to DOWN_BPS; 0 = unlimited), writes DIR/cmup.toml for one account "bench" that may
# upload MAX_UPLOAD_BYTES per file, and one movie channel. Sets MEDIA_URL, WORLD_CONFIG,
# WORLD_DB, CHANNEL_ID. Returns non-zero when a server does not start.
upload_world() {
  local dir=$1 up=$2 down=$3 maxb=$4 tport mport token
  mkdir -p "$dir/media" "$dir/spool" "$dir/thumbs"
  CHANNEL_ID=-1009000000001
  token="7200000001:AA$(random_hex 17 | cut -c1-33)"
  printf '{"bots":[{"id":7200000001,"username":"bench_uploader_bot","token":"%s","max_upload_bytes":%s}],"channels":[{"id":%s,"title":"bench store","admins":["bench_uploader_bot"]}],"users":[]}\n' \
    "$token" "$maxb" "$CHANNEL_ID" >"$dir/sim.json"
  chmod 600 "$dir/sim.json"
  tport=$(free_port)
  start_bg "$(basename "$dir")-sim-telegram" "$BUILD/cmup-sim-telegram" --listen "127.0.0.1:$tport" \
    --config "$dir/sim.json" --data-dir "$dir/sim-telegram" --throttle-bps "$up" --max-upload-bytes "$maxb"
  mport=$(free_port)
  start_bg "$(basename "$dir")-media" "$BUILD/bench_media_server" --dir "$dir/media" --port "$mport" --throttle-bps "$down"
  wait_port "$tport" 20 && wait_port "$mport" 20 || return 1
  MEDIA_URL="http://127.0.0.1:$mport/media"
  WORLD_DB="$dir/cmup.db"
  WORLD_CONFIG="$dir/cmup.toml"
  cat >"$WORLD_CONFIG" <<TOML
[general]
data_dir = "$dir/data"
log_level = "info"
[database]
path = "$WORLD_DB"
[queue]
idle_poll_ms = 200
progress_interval_ms = 1000
[media]
spool_dir = "$dir/spool"
thumb_dir = "$dir/thumbs"
[telegram]
bot_api_url = "http://127.0.0.1:$tport"
[[accounts]]
name = "bench"
backend = "botapi"
kind = "local_bot"
token = "$token"
max_upload_bytes = $maxb
[[channels]]
chat_id = $CHANNEL_ID
kind = "movie"
TOML
  chmod 600 "$WORLD_CONFIG"
}

# worker_cmd: the command line of one worker for account "bench": `cmup worker` when the
# build has it, else bench_worker (the same pieces, bench/worker_main.cpp). Sets WORKER_KIND.
worker_cmd() {
  if have_cmd worker; then
    WORKER_KIND="cmup worker"
    WORKER=("$BUILD/cmup" --config "$WORLD_CONFIG" worker --account bench)
  else
    WORKER_KIND="bench_worker (cmup worker is still a stub in this build)"
    WORKER=("$BUILD/bench_worker" "$WORLD_CONFIG" bench)
  fi
}

# queue_left: variants not yet done or dead.
queue_left() { sqlite3 "$WORLD_DB" "SELECT count(*) FROM upload_variants WHERE state NOT IN ('done','dead')"; }
queue_drained() { [ "$(queue_left 2>/dev/null)" = 0 ]; }
