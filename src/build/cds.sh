#!/usr/bin/env bash
# Run by `mvn package` after the jar is built: makes target/linkvault.jsa, the JVM's class-data
# archive of what the everyday commands load, and target/native/libsqlitejdbc.so; bin/linkvault
# uses both when present. The archive is written aside and renamed: a JVM given a cut-short
# archive crashes. A failure here only costs start-up time, so it warns and does not fail the build.
set -uo pipefail
target="$1"
jar="$target/linkvault.jar"
rm -f "$target/linkvault.jsa" "$target/linkvault.jsa.tmp" "$target/native/libsqlitejdbc.so"
if java -XX:ArchiveClassesAtExit="$target/linkvault.jsa.tmp" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -cp "$jar" dev.linkvault.cli.CdsTraining "$target" >/dev/null && [ -s "$target/linkvault.jsa.tmp" ]; then
  mv -f "$target/linkvault.jsa.tmp" "$target/linkvault.jsa"
else
  rm -f "$target/linkvault.jsa.tmp"
  echo "warning: no class-data archive made; linkvault works, only starts slower" >&2
fi
exit 0
