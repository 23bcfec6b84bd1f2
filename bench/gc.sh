#!/usr/bin/env bash
# Benchmark: gc on a vault of N blobs (default 100000) with 1 and with 30 snapshots, against
# `find .data/sha1 -type f -links 1` on the same vault in the same run. gc reads link counts, not
# trees, so its time should barely move with the number of snapshots. find and gc alternate, ROUNDS
# times each (default 5), medians.
# Usage: bench/gc.sh [BLOBS]. Writes the figures to bench/RESULTS.md (section "gc").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
n="${1:-100000}"
rounds="${ROUNDS:-5}"
work="${BENCH_DIR:-$here/work}"
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
lv="$top/bin/linkvault"
. "$here/lib.sh"
ratio() { echo "scale=2; $1 / $2" | bc; }

rm -rf "$work"; mkdir -p "$work"
python3 "$here/gen-tree.py" "$work/src" "$n"
printf 'repository: %s\nsources:\n  - {type: local, name: src, path: %s}\n' "$work/vault" "$work/src" > "$work/vault.yaml"
"$lv" init "$work/vault" >/dev/null
"$lv" -c "$work/vault.yaml" snapshot --name s01 >/dev/null 2>&1
cd "$work/vault"
blobs=$(find .data/sha1 -type f | wc -l)
declare -A t
# measure SUFFIX: ROUNDS alternating runs of find and gc, as find$SUFFIX and gc$SUFFIX
measure() {
  for _ in $(seq "$rounds"); do
    add "find$1" "$(secs find .data/sha1 -type f -links 1)"
    add "gc$1" "$(secs "$lv" --repo "$work/vault" gc)"
  done
}
measure 1
find1=$(median "${t[find1]}"); gc1=$(median "${t[gc1]}")
for i in $(seq -w 2 30); do
  cp -al snapshots/s01 "snapshots/s$i"
  cp .linkvault/manifests/s01.tsv.gz ".linkvault/manifests/s$i.tsv.gz"
done
measure 30
find30=$(median "${t[find30]}"); gc30=$(median "${t[gc30]}")
cd "$here"
rm -rf "$work"

table=$(printf '%s\n' \
  "| blobs | snapshots | find -links 1 s | gc s | gc / find (goal <= 2) |" \
  "|---|---|---|---|---|" \
  "| $blobs | 1 | $find1 | $gc1 | $(ratio "$gc1" "$find1") |" \
  "| $blobs | 30 | $find30 | $gc30 | $(ratio "$gc30" "$find30") |")
echo "$table"
echo "gc with 30 snapshots / gc with 1: $(ratio "$gc30" "$gc1")"
write_section "gc" "Measured $(date -u +%Y-%m-%d) by bench/gc.sh on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)); wall seconds,
medians of $rounds alternating runs, gc in a fresh JVM through bin/linkvault (startup included), nothing to remove
(the scan is the cost). gc with 30 snapshots / with 1:
$(ratio "$gc30" "$gc1").

$table"
