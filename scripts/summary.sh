#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The closing line of `make check`: the sum of the "N passed, N failed"
# lines closing each log given (the plain user-space run and the UML KUnit
# run).  Skipped cases are neither passed nor failed (the per-log line
# above it shows them).  Fails when a log lacks that line or reports a
# failure.
set -euo pipefail

tp=0
tf=0
ts=0
parts=()
for log in "$@"; do
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
	if [ -z "$line" ]; then
		echo "summary: no 'N passed, N failed' line in $log" >&2
		exit 1
	fi
	p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
	s=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line")
	tp=$((tp + p))
	tf=$((tf + f))
	ts=$((ts + ${s:-0}))
	parts+=("$(basename "$log" .log): $line")
done
sep="; "
all=$(printf "%s$sep" "${parts[@]}")
echo "check: ${all%"$sep"}"
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ]
