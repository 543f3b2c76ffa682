#!/usr/bin/env bash
# Homeward's benchmarks: the one command (see Benchmarks/README.md).
#
#   Benchmarks/run.sh [--json] [--quick] [--replications N] [--wait-quiet SECONDS]
#
# 1. Prints the machine (cores, CPU model, Swift version, date, commit, load average).
# 2. Builds the benchmark package (Benchmarks/Package.swift) in release and runs
#    homeward-bench: event calendar, whole model, threads, peak memory, event log, each
#    beside its target. --json prints the results as JSON; --quick runs shorter timings.
# 3. Runs compare-simpy.sh (the peer reference model in Homeward and in SimPy 4.1.2) with
#    N replications each (default 10); its last line, and so this script's, is
#    `speedup_vs_simpy: X`.
#
# The exit status is compare-simpy.sh's: non-zero when the two simulators disagree.
# Timings are only meaningful on an otherwise idle machine: before each timed section both
# programs wait (up to --wait-quiet seconds, default 120) until other processes use less than
# 0.1 core, and the CPU other processes used is printed beside the timings.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_args=()
compare_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --json|--quick) bench_args+=("$1"); shift ;;
        --replications) compare_args+=(--replications "${2:?--replications needs a value}"); shift 2 ;;
        --replications=*) compare_args+=("$1"); shift ;;
        --wait-quiet) bench_args+=(--wait-quiet "${2:?--wait-quiet needs a value}"); export QUIET_WAIT="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

echo "== machine"
echo "cores (nproc):   $(nproc)"
echo "CPU:             $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
echo "Swift:           $(swift --version 2>/dev/null | head -1)"
echo "date:            $(date -u '+%Y-%m-%d %H:%M UTC')"
if commit="$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null)"; then
    dirty=""
    if [ -n "$(git -C "$here/.." status --porcelain -- Sources Package.swift 2>/dev/null)" ]; then dirty=" (with uncommitted changes in Sources/)"; fi
    echo "commit:          $commit$dirty"
fi
echo "load average:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo

echo "== homeward-bench"
cd "$here"
swift build -c release --product homeward-bench >&2
"$(swift build -c release --show-bin-path)/homeward-bench" ${bench_args[@]+"${bench_args[@]}"}
echo

echo "== peer comparison (compare-simpy.sh)"
"$here/compare-simpy.sh" ${compare_args[@]+"${compare_args[@]}"}
