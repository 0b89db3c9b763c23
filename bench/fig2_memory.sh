# Figure 2: peak RSS of a worker moving one 2 GiB file on the direct path, and the same file
# when it must be split; next to the same worker moving a 64 MiB file (size independence).
. "$ROOT/bench/lib.sh"
section_title "Memory: peak RSS of a worker"

MIB=1048576
if [ "$SCALE" = full ]; then BIG_MIB=2048 SMALL_MIB=64; else BIG_MIB=96 SMALL_MIB=16; fi
T_RSS=64
for b in cmup-sim-telegram bench_media_server bench_seed; do
  [ -x "$BUILD/$b" ] || { not_measured "peak RSS" "<= $T_RSS MiB" "$b did not build"; exit 0; }
done
have_cmd worker || [ -x "$BUILD/bench_worker" ] || { not_measured "peak RSS" "<= $T_RSS MiB" "no worker in this build"; exit 0; }

mkdir -p "$FIG_DIR/media"
BIG="$FIG_DIR/media/big.mp4" SMALL="$FIG_DIR/media/small.mp4"
make_media "$BIG" "$BIG_MIB" && make_media "$SMALL" "$SMALL_MIB" ||
  { not_measured "peak RSS" "<= $T_RSS MiB" "ffmpeg could not make the media"; exit 0; }
trap 'rm -rf "$FIG_DIR/media" "$FIG_DIR"/*/media "$FIG_DIR"/*/spool "$FIG_DIR"/*/sim-telegram; cleanup_bg' EXIT

# watch_tree PID FILE: until PID ends, the largest RSS of any other process of its group
# (ffmpeg, ffprobe children) and of the group in total, in KiB, every 0.2 s.
watch_tree() {
  local pid=$1 file=$2 child=0 total=0
  while kill -0 "$pid" 2>/dev/null; do
    read -r c t < <(ps -o pid=,rss= -g "$pid" 2>/dev/null | awk -v p="$pid" '{ t += $2; if ($1 != p && $2 > c) c = $2 } END { print c + 0, t + 0 }')
    [ "${c:-0}" -gt "$child" ] && child=$c
    [ "${t:-0}" -gt "$total" ] && total=$t
    echo "$child $total" >"$file"
    sleep 0.2
  done
}

# move NAME FILE MAX_UPLOAD_BYTES: one worker moves FILE; sets HWM_KB, CHILD_KB, TREE_KB, PARTS,
# PATH_TAKEN, SECONDS_TAKEN. Non-zero when the job did not finish.
move() {
  local name=$1 file=$2 maxb=$3 dir="$FIG_DIR/$1" t0 wpid
  HWM_KB="" CHILD_KB="" TREE_KB="" PARTS="" PATH_TAKEN="" SECONDS_TAKEN=""
  upload_world "$dir" 0 0 "$maxb" || return 1
  ln "$file" "$dir/media/$(basename "$file")" 2>/dev/null || cp "$file" "$dir/media/"
  echo "$MEDIA_URL/$(basename "$file") mp4 $(stat -c %s "$file")" | "$BUILD/bench_seed" jobs "$WORLD_DB" "$CHANNEL_ID" >/dev/null 2>&1 || return 1
  worker_cmd
  t0=$(now_ms)
  start_bg "$name-worker" "${WORKER[@]}"
  wpid=$BG_PID
  watch_tree "$wpid" "$dir/tree.txt" &
  BG_PIDS+=("$!")
  wait_for 150 queue_drained || { stop_pid "$wpid"; return 1; }
  HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$wpid/status" 2>/dev/null)
  SECONDS_TAKEN=$(calc "($(now_ms) - $t0) / 1000")
  stop_pid "$wpid"
  sleep 0.3
  read -r CHILD_KB TREE_KB <"$dir/tree.txt"
  PARTS=$(sqlite3 "$WORLD_DB" "SELECT part_count FROM upload_variants WHERE state = 'done'")
  PATH_TAKEN=$(sqlite3 "$WORLD_DB" "SELECT path FROM upload_attempts WHERE outcome = 'ok'")
  [ -n "$HWM_KB" ] && [ -n "$PARTS" ]
}
mib() { fmt2 "$(calc "$1 / 1024")"; }

