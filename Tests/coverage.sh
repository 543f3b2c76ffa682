#!/usr/bin/env bash
# Line and function coverage of Sources/ (the library HomewardKit, folder by folder, and the
# command line HomewardCLI) by the test suite, with the toolchain's own llvm-cov.
#
#   Tests/coverage.sh            # runs `swift test --enable-code-coverage`, prints the table
#   Tests/coverage.sh --files    # also lists every file, least covered first
#
# The raw data stays in .build/debug/codecov/ (default.profdata, and the JSON that
# `swift test --show-codecov-path` names) for `llvm-cov show` and editors.
set -euo pipefail
cd "$(dirname "$0")/.."

files=0
case "${1:-}" in
    "") ;;
    --files) files=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "coverage.sh: unknown argument '$1'" >&2; exit 2 ;;
esac

# The llvm-cov that matches the compiler's profile format is the one beside swift.
toolchain="$(dirname "$(command -v swift)")"
llvm_cov="$toolchain/llvm-cov"
[ -x "$llvm_cov" ] || llvm_cov="$(command -v llvm-cov)" || { echo "coverage.sh: llvm-cov not found" >&2; exit 3; }

echo "==> swift test --enable-code-coverage" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! swift test --enable-code-coverage >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "coverage.sh: the tests failed; no coverage reported" >&2
    exit 1
fi
grep -E "Test run with .* (passed|failed)" "$log" >&2 || true

bin="$(swift build --show-bin-path)"
profdata="$bin/codecov/default.profdata"
test_binary="$bin/HomewardPackageTests.xctest"
[ -f "$profdata" ] && [ -f "$test_binary" ] || { echo "coverage.sh: no coverage data in $bin" >&2; exit 3; }

summary="$bin/codecov/summary.json"
"$llvm_cov" export -summary-only -instr-profile="$profdata" "$test_binary" >"$summary"

python3 - "$summary" "$PWD/Sources/" "$files" <<'PY'
import json, sys

summary, root, files = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
folders, rows = {}, []
for f in json.load(open(summary))["data"][0]["files"]:
    name = f["filename"]
    if not name.startswith(root):
        continue
    rel = name[len(root):]
    parts = rel.split("/")
    folder = "/".join(parts[:2]) + "/" if parts[0] == "HomewardKit" and len(parts) > 2 else parts[0] + "/"
    lines, functions = f["summary"]["lines"], f["summary"]["functions"]
    acc = folders.setdefault(folder, [0, 0, 0, 0])
    acc[0] += lines["covered"]
    acc[1] += lines["count"]
    acc[2] += functions["covered"]
    acc[3] += functions["count"]
    rows.append((lines["percent"], rel, lines["covered"], lines["count"]))


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def line(label, a):
    return "%-26s %7s / %6s %6.1f%%  %5s / %5s %6.1f%%" % (
        label, format(a[0], ","), format(a[1], ","), pct(a[0], a[1]),
        format(a[2], ","), format(a[3], ","), pct(a[2], a[3]))


print("%-26s %16s %7s  %13s %7s" % ("Sources/", "lines", "", "functions", ""))
total = [0, 0, 0, 0]
for folder in sorted(folders):
    total = [x + y for x, y in zip(total, folders[folder])]
    print(line(folder, folders[folder]))
print(line("all", total))
if files:
    print()
    for percent, rel, covered, count in sorted(rows):
        print("%6.1f%%  %6s / %6s  %s" % (percent, format(covered, ","), format(count, ","), rel))
PY
