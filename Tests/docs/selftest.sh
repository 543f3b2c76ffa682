#!/usr/bin/env bash
# Shows that Tests/docs/run-doc-commands.py can fail: a broken documented command, a sample
# that differs from a real run and a skip without a reason each make it exit 1, and a file with
# no command makes it exit 2. Usage: Tests/docs/selftest.sh BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
runner=Tests/docs/run-doc-commands.py

expect() { # expect CODE FILE WHAT
    "$runner" --binary "$bin" "$2" > "$dir/out.txt" 2>&1
    local got=$?
    if [ "$got" -ne "$1" ]; then
        echo "doc runner self-test FAILED: $3: exit $got, expected $1"; cat "$dir/out.txt"; exit 1
    fi
    echo "doc runner self-test: $3: exit $got as expected"
}

printf '# t\n\n```sh\nhomeward validate Scenarios/no-such-file.json5\n```\n' > "$dir/broken.md"
expect 1 "$dir/broken.md" "a documented command that fails"

printf '# t\n\n```\n$ homeward validate Scenarios/baseline.json5\nnot what it prints\n```\n' > "$dir/sample.md"
expect 1 "$dir/sample.md" "a sample that differs from the real output"

printf '# t\n\n<!-- doc-test: skip -->\n```sh\nhomeward validate Scenarios/baseline.json5\n```\n' > "$dir/skip.md"
expect 1 "$dir/skip.md" "a skip without a reason"

printf '# t\n\n```sh\nhomeward validate Scenarios/baseline.json5\n```\n' > "$dir/good.md"
expect 0 "$dir/good.md" "a documented command that works"

printf '# t\n\nno commands here\n' > "$dir/empty.md"
expect 2 "$dir/empty.md" "a file with no command (nothing checked is not a pass)"
