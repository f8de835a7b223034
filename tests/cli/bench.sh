#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `nestmed bench --json` runs every benchmark and reports what the issue
# asks for.  Only results in simulated time or counts are checked against
# their goals (they are deterministic); wall-clock numbers are checked to be
# present and positive, never against a threshold (docs/bench.md).
#   tests/cli/bench.sh [path/to/nestmed]    (default: $NESTMED, build/nestmed)
# Last line: "N passed, N failed"; exit status 1 when something failed.
set -u

PROJ=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-${NESTMED:-$PROJ/build/nestmed}}
case "$BIN" in /*) ;; *) BIN=$PWD/$BIN ;; esac
NAME=bench-sh
# shellcheck source=lib/tap.bash
. "$PROJ/tests/cli/lib/tap.bash"

if run "bench --json" 0 "$BIN" bench --json; then
	json_ok "bench"
	for k in throughput_direct_pf throughput_nested_hw throughput_nested_sw \
		 create_4096_mdevs_ms create_4096_mdevs_sim_ms \
		 pinned_everything_over_touched iotlb_hit_ns; do
		json_eq "$k > 0" "d['$k'] > 0" True
	done
	# Simulated time and counts: deterministic, so held to their goals.
	json_eq "nested_hw_over_direct >= 0.95" "d['nested_hw_over_direct'] >= 0.95" True
	json_eq "nested_hw_over_sw >= 2" "d['nested_hw_over_sw'] >= 2" True
	json_eq "ratio = hw / direct" \
		"abs(d['nested_hw_over_direct'] - d['throughput_nested_hw'] / d['throughput_direct_pf']) < 1e-3" True
	json_eq "ratio = hw / sw" \
		"abs(d['nested_hw_over_sw'] - d['throughput_nested_hw'] / d['throughput_nested_sw']) < 1e-2" True
	for k in throughput_direct_pf_iotlb_warm throughput_nested_hw_iotlb_warm \
		 throughput_direct_pf_iotlb_cold throughput_nested_hw_iotlb_cold; do
		json_eq "$k > 0" "d['$k'] > 0" True
	done
	# Sweeps miss the device TLB: each translation is an ATS round trip,
	# the same on both paths while the IOTLB hits; with cold IOTLB walks
	# the nested path pays its deeper walks.
	json_eq "sweep, IOTLB warm: hw/direct >= 0.95" "d['nested_hw_over_direct_iotlb_warm'] >= 0.95" True
	json_eq "sweep slower than the devTLB-resident stream" \
		"d['throughput_direct_pf_iotlb_warm'] < d['throughput_direct_pf']" True
	json_eq "cold IOTLB costs the nested path more" \
		"d['nested_hw_over_direct_iotlb_cold'] < d['nested_hw_over_direct_iotlb_warm']" True
	json_eq "4096 mdevs created" "d['create_4096_mdevs_created']" 4096
	json_eq "pinned_over_touched == 1" "d['pinned_over_touched'] == 1" True
	json_eq "pinned == touched" "d['pinning_pinned_pages'] == d['pinning_touched_pages'] > 0" True
	json_eq "pin-everything pins more" "d['pinned_everything_over_touched'] > 1" True
fi
run "bench with a bad option" 2 "$BIN" bench --bogus
quiet_stdout "bench --bogus"

tap_done
