#!/usr/bin/env bash
# An iCloud Drive of FILES files (default 20,000) in FOLDERS folders (default 2,000), about 8 KB
# each (plus pyicloud's two recorded PDFs, 41 MB), on the fake iCloud service of the tests
# (src/test/java/dev/linkvault/source/icloud/FakeIcloud.java, in a JVM of its own on 127.0.0.1):
# linkvault's first snapshot against a plain parallel download of the same files (by_id, then the
# signed URL, into plain files; src/test/java/dev/linkvault/bench/IcloudFarm.java) with the same
# number of workers, alternating, RUNS rounds (default 3), medians; then the unchanged re-run's
# time and the requests it made. Writes RESULTS.md "icloud".
# Usage: bench/icloud.sh [FILES] [FOLDERS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
. "$here/lib.sh"
n="${1:-20000}"
folders="${2:-2000}"
runs="${RUNS:-3}"
workers="${WORKERS:-8}"
work="${BENCH_DIR:-$here/work}/icloud"
lv="$top/bin/linkvault"
rm -rf "$work"; mkdir -p "$work"
build_farm "$top" "$work/build"
java -cp "$farm_cp" dev.linkvault.bench.IcloudFarm serve "$n" "$folders" 8192 "$work/info" >"$work/farm.log" 2>&1 &
farm_pid=$!
trap 'kill $farm_pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do [ -s "$work/info" ] && break; sleep 0.2; done
auth=$(sed -n 1p "$work/info"); setup=$(sed -n 2p "$work/info"); code=$(sed -n 3p "$work/info"); base=$(sed -n 4p "$work/info")
echo "bench password" > "$work/pw"
printf "repository: %s\nsources:\n  - {type: icloud, name: icloud, apple-id: bench@example.com, password-file: %s, session-dir: %s, endpoints: {auth: '%s', setup: '%s'}}\n" \
  "$work/vault" "$work/pw" "$work/sessions" "$auth" "$setup" > "$work/vault.yaml"
"$lv" -c "$work/vault.yaml" icloud login --code "$code" >/dev/null 2>&1
stat() { curl -s "$base/fake/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
first="" plain="" again=""
for ((r = 0; r < runs; r++)); do
  rm -rf "$work/vault" "$work/plain"; "$lv" init "$work/vault" >/dev/null
  first="$first $(secs "$lv" -c "$work/vault.yaml" snapshot --name s1 --workers "$workers")"
  plain="$plain $(secs java -cp "$farm_cp" dev.linkvault.bench.IcloudFarm fetch "$work/sessions/benchexamplecom.session" "$work/info" "$workers" "$work/plain")"
  l0=$(stat listings); d0=$(stat downloads); b0=$(stat by_id)
  again="$again $(secs "$lv" -c "$work/vault.yaml" snapshot --name s2 --workers "$workers")"
  listings=$(( $(stat listings) - l0 )); downloads=$(( $(stat downloads) - d0 )); byids=$(( $(stat by_id) - b0 ))
done
files=$("$lv" -c "$work/vault.yaml" snapshots --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['files'])")
ratio=$(echo "scale=2; $(median "$plain") / $(median "$first")" | bc)
table=$(printf '%s\n' "| $files files in $folders folders, $workers workers | seconds |" "|---|---|" \
  "| linkvault first snapshot | $(median "$first") |" \
  "| plain parallel download (by_id + GET into files) | $(median "$plain") |" \
  "| plain / linkvault (goal at least 0.7) | $ratio |" \
  "| unchanged re-run | $(median "$again") |" \
  "| unchanged re-run's requests: listing / by_id / downloads | $listings / $byids / $downloads |")
echo "$table"
write_section "icloud" "Measured $(date -u +%Y-%m-%d) by bench/icloud.sh $n $folders on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)),
medians of $runs alternating rounds; the fake service runs in its own JVM on the same 2 cores, so both sides share
them with it.

$table"
rm -rf "$work"
