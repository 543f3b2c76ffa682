#!/usr/bin/env bash
# The API reference of HomewardKit, built from its doc comments with the toolchain's docc.
#
#   docs/api.sh            # writes the reference to .build/docs (a static site); exits
#                          # non-zero on any documentation warning (CI runs it)
#   docs/api.sh --serve    # then serves it at http://localhost:8000/documentation/homewardkit
set -euo pipefail
cd "$(dirname "$0")/.."

serve=0
case "${1:-}" in
    "") ;;
    --serve) serve=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "api.sh: unknown argument '$1'" >&2; exit 2 ;;
esac

echo "==> symbol graphs (swift package dump-symbol-graph)" >&2
swift package dump-symbol-graph >&2
# Only the library's graphs: the executable and the tests are not API.
graphs="$PWD/.build/symbol-graphs"
rm -rf "$graphs"
mkdir -p "$graphs"
cp "$(swift build --show-bin-path)/../symbolgraph/"HomewardKit*.symbols.json "$graphs/"
echo "==> docc convert (warnings are errors)" >&2
docc convert --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name HomewardKit --fallback-bundle-identifier uk.homeward.HomewardKit \
    --output-path .build/docs --transform-for-static-hosting --warnings-as-errors >&2
echo "API reference written to .build/docs (open /documentation/homewardkit through a web server)"
if [ "$serve" -eq 1 ]; then
    echo "serving on http://localhost:8000/documentation/homewardkit (Ctrl-C to stop)"
    exec python3 -m http.server 8000 --directory .build/docs
fi
