# bench/worker_timeline.awk WORKER_LOG: the worker's own timeline per job, from its log lines
# ("preparing", "downloaded", "prepared", "uploading", "done"), in seconds after the worker
# started, and how long each link sat idle between jobs. Reading a timeline does not depend on
# how fast the machine's CPUs are, so it says where the time went even under load.
function secs(line,   t, h, m, s) {
  t = substr(line, 13, 12)  # [YYYY-MM-DD HH:MM:SS.mmm]
  h = substr(t, 1, 2) + 0; m = substr(t, 4, 2) + 0; s = substr(t, 7) + 0
  return h * 3600 + m * 60 + s
}
function rel(line,   v) { v = secs(line) - t0; if (v < -43200) v += 86400; return v }
function job(line) { return match(line, /CM_[MT][0-9]+(_S[0-9]+E[0-9]+)?_[0-9A-Z]+/) ? substr(line, RSTART, RLENGTH) : "" }
/uploading as account/ { t0 = secs($0); next }
{
  if (t0 == "") next
  j = job($0)
  if (j == "") next
  if (!(j in seen)) { seen[j] = 1; order[++n] = j }
  if ($0 ~ /worker [^ ]+: preparing /) claim[j] = rel($0)
  else if ($0 ~ /worker [^ ]+: downloaded /) dl[j] = rel($0)
  else if ($0 ~ /worker [^ ]+: prepared /) { ready[j] = rel($0); if ($0 ~ /\(direct,/) direct[j] = 1 }
  else if ($0 ~ /worker [^ ]+: uploading /) up[j] = rel($0)
  else if ($0 ~ /worker [^ ]+: .* done \(/) done_[j] = rel($0)
}
END {
  src_idle = 0; up_idle = 0; out = ""; last_dl = 0
  for (i = 1; i <= n; i++) {
    j = order[i]
    out = out sprintf("%s%s %.1f/%s/%.1f/%.1f-%.1f", (i > 1 ? "; " : ""), j, claim[j],
                      (j in direct ? "stream" : sprintf("%.1f", dl[j])), ready[j], up[j], done_[j])
    end_dl = (j in direct) ? done_[j] : dl[j]
    if (end_dl > last_dl) last_dl = end_dl
    if (i > 1) {
      p = order[i - 1]
      # the source link: from the previous download's end (a stream's: its upload's end)
      pend = (p in direct) ? done_[p] : dl[p]
      if (claim[j] > pend) src_idle += claim[j] - pend
      if (up[j] > done_[p]) up_idle += up[j] - done_[p]
    }
  }
  printf "%s|%.2f|%.2f|%.2f\n", out, src_idle, up_idle, last_dl
}
