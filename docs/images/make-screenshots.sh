#!/usr/bin/env bash
# Regenerates the pictures in docs/images from a real run: the first screen of the baseline's
# HTML report, as the README shows it. Needs Debian's chromium (Tests/report/render-check.sh
# installs it). Usage: docs/images/make-screenshots.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release/homeward}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" run Scenarios/baseline.json5 --replications 100 --out "$work/results" --html "$work/baseline.html" --quiet > /dev/null
browser=$(command -v chromium || command -v chromium-browser)
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions \
    --disable-background-networking --host-resolver-rules="MAP * ~NOTFOUND" \
    --window-size=1280,1000 --screenshot="$work/report.png" "file://$work/baseline.html" > /dev/null 2>&1
cp "$work/report.png" docs/images/report-baseline.png
echo "wrote docs/images/report-baseline.png"
