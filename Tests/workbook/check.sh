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
# 4. The round trip back: the planner's template workbook (`template --xlsx`) is filled in with
#    openpyxl, saved as Excel saves CSV, and read back by `homeward variant`; the variant must
#    change exactly the fields filled in.
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
# And back: the planner's template as a workbook, filled in with openpyxl as a planner would in
# Excel, saved as Excel saves "CSV UTF-8" (a byte-order mark, CRLF), read back by
# `homeward variant` as a scenario variant that changes exactly the two fields filled in.
mkdir -p "$work/plan" && cp -r Scenarios "$work/plan/"
(cd "$work/plan" && "$binary" template Scenarios/baseline.json5 --out template.csv --xlsx template.xlsx --quiet)
"$py" - "$work/plan/template.xlsx" "$work/plan/filled.csv" <<'PY'
import csv, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
sheet = book.worksheets[0]
rows = [list(r) for r in sheet.iter_rows(values_only=True)]
header = next(i for i, r in enumerate(rows) if r and "path" in r and "new value" in r)
path, new = rows[header].index("path"), rows[header].index("new value")
filled = {"services.reablement.capacity": 250, "working.sevenDayDischarge": "TRUE"}
for r in rows[header + 1:]:
    if r[path] in filled:
        r[new] = filled.pop(r[path])
assert not filled, f"fields missing from the template: {filled}"
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(["" if v is None else v for v in r] for r in rows)
print("check_workbook: the template workbook filled in (2 fields) and saved as CSV")
PY
(cd "$work/plan" && "$binary" variant Scenarios/baseline.json5 --from filled.csv --out Scenarios/baseline-plan.json5 >/dev/null)
(cd "$work/plan" && "$binary" validate Scenarios/baseline-plan.json5 >/dev/null)
(cd "$work/plan" && "$binary" template Scenarios/baseline-plan.json5 --out after.csv --quiet)
"$py" - "$work/plan/template.csv" "$work/plan/after.csv" <<'PY'
import csv, sys
def values(name):
    rows = list(csv.reader(open(name, encoding="utf-8-sig")))
    header = next(i for i, r in enumerate(rows) if "path" in r)
    p, v = rows[header].index("path"), rows[header].index("current value")
    return {r[p]: r[v] for r in rows[header + 1:] if len(r) > v}
before, after = values(sys.argv[1]), values(sys.argv[2])
changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
assert changed == {"services.reablement.capacity": ("230", "250"), "working.sevenDayDischarge": ("false", "true")}, changed
print("check_workbook: the variant read back from the filled-in workbook changes exactly those 2 fields")
PY
echo "workbook check passed"
