#!/usr/bin/env bash
# Renders a Homeward HTML report in headless Chromium and checks what a person would see.
#
#   bash Tests/report/render-check.sh [OUT_DIR]
#
# 1. Installs Debian's chromium if it is missing (never passes silently when it cannot).
# 2. Builds the release binary, runs the baseline with its estimates as ranges
#    (baseline-uncertain.json5) with --daily and writes its report with
#    `homeward report DIR --html FILE`.
# 3. Renders the report offline (every host name resolves to nothing) to a 1280x4000 PNG, to
#    its DOM (--dump-dom) and to a PDF (print rules), and checks:
#    - each Chromium run exits 0;
#    - the page logged nothing to the console (no "CONSOLE" or "Uncaught" lines with
#      --enable-logging=stderr --v=0: this Chromium logs every console message, log or error,
#      as "INFO:CONSOLE:N] "message", source: URL (line)");
#    - the DOM is the whole report: the sections, one <svg> per chart, no script, no URL;
#    - the PNG is not blank: decoded with Python's standard library (zlib), it has text in
#      its first screen and the palette's colours in its charts;
#    - the PDF is A4.
# The PNG, PDF, DOM and logs stay in OUT_DIR (a new temporary folder by default) to look at.
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

fail() {
    echo "REPORT BROWSER CHECK FAILED: $*" >&2
    echo "(artefacts in $out)" >&2
    exit 1
}

not_run() {
    local banner="################################################################"
    for stream in 1 2; do
        {
            echo "$banner"
            echo "REPORT BROWSER CHECK NOT RUN: chromium could not be installed"
            echo "$banner"
        } >&"$stream"
    done
    exit 1
}

find_browser() {
    for b in chromium chromium-browser; do
        if command -v "$b" > /dev/null 2>&1; then
            command -v "$b"
            return 0
        fi
    done
    return 1
}

echo "== browser"
if ! browser="$(find_browser)"; then
    echo "chromium is missing: installing Debian's chromium (log: $out/apt.log)"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo > /dev/null 2>&1; then sudo="sudo -n"; else
            echo "not root and no sudo: cannot run apt-get" >&2
            not_run
        fi
    fi
    if ! { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium fonts-liberation; } > "$out/apt.log" 2>&1; then
        tail -n 20 "$out/apt.log" >&2 || true
        not_run
    fi
    browser="$(find_browser)" || not_run
fi
"$browser" --version 2> /dev/null || true

echo "== release build"
swift build -c release 2>&1 | tail -n 3
homeward=.build/release/homeward

echo "== a forecast with daily series, and its report"
# The baseline with its estimates as ranges: the report then also has the split of the spread
# and the tornado charts (40 replications: the split needs 2 x 13 inputs + 10; its 9 ranges
# and the 2 years' demand level and winter severity).
"$homeward" run Scenarios/baseline-uncertain.json5 --replications 40 --daily --out "$out/run" --quiet > "$out/run.txt"
"$homeward" report "$out/run" --html "$out/report.html"
[ -s "$out/report.html" ] || fail "no report written"
url="file://$out/report.html"

# Offline: every host name resolves to nothing, so any external reference would fail.
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
    --disable-background-networking --disable-component-update --host-resolver-rules="MAP * ~NOTFOUND"
    --enable-logging=stderr --v=0)

echo "== render: screenshot, DOM, PDF"
status=0
"$browser" "${flags[@]}" --window-size=1280,4000 --screenshot="$out/report.png" "$url" > "$out/screenshot.out" 2> "$out/screenshot.log" || status=$?
[ "$status" -eq 0 ] || fail "chromium --screenshot exited with $status (see $out/screenshot.log)"
"$browser" "${flags[@]}" --dump-dom "$url" > "$out/dom.html" 2> "$out/dom.log" || status=$?
[ "$status" -eq 0 ] || fail "chromium --dump-dom exited with $status (see $out/dom.log)"
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "$url" > "$out/pdf.out" 2> "$out/pdf.log" || status=$?
[ "$status" -eq 0 ] || fail "chromium --print-to-pdf exited with $status (see $out/pdf.log)"

echo "== console"
if grep -E "CONSOLE|Uncaught" "$out/screenshot.log" "$out/dom.log" "$out/pdf.log"; then
    fail "the page wrote to the browser console (lines above)"
