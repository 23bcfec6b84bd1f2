#!/usr/bin/env bash
# Benchmark: memory of the mycloud source against the number of rows. Generates index.db files of
# 300,000 and 3,000,000 rows (no bytes: only the rows matter here) and runs preflight on each,
# which copies the rows into the work file, places every row in the tree and walks it, as a
# snapshot does, under a 64 MiB heap. Peak RSS and seconds of each. Usage: bench/mycloud-memory.sh
# [ROWS...]. Writes bench/RESULTS.md (section "mycloud memory").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
work="${BENCH_DIR:-$here/work}"
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(300000 3000000)
opts="-Xms16m -Xmx64m -XX:+UseSerialGC"
rows=()
for n in "${sizes[@]}"; do
  rm -rf "$work"; mkdir -p "$work"
  python3 "$here/gen-mycloud.py" "$work/disk" "$n" index-only
  printf 'repository: %s\nsources:\n  - {type: mycloud, name: mycloud, index-db: %s, files: %s}\n' \
    "$work/vault" "$work/disk/restsdk/data/db/index.db" "$work/disk/restsdk/data/files" > "$work/vault.yaml"
  s=$(date +%s.%N)
  LINKVAULT_JAVA_OPTS="$opts" /usr/bin/time -f "%M" -o "$work/rss" "$top/bin/linkvault" -c "$work/vault.yaml" \
    preflight > "$work/out" 2>&1 || true
  e=$(date +%s.%N)
  grep -q "^  found" "$work/out" || { cat "$work/out"; exit 1; }
  found=$(grep "^  found" "$work/out" | sed 's/^  found *//')
  secs=$(printf '%.1f' "$(echo "$e - $s" | bc)")
  rows+=("| $n | $found | $secs | $(echo "$n / $secs" | bc) | $(( $(tail -1 "$work/rss") / 1024 )) |")
done
rm -rf "$work"
table=$(printf '%s\n' "| rows | preflight found | seconds | rows/s | peak RSS MiB |" "|---|---|---|---|---|" "${rows[@]}")
echo "$table"
. "$here/lib.sh"
write_section "mycloud memory" "Measured $(date -u +%Y-%m-%d) by bench/mycloud-memory.sh on $(nproc) cores: index.db only (no bytes,
so every file row is a 'bytes missing' error: the rows and the tree are what is measured), preflight under
LINKVAULT_JAVA_OPTS=\"$opts\" (a heap of 64 MiB).

$table"
