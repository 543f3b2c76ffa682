#!/usr/bin/env python3
"""Runs every Homeward command shown in the documentation, so a documented command that breaks
fails the build.

What it reads: the fenced code blocks of README.md, docs/*.md and Scenarios/README.md.
- A shell block (```sh, ```bash or ```shell) that mentions `homeward` is run as one bash script
  (`set -e`), in document order, in a scratch copy of the project's Scenarios/ folder (one per
  documentation file, so a block may use what an earlier block in the same file wrote).
  `swift run -c release homeward` is run as the built binary; `swift test` lines are left out
  (CI runs the tests itself).
- A block whose first line is `$ homeward ...` is a sample: the command is run as written (no
  fewer replications) and its standard output must equal the rest of the block, byte for byte.
  `--update-samples` rewrites the blocks from real runs instead (then review the diff).
- A ```json5 block whose first line is `// Scenarios/NAME.json5` is written to that path first,
  so the documented variant is the one the following commands read.

Replications: `--replications N` is capped at 4 (`--replications-cap`) and `--precision` runs,
`check` and `sweep --target` get `--max-replications 8`, so the whole documentation runs in a
few minutes; the commands and their options are otherwise run exactly as shown.

Files the documentation assumes a reader has of their own (an activity extract, an event log, a
damaged log) are made once, from a simulated run, and copied into each file's scratch folder:
`activity.csv` and `activity-2016-17.csv` (`homeward events activity`), `run.hwlog` and
`damaged.hwlog` (the same log of 2 replications cut short in the second).

A directive in an HTML comment on the line before a block changes how it is run:
  <!-- doc-test: exit 0,1 -->        exit codes the block may end with (default 0)
  <!-- doc-test: skip REASON -->     not run; the reason is printed (it must be given)

Usage: Tests/docs/run-doc-commands.py --binary .build/release/homeward [--update-samples]
           [--replications-cap N] [FILE.md ...]
Exit status: 0 all passed, 1 a block failed, 2 bad usage or no block found.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FENCE = re.compile(r"^```([A-Za-z0-9]*)\s*$")
DIRECTIVE = re.compile(r"^<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
SHELL = {"sh", "bash", "shell"}
TIMEOUT = 900  # seconds a block may take before it counts as hung


class Block:
    def __init__(self, path, line, lang, lines, directive):
        self.path, self.line, self.lang, self.lines, self.directive = path, line, lang, lines, directive

    @property
    def where(self):
        return f"{os.path.relpath(self.path, ROOT)}:{self.line}"


def blocks_of(path):
    """The fenced blocks of a Markdown file, with the directive (if any) just above each."""
    text = open(path, encoding="utf-8").read().split("\n")
    blocks, i = [], 0
    while i < len(text):
        m = FENCE.match(text[i])
        if not m:
            i += 1
            continue
        lang, start, body = m.group(1), i + 1, []
        i += 1
        while i < len(text) and not text[i].startswith("```"):
            body.append(text[i])
            i += 1
        if i >= len(text):
            sys.exit(f"{path}:{start}: code block is never closed")
        j = start - 2
        while j >= 0 and not text[j].strip():
            j -= 1
        d = DIRECTIVE.match(text[j]) if j >= 0 else None
        blocks.append(Block(path, start, lang, body, d.group(1) if d else None))
        i += 1
    return blocks


def wrapper(directory, binary, cap):
    """A `homeward` on PATH that runs the binary with replications capped."""
    script = os.path.join(directory, "homeward")
    with open(script, "w") as f:
        f.write(
            f"""#!/usr/bin/env python3
import os, sys
cap = {cap}
args = sys.argv[1:]
out = []
i = 0
while i < len(args):
    a = args[i]
    if a == "--replications" and i + 1 < len(args) and args[i + 1].isdigit():
        out += [a, str(min(int(args[i + 1]), cap))]
        i += 2
        continue
    if a == "--max-replications" and i + 1 < len(args) and args[i + 1].isdigit():
        out += [a, str(min(int(args[i + 1]), 2 * cap))]
        i += 2
        continue
    out.append(a)
    i += 1
sequential = "--precision" in out or out[:1] == ["check"] or (out[:1] == ["sweep"] and "--target" in out)
if sequential and "--max-replications" not in out:
    out += ["--max-replications", str(2 * cap)]
