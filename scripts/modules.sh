#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make modules: kbuild the vsva engine (every vsva/*.c, see vsva/Kbuild) as
# the out-of-tree module build/kmod/nestmed_vsva.ko, and the guest driver
# (guest/*.c, see guest/Kbuild) as build/kmod-guest/nmdev.ko, against
# Debian's linux-headers-6.12 (KDIR, default: the tree scripts/deps.sh
# unpacked), with W=1.  Any "warning:" in a build log fails the target, and
# so does any ERROR or WARNING of checkpatch.pl --strict on guest/*.[ch]
# (CHECKs are counted, not fatal).
#
# kbuild (6.12) writes its objects next to the sources, so each build runs
# in its own directory of symlinks (build/kmod/ for vsva/, build/kmod-guest/
# for guest/).
set -euo pipefail

PROJ=$(cd "$(dirname "$0")/.." && pwd)
KDIR=${KDIR:-$("$PROJ/scripts/deps.sh" --kdir)}
OUT=$PROJ/build/kmod
LOG=${MODULES_LOG:-$PROJ/build/logs/modules.log}

mkdir -p "$OUT" "$(dirname "$LOG")"
# Mirror vsva/ as symlinks; drop links whose source went away.
for l in "$OUT"/*.c "$OUT"/*.h "$OUT"/Kbuild; do
	[ -L "$l" ] && [ ! -e "$l" ] && rm -f "$l"
done
for f in "$PROJ"/vsva/*.c "$PROJ"/vsva/*.h "$PROJ"/vsva/Kbuild; do
	[ -e "$f" ] || continue
	case "$f" in *.mod.c) continue ;; esac
	ln -sfn "$f" "$OUT/$(basename "$f")"
done

BTF=()
command -v pahole >/dev/null || BTF=(CONFIG_DEBUG_INFO_BTF_MODULES=)
set +e
make -C "$KDIR" M="$OUT" NESTMED="$PROJ" W=1 "${BTF[@]}" modules 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
nwarn=$(grep -c 'warning:' "$LOG" || true)
if [ "$rc" -ne 0 ] || [ "$nwarn" -ne 0 ] || [ ! -f "$OUT/nestmed_vsva.ko" ]; then
	echo "modules: FAILED (make rc=$rc, $nwarn warnings; log: $LOG)" >&2
	# A warned-about object would not be rebuilt (nor warn) next time.
	rm -f "$OUT"/*.o "$OUT"/*.ko "$OUT"/.*.o.cmd
	exit 1
fi
echo "modules: $OUT/nestmed_vsva.ko built, W=1, 0 warnings"

# --- nmdev.ko (guest/), the same way -------------------------------------
GOUT=$PROJ/build/kmod-guest
GLOG=${MODULES_GUEST_LOG:-$PROJ/build/logs/modules-guest.log}
mkdir -p "$GOUT"
for l in "$GOUT"/*.c "$GOUT"/*.h "$GOUT"/Kbuild; do
	[ -L "$l" ] && [ ! -e "$l" ] && rm -f "$l"
done
for f in "$PROJ"/guest/*.c "$PROJ"/guest/*.h "$PROJ"/guest/Kbuild; do
	[ -e "$f" ] || continue
	case "$f" in *.mod.c) continue ;; esac
	ln -sfn "$f" "$GOUT/$(basename "$f")"
done
set +e
make -C "$KDIR" M="$GOUT" NESTMED="$PROJ" W=1 "${BTF[@]}" modules 2>&1 | tee "$GLOG"
rc=${PIPESTATUS[0]}
set -e
nwarn=$(grep -c 'warning:' "$GLOG" || true)
if [ "$rc" -ne 0 ] || [ "$nwarn" -ne 0 ] || [ ! -f "$GOUT/nmdev.ko" ]; then
	echo "modules: nmdev FAILED (make rc=$rc, $nwarn warnings; log: $GLOG)" >&2
	rm -f "$GOUT"/*.o "$GOUT"/*.ko "$GOUT"/.*.o.cmd
	exit 1
fi
echo "modules: $GOUT/nmdev.ko built, W=1, 0 warnings"

# checkpatch.pl of linux-source-6.12: the UML tree of check-kernel, or just
# the three files it needs from Debian's source tarball.
CP=$PROJ/.kunit-work/linux-source-6.12/scripts/checkpatch.pl
if [ ! -f "$CP" ]; then
	CPDIR=$PROJ/.deps/checkpatch
	CP=$CPDIR/linux-source-6.12/scripts/checkpatch.pl
	TARBALL=/usr/src/linux-source-6.12.tar.xz
	if [ ! -f "$CP" ]; then
		if [ ! -f "$TARBALL" ]; then
			echo "modules: no checkpatch.pl and no $TARBALL (scripts/deps.sh kunit installs linux-source-6.12)" >&2
			exit 1
		fi
		mkdir -p "$CPDIR"
		tar -xJf "$TARBALL" -C "$CPDIR" \
			linux-source-6.12/scripts/checkpatch.pl \
			linux-source-6.12/scripts/spelling.txt \
			linux-source-6.12/scripts/const_structs.checkpatch
	fi
fi
CPLOG=$PROJ/build/logs/checkpatch-guest.log
set +e
perl "$CP" --no-tree --strict --no-color -f "$PROJ"/guest/*.c "$PROJ"/guest/*.h \
	2>&1 | tee "$CPLOG"
set -e
nbad=$(grep -cE '^(ERROR|WARNING):' "$CPLOG" || true)
nchk=$(grep -cE '^CHECK:' "$CPLOG" || true)
if [ "$nbad" -ne 0 ]; then
	echo "modules: checkpatch FAILED ($nbad errors/warnings; log: $CPLOG)" >&2
	exit 1
fi
echo "modules: checkpatch --strict on guest/*.[ch]: 0 errors, 0 warnings, $nchk checks"
