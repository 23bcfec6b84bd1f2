#!/usr/bin/env bash
# Builds linkvault, then snapshots examples/Documents into a temporary vault twice (the second run
# reads nothing), lists the snapshots, browses one and restores a file. Leaves the vault for a look.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
mvn -q -DskipTests package
vault="$(mktemp -d "${TMPDIR:-/tmp}/linkvault-demo.XXXXXX")/vault"
lv() { echo "+ linkvault $*"; bin/linkvault "$@"; }
lv init "$vault"
lv -c examples/local.yaml --repo "$vault" snapshot
lv -c examples/local.yaml --repo "$vault" snapshot
lv --repo "$vault" snapshots
today="$(date +%Y-%m-%d)"
lv --repo "$vault" ls -r "$today:docs"
lv --repo "$vault" restore "$today:docs/reports/q3.txt" --to "$vault/../restored"
echo "+ ls -li $vault/snapshots/$today/docs/reports   # one inode, two names: stored once"
ls -li "$vault/snapshots/$today/docs/reports"
echo "vault left at $vault"
