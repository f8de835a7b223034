#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-qemu: load and unload build/kmod-guest/nmdev.ko in the very
# kernel `make modules` built it for (Debian's linux-image of the headers'
# ABI, unpacked by `scripts/deps.sh qemu`), booted under QEMU (TCG) on a
# q35 machine with a scalable-mode VT-d.  QEMU has no nestmed PF
# (1234:5349), so the guest proves what a machine without one can:
#
#   - nmdev.ko's vermagic, PCI alias and "mode" parameter (modinfo);
#   - its dependencies (modinfo's depends:, expanded through the image's
#     modules.dep and softdeps as modprobe would) load in that order, and
#     nmdev.ko's symbols resolve against them (insmod);
#   - load registers the PCI and mdev drivers and the debugfs root, and
#     unload removes them and drops every module reference it took;
#   - a bad mode= is accepted at load (it is checked at probe);
#   - the real PCI probe error paths: two QEMU devices bound through
#     new_id, ivshmem-plain (BAR0 and BAR2: probe reads version 0 and
#     fails "unsupported version") and edu (no BAR2: "cannot map BAR2"),
#     leave the devices unbound, disabled and without claimed regions;
#   - dmesg has no WARN/BUG/Oops and the only taints are O and E
#     (out-of-tree, unsigned).
#
# The guest is a busybox initramfs whose /init prints "ok N ..." /
# "not ok N ..." lines and "N passed, N failed", then powers off.  The
# result goes to build/logs/check-qemu.log, the whole serial console
# (and the guest's dmesg) to build/logs/check-qemu-serial.log.
#
# Environment: NMDEV_KO (default build/kmod-guest/nmdev.ko), QEMU_TIMEOUT
# (seconds, default 240), QEMU (default qemu-system-x86_64), QEMU_ACCEL
# (default tcg; "kvm:tcg" uses KVM where there is one).
set -euo pipefail

PROJ=$(cd "$(dirname "$0")/.." && pwd)
KO=${NMDEV_KO:-$PROJ/build/kmod-guest/nmdev.ko}
QEMU=${QEMU:-qemu-system-x86_64}
TIMEOUT=${QEMU_TIMEOUT:-240}
ACCEL=${QEMU_ACCEL:-tcg}
WORK=$PROJ/build/qemu
LOGS=$PROJ/build/logs
LOG=$LOGS/check-qemu.log
SERIAL=$LOGS/check-qemu-serial.log
PATH=$PATH:/usr/sbin:/sbin

GUEST=$("$PROJ/scripts/deps.sh" --guest)
REL=$(basename "$GUEST")
MODDIR=$GUEST/lib/modules/$REL
VMLINUZ=$GUEST/boot/vmlinuz-$REL

die() {
	echo "qemu-smoke: $*" >&2
	exit 1
}

[ -f "$KO" ] || die "no $KO (make modules)"
[ -f "$VMLINUZ" ] || die "no $VMLINUZ (scripts/deps.sh qemu)"
command -v "$QEMU" >/dev/null || die "no $QEMU (scripts/deps.sh qemu)"