os.execv({binary!r}, [{binary!r}] + out)
"""
        )
    os.chmod(script, 0o755)


def make_fixtures(binary, directory):
    """The files the documentation assumes the reader has, made from a simulated replication."""
    def run(*args):
        subprocess.run([binary, *args], cwd=directory, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    run("run", "Scenarios/baseline.json5", "--replications", "2", "--quiet", "--out", ".fixture-run",
        "--events", "run.hwlog")
    run("events", "activity", "run.hwlog", "activity.csv")
    shutil.copyfile(os.path.join(directory, "activity.csv"), os.path.join(directory, "activity-2016-17.csv"))
    data = open(os.path.join(directory, "run.hwlog"), "rb").read()
    # Cut in the second replication, so that --salvage has the first whole one to keep.
    open(os.path.join(directory, "damaged.hwlog"), "wb").write(data[: len(data) * 4 // 5])
    shutil.rmtree(os.path.join(directory, ".fixture-run"))


def shell_script(block):
    kept = []
    for line in block.lines:
        stripped = line.strip()
        if re.match(r"^swift\s+test\b", stripped):
            continue  # CI runs the tests itself
        kept.append(re.sub(r"\bswift run -c release homeward\b", "homeward", line))
    return "set -euo pipefail\n" + "\n".join(kept) + "\n"


def allowed_exits(block):
    if block.directive and block.directive.startswith("exit"):
        return {int(x) for x in re.findall(r"\d+", block.directive)}
    return {0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--update-samples", action="store_true")
    ap.add_argument("--replications-cap", type=int, default=4)
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    if not os.access(binary, os.X_OK):
        print(f"{a.binary}: not an executable", file=sys.stderr)
        return 2
    files = [os.path.abspath(f) for f in a.files] or (
        [os.path.join(ROOT, "README.md")]
        + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
        + [os.path.join(ROOT, "Scenarios", "README.md")]
    )
    scratch = tempfile.mkdtemp(prefix="homeward-doc-commands.")
    bindir = os.path.join(scratch, "bin")
    os.makedirs(bindir)
    wrapper(bindir, binary, a.replications_cap)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    passed = failed = skipped = 0
    fixtures = None
    for path in files:
        blocks = blocks_of(path)
        relevant = [
            b for b in blocks
            if (b.lang in SHELL and any("homeward" in l for l in b.lines))
            or (b.lines and b.lines[0].startswith("$ homeward"))
            or (b.lang == "json5" and b.lines and re.match(r"^// Scenarios/[\w.-]+\.json5\s*$", b.lines[0]))
        ]
        if not relevant:
            continue
        work = os.path.join(scratch, os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path))
        os.makedirs(work)
        if fixtures is None:  # made once, from the first workspace, then copied
            fixtures = os.path.join(scratch, "fixtures")
            os.makedirs(fixtures)
            shutil.copytree(os.path.join(ROOT, "Scenarios"), os.path.join(fixtures, "Scenarios"))
            make_fixtures(binary, fixtures)
        shutil.copytree(fixtures, work, dirs_exist_ok=True)
        updated = {}
        for b in relevant:
            if b.directive and b.directive.startswith("skip"):
                reason = b.directive[4:].strip()
                if not reason:
                    print(f"FAIL {b.where}: a skipped block must say why (<!-- doc-test: skip REASON -->)")
                    failed += 1
                    continue
                print(f"skip {b.where}: {reason}")
                skipped += 1
                continue
            if b.lang == "json5":
                target = os.path.join(work, b.lines[0][3:].strip())
                open(target, "w").write("\n".join(b.lines) + "\n")
                continue
            started = time.monotonic()
            if b.lines[0].startswith("$ "):
                # A sample runs as written: the real binary, not the capping wrapper.
                script = f"set -euo pipefail\nexec '{binary}' {b.lines[0][len('$ homeward'):]}\n"
            else:
                script = shell_script(b)
            try:
                r = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                                   timeout=TIMEOUT)
                code, out, err = r.returncode, r.stdout, r.stderr
            except subprocess.TimeoutExpired:
                code, out, err = None, "", f"timed out after {TIMEOUT} s"
            took = time.monotonic() - started
            problem = None
            if code not in allowed_exits(b):
                problem = f"exit {code} (expected {sorted(allowed_exits(b))})"
            elif b.lines[0].startswith("$ "):
                shown = "\n".join(b.lines[1:]).rstrip("\n")
                real = out.rstrip("\n")
                if a.update_samples:
                    if shown != real:
                        updated[b.line] = (len(b.lines), [b.lines[0]] + real.split("\n"))
                elif shown != real:
                    problem = "sample output differs from a real run (Tests/docs/run-doc-commands.py " \
                              "--update-samples regenerates it):\n" + unified(shown, real)
            if problem:
                failed += 1
                print(f"FAIL {b.where} ({took:.1f} s): {problem}")
                print("  script:\n" + "\n".join("    " + l for l in script.strip().split("\n")))
                tail = (err.strip().split("\n") + out.strip().split("\n"))[-20:]
                print("  output (last lines):\n" + "\n".join("    " + l for l in tail if l))
            else:
                passed += 1
                print(f"ok   {b.where} ({took:.1f} s)")
        if updated:
            text = open(path, encoding="utf-8").read().split("\n")
            for start in sorted(updated, reverse=True):
                count, new = updated[start]
                text[start:start + count] = new
            open(path, "w", encoding="utf-8").write("\n".join(text))
            print(f"updated {len(updated)} sample(s) in {os.path.relpath(path, ROOT)}")
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"documentation commands: {passed} blocks passed, {failed} failed, {skipped} skipped")
    if passed + failed == 0:
        print("no documented command found: nothing was checked", file=sys.stderr)
        return 2
    return 1 if failed else 0


def unified(a, b):
    import difflib
    lines = list(difflib.unified_diff(a.split("\n"), b.split("\n"), "documented", "real", lineterm="", n=1))
    return "\n".join("    " + l for l in lines[:60]) + ("\n    ..." if len(lines) > 60 else "")


if __name__ == "__main__":
    sys.exit(main())
