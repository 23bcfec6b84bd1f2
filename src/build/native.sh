#!/usr/bin/env bash
# Run by `mvn package` (before the tests): builds target/native/liblinkvault.so from src/main/c,
# linkvault's native helper (digests through libcrypto), which bin/linkvault and the tests name in
# -Dlinkvault.native. Without gcc or JNI headers it warns and makes nothing: the JDK's digests then
# do the same work, only more slowly, so the build does not fail.
set -uo pipefail
src="$1"; target="$2"; java_home="$3"
out="$target/native/liblinkvault.so"
rm -f "$out" "$out.tmp"
warn() {
  rm -f "$out.tmp"
  echo "warning: no native helper built ($1); linkvault works, only hashes more slowly" >&2
  exit 0
}
command -v gcc >/dev/null 2>&1 || warn "gcc is not installed"
[ -f "$java_home/include/jni.h" ] || warn "no JNI headers under $java_home/include"
mkdir -p "$target/native"
gcc -O2 -fPIC -shared -Wall -Wextra -Werror -I"$java_home/include" -I"$java_home/include/linux" \
    -o "$out.tmp" "$src/linkvault.c" -ldl || warn "gcc failed"
mv -f "$out.tmp" "$out"
