#!/usr/bin/env python3
"""Mutation harness for Homeward: does verification catch a wrong model?

Each mutation in mutations.json is a small, plausible bug in Sources/HomewardKit/Model, Engine
or Metrics (a comparison flipped, a boundary moved by one, a unit slip, a rule on the wrong
day...). For each one the harness

  1. keeps a scratch copy of the repository's tracked files (`git ls-files`), made once and
     reused between mutations (so builds after the first are incremental);
  2. replaces the mutation's find text (it must occur exactly once in its file) by its
     replacement;
  3. builds what the selected checks need and runs them, each step under a timeout. Every build
     is the debug configuration optimised file by file (`-Xswiftc -O`): a release build
     optimises the whole module at once, so every mutant would rebuild all of HomewardKit
     (about 2.5 minutes), where this one recompiles the mutated file alone (about 15 s);
       verify  `swift build --product homeward -Xswiftc -O`, then
               `.build/debug/homeward verify --quick` (or without --quick: --verify-full);
       tests   `swift build --build-tests -Xswiftc -O`, then `swift test --skip-build` (the
               fast suite), by default only on the mutants verify did not kill (a mutant
               verify kills is killed by tests plus verify whatever the tests say);
  4. restores the mutated file and records the verdict of each check.

Verdicts: "killed" (the check exited non-zero), "survived" (it exited 0), "timeout" (no answer
in time: counted as a kill only for a mutation marked "hangs", whose bug makes the simulator
loop), "build error" (the mutant does not compile: a bad mutation, fix the list), "not run"
(check not selected), "not needed" (tests on a mutant verify already killed). Scores are over the non-equivalent mutants that built.

Standard library only. See Tests/Mutation/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LIST = HERE / "mutations.json"

# The folders a mutation may touch (issue #17: the model, the engine and the metrics).
ALLOWED = ("Sources/HomewardKit/Model/", "Sources/HomewardKit/Engine/", "Sources/HomewardKit/Metrics/")
KINDS = (
    "comparison flipped",
    "boundary off by one",
    "unit slip",
    "window changed",
    "calendar rule on the wrong day",
    "share swapped",
    "wrong index",
    "missing term",
    "wrong operator",
    "wrong constant",
    "wrong variable",
)
FIELDS = ("id", "file", "find", "replace", "description", "kind")
CHECKS = ("verify", "tests")
# The fixed CI sample (see README.md, "The CI sample", for why these two).
SAMPLE = ("erlang-b-capacity-off-by-one", "acute-stay-hours-not-days")


class ListError(Exception):
    """A problem with mutations.json: names the mutation and what is wrong."""


def load(path: Path = LIST) -> list[dict]:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ListError(f"{path}: cannot read the list: {e}")
    if not isinstance(data, dict) or not isinstance(data.get("mutations"), list):
        raise ListError(f"{path}: expected an object with a 'mutations' array")
    return data["mutations"]


def check_list(mutations: list[dict], root: Path) -> list[str]:
    """Every problem with the list against the sources under root (empty when all is well)."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, m in enumerate(mutations):
        name = m.get("id", f"#{i}") if isinstance(m, dict) else f"#{i}"
        if not isinstance(m, dict):
            problems.append(f"{name}: not an object")
            continue
        missing = [f for f in FIELDS if not isinstance(m.get(f), str) or (f != "replace" and not m.get(f))]
        if missing:
            problems.append(f"{name}: missing or empty field(s) {', '.join(missing)}")
            continue
        if name in seen:
            problems.append(f"{name}: duplicate id")
        seen.add(name)
        if m["kind"] not in KINDS:
            problems.append(f"{name}: kind '{m['kind']}' is not one of: {', '.join(KINDS)}")
        if not m["file"].startswith(ALLOWED):
            problems.append(f"{name}: file {m['file']} is outside {', '.join(ALLOWED)}")
        if m["find"] == m["replace"]:
            problems.append(f"{name}: the replacement equals the find text")
        if "equivalent" in m and not (isinstance(m["equivalent"], str) and m["equivalent"]):
            problems.append(f"{name}: 'equivalent' must be the reason, a non-empty string")
        if "hangs" in m and not (isinstance(m["hangs"], str) and m["hangs"]):
            problems.append(f"{name}: 'hangs' must say why the mutant loops, a non-empty string")
        try:
            text = (root / m["file"]).read_text()
        except OSError as e:
            problems.append(f"{name}: {m['file']}: cannot read ({e.strerror})")
            continue
        count = text.count(m["find"])
        if count != 1:
            where = "does not occur" if count == 0 else f"occurs {count} times (ambiguous)"
            problems.append(f"{name}: {m['file']}: the find text {where}: {m['find']!r}")
    for s in SAMPLE:
        if s not in seen:
            problems.append(f"sample: {s} is not in the list")
    return problems


