#!/usr/bin/env bash
# Benchmark: the mycloud source on generated restsdk dumps of N rows (default: 100000 and 1000000).
# For each: preflight (index.db copied into a work file, tree placed, every file stat'ed, nothing
# read), a first snapshot, an unchanged re-run; wall seconds, rows per second and peak RSS of each.
# Memory should not grow with the rows. Usage: bench/mycloud.sh [ROWS...]. Writes bench/RESULTS.md
# (section "mycloud").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
work="${BENCH_DIR:-$here/work}"
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
lv="$top/bin/linkvault"
. "$here/lib.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
# lvrun ARGS: prints "seconds peak-RSS-KiB" of one linkvault run.
lvrun() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$lv" "$@" >/dev/null 2>"$work/err" || [ $? -eq 1 ]
  e=$(date +%s.%N)
  printf '%.1f %s\n' "$(echo "$e - $s" | bc)" "$(tail -1 "$work/rss")"
}
rate() { printf "%'d" "$(echo "$1 / $2" | bc)"; }
rows=()
for n in "${sizes[@]}"; do
  rm -rf "$work"; mkdir -p "$work"
  python3 "$here/gen-mycloud.py" "$work/disk" "$n"
  settle_deletions "$work/disk/restsdk/data/files"   # the last size's files deleted as if long ago
  printf 'repository: %s\nsources:\n  - {type: mycloud, name: mycloud, index-db: %s, files: %s}\n' \
    "$work/vault" "$work/disk/restsdk/data/db/index.db" "$work/disk/restsdk/data/files" > "$work/vault.yaml"
  read -r pre pre_rss < <(lvrun -c "$work/vault.yaml" preflight)
  "$lv" init "$work/vault" >/dev/null
  read -r first first_rss < <(lvrun -c "$work/vault.yaml" snapshot --name first)
  read -r again again_rss < <(lvrun -c "$work/vault.yaml" snapshot --name again)
  files=$(find "$work/vault/snapshots/again" -type f | wc -l)
  rows+=("| $n | $files | $pre s, $(rate "$n" "$pre") rows/s, $((pre_rss / 1024)) MiB | $first s, $(rate "$n" "$first") rows/s, $((first_rss / 1024)) MiB | $again s, $(rate "$n" "$again") rows/s, $((again_rss / 1024)) MiB |")
done
rm -rf "$work"
table=$(printf '%s\n' \
  "| rows | files in snapshot | preflight (dry scan) | first snapshot | unchanged re-run |" \
  "|---|---|---|---|---|" \
  "${rows[@]}")
echo "$table"
write_section "mycloud" "Measured $(date -u +%Y-%m-%d) by bench/mycloud.sh on $(nproc) cores: generated dumps (bench/gen-mycloud.py:
two users, a Trash left out, folders of about 40 entries, small contents drawn from 2,000 distinct ones).
Wall seconds of a whole run in a fresh JVM (startup included), rows of index.db per second, peak RSS.
The launcher's heap cap is 512 MiB; the rows live in a work SQLite file in the repository's .data/tmp.

$table"
