#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The configuration examples of docs/ are what they claim to be: every
# docs/examples/*.xml is a libvirt domain that libvirt's own schema accepts
# (virt-xml-validate from Debian's libvirt-clients, scripts/deps.sh cli),
# and every mdev UUID in them is well formed.
#   tests/cli/docs.sh [path/to/nestmed]   (the binary is not needed)
# Last line: "N passed, N failed"; exit status 1 when something failed.
set -u

PROJ=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) $1"; }
bad() { fail=$((fail + 1)); echo "not ok $((pass + fail)) $1"; [ -n "${2:-}" ] && sed 's/^/#   /' <<<"$2"; }

if ! command -v virt-xml-validate >/dev/null; then
	bad "virt-xml-validate missing (scripts/deps.sh cli)"
fi
n=0
for x in "$PROJ"/docs/examples/*.xml; do
	[ -e "$x" ] || continue
	n=$((n + 1))
	name=docs/examples/$(basename "$x")
	if out=$(virt-xml-validate "$x" domain 2>&1); then ok "$name: valid domain"
	else bad "$name: virt-xml-validate failed" "$out"; fi
	uuids=$(grep -o "uuid='[^']*'" "$x" | cut -d"'" -f2)
	if [ -z "$uuids" ]; then bad "$name: no mdev UUID"; continue; fi
	badu=$(grep -vxE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' <<<"$uuids")
	if [ -z "$badu" ]; then ok "$name: mdev UUIDs well formed"
	else bad "$name: malformed UUIDs" "$badu"; fi
done
[ "$n" -gt 0 ] && ok "examples found: $n" || bad "no docs/examples/*.xml"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
