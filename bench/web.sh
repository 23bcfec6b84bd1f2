#!/usr/bin/env bash
# Benchmark: linkvault serve on a big vault. The time to the first byte of a folder's page (1,000
# entries, in a snapshot of FILES files, default 1,000,000) and of a file's page with its history
# across SNAPSHOTS snapshots (default 300), the first request and the median of RUNS more (default 9),
# beside `ls` of the same folder through the CLI (one engine, two front ends). The vault is real
# manifests and empty trees (src/test/java/dev/linkvault/bench/ManifestFarm.java), which is what
# these pages read. Goals (issue 13): a folder's first byte under 200 ms, a history under 1 s.
# Usage: bench/web.sh [FILES] [SNAPSHOTS]     Writes bench/RESULTS.md, section "web".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
files="${1:-1000000}"
snaps="${2:-300}"
runs="${RUNS:-9}"
work="${BENCH_DIR:-$here/work}/web"
lv="$top/bin/linkvault"
. "$here/lib.sh"
build_farm "$top" "$work"
rm -rf "$work"; mkdir -p "$work"
tracked=$(farm "$work/vault" "$files" "$snaps" 1000)
folder="${tracked%/*}"
port=$((20000 + RANDOM % 20000))
"$lv" --repo "$work/vault" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work" "$work.cp"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
ttfb() { curl -s -o /dev/null -w '%{time_starttransfer}\n' "http://127.0.0.1:$port$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk '{printf "%.0f", $1 * 1000}'; }
browse="/browse/s0001/$folder"
file="/file/s$(printf %04d $((snaps - 1)))/$tracked"
first_browse=$(ttfb "$browse" | ms)
first_file=$(ttfb "$file" | ms)
b=(); f=(); l=()
for ((r = 0; r < runs; r++)); do
  b+=("$(ttfb "$browse")"); f+=("$(ttfb "$file")")
  s=$(date +%s.%N); "$lv" --repo "$work/vault" ls "s0001:$folder" >/dev/null; e=$(date +%s.%N); l+=("$(echo "$e - $s" | bc)")
done
entries=$(curl -s "http://127.0.0.1:$port$browse" | grep -o '[0-9,]* entries' | head -1 || true)
versions=$(curl -s "http://127.0.0.1:$port$file" | grep -o '[0-9]* versions\? in [0-9]* snapshots' | head -1 || true)
table=$(printf '%s\n' "| what | first request ms | median ms of $runs | goal |" "|---|---|---|---|" \
  "| folder page, first byte ($entries) | $first_browse | $(printf '%s\n' "${b[@]}" | median | ms) | < 200 |" \
  "| file page with its history, first byte ($versions) | $first_file | $(printf '%s\n' "${f[@]}" | median | ms) | < 1000 |" \
  "| \`linkvault ls\` of that folder (a fresh JVM each) | | $(printf '%s\n' "${l[@]}" | median | ms) | |")
echo "$table"
write_section "web" "Measured $(date -u +%Y-%m-%d) by bench/web.sh $files $snaps on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg));
one server (bin/linkvault serve), curl's time to the first byte on loopback; the first request includes the
server's warm-up. Snapshots of $files files in folders of 1,000.

$table"
