#!/usr/bin/env bash
# Run by `mvn package` after the jar is built: makes target/linkvault.jsa, the JVM's class-data
# archive of what the everyday commands load, and target/native/libsqlitejdbc.so; bin/linkvault
# uses both when present.
#
# The archive is a static one (-Xshare:dump from the list of classes a training run loaded), not
# the dynamic kind (-XX:ArchiveClassesAtExit): Java 17 leaves classes of class-file versions before
# Java 6 out of a dynamic archive, and picocli's are such, so every start parsed and verified about
# 170 of them. The archive is written aside, tried with the launcher's options and renamed: a JVM
# given a cut-short archive crashes. A failure here only costs start-up time, so it warns and does
# not fail the build.
set -uo pipefail
target="$1"
jar="$target/linkvault.jar"
list="$target/linkvault.classlist"
rm -f "$target/linkvault.jsa" "$target/linkvault.jsa.tmp" "$list" "$target/native/libsqlitejdbc.so"
warn() {
  rm -f "$target/linkvault.jsa.tmp" "$list"
  echo "warning: no class-data archive made ($1); linkvault works, only starts slower" >&2
  exit 0
}
# with the native helper when it was built, as bin/linkvault runs: the classes of its paths are then archived too
helper=()
[ -f "$target/native/liblinkvault.so" ] && helper=(-Dlinkvault.native="$target/native/liblinkvault.so")
java "${helper[@]}" -XX:DumpLoadedClassList="$list" -cp "$jar" dev.linkvault.cli.CdsTraining "$target" >/dev/null \
  || warn "the training run failed"
java -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$target/linkvault.jsa.tmp" \
    -Xlog:cds=off -Xlog:cds+heap=off -cp "$jar" >/dev/null 2>&1 && [ -s "$target/linkvault.jsa.tmp" ] \
  || warn "java -Xshare:dump failed"
mv -f "$target/linkvault.jsa.tmp" "$target/linkvault.jsa"
rm -f "$list"
# the launcher adds a diagnostic option with the archive, which a JVM may lack: keep the archive
# only if bin/linkvault starts with it
if ! "$(dirname "$0")/../../bin/linkvault" --version >/dev/null 2>&1; then
  rm -f "$target/linkvault.jsa"
  warn "bin/linkvault did not start with it"
fi
