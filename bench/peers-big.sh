#!/usr/bin/env bash
# linkvault against restic, borg and rsync on a few big files (default 4 of 256 MiB, random bytes,
# as photos and videos are to a backup: nothing to compress or deduplicate): the first backup,
# where hashing is the work. linkvault twice: with its native helper (SHA-1 by libcrypto) and with
# the JDK's digests (-Dlinkvault.native=off), which the launcher's quick JIT runs at a sixth of the
# speed (bench/RESULTS.md, "JIT"). RUNS alternating rounds (default 3), medians; cp -a the floor.
# Usage: bench/peers-big.sh [FILES] [MIB]      (bench/peers.sh installs the peers)   Writes RESULTS.md "peers big files".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
files="${1:-4}"
mib="${2:-256}"
runs="${RUNS:-3}"
work="${BENCH_DIR:-$here/work}/peers-big"
lv="$top/bin/linkvault"
for c in restic borg rsync; do command -v $c >/dev/null || { echo "no $c: run bench/peers.sh" >&2; exit 1; }; done
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
. "$here/lib.sh"
declare -A t
export RESTIC_PASSWORD=bench BORG_PASSPHRASE="" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
jdk="-Xms64m -Xmn40m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlinkvault.native=off"
rm -rf "$work"; mkdir -p "$work/src"
for ((i = 0; i < files; i++)); do head -c $((mib << 20)) /dev/urandom > "$work/src/video-$i.bin"; done
printf 'repository: %s\nsources:\n  - {type: local, name: src, path: %s}\n' "$work/lv" "$work/src" > "$work/lv.yaml"
for ((r = 0; r < runs; r++)); do
  rm -rf "$work/lv" "$work/restic" "$work/borg" "$work/rsync" "$work/cp-a"
  "$lv" init "$work/lv" >/dev/null
  restic init --repo "$work/restic" >/dev/null
  borg init -e none "$work/borg" >/dev/null 2>&1
  sync; cat "$work/src"/* >/dev/null   # the files in the page cache for everyone
  add cpa "$(secs cp -a "$work/src" "$work/cp-a")"
  add lv "$(secs "$lv" -c "$work/lv.yaml" snapshot --name native)"
  rm -rf "$work/lv"; "$lv" init "$work/lv" >/dev/null; sync
  add lvjdk "$(LINKVAULT_JAVA_OPTS="$jdk" secs "$lv" -c "$work/lv.yaml" snapshot --name jdk)"
  add restic "$(secs restic --repo "$work/restic" backup --compression off "$work/src")"
  add borg "$(secs borg create --compression none "$work/borg::s1" "$work/src")"
  add rsync "$(secs rsync -a "$work/src/" "$work/rsync/")"
done
table=$(printf '%s\n' "| first backup of $files files of $mib MiB | s |" "|---|---|" \
  "| linkvault (native helper: libcrypto's SHA-1) | $(median "${t[lv]}") |" \
  "| linkvault with the JDK's digests | $(median "${t[lvjdk]}") |" \
  "| restic | $(median "${t[restic]}") |" \
  "| borg | $(median "${t[borg]}") |" \
  "| rsync -a | $(median "${t[rsync]}") |" \
  "| cp -a (floor) | $(median "${t[cpa]}") |")
echo "$table"
write_section "peers big files" "Measured $(date -u +%Y-%m-%d) by bench/peers-big.sh $files $mib on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)),
medians of $runs alternating rounds; $(restic version | head -1), $(borg --version), restic and borg without compression.

$table"
rm -rf "$work"
