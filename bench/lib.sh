# Shared by the bench scripts: source it, then call write_section.
# secs CMD...: wall seconds of one run of CMD, its output thrown away. It starts after a sync (not timed): a tool
# that makes its writes durable (linkvault, restic, borg) would otherwise also wait for the writeback of the run
# before it, which may not have synced at all (cp, rsync).
secs() { local s e; sync; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
# settle_deletions: after a large deletion, lets file creation run as on a filesystem without one. ext4 without a
# journal (these machines) skips, for each new inode, every free inode of the group that was freed in the last 12
# hours while its inode-table block is cached: creating 100,000 files right after deleting 100,000 took 8.3-8.7 s,
# against 1.2-1.9 s once the caches were dropped. Tools that create a file per file (cp -a, rsync, linkvault) pay it,
# restic (a few pack files) does not. Drops the caches where this user may (root), says so otherwise; then warms
# the page cache with TREE (reading it whole) for every tool alike.
settle_deletions() {
  sync
  if { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null; then caches_dropped=yes
  else caches_dropped=no; echo "note: cannot drop the caches (not root): file creation after the last round's deletion is slower" >&2; fi
  find "$1" -type f -print0 | xargs -0 -r cat > /dev/null   # -r: an empty TREE runs no cat (which would read stdin)
}
# add KEY SECONDS: one more figure for KEY in the caller's associative array t (declare -A t).
add() { t[$1]="${t[$1]:-} $2"; }
# median "FIGURES": the median of space-separated figures, two decimals.
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }
# write_section SECTION TEXT: replaces "## SECTION" in bench/RESULTS.md with TEXT (creating the file).
write_section() {
  local section="## $1" text="$2" results
  results="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/RESULTS.md"
  {
    if [ -f "$results" ]; then
      awk -v s="$section" '$0==s{skip=1;next} /^## /{skip=0} !skip' "$results"
    else
      printf '# Benchmark results\n\nEach section is rewritten by the script named in it. Ratios compare runs made in the same\nscript run on the same machine; absolute seconds vary a lot between runs on these shared machines.\n\n'
    fi
    printf '%s\n\n%s\n\n' "$section" "$text"
  } > "$results.new"
  mv "$results.new" "$results"
}

# build_farm TOP WORK: builds linkvault and the benchmark classes (the class path goes to WORK.cp);
# then farm REPO FILES SNAPSHOTS [FILES_PER_FOLDER] makes a vault of real manifests and empty trees
# (src/test/java/dev/linkvault/bench/ManifestFarm.java) and prints the path of its file that changes.
build_farm() {
  mkdir -p "$(dirname "$2")"
  (cd "$1" && mvn -q -DskipTests package && mvn -q test-compile && mvn -q dependency:build-classpath -Dmdep.outputFile="$2.cp" >/dev/null)
  farm_cp="$1/target/classes:$1/target/test-classes:$(cat "$2.cp")"
}
farm() { java -cp "$farm_cp" dev.linkvault.bench.ManifestFarm "$@" 2>/dev/null; }
