# report.sh "FIGURES": assembles RESULTS.md from $OUT (machine.md, figN.md, figN.rows).
set -u
ONLY=$1
table() {  # rows file -> markdown table lines
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, ($6 == "met" ? "**met**" : ($6 == "missed" ? "**missed**" : $6)) }' "$1"
}
cat <<HEAD
# cmup benchmarks

Written by \`make bench\` (\`bash bench/run BUILD_DIR\`) on $(date -u '+%Y-%m-%d %H:%M UTC'), scale \`$SCALE\`.
Everything runs on 127.0.0.1 against cmup's own simulators; each figure's baseline is measured in
the same run, on the same machine. Figures are reported here, never asserted by tests. A figure
whose component was missing or failed says "not measured" and why. To run one figure alone:
\`BENCH_ONLY=N make bench\` (BENCH_SCALE=small for a quick smoke run that leaves this file alone).

HEAD
cat "$OUT/machine.md"
echo "## Summary"
echo
echo "| figure | metric | value | baseline | ratio | target | status |"
echo "|---|---|---|---|---|---|---|"
for n in $ONLY; do
  [ -f "$OUT/fig$n.rows" ] || continue
  awk -F'\t' -v n="$n" '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", n, $1, $2, $3, $4, $5, ($6 == "met" ? "**met**" : ($6 == "missed" ? "**missed**" : $6)) }' "$OUT/fig$n.rows"
done
echo
for n in $ONLY; do
  [ -f "$OUT/fig$n.md" ] || continue
  # The section: its title line first, then the table, then the rest.
  head -n 2 "$OUT/fig$n.md"
  if [ -s "$OUT/fig$n.rows" ]; then
    echo "| metric | value | baseline | ratio | target | status |"
    echo "|---|---|---|---|---|---|"
    table "$OUT/fig$n.rows"
    echo
  fi
  tail -n +3 "$OUT/fig$n.md"
  [ -f "$OUT/fig$n.seconds" ] && printf '_Figure %s took %s s of wall time._\n\n' "$n" "$(cat "$OUT/fig$n.seconds")"
done
