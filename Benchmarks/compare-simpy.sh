#!/usr/bin/env bash
# Runs the peer reference model (Benchmarks/peers/) in Homeward and in SimPy 4.1.2 with the
# same number of replications, prints both throughputs in patients per second, checks that
# the two agree on mean delayed bed days, and ends with the line `speedup_vs_simpy: X`.
#
#   Benchmarks/compare-simpy.sh [--replications N] [--seed S]     (default 10 replications, seed 1)
#
# Homeward runs single-threaded (--threads 1) with its normal projections (every metric) on.
# HOMEWARD_BIN=PATH uses that homeward binary instead of building this tree's.
# SimPy lives only in Benchmarks/.venv (created here when missing; git-ignored): it is never
# a dependency of Homeward.
#
# Timings wait (up to QUIET_WAIT seconds, default 120) for the rest of the machine to be idle.
#
# Exit status: 0 when the two agree (PASS), 1 when they disagree (FAIL), 2 on bad usage,
# 3 when a step fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
replications="${REPLICATIONS:-10}"
seed="${SEED:-1}"

while [ $# -gt 0 ]; do
    case "$1" in
        --replications) replications="${2:?--replications needs a value}"; shift 2 ;;
        --replications=*) replications="${1#*=}"; shift ;;
        --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
        --seed=*) seed="${1#*=}"; shift ;;
        [0-9]*) replications="$1"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "compare-simpy.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
case "$replications" in ''|*[!0-9]*) echo "compare-simpy.sh: --replications must be a whole number" >&2; exit 2 ;; esac
case "$seed" in ''|*[!0-9]*) echo "compare-simpy.sh: --seed must be a whole number" >&2; exit 2 ;; esac
if [ "$replications" -lt 2 ]; then echo "compare-simpy.sh: need at least 2 replications for a confidence interval" >&2; exit 2; fi

step() { echo "==> $*" >&2; }
die() { echo "compare-simpy.sh: $*" >&2; exit 3; }

# 1. SimPy in its own virtual environment.
venv="$here/.venv"
if ! "$venv/bin/python" -c 'import sys, simpy; sys.exit(simpy.__version__ != "4.1.2")' 2>/dev/null; then
    step "creating $venv with simpy==4.1.2"
    python3 -m venv "$venv" || die "python3 -m venv failed"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "simpy==4.1.2" || die "pip install simpy==4.1.2 failed"
fi

# 2. Homeward in release (or the binary named by HOMEWARD_BIN, e.g. one built at an earlier
#    commit, for before/after comparisons).
if [ -n "${HOMEWARD_BIN:-}" ]; then
    homeward="$HOMEWARD_BIN"
    step "using $homeward (HOMEWARD_BIN)"
else
    step "building homeward (release)"
    (cd "$root" && swift build -c release --product homeward >&2) || die "swift build failed"
    homeward="$(cd "$root" && swift build -c release --show-bin-path)/homeward"
fi
[ -x "$homeward" ] || die "no binary at $homeward"

work="$(mktemp -d "${TMPDIR:-/tmp}/homeward-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Other processes distort the timings: wait (up to QUIET_WAIT seconds, default 120) until the
# rest of the machine uses less than 0.1 core.
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
wait_for_quiet() {
    [ -r /proc/stat ] || return 0
    local deadline=$((SECONDS + ${QUIET_WAIT:-120})) tick a b
    tick="$(getconf CLK_TCK)"
    while :; do
        a="$(busy_jiffies)"; sleep 1; b="$(busy_jiffies)"
        if [ $((b - a)) -lt $((tick / 10)) ] || [ "$SECONDS" -ge "$deadline" ]; then
            [ $((b - a)) -lt $((tick / 10)) ] || step "warning: other processes still busy ($(((b - a) * 100 / tick))% of a core); timing anyway"
            return 0
        fi
        step "other processes busy ($(((b - a) * 100 / tick))% of a core); waiting"
    done
}

