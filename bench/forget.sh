#!/usr/bin/env bash
# Benchmark: forgetting the oldest snapshot and freeing its space, on one generated tree of FILES small files
# (default 1,000,000), against borg's prune + compact and `rm -rf` of a `cp -al` copy of the tree, alternating,
# ROUNDS rounds (default 3), medians. linkvault and borg each hold ROUNDS+1 snapshots of the tree, 1% of its files
# changed before each one after the first, so each forget frees about 1% of the contents. Then `gc` alone (nothing
# to free) against `find .data/sha1 -type f -links 1`, alternating, ROUNDS times.
# Usage: bench/forget.sh [FILES]   (bench/peers.sh installs borg)   Writes RESULTS.md "forget FILES".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$here/.."
n="${1:-1000000}"
rounds="${ROUNDS:-3}"
work="${BENCH_DIR:-$here/work}/forget"
lv="$top/bin/linkvault"
command -v borg >/dev/null || { echo "no borg: run bench/peers.sh" >&2; exit 1; }
[ -f "$top/target/linkvault.jar" ] || (cd "$top" && mvn -q -DskipTests package)
. "$here/lib.sh"
export BORG_PASSPHRASE="" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
declare -A t
ratio() { printf "%.2f" "$(echo "scale=4; $1 / $2" | bc)"; }
change() {   # change SEED: appends a line to 1% of the files, chosen by SEED
  python3 - "$work/src" "$n" "$1" <<'PY'
import os, sys, random
root, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]); r = random.Random(seed)
for i in r.sample(range(n), n // 100):
    p = os.path.join(root, "d%03d" % (i // 10000), "e%03d" % (i // 100 % 100), "f%05d.bin" % i)
    with open(p, "ab") as f: f.write(b"changed %d\n" % seed)
PY
}

rm -rf "$work"; mkdir -p "$work"
python3 "$here/gen-tree.py" "$work/src" "$n"
printf 'repository: %s\nsources:\n  - {type: local, name: src, path: %s}\n' "$work/lv" "$work/src" > "$work/lv.yaml"
"$lv" init "$work/lv" >/dev/null
borg init -e none "$work/borg" >/dev/null 2>&1
for i in $(seq 0 "$rounds"); do
  [ "$i" = 0 ] || change "$i"
  "$lv" -q -c "$work/lv.yaml" snapshot --name "s$i" >/dev/null 2>&1
  borg create --compression none "$work/borg::s$i" "$work/src"
done
for r in $(seq "$rounds"); do
  keep=$((rounds + 1 - r))
  cp -al "$work/src" "$work/copy"
  add lv "$(secs "$lv" -c "$work/lv.yaml" forget --keep-last "$keep" --prune)"
  add borg "$(secs sh -c "borg prune --keep-last $keep '$work/borg' && borg compact '$work/borg'")"
  add rm "$(secs rm -rf "$work/copy")"
done
left=$("$lv" -c "$work/lv.yaml" snapshots | tail -n +2 | wc -l)
for _ in $(seq "$rounds"); do
  add find "$(secs find "$work/lv/.data/sha1" -type f -links 1)"
  add gc "$(secs "$lv" -c "$work/lv.yaml" gc)"
done
blobs=$(find "$work/lv/.data/sha1" -type f | wc -l)
rm -rf "$work"

lvm=$(median "${t[lv]}"); borgm=$(median "${t[borg]}"); rmm=$(median "${t[rm]}")
findm=$(median "${t[find]}"); gcm=$(median "${t[gc]}")
table=$(printf '%s\n' \
  "| $n files | linkvault s | borg s | floor s | ratio |" "|---|---|---|---|---|" \
  "| forget the oldest + free its space | $lvm (forget --prune) | $borgm (prune + compact) | $rmm (rm -rf of a cp -al copy) | $(ratio "$lvm" "$borgm")x borg (goal <= 1) |" \
  "| gc alone, $blobs blobs, $left snapshots, nothing to free | $gcm | | $findm (find -links 1) | $(ratio "$gcm" "$findm")x find (goal <= 2) |")
runs_md=$(for k in lv borg rm gc find; do printf '%s:%s; ' "$k" "$(for v in ${t[$k]}; do printf ' %.2f' "$v"; done)"; done)
echo "$table"
echo "every round, in seconds: $runs_md"
write_section "forget $n" "Measured $(date -u +%Y-%m-%d) by bench/forget.sh $n on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)),
medians of $rounds alternating rounds; $(borg --version). Each timed run starts after an untimed sync. Each forget
removes the oldest of the snapshots left and frees what only it used (about 1% of the contents).

$table

Every round, in seconds: $runs_md"
