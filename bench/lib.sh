# Shared by the bench scripts: source it, then call write_section.
# secs CMD...: wall seconds of one run of CMD, its output thrown away. It starts after a sync (not timed): a tool
# that makes its writes durable (linkvault, restic, borg) would otherwise also wait for the writeback of the run
# before it, which may not have synced at all (cp, rsync).
secs() { local s e; sync; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
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
