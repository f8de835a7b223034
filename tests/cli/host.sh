#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shell tests of the real binary: `nestmed host check` on fake sysfs trees
# (the Linux intel-iommu attribute format: version "%d:%d", cap/ecap "%llx"),
# `nestmed host xml` validated by libvirt's own schema (virt-xml-validate
# from Debian's libvirt-clients, scripts/deps.sh cli).
#   tests/cli/host.sh [path/to/nestmed]      (default: $NESTMED, build/nestmed)
# Last line: "N passed, N failed"; exit status 1 when something failed.
set -u

PROJ=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-${NESTMED:-$PROJ/build/nestmed}}
case "$BIN" in /*) ;; *) BIN=$PWD/$BIN ;; esac
NAME=host-sh
# shellcheck source=lib/tap.bash
. "$PROJ/tests/cli/lib/tap.bash"

# Fixtures (hand-decoded in tests/host/host_cli_test.c):
QEMU_CAP=d2008c22260286		# QEMU 7.2 guest, measured (refs/qemu-7.2-guest.md)
QEMU_ECAP=480080f00f4a		# no PASID, FLTS, NEST, PRS, PDS, DT
MODERN_CAP=1112078c60380c06	# host/sim sim_iommu_default_cfg()
MODERN_ECAP=3ed9ca40050c6

# unit ROOT NAME VERSION CAP ECAP: one sysfs unit as intel-iommu writes it.
unit() {
	local d=$1/sys/class/iommu/$2/intel-iommu
	mkdir -p "$d" "$1/sys/class/iommu/$2/devices"
	printf '%s\n' "$3" > "$d/version"
	printf '%s\n' "$4" > "$d/cap"
	printf '%s\n' "$5" > "$d/ecap"
}






if [ ! -x "$BIN" ]; then
	echo "host.sh: no binary $BIN (make build/nestmed)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# --- host check ---------------------------------------------------------------
unit "$T/qemu" dmar0 1:0 $QEMU_CAP $QEMU_ECAP
run "check: QEMU 7.2 guest unit is not ready" 1 "$BIN" host check --sysfs-root "$T/qemu"
expect "check: QEMU verdict line" "$T/out" '^verdict: NOT READY'
expect "check: QEMU names the missing first stage" "$T/out" 'no first-stage translation'
expect "check: QEMU names the missing nesting" "$T/out" 'no nested translation'
expect "check: QEMU names the missing page requests" "$T/out" 'no page requests'
expect "check: QEMU's CM=1 is a nested-of-nested warning" "$T/out" 'caching mode is set'
run "check --json: QEMU" 1 "$BIN" host check --sysfs-root "$T/qemu" --json
json_ok "check --json: QEMU"
json_eq "check --json: QEMU ready=false" 'd["ready"]' False
json_eq "check --json: QEMU missing ids" \
	'",".join(c["id"] for c in d["units"][0]["checks"] if c["status"]=="missing")' \
	pasid,flts,nest,prs,pds,dt

unit "$T/modern" dmar0 6:0 $MODERN_CAP $MODERN_ECAP
run "check: modern unit is ready" 0 "$BIN" host check --sysfs-root "$T/modern"
expect "check: modern verdict line" "$T/out" '^verdict: READY'
expect "check: modern PASID width" "$T/out" 'PASID .*20 bits'
run "check --json: modern" 0 "$BIN" host check --sysfs-root="$T/modern/" --json
json_ok "check --json: modern"
json_eq "check --json: modern ready" 'd["ready"], d["units"][0]["missing"]' "True 0"
json_eq "check --json: vIOMMU offers first stage, not second" \
	'[(c["viommu"]) for c in d["units"][0]["checks"] if c["id"] in ("flts","slts","nest")]' \
	"[True, False, False]"

# A host that is itself a VM with a modern vIOMMU: ready, with a warning.
unit "$T/cm" dmar0 6:0 1112078c60380c86 $MODERN_ECAP
run "check: CM=1 host is ready" 0 "$BIN" host check --sysfs-root "$T/cm"
expect "check: CM=1 warns" "$T/out" 'nested-of-nested'

# Two units: the whole host needs both, --pf judges the PF's unit only.
unit "$T/two" dmar0 1:0 $QEMU_CAP $QEMU_ECAP
unit "$T/two" dmar1 6:0 $MODERN_CAP $MODERN_ECAP
ln -s ../../../../devices/pci0000:3a/0000:3b:00.0 "$T/two/sys/class/iommu/dmar1/devices/0000:3b:00.0"
run "check: two units, one not ready" 1 "$BIN" host check --sysfs-root "$T/two"
run "check --pf: the PF's unit is ready" 0 "$BIN" host check --sysfs-root "$T/two" --pf 3b:00.0
expect "check --pf: verdict names the PF" "$T/out" 'in front of 3b:00.0'
run "check --pf --json" 0 "$BIN" host check --sysfs-root "$T/two" --pf 0000:3b:00.0 --json
json_eq "check --pf --json: selection" '[u["selected"] for u in d["units"]]' "[False, True]"
run "check --pf: device behind no unit" 2 "$BIN" host check --sysfs-root "$T/two" --pf 0000:3c:00.0
expect "check --pf: says so" "$T/err" 'behind no IOMMU unit'
run "check --pf: bad BDF" 2 "$BIN" host check --sysfs-root "$T/two" --pf 3b:00

# Ten units sort as dmar0, dmar1, ..., dmar10 (not dmar0, dmar1, dmar10).
for i in 0 1 2 10; do unit "$T/many" dmar$i 6:0 $MODERN_CAP $MODERN_ECAP; done
run "check: many units" 0 "$BIN" host check --sysfs-root "$T/many" --json
json_eq "check: units in natural order" '" ".join(u["name"] for u in d["units"])' "dmar0 dmar1 dmar2 dmar10"

# Errors: exit 2 with a message on stderr and nothing on stdout.
mkdir -p "$T/none/sys/class/iommu"
run "check: no dmar unit" 2 "$BIN" host check --sysfs-root "$T/none"
expect "check: no dmar unit says so" "$T/err" 'no Intel IOMMU found'
quiet_stdout "check: no dmar unit"
run "check: no /sys/class/iommu" 2 "$BIN" host check --sysfs-root "$T/nothing-here" --json
expect "check: no iommu class says so" "$T/err" 'no IOMMU found.*intel_iommu=on'
quiet_stdout "check --json: error"

unit "$T/g1" dmar0 1:0 0x$MODERN_CAP $MODERN_ECAP
run "check: cap with 0x" 2 "$BIN" host check --sysfs-root "$T/g1"
expect "check: garbled cap names the file" "$T/err" 'dmar0/intel-iommu/cap: garbled'
unit "$T/g2" dmar0 1.0 $MODERN_CAP $MODERN_ECAP
run "check: garbled version" 2 "$BIN" host check --sysfs-root "$T/g2"
expect "check: garbled version names the file" "$T/err" 'version: garbled'
unit "$T/g3" dmar0 1:0 $MODERN_CAP "$(printf 'zz\001')"
run "check: ecap with junk" 2 "$BIN" host check --sysfs-root "$T/g3"
expect "check: junk is shown printable" "$T/err" "garbled 'zz\?"
unit "$T/g4" dmar0 1:0 $MODERN_CAP $MODERN_ECAP
rm "$T/g4/sys/class/iommu/dmar0/intel-iommu/ecap"
run "check: missing ecap" 2 "$BIN" host check --sysfs-root "$T/g4"
expect "check: missing ecap names the file" "$T/err" 'cannot read .*ecap'
unit "$T/g5" dmar0 1:0 $MODERN_CAP $MODERN_ECAP
rm "$T/g5/sys/class/iommu/dmar0/intel-iommu/cap"
mkdir "$T/g5/sys/class/iommu/dmar0/intel-iommu/cap"
run "check: unreadable cap (a directory)" 2 "$BIN" host check --sysfs-root "$T/g5"
unit "$T/g6" dmar0 1:0 $MODERN_CAP $(printf '%0100d' 0)
run "check: overlong ecap" 2 "$BIN" host check --sysfs-root "$T/g6"
run "check: unknown argument" 2 "$BIN" host check --bogus
run "check: --sysfs-root without a value" 2 "$BIN" host check --sysfs-root
run "host: no subcommand" 2 "$BIN" host
run "host: help" 0 "$BIN" host help

# --- host xml -----------------------------------------------------------------
validate() {
	if virt-xml-validate "$2" domain >"$T/vout" 2>&1; then ok "$1: virt-xml-validate"
	else bad "$1: virt-xml-validate failed" "$(cat "$T/vout")"; fi
}

if ! command -v virt-xml-validate >/dev/null; then
	bad "xml: virt-xml-validate missing (scripts/deps.sh cli)"
else
	run "xml: default" 0 "$BIN" host xml --name l1-viommu --pf 0000:3b:00.0
	cp "$T/out" "$T/dom.xml"
	validate "xml: default" "$T/dom.xml"
	expect "xml: caching mode" "$T/dom.xml" "<driver intremap='on' caching_mode='on'"
	expect "xml: hostdev address" "$T/dom.xml" "<address domain='0x0000' bus='0x3b' slot='0x00' function='0x0'/>"
	expect "xml: scalable mode via -global" "$T/dom.xml" "intel-iommu.x-scalable-mode=on"

	run "xml: --iotlb, short BDF, memory, vcpus" 0 "$BIN" host xml --name=vm2 --pf 80:1f.7 --memory 16384 --vcpus 8 --iotlb
	cp "$T/out" "$T/dom2.xml"
	validate "xml: --iotlb" "$T/dom2.xml"
	expect "xml: iotlb on" "$T/dom2.xml" "iotlb='on'"
	if grep -q 'intel-iommu.x-pasid-mode' "$T/dom2.xml"; then bad "xml: --iotlb drops x-pasid-mode"; else ok "xml: --iotlb drops x-pasid-mode"; fi

	run "xml: name with XML metacharacters" 0 "$BIN" host xml --name "a&b <c> 'd' \"e\"" --pf 3b:00.0
	cp "$T/out" "$T/dom3.xml"
	validate "xml: escaped name" "$T/dom3.xml"
	json_name=$(python3 -c "import xml.etree.ElementTree as E,sys; print(E.parse(sys.argv[1]).getroot().find('name').text)" "$T/dom3.xml")
	if [ "$json_name" = "a&b <c> 'd' \"e\"" ]; then ok "xml: name round-trips"; else bad "xml: name read back as '$json_name'"; fi

	# libvirt itself parses it: define + dumpxml on the test driver (one
	# virsh invocation: the test driver keeps no state between processes).
	# The test driver drops the QEMU namespace; the devices must survive.
	if virsh -q -c test:///default "define $T/dom.xml; dumpxml l1-viommu" >"$T/dump.xml" 2>"$T/err"; then
		ok "xml: virsh define on the test driver"
		expect "xml: dumpxml keeps the iommu driver" "$T/dump.xml" "<driver intremap='on' caching_mode='on' iotlb='off' aw_bits='48'/>"
		expect "xml: dumpxml keeps the hostdev" "$T/dump.xml" "bus='0x3b' slot='0x00' function='0x0'"
	else
		bad "xml: virsh define on the test driver" "$(cat "$T/err")"
	fi

	# The validator is real: a wrong value fails it.
	sed "s/caching_mode='on'/caching_mode='maybe'/" "$T/dom.xml" > "$T/broken.xml"
	if virt-xml-validate "$T/broken.xml" domain >/dev/null 2>&1; then bad "xml: validator accepts caching_mode='maybe'"
	else ok "xml: validator rejects caching_mode='maybe'"; fi
fi

run "xml: missing --name" 2 "$BIN" host xml --pf 3b:00.0
run "xml: missing --pf" 2 "$BIN" host xml --name vm
run "xml: bad BDF (device 0x20)" 2 "$BIN" host xml --name vm --pf 0000:3b:20.0
expect "xml: bad BDF says what it wants" "$T/err" 'DDDD:BB:DD.F'
quiet_stdout "xml: bad BDF"
run "xml: BDF with a quote" 2 "$BIN" host xml --name vm --pf "3b:00.0'"
run "xml: name with a slash" 2 "$BIN" host xml --name a/b --pf 3b:00.0
run "xml: empty name" 2 "$BIN" host xml --name "" --pf 3b:00.0
run "xml: memory too small" 2 "$BIN" host xml --name vm --pf 3b:00.0 --memory 16
run "xml: memory not a number" 2 "$BIN" host xml --name vm --pf 3b:00.0 --memory 4G
run "xml: vcpus 0" 2 "$BIN" host xml --name vm --pf 3b:00.0 --vcpus 0
run "xml: --memory without a value" 2 "$BIN" host xml --name vm --pf 3b:00.0 --memory
run "xml: unknown argument" 2 "$BIN" host xml --name vm --pf 3b:00.0 --disk x

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
