# SPDX-License-Identifier: GPL-2.0
#
# What the tests/cli/*.sh scripts share: a temp dir $T, TAP-style ok/bad
# counters, and checks on a command's exit code, stdout ($T/out) and
# stderr ($T/err).  Source it after setting NAME (the script's name).
# Not a test itself (check-cli runs tests/cli/*.sh only).

T=$(mktemp -d "${TMPDIR:-/tmp}/nestmed-$NAME.XXXXXX")
trap 'rm -rf "$T"' EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) $1"; }
bad() { fail=$((fail + 1)); echo "not ok $((pass + fail)) $1"; [ -n "${2:-}" ] && sed 's/^/#   /' <<<"$2"; }

# run NAME WANT_RC CMD...: stdout in $T/out, stderr in $T/err.
run() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name (exit $rc)"
		return 0
	fi
	bad "$name: exit $rc, want $want" "$(head -c 3000 "$T/err"; head -c 2000 "$T/out")"
	return 1
}

# expect NAME FILE REGEX
expect() {
	if grep -qE -- "$3" "$2"; then ok "$1"; else bad "$1: no /$3/ in $2" "$(head -n 40 "$2")"; fi
}

# Errors print on stderr only.
quiet_stdout() {
	if [ -s "$T/out" ]; then bad "$1: stdout not empty" "$(head "$T/out")"; else ok "$1: nothing on stdout"; fi
}

json_ok() {
	if python3 -m json.tool "$T/out" >/dev/null 2>"$T/jerr"; then ok "$1: JSON parses"
	else bad "$1: JSON does not parse" "$(cat "$T/jerr")"; fi
}

# json_eq NAME PYEXPR WANT: evaluate PYEXPR on the document d.
json_eq() {
	local got
	got=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$T/out" 2>&1)
	if [ "$got" = "$3" ]; then ok "$1"; else bad "$1: got '$got', want '$3'"; fi
}

# The closing line; the exit status says whether anything failed.
tap_done() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