# --- the modules nmdev.ko needs, in the order modprobe would load them ---
declare -A path_of deps_of seen
while IFS=: read -r p d; do
	n=${p##*/}
	n=${n%%.ko*}
	path_of[${n//-/_}]=$p
	deps_of[$p]=$d
done <"$MODDIR/modules.dep"

softdeps() { # NAME pre|post
	awk -v m="$1" -v w="$2:" '$1 == "softdep" && $2 == m {
		on = 0
		for (i = 3; i <= NF; i++) {
			if ($i ~ /:$/) on = ($i == w)
			else if (on) print $i
		}
	}' "$MODDIR/modules.softdep"
}

order=()
visit() { # NAME required|optional
	local n=${1//-/_} p d s
	[ -z "${seen[$n]:-}" ] || return 0
	seen[$n]=1
	p=${path_of[$n]:-}
	if [ -z "$p" ]; then
		grep -q "/$n\.ko" "$MODDIR/modules.builtin" && return 0
		[ "$2" = optional ] && return 0
		die "nmdev.ko needs '$n', which $REL does not have"
	fi
	for s in $(softdeps "$n" pre); do visit "$s" optional; done
	for d in ${deps_of[$p]}; do
		d=${d##*/}
		visit "${d%%.ko*}" required
	done
	order+=("$p")
	for s in $(softdeps "$n" post); do visit "$s" optional; done
}

vermagic=$(modinfo -F vermagic "$KO" | awk '{ print $1 }')
[ "$vermagic" = "$REL" ] ||
	die "$KO is for '$vermagic', the guest kernel is $REL (rebuild: make modules)"
IFS=, read -r -a kodeps <<<"$(modinfo -F depends "$KO")"
for d in "${kodeps[@]}"; do
	[ -n "$d" ] && visit "$d" required
done

# --- the initramfs -------------------------------------------------------
rm -rf "$WORK"
ROOT=$WORK/root
KDST=$ROOT/lib/modules/$REL
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp} "$KDST" "$LOGS"
cp "$GUEST/bin/busybox" "$ROOT/bin/busybox"
: >"$ROOT/modules.list"
for p in "${order[@]}"; do
	n=${p##*/}
	n=${n%%.ko*}
	n=${n//-/_}
	case "$p" in
	*.ko.xz)	xz -dc "$MODDIR/$p" >"$KDST/$n.ko" ;;
	*.ko.zst)	zstd -qdc "$MODDIR/$p" >"$KDST/$n.ko" ;;
	*.ko.gz)	gzip -dc "$MODDIR/$p" >"$KDST/$n.ko" ;;
	*)		cp "$MODDIR/$p" "$KDST/$n.ko" ;;
	esac
	echo "$n" >>"$ROOT/modules.list"
done
cp "$KO" "$KDST/nmdev.ko"
# busybox modinfo wants a modules.dep, even for a path.
cp "$MODDIR"/modules.builtin{,.modinfo} "$KDST/"
(cd "$KDST" && printf '%s\n' *.ko) >"$KDST/modules.order"
depmod -b "$ROOT" "$REL"

cat >"$ROOT/init" <<'EOF'
#!/bin/busybox sh
# The check-qemu guest (written by scripts/qemu-smoke.sh).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
M=/lib/modules/$(uname -r)
KO=$M/nmdev.ko
ALIAS='pci:v00001234d00005349sv00001234sd00005349bc*sc*i*'
n=0
pass=0
fail=0

# t DESCRIPTION COMMAND...: one result line; a failure shows the
# command's output.
t() {
	desc=$1
	shift
	n=$((n + 1))
	if eval "$*" >/tmp/out 2>&1; then
		pass=$((pass + 1))
		echo "ok $n $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n $desc # $(head -c 300 /tmp/out | tr '\n' ' ')"
	fi
}

# The PCI device vendor:device, e.g. /sys/bus/pci/devices/0000:00:03.0.
pcidev() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat $d/vendor)" = "0x$1" ] &&
		   [ "$(cat $d/device)" = "0x$2" ]; then
			echo "$d"
			return
		fi
	done
}

refcnts() {
	for m in $(cat /modules.list); do
		echo "$m $(cat /sys/module/$m/refcnt)"
	done
}

# nmdev is bound to nothing, the device is disabled again and no region
# is still claimed in its name.
unbound() {
	[ ! -e "$1/driver" ] && [ "$(cat $1/enable)" = 0 ] &&
		! grep -q nmdev /proc/iomem
}

echo "@@ check-qemu begin"
echo "KTAP version 1"
taint0=$(cat /proc/sys/kernel/tainted)
t "kernel untainted before any module" \
	'[ "$taint0" = 0 ] || { echo "tainted $taint0"; false; }'
t "nmdev.ko vermagic is $(uname -r)" \
	'modinfo -F vermagic $KO | grep -q "^$(uname -r) "'
t "modinfo alias $ALIAS" 'modinfo -F alias $KO | grep -qxF "$ALIAS"'
t "modinfo parm mode" 'modinfo -F parm $KO | grep -q "^mode:"'
iommu=$(ls -d /sys/class/iommu/dmar* 2>/dev/null | head -n 1)
t "VT-d present, offers scalable mode (ecap.SMTS)" \
	'[ -n "$iommu" ] && [ $(((0x$(cat $iommu/intel-iommu/ecap) >> 43) & 1)) = 1 ]'
IVSHMEM=$(pcidev 1af4 1110)
EDU=$(pcidev 1234 11e8)
t "test devices ivshmem-plain and edu behind the IOMMU" \
	'[ -e "$IVSHMEM/iommu_group" ] && [ -e "$EDU/iommu_group" ]'

for m in $(cat /modules.list); do
	t "insmod $m (dependency of nmdev)" insmod $M/$m.ko
done
before=$(refcnts)

# 1: load and unload.
t "insmod nmdev.ko" insmod $KO
t "nmdev live, mode=auto" \
	'[ "$(cat /sys/module/nmdev/initstate)" = live ] &&
	 [ "$(cat /sys/module/nmdev/parameters/mode)" = auto ]'
t "PCI driver, mdev driver and debugfs registered" \
	'[ -d /sys/bus/pci/drivers/nmdev ] && [ -d /sys/bus/mdev/drivers/nmdev ] &&
	 [ -d /sys/kernel/debug/nmdev ]'
