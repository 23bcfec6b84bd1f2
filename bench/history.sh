#!/usr/bin/env bash
# Benchmark: history of one path, and ls of one folder, in repositories of 3 and of 300 snapshots
# of a source of FILES files (default 1,000,000), with manifest indexes and without (as a
# manifest written before indexes is read: whole). The repositories are real manifests written by
# linkvault's own writer (src/test/java/dev/linkvault/bench/ManifestFarm.java) beside empty trees:
# what history and ls read. Runs alternate; medians of RUNS (default 5). The floor is what a user
# without history would do: zcat each manifest and grep for the path.
# Usage: bench/history.sh [FILES] [SNAPSHOTS]     Writes bench/RESULTS.md, section "history".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
files="${1:-1000000}"
many="${2:-300}"
runs="${RUNS:-5}"
work="${BENCH_DIR:-$here/work}/history"
lv="$top/bin/linkvault"
. "$here/lib.sh"
build_farm "$top" "$work"
rm -rf "$work"; mkdir -p "$work"
path=$(farm "$work/few" "$files" 3)
farm "$work/many" "$files" "$many" >/dev/null
cp -a "$work/few" "$work/few-noindex"; rm "$work"/few-noindex/.linkvault/manifests/*.idx
folder="${path%/*}"

# median of the wall times of one command, given as the rest of the line, over $runs runs, alternating
declare -A times
cases=(
  "history-few|$lv --repo $work/few history $path"
  "history-many|$lv --repo $work/many history $path"
  "history-few-noindex|$lv --repo $work/few-noindex history $path"
  "ls-many|$lv --repo $work/many ls s0001:$folder"
  "ls-few-noindex|$lv --repo $work/few-noindex ls s0001:$folder"
  "version|$lv --version"
  "zgrep-few|sh -c 'for m in $work/few/.linkvault/manifests/*.tsv.gz; do zcat \$m | grep -F $path; done'"
)
for ((r = 0; r < runs; r++)); do
  for c in "${cases[@]}"; do
    name="${c%%|*}"; cmd="${c#*|}"
    s=$(date +%s.%N); eval "$cmd" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    times[$name]="${times[$name]:-} $(echo "$e - $s" | bc)"
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m() { printf '%.2f' "$(median "${times[$1]}")"; }
ratio() { printf '%.2f' "$(echo "scale=3; $1 / $2" | bc)"; }
table=$(printf '%s\n' \
  "| what | median s | ratio |" "|---|---|---|" \
  "| \`linkvault --version\` (the JVM's fixed cost) | $(m version) | |" \
  "| history, 3 snapshots | $(m history-few) | 1 |" \
  "| history, $many snapshots | $(m history-many) | $(ratio "$(m history-many)" "$(m history-few)") of 3 snapshots |" \
  "| history, 3 snapshots without indexes | $(m history-few-noindex) | $(ratio "$(m history-few-noindex)" "$(m history-few)") of with |" \
  "| zcat + grep of 3 manifests (the floor without history) | $(m zgrep-few) | $(ratio "$(m zgrep-few)" "$(m history-few)") of history |" \
  "| ls of a folder of 100 files, $many snapshots | $(m ls-many) | |" \
  "| ls of that folder without an index | $(m ls-few-noindex) | $(ratio "$(m ls-few-noindex)" "$(m ls-many)") of with |")
echo "$table"
write_section "history" "Measured $(date -u +%Y-%m-%d) by bench/history.sh $files $many on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg));
each run a fresh JVM through bin/linkvault; medians of $runs alternating runs. Manifests of $files files
($(du -sh "$work/many/.linkvault/manifests" | cut -f1) for $many snapshots).

$table"
rm -rf "$work" "$work.cp"
