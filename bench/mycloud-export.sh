#!/usr/bin/env bash
# A dead MyCloud's dump made into a plain folder, two ways, on one generated dump of ROWS rows
# (default 100,000; bench/gen-mycloud.py), RUNS alternating rounds (default 3), medians:
#  - the "symlink farm" of the MyCloud recovery scripts (wd-mycloud-rsync-recovery): a tree of
#    symlinks to files/<c>/<contentID> built from index.db's parent chains (bench/mycloud-farm.py,
#    our own code doing what that tool does), then `rsync -aL --checksum farm/ out/` as it runs it
#    (its -v --progress left out: their output is only read by its monitor);
#  - linkvault: init, snapshot of the dump, `export latest --to out`.
# The farm's copy gets each file's mtime from the content file, not the capture date in index.db;
# linkvault's gets the date index.db has. Usage: bench/mycloud-export.sh [ROWS]. Writes RESULTS.md "mycloud export".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
n="${1:-100000}"
runs="${RUNS:-3}"
work="${BENCH_DIR:-$here/work}/mycloud-export"
lv="$top/bin/linkvault"
command -v rsync >/dev/null || { echo "no rsync: run bench/peers.sh" >&2; exit 1; }
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
declare -A t
. "$here/lib.sh"
rm -rf "$work"; mkdir -p "$work"
python3 "$here/gen-mycloud.py" "$work/disk" "$n"
db="$work/disk/restsdk/data/db/index.db"; files="$work/disk/restsdk/data/files"
printf 'repository: %s\nsources:\n  - {type: mycloud, name: mycloud, index-db: %s, files: %s}\n' \
  "$work/lv" "$db" "$files" > "$work/lv.yaml"
for ((r = 0; r < runs; r++)); do
  rm -rf "$work/lv" "$work/out-lv" "$work/farm" "$work/out-farm"
  settle_deletions "$files"   # the last round's trees deleted as if long ago, the contents in the page cache for both
  add farm "$(secs python3 "$here/mycloud-farm.py" "$db" "$files" "$work/farm")"
  add rsync "$(secs rsync -aL --checksum "$work/farm/" "$work/out-farm/")"
  "$lv" init "$work/lv" >/dev/null
  add snap "$(secs "$lv" -c "$work/lv.yaml" snapshot)"
  add export "$(secs "$lv" -c "$work/lv.yaml" export latest --to "$work/out-lv")"
done
farm_files=$(find "$work/out-farm" -type f | wc -l)
lv_files=$(find "$work/out-lv" -type f | wc -l)
sum() { echo "$(median "${t[$1]}") + $(median "${t[$2]}")" | bc; }
farm_total=$(sum farm rsync); lv_total=$(sum snap export)
table=$(printf '%s\n' "| $n rows | step 1 s | step 2 s | total s | files in the copy |" "|---|---|---|---|---|" \
  "| symlink farm + rsync -aL --checksum | farm $(median "${t[farm]}") | rsync $(median "${t[rsync]}") | $farm_total | $farm_files |" \
  "| linkvault snapshot + export | snapshot $(median "${t[snap]}") | export $(median "${t[export]}") | $lv_total | $lv_files |" \
  "| linkvault / farm | | | $(echo "scale=2; $lv_total / $farm_total" | bc) (goal below 1) | |")
echo "$table"
write_section "mycloud export" "Measured $(date -u +%Y-%m-%d) by bench/mycloud-export.sh $n on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)),
medians of $runs alternating rounds on one dump (bench/gen-mycloud.py), its contents in the page cache;
$(rsync --version | head -1 | awk '{print $1, $3}'). The farm's copy holds the Trash too (linkvault leaves it out) and
gets the content files' mtimes; linkvault's copy gets index.db's dates.

$table"
rm -rf "$work"
