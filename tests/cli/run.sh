#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shell tests of `nestmed run` (the main job, docs/scenario.md): the
# default scenario and scenarios/default.yaml give the same result, the
# --json report has every field per nested mdev and the checks held, each
# teardown order ends clean, and bad input (missing file, YAML syntax,
# unknown key, wrong type, unknown mdev, bad options) exits 2 with a
# "FILE:LINE:" message on stderr and nothing on stdout.
#   tests/cli/run.sh [path/to/nestmed]      (default: $NESTMED, build/nestmed)
# Last line: "N passed, N failed"; exit status 1 when something failed.
set -u

PROJ=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-${NESTMED:-$PROJ/build/nestmed}}
case "$BIN" in /*) ;; *) BIN=$PWD/$BIN ;; esac
NAME=run-sh
# shellcheck source=lib/tap.bash
. "$PROJ/tests/cli/lib/tap.bash"






# scn NAME: write stdin to $T/NAME.yaml
scn() { cat > "$T/$1.yaml"; }

if [ ! -x "$BIN" ]; then
	echo "run.sh: no binary $BIN (make build/nestmed)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# --- the default scenario (the issue's main job) --------------------------------
run "run: default scenario" 0 "$BIN" run
expect "run: per-mdev table header" "$T/out" 'nested mdev +L2 VM +WQ +PASID +mode +ops +bytes +fs-flt +ss-flt +pinned +shadow'
expect "run: isolation oracle line" "$T/out" '^isolation oracle: 0 violations'
expect "run: simulated time line" "$T/out" '^simulated time: [0-9]+\.[0-9]{3} ms'
expect "run: clean teardown" "$T/out" '^teardown \(mdev-remove-first\): clean'
expect "run: two passes, host reclaim announced" "$T/out" '^workloads: 2 passes; before the second the host reclaims 16 L1 pages'
expect "run: host reclaim line" "$T/out" '^host reclaim: 64 L1 pages taken back .*; 64 second-stage faults resolved by the host'
expect "run: result line" "$T/out" '^result: ok'

run "run --json: default" 0 "$BIN" run --json
json_ok "run --json"
cp "$T/out" "$T/default.json"
json_eq "run --json: 4 nested mdevs, 2 per L2 VM" \
	'len(d["mdevs"]), sorted(m["vm"] for m in d["mdevs"])' \
	"4 ['l2-a', 'l2-a', 'l2-b', 'l2-b']"
json_eq "run --json: every per-mdev field" \
	'all(set(m) >= {"uuid","vm","wq","pasid","mode","operations","bytes","fs_faults","ss_faults","host_reclaimed_pages","pinned_pages","shadow_entries"} for m in d["mdevs"])' \
	True
json_eq "run --json: PASID mode with distinct PASIDs and WQs" \
	'[m["mode"] for m in d["mdevs"]], len({m["pasid"] for m in d["mdevs"]}), len({m["wq"] for m in d["mdevs"]})' \
	"['pasid', 'pasid', 'pasid', 'pasid'] 4 4"
json_eq "run --json: two passes of 256 moves of 4 KiB each, all verified" \
	'd["workload_passes"], [(m["operations"], m["bytes"], m["errors"], m["bad_data"]) for m in d["mdevs"]] == [(512, 2097152, 0, 0)] * 4' \
	"2 True"
# Both kinds of fault happen in the default run, each handled where it
# belongs: the first pass faults every page the device touches into L1
# (fs: nmdev pins and maps; 256 sources, 256 destinations, the record
# page), the second finds them pinned but 16 destination pages per mdev
# reclaimed by the host, which backs them again itself (ss).
json_eq "run --json: first- and second-stage faults both > 0" \
	'd["totals"]["fs_faults"] > 0, d["totals"]["ss_faults"] > 0, all(m["fs_faults"] > 0 and m["ss_faults"] > 0 for m in d["mdevs"])' \
	"True True True"
json_eq "run --json: demand faults and pins, page by page" \
	'[(m["fs_faults"], m["pinned_pages"], m["host_reclaimed_pages"], m["ss_faults"]) for m in d["mdevs"]] == [(513, 513, 16, 16)] * 4' \
	True
json_eq "run --json: totals are the sums" \
	'all(d["totals"][k] == sum(m[k] for m in d["mdevs"]) for k in ("operations","bytes","fs_faults","ss_faults","host_reclaimed_pages","pinned_pages","shadow_entries"))' \
	True
json_eq "run --json: host_reclaim in the machine" 'd["machine"]["host_reclaim"], d["machine"]["lazy_l1_ram"]' "16 True"
json_eq "run --json: oracle, teardown, ok" \
	'd["oracle_violations"], d["teardown"]["clean"], d["teardown"]["host_residue"], d["ok"], all(c["ok"] for c in d["checks"])' \
	"0 True 0 True True"
json_eq "run --json: simulated time" 'd["sim_time_ns"] > 0' True

# scenarios/default.yaml is the default: same report apart from the name.
run "run --scenario scenarios/default.yaml" 0 "$BIN" run --json --scenario "$PROJ/scenarios/default.yaml"
json_eq "run: the file and the built-in default agree" \
	'(lambda a, b: (a.pop("scenario"), b.pop("scenario"), a == b)[2])(d, json.load(open(sys.argv[1].replace("out", "default.json"))))' \
	True

# Deterministic: the same seed gives the same numbers.
run "run --json again" 0 "$BIN" run --json
if cmp -s "$T/out" "$T/default.json"; then ok "run: deterministic"; else bad "run: two runs differ" "$(diff "$T/default.json" "$T/out" | head)"; fi
run "run --seed 7" 0 "$BIN" run --json --seed 7
json_eq "run --seed overrides the scenario" 'd["seed"]' 7

# --klog and --trace write files.
run "run --klog --trace" 0 "$BIN" run --klog "$T/klog" --trace "$T/trace"
expect "run --klog: nmdev's probe line" "$T/klog" 'nmdev.*WQs'
if [ -s "$T/trace" ]; then ok "run --trace: trace written"; else bad "run --trace: empty"; fi

# --- scenarios ------------------------------------------------------------------
for td in l2-exit-first rmmod l1-crash vm-destroy; do
	scn "td-$td" <<EOF
machine: {l1_ram: 256MiB, lazy_l1_ram: true}
mdevs: {count: 3}
vms:
  - name: one
    ram: 32MiB
    mdevs: [0, 1]
    workload: {memmoves: 40, size: 8K, span: 256K}
  - name: two
    ram: 32MiB
    mdevs: [2]
    block_on_fault: true
    workload: {memmoves: 16, size: 2048, span: 64K}
teardown: $td
EOF
	run "run: teardown $td" 0 "$BIN" run --json --scenario "$T/td-$td.yaml"
	json_eq "run: teardown $td clean, no residue" \
		'd["teardown"]["order"], d["teardown"]["clean"], d["teardown"]["host_residue"], d["totals"]["operations"]' \
		"$td True 0 96"
done

scn vcmd <<'EOF'
machine:
  vcmd: true
  nmdev_mode: pasid
mdevs:
  - 11111111-2222-4333-8444-555555555555
vms:
  - mdevs: [11111111-2222-4333-8444-555555555555]
    workload: {memmoves: 8}
EOF
# Linux 6.12 in L1 cannot use VCMD PASIDs: the run fails at boot, and says so.
run "run: VCMD PASIDs are refused at boot" 1 "$BIN" run --json --scenario "$T/vcmd.yaml"
json_eq "run: VCMD boot failure in the JSON" \
	'd["booted"], d["ok"], [c["name"] for c in d["checks"] if not c["ok"]], "VCMD" in d["checks"][0]["detail"]' \
	"False False ['boot'] True"

scn sw <<'EOF'
machine: {nmdev_mode: sw}
mdevs: {count: 1}
vms:
  - mdevs: [0]
    workload: {memmoves: 8}
EOF
run "run: software mediation" 0 "$BIN" run --json --scenario "$T/sw.yaml"
json_eq "run: sw mode has no PASID" 'd["mdevs"][0]["mode"], d["mdevs"][0]["pasid"], d["mdevs"][0]["operations"]' "sw None 8"

# Without page requests (software mediation) the device cannot fault on
# L1's memory: the host reclaims nothing under it, both passes complete.
scn sw-reclaim <<'EOF'
machine: {nmdev_mode: sw, lazy_l1_ram: true, host_reclaim: 8}
mdevs: {count: 1}
vms:
  - mdevs: [0]
    workload: {memmoves: 8}
EOF
run "run: host_reclaim under sw mode" 0 "$BIN" run --json --scenario "$T/sw-reclaim.yaml"
json_eq "run: sw mode, nothing reclaimed, no ss faults, 2 passes" \
	'd["mdevs"][0]["host_reclaimed_pages"], d["mdevs"][0]["ss_faults"], d["mdevs"][0]["operations"], d["ok"]' "0 0 16 True"

# Moves of 12 KiB: 21 fit in the 256 KiB destination half, so the first
# pass backed 63 of its 64 pages; the host takes those 63 back (the 64th
# was never backed), the second pass's first sweep faults each back in
# through the second stage, the wrapped moves find them backed.
scn reclaim-big <<'EOF'
machine: {nmdev_mode: pasid, lazy_l1_ram: true, host_reclaim: 100}
mdevs: {count: 1}
vms:
  - mdevs: [0]
    workload: {memmoves: 40, size: 12K, span: 512K}
EOF
run "run: host_reclaim, 12 KiB moves" 0 "$BIN" run --json --scenario "$T/reclaim-big.yaml"
json_eq "run: reclaimed pages fault back in, data verified" \
	'd["mdevs"][0]["host_reclaimed_pages"], d["mdevs"][0]["ss_faults"], d["mdevs"][0]["operations"], d["mdevs"][0]["bad_data"], d["oracle_violations"], d["ok"]' \
	"63 63 80 0 0 True"

# --- bad input --------------------------------------------------------------------
run "run: missing scenario file" 2 "$BIN" run --scenario "$T/nope.yaml"
expect "run: missing file named" "$T/err" "nope.yaml: No such file or directory"
quiet_stdout "run: missing file"

printf 'machine:\n  seed: 1\n  pf_wqs: [8\n' > "$T/syntax.yaml"
run "run: YAML syntax error" 2 "$BIN" run --scenario "$T/syntax.yaml"
expect "run: YAML error has file:line" "$T/err" "syntax.yaml:[34]: YAML syntax: "
quiet_stdout "run: YAML error"

printf 'machine:\n  seed: 1\n  lazy: true\n' > "$T/key.yaml"
run "run: unknown key" 2 "$BIN" run --scenario "$T/key.yaml" --json
expect "run: unknown key has file:line" "$T/err" "key.yaml:3: machine: unknown key 'lazy'"
quiet_stdout "run: unknown key"

printf 'machine:\n  host_reclaim: 4\n' > "$T/reclaim.yaml"
run "run: host_reclaim without lazy L1 RAM" 2 "$BIN" run --scenario "$T/reclaim.yaml"
expect "run: host_reclaim error has file:line" "$T/err" "reclaim.yaml:2: machine.host_reclaim: 4 needs lazy_l1_ram: true"
quiet_stdout "run: host_reclaim without lazy L1 RAM"

printf 'mdevs: {count: 2}\nvms:\n  - mdevs: [0]\n  - mdevs: [5]\n' > "$T/ref.yaml"
run "run: unknown mdev reference" 2 "$BIN" run --scenario "$T/ref.yaml"
expect "run: unknown mdev has file:line" "$T/err" "ref.yaml:4: vms\[1\]\.mdevs\[0\]: unknown mdev index 5"

printf 'machine:\n  pf_wqs: lots\n' > "$T/type.yaml"
run "run: wrong type" 2 "$BIN" run --scenario "$T/type.yaml"
expect "run: wrong type has file:line" "$T/err" "type.yaml:2: machine.pf_wqs: expected an integer"

printf 'mdevs:\n  - 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a01\n  - 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a01\n' > "$T/dup.yaml"
run "run: duplicate UUID" 2 "$BIN" run --scenario "$T/dup.yaml"
expect "run: duplicate UUID has file:line" "$T/err" "dup.yaml:3: mdevs\[1\]: duplicate UUID"

run "run: --scenario without a value" 2 "$BIN" run --scenario
run "run: bad --seed" 2 "$BIN" run --seed x12
run "run: negative --seed" 2 "$BIN" run --seed -3
run "run: --seed 0" 2 "$BIN" run --seed 0
run "run: unknown option" 2 "$BIN" run --fast
expect "run: unknown option named" "$T/err" "unknown option '--fast'"
run "run: unwritable --klog" 2 "$BIN" run --klog "$T/no/such/dir/klog"
run "run: --help" 0 "$BIN" run --help
expect "run: usage" "$T/out" '^usage: nestmed run'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
