#!/usr/bin/env bash
# Benchmark: snapshot of a generated tree of small files, first run and unchanged re-run,
# against cp -a and cp -al of the same tree timed in the same run; peak RSS of each linkvault run.
# Usage: bench/snapshot-local.sh [FILES ...]   (default: 100000; e.g. 100000 1000000)
# Writes the figures to bench/RESULTS.md (section "local snapshot") and prints them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
sizes=("${@:-100000}")
work="${BENCH_DIR:-$here/work}"
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
lv="$top/bin/linkvault"

. "$here/lib.sh"
# Runs linkvault under GNU time; prints "seconds peak-kB".
lvrun() {
  local s e rss
  s=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$lv" "$@" >/dev/null
  e=$(date +%s.%N)
  rss=$(tail -1 "$work/rss")
  echo "$(echo "$e - $s" | bc) $rss"
}
ratio() { echo "scale=2; $1 / $2" | bc; }

rows=()
for n in "${sizes[@]}"; do
  rm -rf "$work"; mkdir -p "$work"
  python3 "$here/gen-tree.py" "$work/src" "$n"
  cat > "$work/vault.yaml" <<YAML
repository: $work/vault
sources:
  - type: local
    name: src
    path: $work/src
YAML
  settle_deletions "$work/src"   # the last size's tree deleted as if long ago, this one in the page cache for all
  cpa=$(secs cp -a "$work/src" "$work/cp-a")
  cpal=$(secs cp -al "$work/cp-a" "$work/cp-al")
  "$lv" init "$work/vault" >/dev/null
  sync
  read -r first first_rss < <(lvrun -c "$work/vault.yaml" snapshot --name first)
  sync
  read -r again again_rss < <(lvrun -c "$work/vault.yaml" snapshot --name again)
  rows+=("| $n | $cpa | $first | $(ratio "$first" "$cpa") | $cpal | $again | $(ratio "$again" "$cpal") | $((first_rss / 1024)) / $((again_rss / 1024)) |")
  rm -rf "$work"
done

table=$(printf '%s\n' \
  "| files | cp -a s | first snapshot s | ratio (goal <= 2) | cp -al s | unchanged re-run s | ratio (goal <= 2) | peak RSS MiB first / re-run |" \
  "|---|---|---|---|---|---|---|---|" "${rows[@]}")
echo "$table"
write_section "local snapshot" "Measured $(date -u +%Y-%m-%d) by bench/snapshot-local.sh on $(nproc) cores; seconds are wall time,
each run a fresh JVM (startup included), page cache warm for all.

$table"