def self_test() -> list[str]:
    """Checks check_list and apply on a made-up source tree: each must catch what it should."""
    import tempfile

    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / ALLOWED[0] / "A.swift"
        path.parent.mkdir(parents=True)
        path.write_text("let a = x < y\nlet b = x < y\nlet c = 1\n")
        (root / "Elsewhere.swift").write_text("let c = 1\n")
        base = {"file": ALLOWED[0] + "A.swift", "description": "d", "kind": KINDS[0]}
        cases = [
            ("missing", {**base, "id": "m1", "find": "let z", "replace": "let y"}, "does not occur"),
            ("ambiguous", {**base, "id": "m2", "find": "x < y", "replace": "x <= y"}, "occurs 2 times"),
            ("outside", {**base, "id": "m3", "file": "Elsewhere.swift", "find": "let c", "replace": "var c"}, "outside"),
            ("kind", {**base, "id": "m4", "kind": "typo", "find": "let c", "replace": "var c"}, "kind"),
            ("same", {**base, "id": "m5", "find": "let c", "replace": "let c"}, "equals"),
            ("equivalent", {**base, "id": "m6", "find": "let c", "replace": "var c", "equivalent": ""}, "reason"),
        ]
        for name, m, expected in cases:
            found = [p for p in check_list([m], root) if p.startswith(m["id"] + ":")]
            if not any(expected in p for p in found):
                failures.append(f"self-test {name}: expected a problem containing '{expected}', got {found}")
        good = {**base, "id": "ok", "find": "let c = 1", "replace": "let c = 2"}
        if [p for p in check_list([good], root) if p.startswith("ok:")]:
            failures.append("self-test: a good mutation was refused")
        original = path.read_text()
        mutated, kept = apply(good, root)
        if "let c = 2" not in mutated.read_text() or kept != original:
            failures.append("self-test: apply did not make the replacement")
        mutated.write_text(kept)
        try:
            apply({**good, "find": "x < y"}, root)
            failures.append("self-test: apply accepted an ambiguous find text")
        except ListError:
            pass
        if path.read_text() != original:
            failures.append("self-test: the file was not restored")
    return failures


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p]


def sync_scratch(scratch: Path) -> None:
    """Makes scratch hold exactly the tracked files, rewriting only those that differ (keeps .build)."""
    files = tracked_files()
    scratch.mkdir(parents=True, exist_ok=True)
    copied = 0
    for rel in files:
        src, dst = ROOT / rel, scratch / rel
        if src.is_symlink() or not src.is_file():
            continue
        data = src.read_bytes()
        if dst.is_file() and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
        shutil.copymode(src, dst)
        copied += 1
    # A file deleted or renamed in the repository must go from the copy too, or the copy
    # compiles a source the repository no longer has.
    keep = set(files)
    removed = 0
    for path in sorted(scratch.rglob("*")):
        rel = path.relative_to(scratch).as_posix()
        if rel.split("/")[0] in (".build", ".git") or not path.is_file():
            continue
        if rel not in keep:
            path.unlink()
            removed += 1
    print(f"scratch {scratch}: {len(files)} tracked files, {copied} copied, {removed} removed", flush=True)


def run_step(cmd: list[str], cwd: Path, timeout: float, log: Path) -> tuple[str, float]:
    """Runs cmd with a timeout; returns ("ok" | "failed" | "timeout", seconds). Output to log."""
    start = time.monotonic()
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            out.write(f"\n[timeout after {timeout:.0f} s]\n".encode())
            return "timeout", time.monotonic() - start
        except BaseException:
            # Ctrl-C: the step runs in its own session, so stop it before the file is restored.
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            raise
        out.write(f"\n[exit {rc}]\n".encode())
    return ("ok" if rc == 0 else "failed"), time.monotonic() - start


# One build configuration for both checks, so that they share one incremental build folder:
# the debug configuration with every file optimised on its own (see the module's comment).
OPTIMISE = ["-Xswiftc", "-O"]


