#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-kernel: run the nestmed KUnit suites (tests/vsva/*.c, with every
# vsva/*.c) in a UML kernel built by tools/testing/kunit/kunit.py from
# Debian's linux-source-6.12.  Idempotent; the extracted source tree and the
# build directory are kept and reused (first build ~4-5 min, then ~10 s).
#
#   NESTMED_KUNIT_WORK  where the source tree and build dir live
#                       (default: <project>/.kunit-work)
#   KUNIT_ARCH          um (default) or x86_64 (needs qemu-system-x86,
#                       libelf-dev)
#   extra arguments     passed to kunit.py run (e.g. a suite filter glob)
#
# Prints kunit.py's output, then the line "N passed, N failed" (crashed
# tests and errors count as failed; ", N skipped" appended when any were).  Fails when anything failed, when no
# test ran, or when kunit.py itself failed.
set -euo pipefail

PROJ=$(cd "$(dirname "$0")/.." && pwd)
TESTDIR=$PROJ/tests/kunit
WORK=${NESTMED_KUNIT_WORK:-$PROJ/.kunit-work}
ARCH=${KUNIT_ARCH:-um}
KCONF=$TESTDIR/.kunitconfig
TAR=/usr/src/linux-source-6.12.tar.xz
KSRC=$WORK/linux-source-6.12
LOG=${KUNIT_LOG:-$PROJ/build/logs/check-kernel.log}
PY=/usr/bin/python3

[ -f "$TAR" ] || { echo "kunit.sh: missing $TAR (scripts/deps.sh kunit)" >&2; exit 2; }
mkdir -p "$WORK" "$(dirname "$LOG")"
WORK=$(cd "$WORK" && pwd)
KSRC=$WORK/linux-source-6.12

# (Re-)extract when missing, half-extracted or older than the package.
if [ ! -f "$KSRC/.nestmed-extracted" ] || [ "$TAR" -nt "$KSRC/.nestmed-extracted" ]; then
	echo "kunit.sh: extracting $TAR into $WORK (about 20 s)"
	rm -rf "$KSRC"
	tar -xf "$TAR" -C "$WORK"
	touch "$KSRC/.nestmed-extracted"
fi

# Inject tests/kunit: one symlink, one line in each of Kconfig and Kbuild.
ln -sfn "$TESTDIR" "$KSRC/kunit-ext"
grep -qx 'source "kunit-ext/Kconfig"' "$KSRC/Kconfig" ||
	echo 'source "kunit-ext/Kconfig"' >> "$KSRC/Kconfig"
grep -qx 'obj-y += kunit-ext/' "$KSRC/Kbuild" ||
	echo 'obj-y += kunit-ext/' >> "$KSRC/Kbuild"

# kunit.py chdirs into the kernel tree: absolute paths only.
set +e
"$PY" "$KSRC/tools/testing/kunit/kunit.py" run --arch="$ARCH" \
	--jobs="$(nproc)" --build_dir="$WORK/build-$ARCH" \
	--kunitconfig="$KCONF" "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

# "Testing complete. Ran 7 tests: passed: 6, failed: 1" (zero counts omitted)
summary=$(sed -n 's/.*Testing complete\. \(Ran .*\)$/\1/p' "$LOG" | tail -n 1)
count() {
	local n
	n=$(printf '%s\n' "$summary" | grep -o "$1: [0-9]*" | grep -o '[0-9]*$' || true)
	echo "${n:-0}"
}
passed=$(count passed)
failed=$(( $(count failed) + $(count crashed) + $(count errors) ))
total=$(printf '%s\n' "$summary" | sed -n 's/^Ran \([0-9]*\) tests.*/\1/p')
total=${total:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1	# build or boot failure: count it, never report green
fi
skipped=$(count skipped)
line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line="$line, $skipped skipped"
echo "$line" | tee -a "$LOG"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$total" -eq 0 ]; then
	echo "check-kernel: FAILED (kunit.py rc=$rc, $total tests ran; log: $LOG)" >&2
	exit 1
fi
