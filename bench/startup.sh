#!/usr/bin/env bash
# Benchmark: every command's fixed cost (JVM start, picocli, config, SQLite, repository checks):
# `linkvault --version`, and `snapshots`, `ls` of a folder, a one-file `restore` and `gc` of a small
# repository (50 files, 3 snapshots), each a fresh JVM through bin/linkvault; hyperfine alternates
# nothing here, so the cases run one after another, RUNS each (default 20), medians. The floor is the
# JVM's own start: `java -version` with the launcher's options. Goal: --version and snapshots <= 0.3 s.
# Usage: bench/startup.sh      Writes bench/RESULTS.md, section "startup".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
runs="${RUNS:-20}"
work="${BENCH_DIR:-$here/work}/startup"
lv="$top/bin/linkvault"
command -v hyperfine >/dev/null || { echo "no hyperfine: run bench/peers.sh" >&2; exit 1; }
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
rm -rf "$work"; mkdir -p "$work/src/a"
for i in $(seq 1 50); do echo "file $i" > "$work/src/a/f$i.txt"; done
printf 'repository: %s\nsources:\n  - {type: local, name: docs, path: %s}\n' "$work/vault" "$work/src" > "$work/lv.yaml"
"$lv" init "$work/vault" >/dev/null
for s in s1 s2 s3; do "$lv" -c "$work/lv.yaml" snapshot -q --name $s >/dev/null 2>&1; done
c="$lv -c $work/lv.yaml"
hyperfine -N -w 3 -r "$runs" --export-json "$work/t.json" \
  -n floor "java -XX:-UsePerfData -Xms64m -Xmn40m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -version" \
  -n version "$lv --version" \
  -n snapshots "$c snapshots" \
  -n ls "$c ls s3:docs/a" \
  -n restore "$c restore s3:docs/a/f7.txt --to $work/out --overwrite" \
  -n gc "$c gc" >/dev/null
m() { python3 -c "import json,sys; r=[x for x in json.load(open('$work/t.json'))['results'] if x['command']=='$1'][0]; print('%.3f' % r['median'])"; }
table=$(printf '%s\n' "| command | median s | goal |" "|---|---|---|" \
  "| \`java -version\` (the JVM's own start, the floor) | $(m floor) | |" \
  "| \`linkvault --version\` | $(m version) | <= 0.3 |" \
  "| \`linkvault snapshots\` | $(m snapshots) | <= 0.3 |" \
  "| \`linkvault ls\` of a folder | $(m ls) | |" \
  "| \`linkvault restore\` of one file | $(m restore) | |" \
  "| \`linkvault gc\` (50 blobs) | $(m gc) | |")
echo "$table"
. "$here/lib.sh"
write_section "startup" "Measured $(date -u +%Y-%m-%d) by bench/startup.sh on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)):
a repository of 50 files and 3 snapshots, each command a fresh JVM through bin/linkvault, hyperfine, medians of $runs.

$table"
rm -rf "$work"