# 3. Both simulators, one after the other (never at the same time: they would share the cores).
wait_for_quiet
step "Homeward: $replications replications of peers/reference.json5, 1 thread"
timer=()
if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -o "$work/homeward.time" -f "%e %U %S"); fi
${timer[@]+"${timer[@]}"} "$homeward" run "$here/peers/reference.json5" --replications "$replications" --seed "$seed" --threads 1 \
    --quiet --format json --out "$work/homeward" >"$work/homeward.json" || die "homeward run failed"
wait_for_quiet
step "SimPy: $replications replications of peers/reference_simpy.py"
"$venv/bin/python" "$here/peers/reference_simpy.py" --replications "$replications" --seed "$seed" \
    >"$work/simpy.json" || die "reference_simpy.py failed"

# 4. Compare. The last line printed is `speedup_vs_simpy: X`, whatever the verdict.
"$venv/bin/python" - "$work/homeward.json" "$work/simpy.json" "$work/homeward.time" <<'PY'
import json, math, os, sys

hw = json.load(open(sys.argv[1]))
sp = json.load(open(sys.argv[2]))
# Homeward's CPU time, whole process (start-up, loading and result files included), if measured.
hw_cpu = None
if os.path.exists(sys.argv[3]):
    fields = open(sys.argv[3]).read().split()
    hw_cpu = float(fields[-2]) + float(fields[-1])
m = hw["metrics"]

hw_arrivals = sum(m["crises"]["values"])
hw_wall = hw["manifest"]["wallSeconds"]
hw_pps = hw_arrivals / hw_wall
sp_pps = sp["patientsPerSecond"]
speedup = hw_pps / sp_pps

def show(label, a, b):
    print(f"  {label:<32} {a:>28} {b:>28}")

def ci(d):
    lo, hi = d["ci95"]
    return f"{d['mean']:,.0f} ({lo:,.0f} to {hi:,.0f})"

n = hw["manifest"]["replications"]
print(f"Peer comparison: reference model, {n} replications each, seed {hw['manifest']['seed']}, 10 years, no warm-up")
show("", "Homeward " + hw["manifest"]["homewardVersion"] + " (1 thread)", sp["simulator"] + " / " + sp["python"])
show("wall time of the replications", f"{hw_wall:.2f} s", f"{sp['wallSeconds']:.2f} s")
show("patients (arrivals) processed", f"{hw_arrivals:,.0f}", f"{sp['arrivals']:,.0f}")
show("patients per second", f"{hw_pps:,.0f}", f"{sp_pps:,.0f}")
if hw_cpu and "patientsPerCPUSecond" in sp:
    show("patients per CPU-second (info)", f"{hw_arrivals / hw_cpu:,.0f}", f"{sp['patientsPerCPUSecond']:,.0f}")
show("delayed bed days, mean (95% CI)", ci(m["delayedBedDays"]), ci(sp["metrics"]["delayedBedDays"]))
show("crises a replication (check)", ci(m["crises"]), ci(sp["metrics"]["crises"]))
show("reablement admissions (check)", ci(m["services"]["reablement"]["admissions"]), ci(sp["metrics"]["reablementAdmissions"]))

a = m["delayedBedDays"]
b = sp["metrics"]["delayedBedDays"]
overlap = a["ci95"][0] <= b["ci95"][1] and b["ci95"][0] <= a["ci95"][1]
# For information: Welch's difference of means in standard errors.
def se(d):
    v = d["values"]
    mean = sum(v) / len(v)
    return math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1) / len(v))
z = (a["mean"] - b["mean"]) / math.hypot(se(a), se(b)) if se(a) or se(b) else 0.0
verdict = "PASS" if overlap else "FAIL"
print(f"agreement on mean delayed bed days: {verdict} (the two 95% CIs {'overlap' if overlap else 'do not overlap'}; "
      f"difference {a['mean'] - b['mean']:+,.0f} bed days = {z:+.2f} standard errors)")
if hw_cpu and "patientsPerCPUSecond" in sp:
    print(f"(by CPU time: {hw_arrivals / hw_cpu / sp['patientsPerCPUSecond']:.1f}x; Homeward's CPU time is the whole process, "
          "start-up and result files included; the speed-up below is by wall time)")
print(f"speedup_vs_simpy: {speedup:.1f}")
sys.exit(0 if overlap else 1)
PY
