#!/usr/bin/env bash
# linkvault against restic, borg and rsync --link-dest on one generated tree of FILES small files
# (default 100,000): first backup, unchanged re-run, re-run after 1% changed, restore of one file,
# forget of the oldest snapshot with its space freed;
# each tool's runs alternate with the others', RUNS rounds (default 3), medians; the floors cp -a
# and cp -al in the same rounds. restic and borg without encryption or compression, as linkvault.
# Usage: bench/peers-local.sh [FILES]      (bench/peers.sh installs the peers)   Writes RESULTS.md "peers" (at 100,000 files; "peers FILES" at another size).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
n="${1:-100000}"
runs="${RUNS:-3}"
work="${BENCH_DIR:-$here/work}/peers"
lv="$top/bin/linkvault"
for c in restic borg rsync; do command -v $c >/dev/null || { echo "no $c: run bench/peers.sh" >&2; exit 1; }; done
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
declare -A t
. "$here/lib.sh"
export RESTIC_PASSWORD=bench BORG_PASSPHRASE="" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
for ((r = 0; r < runs; r++)); do
  rm -rf "$work"; mkdir -p "$work"
  python3 "$here/gen-tree.py" "$work/src" "$n"
  printf 'repository: %s\nsources:\n  - {type: local, name: src, path: %s}\n' "$work/lv" "$work/src" > "$work/lv.yaml"
  "$lv" init "$work/lv" >/dev/null
  restic init --repo "$work/restic" >/dev/null
  borg init -e none "$work/borg" >/dev/null 2>&1
  mkdir -p "$work/rsync"
  settle_deletions "$work/src"   # the last round's files deleted as if long ago, the tree in the page cache for everyone
  add cpa "$(secs cp -a "$work/src" "$work/cp-a")"
  add lv1 "$(secs "$lv" -c "$work/lv.yaml" snapshot --name s1)"
  add restic1 "$(secs restic --repo "$work/restic" backup --compression off "$work/src")"
  add borg1 "$(secs borg create --compression none "$work/borg::s1" "$work/src")"
  add rsync1 "$(secs rsync -a "$work/src/" "$work/rsync/s1/")"
  add cpal "$(secs cp -al "$work/cp-a" "$work/cp-al")"
  add lv2 "$(secs "$lv" -c "$work/lv.yaml" snapshot --name s2)"
  add restic2 "$(secs restic --repo "$work/restic" backup --compression off "$work/src")"
  add borg2 "$(secs borg create --compression none "$work/borg::s2" "$work/src")"
  add rsync2 "$(secs rsync -a --link-dest="$work/rsync/s1" "$work/src/" "$work/rsync/s2/")"
  python3 - "$work/src" "$n" <<'PY'
import os, sys, random
root, n = sys.argv[1], int(sys.argv[2]); r = random.Random(7)
for i in r.sample(range(n), n // 100):
    p = os.path.join(root, "d%03d" % (i // 10000), "e%03d" % (i // 100 % 100), "f%05d.bin" % i)
    with open(p, "ab") as f: f.write(b"changed\n")
PY
  add lv3 "$(secs "$lv" -c "$work/lv.yaml" snapshot --name s3)"
  add restic3 "$(secs restic --repo "$work/restic" backup --compression off "$work/src")"
  add borg3 "$(secs borg create --compression none "$work/borg::s3" "$work/src")"
  add rsync3 "$(secs rsync -a --link-dest="$work/rsync/s2" "$work/src/" "$work/rsync/s3/")"
  f=$(cd "$work/src" && ls d000/e000 | head -1); f="d000/e000/$f"
  add lvr "$(secs "$lv" -c "$work/lv.yaml" restore "s3:src/$f" --to "$work/out-lv")"
  add resticr "$(secs restic --repo "$work/restic" restore latest --target "$work/out-restic" --include "$work/src/$f")"
  add borgr "$(cd "$work" && secs borg extract "$work/borg::s3" "${work#/}/src/$f")"
  add cpr "$(secs cp "$work/rsync/s3/$f" "$work/out-cp")"
  # forget the oldest of the three and free its space (borg: prune then compact; rsync: rm -rf of its folder)
  add lvf "$(secs "$lv" -c "$work/lv.yaml" forget --keep-last 2 --prune)"
  add resticf "$(secs restic --repo "$work/restic" forget --keep-last 2 --prune)"
  add borgf "$(secs sh -c "borg prune --keep-last 2 '$work/borg' && borg compact '$work/borg'")"
  add rsyncf "$(secs rm -rf "$work/rsync/s1")"
done
row() { echo "| $1 | $(median "${t[$2]}") | $(median "${t[$3]}") | $(median "${t[$4]}") | $(median "${t[$5]}") | $6 $(median "${t[$7]}") |"; }
table=$(printf '%s\n' "| operation, $n files | linkvault s | restic s | borg s | rsync --link-dest s | floor s |" "|---|---|---|---|---|---|" \
  "$(row "first backup" lv1 restic1 borg1 rsync1 "cp -a" cpa)" \
  "$(row "unchanged re-run" lv2 restic2 borg2 rsync2 "cp -al" cpal)" \
  "$(row "re-run after 1% changed" lv3 restic3 borg3 rsync3 "" cpal)" \
  "| restore one file | $(median "${t[lvr]}") | $(median "${t[resticr]}") | $(median "${t[borgr]}") | | cp $(median "${t[cpr]}") |" \
  "| forget the oldest + free its space | $(median "${t[lvf]}") | $(median "${t[resticf]}") | $(median "${t[borgf]}") (prune + compact) | $(median "${t[rsyncf]}") (rm -rf) | |")
runs_md=$(for k in lv1 restic1 borg1 rsync1 cpa lv2 restic2 borg2 rsync2 cpal lv3 restic3 borg3 rsync3 lvr resticr borgr cpr lvf resticf borgf rsyncf; do
  printf '%s:%s; ' "$k" "$(for v in ${t[$k]}; do printf ' %.2f' "$v"; done)"; done)
echo "$table"
echo "every round, in seconds: $runs_md"
section=peers; [ "$n" = 100000 ] || section="peers $n"   # other sizes keep a section of their own
write_section "$section" "Measured $(date -u +%Y-%m-%d) by bench/peers-local.sh $n on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)),
medians of $runs alternating rounds, each a fresh tree; $(restic version | head -1), $(borg --version), $(rsync --version | head -1 | awk '{print $1, $3}').
The re-run after 1% changed has no floor of its own (cp -al shown). Each timed run starts after an untimed sync.
Each round starts after the last round's deletion settled (caches dropped: $caches_dropped; see settle_deletions in bench/lib.sh).

$table

Every round, in seconds (lv = linkvault; 1 first backup, 2 unchanged, 3 after 1% changed, r restore, f forget + free):
$runs_md"
rm -rf "$work"