fi
echo "no console messages"

echo "== checks"
python3 - "$out" <<'PY'
import re, sys

out = sys.argv[1]
problems = []

# --- The DOM as the browser built it.
dom = open(out + "/dom.html", encoding="utf-8").read()
source = open(out + "/report.html", encoding="utf-8").read()
svgs = dom.count("<svg")
expected = source.count("<svg")
print(f"DOM: {len(dom):,} characters, {svgs} charts (the file has {expected})")
if "</html>" not in dom: problems.append("the DOM is not a whole document")
if svgs != expected or svgs < 6: problems.append(f"expected {expected} (at least 6) charts in the DOM, found {svgs}")
for section in ["glance", "headline", "demand", "delays", "occupancy", "services", "cost", "uncertainty", "assumptions", "manifest"]:
    if f'<section id="{section}">' not in dom: problems.append(f"section '{section}' missing from the DOM")
if 'id="fan-acute"' not in dom: problems.append("the acute fan chart is missing")
if dom.count("8 years in 10:") < 3: problems.append("the headline tiles do not show their planning ranges ('8 years in 10: ...')")
tornadoes = len(re.findall(r'<svg[^>]*aria-labelledby="fig-tornado-[0-9]+-title', dom))
if tornadoes < 3: problems.append(f"expected a tornado chart for NELs, delayed bed days and total cost, found {tornadoes}")
bcf_rows = dom.count('<tr class="bcf">')
if bcf_rows != 4: problems.append(f"expected 4 BCF rows, found {bcf_rows}")
if re.search(r"<script|https?://", dom, re.I): problems.append("the DOM has a script or an external URL")

# --- The screenshot: decoded with the standard library only (Tests/support/png.py).
sys.path.insert(0, "Tests/support")
from png import read_png

width, height, bpp, rows = read_png(out + "/report.png")
total = width * height
white = background = content = dark_top = 0
near = {"blue #0072B2": (0, 114, 178), "orange #E69F00": (230, 159, 0), "vermillion #D55E00": (213, 94, 0)}
found = dict.fromkeys(near, 0)
for y, line in enumerate(rows):
    for x in range(0, width * bpp, bpp):
        r, g, b = line[x], line[x + 1], line[x + 2]
        if r >= 245 and g >= 245 and b >= 245: white += 1; continue
        if abs(r - 238) <= 2 and abs(g - 240) <= 2 and abs(b - 242) <= 2: background += 1; continue
        content += 1
        if y < 400 and r < 90 and g < 90 and b < 90: dark_top += 1
        for name, (cr, cg, cb) in near.items():
            if abs(r - cr) <= 24 and abs(g - cg) <= 24 and abs(b - cb) <= 24: found[name] += 1
print(f"PNG: {width}x{height}, white {white / total:.1%}, page background {background / total:.1%}, content {content / total:.1%}")
print("     text pixels in the first 400 rows:", dark_top, "| chart colours:", ", ".join(f"{k} {v:,}" for k, v in found.items()))
if (width, height) != (1280, 4000): problems.append(f"unexpected screenshot size {width}x{height}")
if white / total < 0.25: problems.append("the report's white page is missing")
if content / total < 0.03: problems.append("the screenshot is (nearly) blank")
if dark_top < 2000: problems.append("no title or text at the top of the page")
for name, n in found.items():
    if n < 300: problems.append(f"hardly any {name} pixels: the charts did not render")

# --- The PDF: A4 pages (595 x 842 points).
pdf = open(out + "/report.pdf", "rb").read()
boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
print(f"PDF: {pages} pages, media boxes {sorted(set((float(w), float(h)) for w, h in boxes))}")
if not boxes or any(abs(float(w) - 595.3) > 1.5 or abs(float(h) - 841.9) > 1.5 for w, h in boxes): problems.append("the PDF pages are not A4")
if pages < 3: problems.append(f"the printed report has only {pages} pages")

if problems:
    print("\n".join("PROBLEM: " + p for p in problems))
    sys.exit(1)
print("all checks passed")
PY
echo "REPORT BROWSER CHECK PASSED: $out/report.png ($out/report.html, $out/report.pdf)"
