#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz / make fuzz-smoke: run each libFuzzer binary for SECONDS.
#   scripts/fuzz.sh SECONDS build/fuzz/fuzz_x ...
# Corpus: build/fuzz/corpus/<target>/ (grows, kept across runs); a seed
# directory tests/fuzz/corpus/<target>/, when present, is read too.  Crash
# inputs land in build/fuzz/artifacts/.  Any crash, timeout, leak or
# sanitizer report fails the target.  Ends with "N passed, N failed" (one
# per target).
set -uo pipefail

PROJ=$(cd "$(dirname "$0")/.." && pwd)
secs=$1
shift
out=$PROJ/build/fuzz
mkdir -p "$out/artifacts" "$out/logs"
passed=0
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=$out/corpus/$name
	seeds=$PROJ/tests/fuzz/corpus/$name
	mkdir -p "$corpus"
	dirs=("$corpus")
	[ -d "$seeds" ] && dirs+=("$seeds")
	log=$out/logs/$name.log
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" \
		"${dirs[@]}" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "fuzz: $name ok: ${runs:-?} runs in ${secs}s, corpus $(ls "$corpus" | wc -l) inputs"
	else
		failed=$((failed + 1))
		echo "fuzz: $name FAILED (rc=$rc), log: $log"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 20
	fi
done
[ $# -gt 0 ] || echo "fuzz: no targets (tests/fuzz/fuzz_*.c)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
