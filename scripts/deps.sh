#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what a make target needs from Debian 12's packages, idempotently.
#   scripts/deps.sh GROUP...     GROUP: unit fuzz kunit modules cli qemu run all
#   scripts/deps.sh --kdir       print the kernel headers dir for `modules`
#   scripts/deps.sh --guest      print the unpacked guest kernel dir (`qemu`)
# A quick no-op (dpkg-query only) when everything is present.  When
# something is missing: as root, apt-get update once and apt-get install
# --no-install-recommends; otherwise print the command and fail.
#
# Kernel headers for `make modules` are not installed with apt (that would
# pull a linux-image and run update-initramfs): the newest
# linux-headers-6.12.*+deb12-amd64 that apt knows is fetched with
# apt-get download and unpacked into $NESTMED_DEPS (default <project>/.deps).
# The same way, for `make check-qemu`, the linux-image-*-unsigned of the
# headers' ABI (so nothing lands in the host's /boot) and busybox-static
# are unpacked into $NESTMED_DEPS/qemu/.
#
# To add a group: add a case in pkgs_for() (and, for things that are not
# plain packages, a function called from main below).
set -euo pipefail

PROJ=$(cd "$(dirname "$0")/.." && pwd)
DEPS=${NESTMED_DEPS:-$PROJ/.deps}
export DEBIAN_FRONTEND=noninteractive

pkgs_for() {
	case "$1" in
	# libyaml-dev: scenario files (host/scenario.c), linked into
	# build/nestmed and the test runners; the fuzz build compiles host/
	# too.
	unit|run)	echo gcc make libc6-dev libyaml-dev ;;
	fuzz)		echo clang libclang-rt-14-dev libyaml-dev ;;
	# UML KUnit: kernel source, kconfig/kbuild tools, kunit.py.
	kunit)		echo gcc make libc6-dev linux-source-6.12 flex bison bc \
			     python3 xz-utils ;;
	# Runtime of the prebuilt linux-kbuild tools and the compiler the
	# headers' Makefile names (x86_64-linux-gnu-gcc-12); pahole for BTF.
	modules)	echo make gcc-12 libc6-dev libelf1 libssl3 zlib1g pahole ;;
	# check-cli: the shell tests of build/nestmed (virt-xml-validate and
	# virsh for `nestmed host xml`; the former is a shell script around
	# xmllint, which libvirt-clients does not depend on; python3 for the
	# --json output).
	cli)		echo libvirt-clients libxml2-utils python3 ;;
	# check-qemu: QEMU to boot Debian's 6.12 image (unpacked, not
	# installed: ensure_guest); kmod's depmod writes the modules.dep the
	# image's postinst would have, and modinfo reads nmdev.ko; xz for
	# the .ko.xz modules.  The modules group builds nmdev.ko against the
	# same ABI.
	qemu)		echo qemu-system-x86 kmod xz-utils; pkgs_for modules ;;
	all)		for g in unit fuzz kunit modules cli qemu; do pkgs_for "$g"; done ;;
	*)		echo "deps.sh: unknown group '$1'" >&2; return 1 ;;
	esac
}

# Parallel make jobs may each call deps.sh: serialise the slow paths.
locked=0
lock() {
	if [ "$locked" = 0 ]; then
		mkdir -p "$DEPS"
		exec 9>>"$DEPS/.lock"
		flock 9
		locked=1
	fi
}

updated=0
apt_update_once() {
	if [ "$updated" = 0 ]; then
		apt-get update -qq -o DPkg::Lock::Timeout=600
		updated=1
	fi
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing: $*" >&2
		echo "deps.sh: run as root: apt-get install --no-install-recommends $*" >&2
		exit 1
	fi
}

