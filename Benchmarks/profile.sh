#!/usr/bin/env bash
# Profiles one replication of a scenario with valgrind's callgrind and lists the functions
# that execute the most instructions, so that the hot path can be optimised.
#
#   Benchmarks/profile.sh [SCENARIO] [--top N]
#
# SCENARIO defaults to Benchmarks/profile/reference-1year.json5 (the peer reference model with
# a one-year horizon). Only the replications are measured (collection is switched on inside
# `Runner.run`), so start-up, scenario parsing and writing the result files are left out.
# Needs valgrind (apt-get install valgrind). The raw profile is kept in
# Benchmarks/.build/profile/callgrind.out for callgrind_annotate or kcachegrind.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
scenario="$here/profile/reference-1year.json5"
top=10
while [ $# -gt 0 ]; do
    case "$1" in
        --top) top="${2:?--top needs a value}"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) echo "profile.sh: unknown option '$1'" >&2; exit 2 ;;
        *) scenario="$1"; shift ;;
    esac
done
command -v valgrind >/dev/null || { echo "profile.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 3; }

echo "==> building homeward (release, with debug info)" >&2
(cd "$root" && swift build -c release --product homeward >&2)
homeward="$(cd "$root" && swift build -c release --show-bin-path)/homeward"

out="$here/.build/profile"
mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/homeward-profile.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "==> valgrind --tool=callgrind: 1 replication of $scenario, 1 thread" >&2
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" '--toggle-collect=*6RunnerO3run*' \
    "$homeward" run "$scenario" --replications 1 --threads 1 --quiet --out "$work/results" >/dev/null 2>"$out/valgrind.log"

callgrind_annotate --auto=no --threshold=100 "$out/callgrind.out" >"$out/self.txt" 2>/dev/null
callgrind_annotate --auto=no --threshold=100 --inclusive=yes "$out/callgrind.out" >"$out/inclusive.txt" 2>/dev/null
demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }

python3 - "$top" "$out/self.txt" "$out/inclusive.txt" "$scenario" 3< <(demangle <"$out/self.txt") 4< <(demangle <"$out/inclusive.txt") <<'PY'
import os, re, sys

top = int(sys.argv[1])
scenario = sys.argv[4]
line_re = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)$")

def rows(fd):
    total, out = None, []
    with os.fdopen(fd) as f:
        for line in f:
            m = line_re.match(line)
            if not m:
                continue
            ir, share, rest = int(m.group(1).replace(",", "")), float(m.group(2)), m.group(3)
            if "PROGRAM TOTALS" in rest:
                total = ir
                continue
            where, _, function = rest.partition(":")
            lib = ""
            lm = re.search(r"\s\[([^\]]+)\]$", function)
            if lm:
                lib = os.path.basename(lm.group(1))
                function = function[: lm.start()]
            out.append((ir, share, function.strip(), where, lib))
    return total, out

total, selfrows = rows(3)
_, incl = rows(4)
print(f"callgrind: {scenario}, 1 replication, instructions inside Runner.run only: {total:,}")
print()
print(f"Top {top} functions by instructions executed in the function itself (self cost):")
print(f"{'#':>3}  {'instructions':>14}  {'share':>6}  function  (file or library)")
for i, (ir, share, fn, where, lib) in enumerate(selfrows[:top], 1):
    origin = where if where not in ("???", "") else lib
    print(f"{i:>3}  {ir:>14,}  {share:>5.1f}%  {fn}  ({origin})")

print()
print("Self cost by kind of work (every function, grouped by name):")
groups = [
    ("hash tables (Dictionary / Set / Hasher)", ("Hasher", "Dictionary", "_NativeDictionary", "__RawDictionaryStorage", "_NativeSet", "__RawSetStorage", "Set<", "_HashTable")),
    ("reference counting and value copies", ("swift_retain", "swift_release", "swift_isUniquelyReferenced", "initializeWithCopy", "assignWithCopy", "destroy for", "outlined copy", "outlined destroy", "outlined retain", "outlined release", "swift_bridgeObjectRetain", "swift_bridgeObjectRelease", "swift_beginAccess", "swift_endAccess")),
    ("memory allocation", ("malloc", "free", "swift_allocObject", "swift_deallocObject", "swift_slowAlloc", "swift_slowDealloc", "_int_malloc", "_int_free", "cfree", "realloc", "memcpy", "memmove", "memset")),
    ("event calendar (schedule; popNext is inlined into Simulation.run)", ("EventCalendar",)),
    ("random numbers and maths", ("RandomStream", "Distribution", "log", "exp", "cos", "sin", "pow", "__ieee754")),
]
sums = {name: 0 for name, _ in groups}
other = 0
for ir, share, fn, where, lib in selfrows:
    for name, keys in groups:
        if any(k in fn for k in keys):
            sums[name] += ir
            break
    else:
        other += ir
for name, _ in groups:
    print(f"     {sums[name]:>14,}  {100 * sums[name] / total:>5.1f}%  {name}")
print(f"     {other:>14,}  {100 * other / total:>5.1f}%  everything else (model logic, projections, ...)")

print()
print("Largest inclusive costs among Homeward's own functions (callees included):")
seen = set()
shown = 0
for ir, share, fn, where, lib in incl:
    if "Sources/HomewardKit" not in where or fn in seen or fn.startswith("static Runner.run") or "RunCommand" in fn or "main" in fn:
        continue
    seen.add(fn)
    print(f"     {ir:>14,}  {share:>5.1f}%  {fn}")
    shown += 1
    if shown == top:
        break
PY
echo "(raw profile: $out/callgrind.out; full listings: $out/self.txt, $out/inclusive.txt)"
