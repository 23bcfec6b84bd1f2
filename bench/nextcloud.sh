#!/usr/bin/env bash
# Benchmark: the nextcloud source against S3Proxy on loopback, in one JVM (bench harness in the
# test sources): first snapshot of OBJECTS objects of mixed sizes (default 5000, about 500 MB) as a
# ratio to a plain parallel GET of the same objects and to a GET into a file each (RUNS alternating rounds of
# each, default 3, medians),
# and an unchanged re-run of ROWS rows (default 100000): S3 requests counted at the wire, time against
# cp -al of the tree.
# Usage: [RUNS=3] bench/nextcloud.sh [OBJECTS] [ROWS]. Writes bench/RESULTS.md (section "nextcloud").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
objects="${1:-5000}"
rows="${2:-100000}"
runs="${RUNS:-3}"
work="${BENCH_DIR:-$here/work}/nextcloud"
rm -rf "$work"; mkdir -p "$work"
. "$here/lib.sh"
settle_deletions "$work"   # linkvault creates a file per new blob, the plain GET none: no penalty from the last run's rm -rf
(cd "$top" && mvn -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null)
cp="$top/target/classes:$top/target/test-classes:$(cat "$top/target/bench.classpath")"
# the native helper, as bin/linkvault names it (digests by libcrypto); built by the compile above where gcc is
native="$top/target/native/liblinkvault.so"
rows_md=$(LC_ALL=C.UTF-8 java -Xmx3g -Dlinkvault.native="$([ -f "$native" ] && echo "$native" || echo off)" -cp "$cp" \
  dev.linkvault.source.nextcloud.NextcloudBench "$work" "$objects" "$rows" "$runs" 2> "$work.err") || { cat "$work.err" >&2; exit 1; }
rounds=$(grep '^rounds:' "$work.err" || true)
rm -rf "$work" "$work.err"
table=$(printf '%s\n' "| run | size | baseline | linkvault | ratio |" "|---|---|---|---|---|" "$rows_md")
rounds_md="Medians of $runs alternating rounds (a GET into nothing, a GET into a file per object in a folder of its own, a first snapshot into a vault of its own; nothing deleted before the end), seconds per round: ${rounds#rounds: }."
echo "$table

$rounds_md"
write_section "nextcloud" "Measured $(date -u +%Y-%m-%d) by bench/nextcloud.sh on $(nproc) cores: S3Proxy on loopback and
linkvault in one JVM (no JVM start counted), SQLite database, 8 workers, caches dropped before: $caches_dropped, digests $([ -f "$native" ] && echo "by the native helper (libcrypto)" || echo "by the JDK (no native helper)").

$table

$rounds_md"
