#!/usr/bin/env bash
# A commissioner's session in the workbench (`homeward serve`), in headless Chromium.
#
#   bash Tests/serve/browser-check.sh [BINARY] [OUT_DIR]
#
# 1. Installs Debian's chromium and chromium-driver if they are missing, and selenium from PyPI
#    into a throwaway virtual environment (test-only tools; never dependencies of Homeward).
#    When any of them cannot be installed the check fails loudly, never passes silently.
# 2. browser_check.py drives the session: library, form, a refused capacity and the
#    validator's message, the fix, save, run with the progress bar moving, the report, compare
#    with the base, the workbook download; screenshots in OUT_DIR checked not blank.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-.build/release/homeward}"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

not_run() {
    local banner="################################################################"
    for stream in 1 2; do
        {
            echo "$banner"
            echo "WORKBENCH BROWSER CHECK NOT RUN: $*"
            echo "$banner"
        } >&"$stream"
    done
    exit 1
}

have_browser() { command -v chromium > /dev/null 2>&1 || command -v chromium-browser > /dev/null 2>&1; }
have_driver() { command -v chromedriver > /dev/null 2>&1 || [ -x /usr/bin/chromedriver ]; }

if ! have_browser || ! have_driver; then
    echo "installing Debian's chromium and chromium-driver (log: $out/apt.log)"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo > /dev/null 2>&1; then sudo="sudo -n"; else not_run "not root and no sudo for apt-get"; fi
    fi
    if ! { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium chromium-driver fonts-liberation; } > "$out/apt.log" 2>&1; then
        tail -n 20 "$out/apt.log" >&2 || true
        not_run "chromium and chromium-driver could not be installed"
    fi
    have_browser && have_driver || not_run "chromium or chromedriver still missing after apt-get"
fi

python3 -m venv "$work/venv"
if ! "$work/venv/bin/pip" install --quiet --disable-pip-version-check selenium; then
    not_run "selenium could not be installed from PyPI"
fi
[ -x "$binary" ] || { echo "no binary at $binary (swift build -c release)" >&2; exit 1; }

"$work/venv/bin/python" Tests/serve/browser_check.py "$binary" "$out"
echo "WORKBENCH BROWSER CHECK PASSED: screenshots in $out"
