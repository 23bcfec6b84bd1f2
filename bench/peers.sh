#!/usr/bin/env bash
# Installs the peers the benchmarks compare linkvault with, from Debian's packages: restic, borg
# (borgbackup), rsync, and hyperfine; says which it could not get. Needs root (or sudo) and apt-get.
set -uo pipefail
want=(restic borgbackup rsync hyperfine)
missing=()
for p in "${want[@]}"; do
  cmd=$p; [ "$p" = borgbackup ] && cmd=borg
  command -v "$cmd" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "peers: all there (${want[*]})"; exit 0; fi
if ! command -v apt-get >/dev/null; then echo "peers: no apt-get here; install ${missing[*]} by hand" >&2; exit 1; fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
  || { $sudo apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; }
for p in "${missing[@]}"; do
  cmd=$p; [ "$p" = borgbackup ] && cmd=borg
  v=$([ "$cmd" = restic ] && restic version 2>&1 | head -1 || "$cmd" --version 2>&1 | head -1)
  command -v "$cmd" >/dev/null && echo "peers: installed $p ($v)" || echo "peers: could not install $p" >&2
done
