#!/usr/bin/env bash
# Opens the Excel workbooks Homeward writes with a real reader and checks them against the CSV
# files of the same results, cell by cell.
#
#   bash Tests/workbook/check.sh [BINARY]
#
# 1. Installs openpyxl from PyPI into a throwaway virtual environment (a test-only tool; never
#    a dependency of Homeward). Without it the check fails loudly, never passes silently.
# 2. Writes workbooks with --xlsx on run (with uncertain inputs, so the sensitivity and inputs
#    sheets are there), compare, sweep and schemes, and with `homeward report DIR --xlsx FILE`,
#    plus a scenario whose name and description start like formulas and hold markup and control
#    characters.
# 3. For each, check_workbook.py opens it with openpyxl and compares every sheet with its CSV
#    file: numbers are numbers with the same value, text is the same text, headers are bold and
#    frozen, and the manifest sheet agrees with the results' JSON.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-.build/release/homeward}"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
if ! "$work/venv/bin/pip" install --quiet --disable-pip-version-check openpyxl; then
    echo "WORKBOOK CHECK NOT RUN: openpyxl could not be installed from PyPI" >&2
    exit 1
fi
py="$work/venv/bin/python"
check="Tests/workbook/check_workbook.py"
q=(--replications 3 --quiet)

"$binary" run Scenarios/baseline-uncertain.json5 "${q[@]}" --out "$work/run" --xlsx "$work/run.xlsx" >/dev/null
"$py" "$check" "$work/run.xlsx" "$work/run"

"$binary" report "$work/run" --xlsx "$work/report.xlsx" --quiet
cmp "$work/run.xlsx" "$work/report.xlsx" || { echo "report --xlsx differs from run --xlsx" >&2; exit 1; }

"$binary" compare Scenarios/baseline.json5 Scenarios/baseline-more-reablement.json5 "${q[@]}" \
    --out "$work/compare" --xlsx "$work/compare.xlsx" >/dev/null
"$py" "$check" "$work/compare.xlsx" "$work/compare"

"$binary" sweep Scenarios/baseline.json5 --vary "services.pathway3Beds.capacity=80..90:10" "${q[@]}" \
    --out "$work/sweep" --xlsx "$work/sweep.xlsx" >/dev/null
"$py" "$check" "$work/sweep.xlsx" "$work/sweep"

"$binary" schemes Scenarios/bromley.json5 "${q[@]}" --out "$work/schemes" --xlsx "$work/schemes.xlsx" >/dev/null
"$py" "$check" "$work/schemes.xlsx" "$work/schemes"

# Names that a spreadsheet would run as formulas, markup, and characters XML cannot hold.
mkdir -p "$work/h" && cp -r Scenarios "$work/h/"
cat > "$work/h/hostile.json5" <<'JSON5'
{ extends: "Scenarios/baseline.json5", name: "=HYPERLINK(\"http://x\")<b>&\u0007", description: "@SUM(A1) _x0041_ \u0001", horizonDays: 60 }
JSON5
(cd "$work/h" && "$binary" run hostile.json5 "${q[@]}" --out out --xlsx hostile.xlsx >/dev/null)
"$py" "$check" "$work/h/hostile.xlsx" "$work/h/out"
"$py" - "$work/h/hostile.xlsx" <<'PY'
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
texts = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
assert any(t.startswith("=HYPERLINK") for t in texts), "the formula-like name is kept as text"
assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row), "no formulas"
print("check_workbook: hostile names are text, never formulas")
PY
echo "workbook check passed"