big_bytes=$(stat -c %s "$BIG")
results=""
# Baseline: the same worker, the same path, a small file.
if move small-direct "$SMALL" 4294967296; then
  s_hwm=$HWM_KB
  results+="small file direct: $(mib "$HWM_KB") MiB (worker), children up to $(mib "$CHILD_KB") MiB, $PARTS part(s), path $PATH_TAKEN, $(fmt2 "$SECONDS_TAKEN") s. "
fi
if move big-direct "$BIG" 4294967296; then
  row "$BIG_MIB MiB file, direct path: worker peak RSS (VmHWM)" "$(mib "$HWM_KB") MiB" \
    "${s_hwm:+$(mib "$s_hwm") MiB for $SMALL_MIB MiB}" "${s_hwm:+$(ratio "$HWM_KB" "$s_hwm")}" "<= $T_RSS MiB" \
    "$(status_of "$(calc "$HWM_KB / 1024")" "<=" "$T_RSS")"
  results+="big file direct: path $PATH_TAKEN, $PARTS part(s), $(fmt2 "$SECONDS_TAKEN") s, largest child $(mib "$CHILD_KB") MiB, process group at most $(mib "$TREE_KB") MiB. "
else
  not_measured "$BIG_MIB MiB direct: worker peak RSS" "<= $T_RSS MiB" "the job did not finish (see bench/out/<run>/fig2/big-direct-worker.log)"
fi
SPLIT_LIMIT=$((big_bytes / 2 - 10 * MIB))
if move small-split "$SMALL" $(($(stat -c %s "$SMALL") / 2 - MIB)); then
  s_split=$HWM_KB
  results+="small file split: $(mib "$HWM_KB") MiB (worker), $PARTS part(s). "
fi
if move big-split "$BIG" "$SPLIT_LIMIT"; then
  row "$BIG_MIB MiB file, split (limit $((SPLIT_LIMIT / MIB)) MiB): worker peak RSS" "$(mib "$HWM_KB") MiB" \
    "${s_split:+$(mib "$s_split") MiB for $SMALL_MIB MiB}" "${s_split:+$(ratio "$HWM_KB" "$s_split")}" "<= $T_RSS MiB" \
    "$(status_of "$(calc "$HWM_KB / 1024")" "<=" "$T_RSS")"
  row "split: largest child process (ffmpeg/ffprobe) RSS" "$(mib "$CHILD_KB") MiB" "-" "-" "(reported)" "reported"
  results+="big file split: path $PATH_TAKEN, $PARTS part(s), $(fmt2 "$SECONDS_TAKEN") s, process group at most $(mib "$TREE_KB") MiB."
else
  not_measured "$BIG_MIB MiB split: worker peak RSS" "<= $T_RSS MiB" "the job did not finish (see bench/out/<run>/fig2/big-split-worker.log)"
fi
para "One worker ($WORKER_KIND) moves one file at a time from bench_media_server to cmup-sim-telegram, both" \
  "unthrottled on loopback. The file: $big_bytes bytes, copies of a 10 s 720p H.264/AAC clip joined by ffmpeg's" \
  "concat demuxer (-c copy, +faststart), made in bench/out/ and deleted afterwards. Direct: the account (and the" \
  "simulated bot) may upload 4 GiB, so the file streams from source to Telegram. Split: the account's limit is" \
  "$SPLIT_LIMIT bytes, so the worker downloads to the spool and cuts playable parts with ffmpeg. Peak RSS is the" \
  "worker process's VmHWM (/proc/PID/status) read after its job is done; ffmpeg/ffprobe children are separate" \
  "processes, sampled every 0.2 s. Baseline: the same worker and path moving a $SMALL_MIB MiB file; a ratio near" \
  "1 means memory does not grow with file size. $results"
reproduce "BENCH_ONLY=2 make bench  (worker: cmup --config bench/out/<run>/fig2/<case>/cmup.toml worker --account bench)"
