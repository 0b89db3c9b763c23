# Prints the machine description of RESULTS.md (markdown) on stdout.
set -u
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "## Machine"
echo
echo "- Date (UTC): $(date -u '+%Y-%m-%d %H:%M:%S')"
echo "- CPU: ${cpu:-unknown} ($(nproc) cores available to this run, \`nproc\` = $(nproc))"
echo "- Kernel: $(uname -srm)"
echo "- OS: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
echo "- Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src sim 2>/dev/null || echo ' (+ uncommitted changes in src/ or sim/)')"
echo "- Build: $(grep -m1 '^CMAKE_BUILD_TYPE' "$BUILD/CMakeCache.txt" 2>/dev/null | cut -d= -f2), compiler $(grep -m1 '^CMAKE_CXX_COMPILER:' "$BUILD/CMakeCache.txt" 2>/dev/null | cut -d= -f2 | xargs -r basename) $("$(grep -m1 '^CMAKE_CXX_COMPILER:' "$BUILD/CMakeCache.txt" | cut -d= -f2)" -dumpversion 2>/dev/null)"
echo "- Tools: $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/sqlite3 /'), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/.*: //'), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
echo
echo '`free -h`:'
echo
echo '```'
free -h
echo '```'
echo