install_pkgs() {
	local missing=() p have
	# One dpkg-query for all: "name status" for each known package.
	have=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" \
		2>/dev/null || true)
	for p in "$@"; do
		grep -qx "$p installed" <<<"$have" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	need_root "${missing[@]}"
	lock
	# Another deps.sh may have installed them while we waited.
	have=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' \
		"${missing[@]}" 2>/dev/null || true)
	local still=()
	for p in "${missing[@]}"; do
		grep -qx "$p installed" <<<"$have" || still+=("$p")
	done
	[ ${#still[@]} -eq 0 ] && return 0
	missing=("${still[@]}")
	echo "deps.sh: installing ${missing[*]}"
	apt_update_once
	apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "${missing[@]}"
}

# The newest linux-headers-6.12.N+deb12-amd64 known to apt, e.g.
# "6.12.117+deb12"; empty when apt knows none.
newest_kabi() {
	apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12\)-amd64$/\1/p' |
		sort -V | tail -n 1
}

# Unpack headers-amd64, headers-common and kbuild of one ABI into
# $DEPS/root and record the headers dir in $DEPS/kdir.
headers_ok() {
	local kdir
	[ -f "$DEPS/kdir" ] || return 1
	kdir=$(cat "$DEPS/kdir")
	[ -f "$kdir/Makefile" ] && [ -e "$kdir/scripts/Makefile.build" ]
}

ensure_headers() {
	local kdir abi tmp d
	headers_ok && return 0
	lock
	headers_ok && return 0
	abi=$(newest_kabi)
	if [ -z "$abi" ]; then
		need_root "linux-headers-6.12 (apt lists)"
		apt_update_once
		abi=$(newest_kabi)
	fi
	[ -n "$abi" ] || { echo "deps.sh: apt knows no linux-headers-6.12.*-amd64" >&2; exit 1; }
	echo "deps.sh: fetching linux-headers-$abi-amd64 into $DEPS"
	mkdir -p "$DEPS"
	tmp=$(mktemp -d "$DEPS/dl.XXXXXX")
	(cd "$tmp" && apt-get download -qq "linux-headers-$abi-amd64" \
		"linux-headers-$abi-common" "linux-kbuild-$abi" 2>&1 |
		grep -v 'unsandboxed as root' || true)
	rm -rf "$DEPS/root"
	for d in "$tmp"/*.deb; do
		dpkg-deb -x "$d" "$DEPS/root"
	done
	rm -rf "$tmp"
	kdir=$DEPS/root/usr/src/linux-headers-$abi-amd64
	# Its Makefile includes .../linux-headers-$abi-common/Makefile by an
	# absolute /usr/src path; point it into our tree.
	sed -i "s#^include /usr/src/#include $DEPS/root/usr/src/#" "$kdir/Makefile"
	[ -e "$kdir/scripts/Makefile.build" ] ||
		{ echo "deps.sh: incomplete headers in $kdir" >&2; exit 1; }
	echo "$kdir" > "$DEPS/kdir"
}

# --- check-qemu: the linux-image of the headers' ABI, and busybox ----------
# $DEPS/qemu/<release>/ holds the unpacked image (boot/vmlinuz-<release>,
# lib/modules/<release>/) and bin/busybox of busybox-static; .complete is
# written last, so an interrupted unpack is redone.
guest_release() {
	local kdir
	kdir=$(cat "$DEPS/kdir")
	kdir=${kdir##*/linux-headers-}
	echo "$kdir"
}

guest_ok() {
	[ -f "$DEPS/qemu/$(guest_release)/.complete" ]
}

guest_download() {
	(cd "$1" && apt-get download -qq "linux-image-$2-unsigned" \
		busybox-static 2>"$1/err")
}

ensure_guest() {
	local rel gdir tmp d
	ensure_headers
	guest_ok && return 0
	lock
	guest_ok && return 0
	rel=$(guest_release)
	gdir=$DEPS/qemu/$rel
	echo "deps.sh: fetching linux-image-$rel-unsigned and busybox-static into $gdir"
	rm -rf "$DEPS/qemu"
	mkdir -p "$gdir"
	tmp=$(mktemp -d "$DEPS/dl.XXXXXX")
	# The headers fix the ABI (an apt-get update may have dropped it).
	# Without apt lists (a cleaned image whose .deps/ came from a cache),
	# update them once and retry.
	if ! guest_download "$tmp" "$rel" &&
	   ! { [ "$(id -u)" = 0 ] && apt_update_once && guest_download "$tmp" "$rel"; }; then
		grep -v 'unsandboxed as root' "$tmp/err" >&2 || true
		rm -rf "$tmp"
		echo "deps.sh: apt has no linux-image-$rel-unsigned; remove $DEPS to move to apt's newest ABI" >&2
		exit 1
	fi
	rm -f "$tmp/err"
	for d in "$tmp"/*.deb; do
		dpkg-deb -x "$d" "$gdir"
	done
	rm -rf "$tmp"
	# The package has no modules.dep: its postinst runs depmod.
	PATH=$PATH:/usr/sbin:/sbin depmod -b "$gdir" "$rel"
	if [ ! -f "$gdir/boot/vmlinuz-$rel" ] || [ ! -x "$gdir/bin/busybox" ] ||
	   [ ! -f "$gdir/lib/modules/$rel/modules.dep" ]; then
		echo "deps.sh: incomplete guest kernel in $gdir" >&2
		exit 1
	fi
	touch "$gdir/.complete"
}

main() {
	local pkgs=() g
	if [ "${1:-}" = --kdir ]; then
		ensure_headers >&2
		cat "$DEPS/kdir"
		return
	fi
	if [ "${1:-}" = --guest ]; then
		ensure_guest >&2
		echo "$DEPS/qemu/$(guest_release)"
		return
	fi
	[ $# -gt 0 ] || set -- all
	for g in "$@"; do
		# shellcheck disable=SC2207
		pkgs+=($(pkgs_for "$g"))
	done
	install_pkgs "${pkgs[@]}"
	for g in "$@"; do
		case "$g" in
		modules) ensure_headers ;;
		qemu|all) ensure_guest ;;
		esac
	done
}

main "$@"