t "nmdev holds its dependencies" '[ "$(refcnts)" != "$before" ]'
t "rmmod nmdev" rmmod nmdev
t "unload removed module, drivers and debugfs" \
	'[ ! -e /sys/module/nmdev ] && [ ! -e /sys/bus/pci/drivers/nmdev ] &&
	 [ ! -e /sys/bus/mdev/drivers/nmdev ] && [ ! -e /sys/kernel/debug/nmdev ]'
t "module references dropped" '[ "$(refcnts)" = "$before" ]'

# 2: a bad mode= loads (probe checks it), and the probe error paths.
t "insmod nmdev.ko mode=bogus loads" insmod $KO mode=bogus
t "mode parameter reads bogus" \
	'[ "$(cat /sys/module/nmdev/parameters/mode)" = bogus ]'
t "new_id 1af4 1110 (ivshmem-plain)" \
	'echo "1af4 1110" > /sys/bus/pci/drivers/nmdev/new_id'
t "ivshmem probe fails: unsupported version" \
	'dmesg | grep -q "nmdev ${IVSHMEM##*/}: .*unsupported version 0"'
t "ivshmem unbound, disabled, regions released" unbound $IVSHMEM
t "new_id 1234 11e8 (edu)" \
	'echo "1234 11e8" > /sys/bus/pci/drivers/nmdev/new_id'
t "edu probe fails: cannot map BAR2" \
	'dmesg | grep -q "nmdev ${EDU##*/}: .*cannot map BAR2"'
t "edu unbound, disabled, regions released" unbound $EDU
t "rmmod nmdev after failed probes" rmmod nmdev
t "module references dropped" '[ "$(refcnts)" = "$before" ]'

for m in $(cat /modules.list | tac); do
	t "rmmod $m" rmmod $m
done
t "no WARN, BUG or Oops in dmesg" \
	'! dmesg | grep -E "WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN|KASAN|corruption|refcount_t:|cut here"'
taint=$(cat /proc/sys/kernel/tainted)
t "taints only O and E (out-of-tree, unsigned): $taint" \
	'[ $((taint & ~(4096 | 8192))) = 0 ] && [ $((taint & 4096)) != 0 ]'
echo "1..$n"
echo "$pass passed, $fail failed"
echo "@@ check-qemu dmesg"
dmesg
echo "@@ check-qemu end"
poweroff -f
EOF
chmod +x "$ROOT/init"
(cd "$ROOT" && find . | "$ROOT/bin/busybox" cpio -o -H newc -R 0:0 2>/dev/null) \
	>"$WORK/initramfs.cpio"

# --- boot ----------------------------------------------------------------
# The IOMMU must come before the devices it translates for.  ivshmem-plain
# has BAR0 (registers) and BAR2 (the memory backend); edu only BAR0.
echo "qemu-smoke: booting $REL under $ACCEL (timeout ${TIMEOUT}s), modules: ${order[*]##*/} nmdev.ko"
start=$(date +%s)
set +e
timeout --foreground -k 5 "$TIMEOUT" "$QEMU" -machine q35,accel="$ACCEL" -m 512 -smp 1 \
	-nodefaults -display none -monitor none -no-reboot \
	-serial "file:$SERIAL" \
	-device intel-iommu,x-scalable-mode=on \
	-object memory-backend-ram,id=shm,size=1M \
	-device ivshmem-plain,memdev=shm \
	-device edu \
	-kernel "$VMLINUZ" -initrd "$WORK/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 intel_iommu=on loglevel=1" </dev/null
rc=$?
set -e
secs=$(($(date +%s) - start))

# The result lines between the markers; without the closing line (panic,
# timeout), one more failure.
tr -d '\r' <"$SERIAL" |
	sed -n '/^@@ check-qemu begin$/,/^@@ check-qemu dmesg$/p' |
	grep -E '^(KTAP|1\.\.|ok |not ok |[0-9]+ passed, )' >"$LOG" || true
if ! tail -n 1 "$LOG" | grep -qE '^[0-9]+ passed, [0-9]+ failed$'; then
	p=$(grep -c '^ok ' "$LOG" || true)
	f=$(grep -c '^not ok ' "$LOG" || true)
	echo "not ok $((p + f + 1)) guest ran to the end # qemu rc $rc after ${secs}s; see $SERIAL" >>"$LOG"
	echo "$p passed, $((f + 1)) failed" >>"$LOG"
fi
cat "$LOG"
echo "qemu-smoke: ${secs}s in QEMU; serial log: $SERIAL"
tail -n 1 "$LOG" | grep -qE '^[0-9]+ passed, 0 failed$'
