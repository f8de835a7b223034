#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make modules: kbuild the vsva engine (every vsva/*.c, see vsva/Kbuild) as
# the out-of-tree module build/kmod/nestmed_vsva.ko against Debian's
# linux-headers-6.12 (KDIR, default: the tree scripts/deps.sh unpacked), with
# W=1.  Any "warning:" in the build log fails the target.
#
# kbuild (6.12) writes its objects next to the sources, so the build runs in
# build/kmod/, which holds symlinks to vsva/Kbuild and vsva/*.[ch].
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
