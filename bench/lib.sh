# Shared by the bench scripts: source it, then call write_section.
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