def steps(check: str, args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The build command and the check command of a check."""
    if check == "verify":
        verify = ["./.build/debug/homeward", "verify"] + ([] if args.verify_full else ["--quick"])
        return ["swift", "build", "--product", "homeward"] + OPTIMISE, verify
    return ["swift", "build", "--build-tests"] + OPTIMISE, ["swift", "test", "--skip-build"] + OPTIMISE


def evaluate(m: dict | None, check: str, scratch: Path, args: argparse.Namespace, logdir: Path,
             result: dict) -> None:
    """Builds the scratch copy (with m applied, or unmutated when m is None) and runs one check on
    it, recording the verdict and the seconds of each step in result."""
    log = logdir / f"{m['id'] if m else 'baseline'}.log"
    build, run = steps(check, args)
    status, secs = run_step(build, scratch, args.build_timeout, log)
    result["seconds"][f"{check} build"] = round(secs)
    if status != "ok":
        result[check] = "build error" if status == "failed" else "build timeout"
        return
    status, secs = run_step(run, scratch, args.check_timeout, log)
    result["seconds"][check] = round(secs)
    if status == "timeout":
        result[check] = "killed" if m and m.get("hangs") else "timeout"
    else:
        result[check] = "killed" if status == "failed" else "survived"


def apply(m: dict, scratch: Path) -> tuple[Path, str]:
    path = scratch / m["file"]
    original = path.read_text()
    count = original.count(m["find"])
    if count != 1:
        raise ListError(f"{m['id']}: {m['file']}: the find text occurs {count} times (must be once)")
    path.write_text(original.replace(m["find"], m["replace"]))
    return path, original


def scores(results: list[dict], mutations: dict[str, dict]) -> dict:
    """Mutation scores over the non-equivalent mutants that built (and were run by the checks)."""
    live = [r for r in results if r["id"] in mutations and not mutations[r["id"]].get("equivalent")]

    def score(checks: tuple[str, ...]) -> dict | None:
        ran = ("killed", "survived", "timeout")
        # "not needed": the tests were skipped because verify had killed the mutant already.
        # A mutant the first check killed is killed by them all, whatever the others say (they
        # may not have run); one it let through needs a verdict from each of the others.
        rows = [r for r in live if r[checks[0]] in ran
                and (r[checks[0]] == "killed" or all(r[c] in ran for c in checks[1:]))]
        if not rows:
            return None
        killed = sum(1 for r in rows if any(r[c] == "killed" for c in checks))
        return {"killed": killed, "of": len(rows), "score": round(killed / len(rows), 4)}

    return {"verify": score(("verify",)), "tests+verify": score(("verify", "tests"))}


def markdown(results: list[dict], mutations: dict[str, dict], sc: dict, header: str) -> str:
    lines = [header, "", "| id | file | description | verify | tests |", "|---|---|---|---|---|"]
    for r in results:
        m = mutations.get(r["id"], {})
        desc = m.get("description", "")
        if m.get("equivalent"):
            desc += f" (equivalent: {m['equivalent']})"
        file = m.get("file", "").removeprefix("Sources/HomewardKit/")
        lines.append(f"| {r['id']} | {file} | {desc.replace('|', '/')} | {r['verify']} | {r['tests']} |")
    lines.append("")
    for name, s in sc.items():
        text = "not measured" if s is None else f"{s['killed']} of {s['of']} killed ({100 * s['score']:.1f}%)"
        lines.append(f"- mutation score, {name}: {text}")
    return "\n".join(lines) + "\n"


def main() -> int:
    # A background run ignores SIGINT; stop it with SIGTERM, which restores the mutated file too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    ap = argparse.ArgumentParser(description="Mutation testing of Homeward's model, engine and metrics.")
    ap.add_argument("--check-list", action="store_true", help="only check the list against the sources (no build)")
    ap.add_argument("--only", help="comma-separated mutation ids")
    ap.add_argument("--sample", action="store_true", help="the fixed CI sample: " + ", ".join(SAMPLE))
    ap.add_argument("--checks", default="verify,tests", help="verify, tests or both (default verify,tests)")
    ap.add_argument("--tests-on-all", action="store_true",
                    help="run the fast suite on every mutant, also those verify killed (the tests' own score)")
    ap.add_argument("--verify-full", action="store_true", help="homeward verify without --quick")
    ap.add_argument("--no-baseline", action="store_true", help="skip checking that the unmutated copy passes")
    ap.add_argument("--resume", action="store_true", help="keep results already in --out and skip those ids")
    ap.add_argument("--again", action="store_true",
                    help="with --resume: run the chosen checks again on the mutants they did not kill "
                    "(after a check was added)")
    ap.add_argument("--scratch", default=str(ROOT / ".build" / "mutation" / "scratch"), help="scratch copy")
    ap.add_argument("--out", default=str(ROOT / ".build" / "mutation"), help="where results.json/.md go")
    ap.add_argument("--build-timeout", type=float, default=3600, help="seconds per build (default 3600)")
    ap.add_argument("--check-timeout", type=float, default=3600, help="seconds per check run (default 3600)")
    args = ap.parse_args()

    try:
        mutations = load()
        problems = check_list(mutations, ROOT)
    except ListError as e:
        print(f"mutate: {e}", file=sys.stderr)
        return 2
    if problems:
        for p in problems:
            print(f"mutate: {LIST.name}: {p}", file=sys.stderr)
        return 2
    if args.check_list:
        failures = self_test()
        for f in failures:
            print(f"mutate: {f}", file=sys.stderr)
        if failures:
            return 1
        eq = sum(1 for m in mutations if m.get("equivalent"))
        print(f"mutations.json: {len(mutations)} mutations ({eq} marked equivalent), every find text once")
        return 0

    args.checks = [c.strip() for c in args.checks.split(",") if c.strip()]
    if not args.checks or any(c not in CHECKS for c in args.checks):
        print(f"mutate: --checks: expected verify, tests or both, got {','.join(args.checks)}", file=sys.stderr)
        return 2
    by_id = {m["id"]: m for m in mutations}
    chosen = mutations
    if args.only or args.sample:
        ids = list(SAMPLE) if args.sample else [s.strip() for s in args.only.split(",") if s.strip()]
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            print(f"mutate: --only: unknown mutation id(s): {', '.join(unknown)}", file=sys.stderr)
            return 2
        chosen = [by_id[i] for i in ids]

    out = Path(args.out)
    logdir = out / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    if args.resume and (out / "results.json").is_file():
        results = json.loads((out / "results.json").read_text())["results"]
    by_result = {r["id"]: r for r in results}
    if args.again:
        for m in chosen:
            r = by_result.get(m["id"])
            for check in args.checks:
                if r and r[check] in ("survived", "timeout", "build timeout") and not m.get("equivalent"):
                    r[check] = "not run"
    for m in chosen:
        if m["id"] not in by_result:
            by_result[m["id"]] = {"id": m["id"], "seconds": {}, **{c: "not run" for c in CHECKS}}
            results.append(by_result[m["id"]])
    scratch = Path(args.scratch).resolve()
    sync_scratch(scratch)
    mode = "verify --quick" if not args.verify_full else "verify (full)"
    header = f"Mutation results (checks: {', '.join(args.checks)}; verify mode: {mode})"

    def save() -> None:
        sc = scores(results, by_id)
        body = {"checks": args.checks, "verifyMode": mode, "results": results, "scores": sc}
        (out / "results.json").write_text(json.dumps(body, indent=2) + "\n")
        (out / "results.md").write_text(markdown(results, by_id, sc, header))

    if not args.no_baseline:
        print("baseline (unmutated): building and checking ...", flush=True)
        (logdir / "baseline.log").write_text("")
        base: dict = {"id": "baseline", "seconds": {}}
        for check in args.checks:
            evaluate(None, check, scratch, args, logdir, base)
        print(f"  baseline: {base}", flush=True)
        bad = [c for c in args.checks if base[c] != "survived"]
        if bad:
            print(f"mutate: the unmutated copy does not pass {', '.join(bad)} (see {logdir}/baseline.log)",
                  file=sys.stderr)
            return 1
    # One check at a time over every mutant: verify first, so its score is known early, then the
    # fast suite, which is slow to build, only where it can change tests+verify.
    for check in (c for c in CHECKS if c in args.checks):
        todo = [m for m in chosen if by_result[m["id"]][check] == "not run"]
        for n, m in enumerate(todo, 1):
            r = by_result[m["id"]]
            if check == "tests" and r["verify"] == "killed" and not args.tests_on_all:
                r["tests"] = "not needed"
                continue
            print(f"[{check} {n}/{len(todo)}] {m['id']}: {m['description']}", flush=True)
            log = logdir / f"{m['id']}.log"
            if check == CHECKS[0] or not log.exists():
                log.write_text("")
            path, original = apply(m, scratch)
            try:
                evaluate(m, check, scratch, args, logdir, r)
            finally:
                path.write_text(original)
            save()
            print(f"  {check}: {r[check]}, seconds: {r['seconds']}", flush=True)
    save()
    print((out / "results.md").read_text().split("\n\n")[-1].strip())
    print(f"results: {out / 'results.json'}, {out / 'results.md'}")
    errors = [r["id"] for r in results if "build error" in (r["verify"], r["tests"])]
    if errors:
        print(f"mutate: these mutants do not compile (fix the list): {', '.join(errors)}", file=sys.stderr)
        return 1
    if args.sample:
        # The sample's mutants are chosen to be killed: one that is not means the harness (or a
        # check) has stopped working.
        alive = [f"{r['id']} ({c}: {r[c]})" for r in results for c in args.checks if r[c] != "killed"]
        if alive:
            print(f"mutate: the CI sample was not killed: {', '.join(alive)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # The mutated file has been restored (evaluate's finally); results so far are saved.
        print("mutate: stopped; --resume carries on from the saved results", file=sys.stderr)
        sys.exit(130)
