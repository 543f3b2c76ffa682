"""Fuzzing of what Homeward writes and reads back: partial results, resume points, event logs,
output paths, interrupts, concurrent runs, a closed or full standard output and CSV cells.

Imported by fuzz_scenarios.py (`--kinds`); see Tests/Fuzz/README.md. Each kind makes one case
from a random generator and a small fixture built once per fuzz run (a tiny scenario run whole,
in shards, with event logs, a sweep, a check and an activity file), runs the release binary and
judges the result with an oracle that can tell a silently wrong result from a right one:

  ok        exit 0 with a result equal to the clean reference (or, for paths, nothing outside
            the output destroyed or replaced)
  refused   exit 2 (or 3 where I/O is the problem), nothing destroyed
  crash     a signal, an unexpected exit code, a Swift runtime failure on stderr
  hang      no exit within the timeout
  silent    exit 0 with a result that differs from the reference, a destroyed or replaced
            file, leftovers after an interrupt, a mixed result set, two commands that disagree

Standard library only. All randomness comes from the case's own `random.Random`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import math
import os
import random
import re
import shutil
import signal
import stat
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

KINDS = ["merge", "resume", "logs", "paths", "interrupt", "concurrent", "stdout", "csv", "memory"]
# Relative weights when several kinds are fuzzed together (cheap kinds more often).
WEIGHTS = {"merge": 30, "resume": 12, "logs": 30, "paths": 12, "interrupt": 5, "concurrent": 3, "stdout": 5,
           "csv": 3, "memory": 1}
STATUSES = ("ok", "refused", "crash", "hang", "silent")
CRASH_MARKERS = ("Fatal error", "Swift runtime failure", "internal error", "Program crashed", "Backtracing",
                 "Assertion failed", "Precondition failed")
LEAKS = ("NSCocoaErrorDomain", "Error Domain=", "Optional(", "Swift.", "HomewardKit.")

FILE_LIMIT = 256 << 20

# The fixture's tiny scenario: seed-small cut to a few weeks.
TINY_DAYS, TINY_WARMUP, TINY_REPS, TINY_SEED = 30, 5, 4, 11
VARY = "services.beds.capacity=3..5:1"


# =============================================================================================
# Running commands
# =============================================================================================


class Run:
    """One finished command: exit code (negative for a signal), output, time, whether it hung."""

    def __init__(self, argv, rc, stdout, stderr, seconds, timed_out):
        self.argv, self.rc, self.stdout, self.stderr = argv, rc, stdout, stderr
        self.seconds, self.timed_out = seconds, timed_out

    def crashed(self, allowed=(0, 2, 3)):
        return self.rc not in allowed or any(m in self.stderr for m in CRASH_MARKERS)

    def short(self):
        err = self.stderr.strip().splitlines()
        return "exit %s%s" % (self.rc, (": " + err[0][:200]) if err else "")


def _env():
    env = dict(os.environ)
    # Backtraces name the failed check (a trap such as a bad Double-to-Int conversion prints nothing
    # without them); they cost most of a second, but only per crash.
    env["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no"
    env["NO_COLOR"] = "1"
    return env


_limits_lock = threading.Lock()
_limits_set = None


def _inherit_limits(mem_bytes):
    """Sets the limits every command gets on this process, once, so that children inherit them and
    can be started without a `preexec_fn` (which rules out vfork and makes each start ~10 ms slower)."""
    global _limits_set
    import resource
    with _limits_lock:
        if _limits_set == mem_bytes:
            return
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, resource.getrlimit(resource.RLIMIT_AS)[1]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
        # No case needs a file this big; one that grows without end must not fill the disk.
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        _limits_set = mem_bytes


def spawn(argv, cwd, mem_bytes, stdout=None, close_stdout=False, restore_signals=True):
    """Starts a command in its own process group; stdout/stderr to temporary files unless given."""
    _inherit_limits(max(mem_bytes, 1 << 30))
    out = stdout if stdout is not None else tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    preexec = (lambda: os.close(1)) if close_stdout else None
    proc = subprocess.Popen([str(a) for a in argv], cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                            env=_env(), preexec_fn=preexec, start_new_session=True, restore_signals=restore_signals)
    proc._fz = (out if stdout is None else None, err, time.monotonic(), [str(a) for a in argv])
    return proc


def finish(proc, timeout):
    """Waits for a spawned command (SIGABRT at the timeout so the backtracer shows where, then SIGKILL)."""
    out, err, start, argv = proc._fz
    deadline = start + timeout
    timed_out = False
    delay = 0.0005
    rss_kb = 0
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            rss_kb = rusage.ru_maxrss
            break
        now = time.monotonic()
        if now >= deadline:
            if not timed_out:
                timed_out = True
                _kill(proc, signal.SIGABRT)
                deadline = now + 5
            else:
                _kill(proc, signal.SIGKILL)
                deadline = now + 3600
        time.sleep(delay)
        delay = min(delay * 1.3, 0.005)
    _kill(proc, signal.SIGKILL)  # anything the command left in its group
    seconds = time.monotonic() - start
    stdout = ""
    if out is not None:
        out.seek(0)
        stdout = out.read(4_000_000).decode("utf-8", "replace")
        out.close()
    err.seek(0)
    stderr = err.read(1_000_000).decode("utf-8", "replace")
    err.close()
    r = Run(argv, proc.returncode, stdout, stderr, seconds, timed_out)
    r.max_rss_kb = rss_kb
    return r


def _kill(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# A child's peak memory (ru_maxrss) starts at its parent's resident size when it is started by
# fork or vfork and exec, so commands whose memory is measured are started through this small
# Python, whose own size is a baseline of about 10 MB: it runs the command and writes its peak (KB)
# to the file named first, then ends as the command did.
_MEASURE = (
    "import os, signal, sys\n"
    "pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, status, ru = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(ru.ru_maxrss))\n"
    "code = os.waitstatus_to_exitcode(status)\n"
    "if code < 0:\n"
    "    signal.signal(-code, signal.SIG_DFL)\n"
    "    os.kill(os.getpid(), -code)\n"
    "sys.exit(code)\n")


def run_measured(ctx, argv, cwd, timeout=None):
    """Runs a command like `run`, with its own peak memory in `max_rss_kb`."""
    import sys
    peak = Path(cwd) / ".peak-rss"
    r = finish(spawn([sys.executable, "-c", _MEASURE, str(peak), ctx.binary] + argv, cwd, ctx.mem_bytes),
               timeout or ctx.timeout)
    r.argv = [ctx.binary] + [str(a) for a in argv]
    try:
        r.max_rss_kb = int(peak.read_text())
        peak.unlink()
    except (OSError, ValueError):
        pass
    ctx.commands.append(r)
    return r


def run(ctx, argv, cwd, timeout=None, **kw):
    r = finish(spawn([ctx.binary] + argv, cwd, ctx.mem_bytes, **kw), timeout or ctx.timeout)
    ctx.commands.append(r)
    return r


# =============================================================================================
# Reading results
# =============================================================================================


PROBLEM_CLASSES = [
    ("incomplete result set", "an incomplete result set"),
    ("files from different runs", "result files from different runs side by side"),
    ("differs from the reference", "a result unlike the clean reference"),
    ("missing", "result files missing"),
    ("check.csv differs", "check.csv unlike a clean check"),
    ("is damaged", "a damaged event log"),
    ("not the result of the run that succeeded", "the result of a run that did not succeed"),
    ("not the log of the run that succeeded", "the log of a run that did not succeed"),
    ("does not match", "an event log that does not match the summary"),
    ("left no summary", "success reported but no summary"),
]


def problem_class(problem):
    return next((c for k, c in PROBLEM_CLASSES if k in problem), re.sub(r"\d+", "N", problem)[:80])


def load_json(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def numbers_equal(a, b):
    """JSON values equal, NaN equal to NaN, key order ignored (metrics are named)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(numbers_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(numbers_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def result_of(summary):
    """The part of a summary.json that a correct merge/resume/replay must reproduce exactly."""
    if not isinstance(summary, dict):
        return None
    return {"metrics": summary.get("metrics"), "monthly": summary.get("monthly")}


def first_difference(a, b, path="", depth=0):
    if depth > 12:
        return path
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a)[:10000]:
            if k not in b:
                return "%s.%s only in the result" % (path, k)
            d = first_difference(a[k], b[k], path + "." + k, depth + 1)
            if d:
                return d
        for k in b:
            if k not in a:
                return "%s.%s missing from the result" % (path, k)
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "%s: %d items, reference %d" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i), depth + 1)
            if d:
                return d
        return None
    return None if numbers_equal(a, b) else "%s: %r, reference %r" % (path, _cut(a), _cut(b))


def _cut(v):
    s = repr(v)
    return s if len(s) < 80 else s[:77] + "..."


NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def flat_means(metrics, prefix=""):
    """(dotted name, mean) of every metric, as summary.csv lists them."""
    for k, v in metrics.items():
        if isinstance(v, dict) and "mean" in v:
            yield prefix + k, v["mean"]
        elif isinstance(v, dict):
            yield from flat_means(v, prefix + k + ".")


def _nan_or_none(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def csv_rows(path_or_text, skip_comment=False):
    text = path_or_text if isinstance(path_or_text, str) else Path(path_or_text).read_bytes().decode("utf-8")
    if skip_comment and text.startswith("# "):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def result_set_problem(folder, summary_ref=None):
    """None if summary.json, summary.csv and monthly.csv in `folder` are whole and agree with
    each other (every metric's mean in the CSV equals the JSON's; monthly.csv equals the JSON's
    monthly series), else what is wrong."""
    folder = Path(folder)
    names = ["summary.json", "summary.csv", "monthly.csv"]
    present = [n for n in names if (folder / n).is_file()]
    if not present:
        return None
    if len(present) != len(names):
        return "incomplete result set: only %s" % ", ".join(present)
    s = load_json(folder / "summary.json")
    if not isinstance(s, dict) or not isinstance(s.get("metrics"), dict):
        return "summary.json unreadable"
    try:
        rows = csv_rows(folder / "summary.csv")
        monthly = csv_rows(folder / "monthly.csv")
    except (csv.Error, UnicodeDecodeError, OSError) as e:
        return "CSV unreadable: %s" % e
    means = {}
    for row in rows[1:]:
        if len(row) >= 3:
            means[row[0]] = float(row[2]) if row[2] != "" else None
    jm = dict(flat_means(s["metrics"]))
    if set(means) != set(jm):
        return "summary.csv and summary.json list different metrics (files from different runs)"
    for k, m in means.items():
        a = jm[k]
        if (a is None or m is None) and not (_nan_or_none(a) and _nan_or_none(m)):
            return "summary.csv says %s mean %r, summary.json %r (files from different runs)" % (k, m, a)
        if a is not None and m is not None and not numbers_equal(float(a), m):
            return "summary.csv says %s mean %r, summary.json %r (files from different runs)" % (k, m, a)
    jmon = s.get("monthly")
    if isinstance(jmon, dict) and isinstance(jmon.get("series"), dict):
        want = [(mo, k, v["mean"][i]) for k, v in jmon["series"].items() for i, mo in enumerate(jmon.get("months", []))]
        got = {(row[0], row[1]): (float(row[2]) if row[2] != "" else None) for row in monthly[1:] if len(row) >= 3}
        if len(got) != len(want) or len(monthly) - 1 != len(want):
            return "monthly.csv has %d rows, summary.json's monthly %d (files from different runs)" % (
                len(monthly) - 1, len(want))
        for mo, k, m in want:
            g = got.get((mo, k), "missing")
            if g == "missing" or not ((_nan_or_none(g) and _nan_or_none(m)) or (
                    g is not None and m is not None and numbers_equal(float(m), g))):
                return "monthly.csv says %s %s %r, summary.json %r (files from different runs)" % (mo, k, g, m)
    if summary_ref is not None:
        if not numbers_equal(result_of(s), summary_ref):
            return "summary.json differs from the reference: " + str(first_difference(result_of(s), summary_ref))
    return None


# =============================================================================================
# The fixture: a tiny scenario run once in every form the kinds need
# =============================================================================================


def tiny_scenario_text():
    text = (HERE / "seed-small.json5").read_text()
    text = text.replace("horizonDays: 120, warmupDays: 30, replications: 4, seed: 11",
                        "horizonDays: %d, warmupDays: %d, replications: %d, seed: %d" % (
                            TINY_DAYS, TINY_WARMUP, TINY_REPS, TINY_SEED))
    if "horizonDays: %d" % TINY_DAYS not in text:
        raise SystemExit("fuzz: seed-small.json5 no longer has the line the fixture edits")
    return text


class Fixture:
    """Built once per fuzz run in `root`; cases copy from it and never write into it."""

    def __init__(self, binary, root: Path, mem_bytes, timeout, log=print):
        self.binary, self.root, self.mem_bytes, self.timeout = binary, root, mem_bytes, timeout
        self.commands = []
        root.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        self.make_sparse_files()
        (root / "tiny.json5").write_text(tiny_scenario_text())
        (root / "checked.json5").write_text(
            '{ extends: "tiny.json5", targets: [ { metric: "nelAdmissions", atMost: 100000 },'
            ' { metric: "delayedBedDays", atMost: 100000 }, { metric: "totalCost", atLeast: 1 },'
            ' { metric: "diversions", atMost: 100000, confidence: 0.5 } ] }\n')
        (root / "variant.json5").write_text(
            '{ extends: "tiny.json5", name: "variant", services: { beds: { capacity: 5 } } }\n')
        q = ["--threads", "1", "--quiet"]
        self.must(["run", "tiny.json5", "--out", "ref", "--events", "ref/events.hwlog"] + q)
        self.ref = result_of(load_json(root / "ref/summary.json"))
        self.ref_summary_text = {n: (root / "ref" / n).read_bytes() for n in ("summary.json", "summary.csv", "monthly.csv")}
        self.must(["run", "tiny.json5", "--seed", "12", "--out", "ref12", "--events", "ref12/events.hwlog"] + q)
        self.ref12 = result_of(load_json(root / "ref12/summary.json"))
        self.must(["run", "variant.json5", "--out", "refvar"] + q)
        t = time.monotonic()
        self.must(["run", "tiny.json5", "--out", "timing", "--events", "timing/ev.hwlog"] + q)
        self.run_seconds = time.monotonic() - t
        # Shards: 2 and 3 of them, and shard 0/2 with --daily.
        self.shards = {}
        for n in (2, 3):
            for i in range(n):
                self.must(["run", "tiny.json5", "--shard", "%d/%d" % (i, n), "--out", "shard%d-%d" % (n, i)] + q)
            self.shards[n] = ["shard%d-%d" % (n, i) for i in range(n)]
        self.must(["run", "tiny.json5", "--shard", "0/2", "--daily", "--out", "shard2-0-daily"] + q)
        self.must(["run", "tiny.json5", "--seed", "12", "--shard", "1/2", "--out", "shard2-1-seed12"] + q)
        # Logs: three formats, two seeds, two replications each.
        self.logs = {}
        self.log_ref = {}
        for seed in (11, 12):
            for fmt in ("hwlog", "jsonl", "csv"):
                name = "logs/s%d.%s" % (seed, fmt)
                self.must(["run", "tiny.json5", "--replications", "2", "--seed", str(seed), "--out",
                           "logs/run-%d-%s" % (seed, fmt), "--events", name] + q)
                self.logs[(seed, fmt)] = (root / name).read_bytes()
                r = self.must(["replay", name, "--format", "json"])
                self.log_ref[(seed, fmt)] = result_of(json.loads(r.stdout))
        # A sweep with its points, a check with its folder, an activity file.
        self.must(["sweep", "tiny.json5", "--vary", VARY, "--replications", "2", "--out", "sweep"] + q)
        self.sweep_json = load_json(root / "sweep/sweep.json")
        self.sweep_csv = (root / "sweep/sweep.csv").read_bytes()
        self.must(["check", "checked.json5", "--replications", "2", "--out", "check"] + q, ok=(0, 1))
        folders = [p for p in (root / "check").iterdir() if p.is_dir()]
        if len(folders) != 1:
            raise SystemExit("fuzz: check wrote %d scenario folders, expected 1" % len(folders))
        self.check_folder = folders[0].name
        self.check_ref = result_of(load_json(folders[0] / "summary.json"))
        self.check_csv = (root / "check/check.csv").read_bytes()
        self.must(["events", "activity", "logs/s11.hwlog", "activity.csv"])
        self.activity = (root / "activity.csv").read_bytes()
        # A bigger activity file: the same spells again and again, each copy with its own patients.
        header, *rows = [r for r in self.activity.split(b"\n") if r]
        with open(root / "big/activity-3mb.csv", "wb") as f:
            f.write(header + b"\n")
            k = 0
            while f.tell() < 3_000_000:
                f.write(b"".join(re.sub(rb"^([^,]+)", rb"\1c%d" % k, r) + b"\n" for r in rows))
                k += 1
        self.must(["actuals", "activity.csv", "--population", "tiny.json5", "--out", "act"])
        r = run_measured(self, ["actuals", "activity.csv", "--population", "tiny.json5", "--out", "act"], root)
        self.activity_rss_mb = r.max_rss_kb / 1024
        self.seconds = time.monotonic() - t0
        log("fuzz: fixture built in %.1f s (one tiny run %.2f s) in %s" % (self.seconds, self.run_seconds, root))

    def make_sparse_files(self):
        """Files of 300 MB to 2 GB for the memory kind, made before the 256 MB file-size limit is
        set on this process (cases hard-link them). Sparse: NUL bytes that take no disk."""
        big = self.root / "big"
        big.mkdir(exist_ok=True)
        for name, start, size in [("scenario-2gb.json5", b'{ name: "', 2 << 30),
                                  ("scenario-65mb.json5", b'{ name: "', 65 << 20),
                                  ("line-300mb", b"", 300 << 20), ("line-1gb", b"", 1 << 30)]:
            with open(big / name, "wb") as f:
                f.write(start)
                f.truncate(size)

    def must(self, argv, ok=(0,)):
        r = finish(spawn([self.binary] + argv, self.root, self.mem_bytes), max(self.timeout, 120))
        if r.rc not in ok or r.timed_out:
            raise SystemExit("fuzz: fixture command failed: homeward %s\n%s" % (" ".join(argv), r.stderr[-3000:]))
        return r


class Ctx:
    """What one case needs: the fixture, the binary, its own folder, and a record of commands."""

    def __init__(self, fx: Fixture, case_dir: Path, args):
        self.fx = fx
        self.dir = case_dir
        self.binary = fx.binary
        self.mem_bytes = args.mem_bytes
        # A case's commands take well under a second; ten seconds is a hang.
        self.timeout = min(args.timeout, 10)
        self.seed = getattr(args, "seed", "SEED")
        self.commands = []

    def copy(self, name, dest=None):
        src = self.fx.root / name
        dst = self.dir / (dest or name)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)
        return dst


class Verdict:
    def __init__(self, status, sig, note, detail=""):
        self.status, self.sig, self.note, self.detail = status, sig, note, detail


def judge_crash(ctx, label, allowed=(0, 2, 3)):
    """A Verdict for the first command that crashed or hung, else None."""
    for r in ctx.commands:
        if r.timed_out:
            return Verdict("hang", "%s: hang in %s" % (label, r.argv[1]), "", r.short())
        if r.crashed(allowed):
            what = _crash_what(r)
            cmd = r.argv[1] + (" " + r.argv[2] if r.argv[1] == "events" and len(r.argv) > 2 else "")
            return Verdict("crash", "%s: %s in %s" % (label, what, cmd), "", r.short())
    return None


def _crash_what(r):
    m = re.search(r"Fatal error: ([^\n]{0,80})|Swift runtime failure: ([^\n*]{0,60})", r.stderr)
    if m:
        return re.sub(r"\d+", "N", (m.group(1) or m.group(2)).split(" in homeward at ")[0].strip())
    if r.rc == -signal.SIGXFSZ:
        return "a file grew past %d MB (SIGXFSZ)" % (FILE_LIMIT >> 20)
    if r.rc < 0:
        return "signal %d" % -r.rc
    return "exit %d" % r.rc


def weak_message(r, names):
    """A refusal that does not name the file it is about, or that leaks internals."""
    if any(x in r.stderr for x in LEAKS):
        return "message leaks internals: " + next(l for l in r.stderr.splitlines() if any(x in l for x in LEAKS))[:160]
    if names and not any(n in r.stderr for n in names):
        return "message names none of %s: %s" % (", ".join(names), r.stderr.strip()[:160])
    return None


# =============================================================================================
# Kind: merge (partial.json mutations)
# =============================================================================================


def _mutate_partial(rng, doc, text, shards, fx):
    """Changes one partial result (parsed `doc`, raw `text`). Returns (new bytes or None, name, note)."""
    reps = doc.get("replications") if isinstance(doc, dict) else None
    # A replication's metrics: parallel lists `keys`/`values` and `monthlyKeys`/`monthly`.
    pair = rng.choice([("keys", "values")] * 3 + [("monthlyKeys", "monthly")])
    ok = bool(reps) and all(isinstance(r.get("metrics"), dict) and isinstance(r["metrics"].get(pair[0]), list)
                            and isinstance(r["metrics"].get(pair[1]), list) for r in reps)
    keys = list(reps[0]["metrics"][pair[0]]) if ok else []
    choice = rng.choice(["insert_key", "insert_key", "delete_key", "rename_key", "reorder_keys", "reorder_keys",
                         "change_value", "change_value", "foreign_version", "version", "hash", "seed", "total",
                         "index", "missing_field", "wrong_type", "truncate", "huge_array", "duplicate_key",
                         "flip_byte", "window", "odd_value", "length_mismatch"])
    every = rng.random() < 0.6
    targets = reps if every else [rng.choice(reps)] if reps else []
    where = "%s replication(s)" % ("every" if every else "one")
    if choice == "insert_key" and keys:
        pos = rng.choice([0, 0, rng.randrange(len(keys) + 1), len(keys)])
        name = rng.choice(["aNewMetric", "zzz", keys[0] + "2", "", rng.choice(keys)])
        value = rng.choice([123, 0, -1, 1e300, 0.5]) if pair[0] == "keys" else [rng.choice([123, 0, 7])] * len(
            reps[0]["metrics"][pair[1]][0] if reps[0]["metrics"][pair[1]] else [0])
        for r in targets:
            r["metrics"][pair[0]].insert(pos, name)
            r["metrics"][pair[1]].insert(pos, value)
        return None, choice, "%s %r inserted at position %d in %s" % (pair[0], name, pos, where)
    if choice == "delete_key" and keys:
        i = rng.randrange(len(keys))
        for r in targets:
            del r["metrics"][pair[0]][i]
            del r["metrics"][pair[1]][i]
        return None, choice, "%s %s deleted (with its value) in %s" % (pair[0], keys[i], where)
    if choice == "length_mismatch" and keys:
        i = rng.randrange(len(keys))
        f = rng.choice(pair)
        for r in targets:
            del r["metrics"][f][i]
        return None, choice, "entry %d of %s deleted (the other list left alone) in %s" % (i, f, where)
    if choice == "rename_key" and keys:
        i = rng.randrange(len(keys))
        new = rng.choice([keys[i].upper(), keys[i] + "X", rng.choice(keys)])
        for r in targets:
            r["metrics"][pair[0]][i] = new
        return None, choice, "%s %s renamed %s in %s" % (pair[0], keys[i], new, where)
    if choice == "reorder_keys" and keys:
        for r in reps:
            order = list(range(len(r["metrics"][pair[0]])))
            rng.shuffle(order) if rng.random() < 0.7 else order.reverse()
            for f in pair:
                r["metrics"][f] = [r["metrics"][f][j] for j in order]
        return None, choice, "%s reordered with their values (same names and values)" % pair[0]
    if choice in ("change_value", "foreign_version", "odd_value") and keys:
        r = rng.choice(reps)
        vals = r["metrics"]["values"]
        i = rng.randrange(len(vals))
        v = vals[i]
        if choice == "odd_value":
            new = rng.choice(["Infinity", "-Infinity", "nan", None, "1", True, [], {}, 1e309 if False else 1e308])
        elif isinstance(v, (int, float)):
            new = rng.choice([v + 1, v * 1.000001 if v else 1, -v if v else -1, 0 if v else 7, v * 2 if v else 3])
        else:
            new = 1
        vals[i] = new
        note = "metric %s of replication %s changed %r -> %r" % (r["metrics"]["keys"][i] if i < len(
            r["metrics"]["keys"]) else i, r.get("index"), v, new)
        if choice == "foreign_version":
            doc["homewardVersion"] = rng.choice(["0.0.1", "9.9.9", "0.1.0-dev"])
            note = "written by another version (%s) with other values: %s" % (doc["homewardVersion"], note)
        return None, choice, note
    if choice == "version":
        field = rng.choice(["homewardVersion", "version", "format"])
        doc[field] = rng.choice({"homewardVersion": ["0.0.1", "", "99.0.0", None],
                                 "version": [2, 0, 1.5, "1", None], "format": ["homeward-partial2", "", None]}[field])
        return None, choice, "%s set to %r" % (field, doc[field])
    if choice == "hash":
        h = doc.get("scenarioHash", "")
        doc["scenarioHash"] = rng.choice([h[:-1] + ("0" if h[-1:] != "0" else "1"), "", h.upper()])
        return None, choice, "scenarioHash %s -> %s" % (h, doc["scenarioHash"])
    if choice == "seed":
        doc["seed"] = rng.choice([doc.get("seed", 0) + 1, 0, -1, 2 ** 64, 1.5, 1e300])
        return None, choice, "seed set to %r" % doc["seed"]
    if choice == "total":
        doc["totalReplications"] = rng.choice([0, 1, TINY_REPS + 1, -1, 2 ** 40, 1e300, 1.5])
        return None, choice, "totalReplications set to %r" % doc["totalReplications"]
    if choice == "index" and reps:
        r = rng.choice(reps)
        old = r.get("index")
        r["index"] = rng.choice([0, 1, 2, 3, -1, TINY_REPS, 2 ** 62, 1.5, 1e300, "0", None])
        return None, choice, "a replication's index %r -> %r" % (old, r["index"])
    if choice == "missing_field":
        f = rng.choice(list(doc))
        del doc[f]
        return None, choice, "field %s deleted" % f
    if choice == "wrong_type":
        f = rng.choice(list(doc) + ["metrics"])
        value = rng.choice(["x", [], {}, None, True, 1e308])
        if f == "metrics" and reps:
            rng.choice(reps)["metrics"] = value
        else:
            doc[f] = value
        return None, choice, "%s set to %r" % (f, value)
    if choice == "truncate":
        cut = rng.randrange(len(text))
        return text[:cut], choice, "cut at byte %d of %d" % (cut, len(text))
    if choice == "huge_array" and reps:
        which = rng.choice(["replications", "values", "keys"])
        if which == "replications":
            doc["replications"] = reps * rng.choice([100, 500])
            return None, choice, "replications repeated to %d entries" % len(doc["replications"])
        r = rng.choice(reps)["metrics"]
        if not isinstance(r, dict):
            return None, choice, "(nothing: metrics not an object)"
        if isinstance(r.get("values"), dict):  # version 2: metrics by name
            if which == "values":
                k = rng.choice(list(r["values"]))
                r["values"][k] = [1.0] * 300000
                return None, choice, "metric %s made a list of 300,000 numbers" % k
            r["values"].update(("k%d" % i, 0) for i in range(100000))
            return None, choice, "100,000 extra metrics"
        if which == "values" and isinstance(r.get("values"), list):
            r["values"] = r["values"] + [1.0] * 300000
            return None, choice, "300,000 extra values"
        if isinstance(r.get("keys"), list) and isinstance(r.get("values"), list):
            r["keys"] = r["keys"] + ["k%d" % i for i in range(100000)]
            r["values"] = r["values"] + [0] * 100000
            return None, choice, "100,000 extra metrics"
        return None, choice, "(nothing: unknown metrics layout)"
    if choice == "duplicate_key":
        s = text.decode("utf-8")
        i = s.find('"seed"')
        dup = '"seed" : %s,\n' % rng.choice(["0", "12", "1e300"])
        return (s[:i] + dup + s[i:]).encode(), choice, "the partial's seed written twice (the first one changed)"
    if choice == "flip_byte":
        b = bytearray(text)
        i = rng.randrange(len(b))
        old = b[i]
        b[i] = rng.choice(b"0123456789.,:{}[]\"e-") if rng.random() < 0.7 else rng.randrange(256)
        return bytes(b), choice, "byte %d %r -> %r" % (i, chr(old), chr(b[i]))
    if choice == "window":
        f = rng.choice(["horizonDays", "warmupDays", "start"])
        doc[f] = {"horizonDays": TINY_DAYS + 1, "warmupDays": TINY_WARMUP + 1, "start": "2021-03-02"}[f]
        return None, choice, "%s changed" % f
    return None, "reorder_keys", "(fallback) nothing changed"


def _mutate_partial_v2(rng, doc, reps):
    """Metric-level changes to a version-2 partial result (`metrics.values` and `metrics.monthly`
    are objects keyed by metric name). None when the file is not of that shape."""
    if not reps or not all(isinstance(r.get("metrics"), dict) and isinstance(r["metrics"].get("values"), dict)
                           for r in reps):
        return None
    field = rng.choice(["values"] * 3 + ["monthly"])
    if not all(isinstance(r["metrics"].get(field), dict) and r["metrics"][field] for r in reps):
        field = "values"
    keys = list(reps[0]["metrics"][field])
    choice = rng.choice(["insert_key", "delete_key", "rename_key", "reorder_keys", "reorder_keys", "change_value",
                         "odd_value", "foreign_version", "options", "months"])
    every = rng.random() < 0.6
    targets = reps if every else [rng.choice(reps)]
    where = "%s replication(s)" % ("every" if every else "one")

    def rebuild(r, items):
        r["metrics"][field] = dict(items)

    if choice == "insert_key":
        name = rng.choice(["aNewMetric", "zzz", keys[0] + "2", "", keys[0].upper()])
        sample = reps[0]["metrics"][field][keys[0]]
        value = rng.choice([123, 0, 0.5]) if field == "values" else [7] * len(sample if isinstance(sample, list) else [0])
        for r in targets:
            items = list(r["metrics"][field].items())
            items.insert(rng.randrange(len(items) + 1), (name, value))
            rebuild(r, items)
        return choice, "%s %r inserted in %s" % (field, name, where)
    if choice == "delete_key":
        k = rng.choice(keys)
        for r in targets:
            r["metrics"][field].pop(k, None)
        return choice, "%s %s deleted in %s" % (field, k, where)
    if choice == "rename_key":
        k = rng.choice(keys)
        new = rng.choice([k.upper(), k + "X", rng.choice(keys)])
        for r in targets:
            rebuild(r, [(new if kk == k else kk, v) for kk, v in r["metrics"][field].items()])
        return choice, "%s %s renamed %s in %s" % (field, k, new, where)
    if choice == "reorder_keys":
        for r in reps:
            items = list(r["metrics"][field].items())
            rng.shuffle(items)
            rebuild(r, items)
        return choice, "%s reordered (same names and values)" % field
    if choice in ("change_value", "odd_value", "foreign_version"):
        r = rng.choice(reps)
        k = rng.choice(list(r["metrics"]["values"]))
        v = r["metrics"]["values"][k]
        if choice == "odd_value":
            new = rng.choice(["Infinity", "nan", None, "1", True, [], {}, 1e308])
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            new = rng.choice([v + 1, v * 2 if v else 3, -v if v else -1])
        else:
            new = 1
        r["metrics"]["values"][k] = new
        note = "metric %s of replication %s changed %r -> %r" % (k, r.get("index"), v, new)
        if choice == "foreign_version":
            doc["homewardVersion"] = rng.choice(["0.0.1", "9.9.9", "0.1.0-dev"])
            note = "written by another version (%s) with other values: %s" % (doc["homewardVersion"], note)
        return choice, note
    if choice == "options" and isinstance(doc.get("options"), dict):
        o = doc["options"]
        k = rng.choice(list(o) + ["replicationsOverride"])
        o[k] = rng.choice([True, False, {}, {"services.beds.capacity": 5}, 1, None])
        return choice, "options.%s set to %r" % (k, o[k])
    r = rng.choice(reps)
    months = r["metrics"].get("months")
    if isinstance(months, list):
        r["metrics"]["months"] = months + ["2021-04"] if rng.random() < 0.5 else []
        return "months", "replication %s's months set to %r" % (r.get("index"), r["metrics"]["months"])
    return None


def seal(doc):
    """Recomputes a version-2 file's checksum (SHA-256 of its compact JSON without `checksum`), as
    anyone who read the format's description could: the checksum finds damage, not forgery."""
    content = {k: v for k, v in doc.items() if k != "checksum"}
    text = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
    doc["checksum"] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# Changes that, once the checksum is recomputed, make a file that cannot be told from a real one:
# a different result from them is "undetectable by design", not silent.
FORGEABLE = {"change_value", "odd_value"}


def mutate_partial_file(rng, path: Path, fx):
    """Changes the partial result at `path` in place. Returns (name, note, forged): `forged` when
    the change is a value edit sealed with a recomputed checksum (a forgery, not damage)."""
    raw = path.read_bytes()
    doc = json.loads(raw)
    reps = doc.get("replications") if isinstance(doc, dict) else None
    v2 = "checksum" in doc
    done = _mutate_partial_v2(rng, doc, reps) if v2 and rng.random() < 0.5 else None
    if done:
        new, (name, note) = None, done
    else:
        new, name, note = _mutate_partial(rng, doc, raw, None, fx)
    sealed = v2 and new is None and rng.random() < 0.5
    if sealed:
        seal(doc)
        note += " (checksum recomputed)"
    path.write_bytes(new if new is not None else (json.dumps(doc) + "\n").encode())
    return name, note, sealed and name in FORGEABLE



def k_merge(rng, ctx):
    fx = ctx.fx
    n = rng.choice([2, 2, 3])
    dirs = list(fx.shards[n])
    special = rng.random()
    if n == 2 and special < 0.08:
        dirs[0] = "shard2-0-daily"
        name, note = "daily_mix", "shard 0 run with --daily, shard 1 without"
        data = None
    elif n == 2 and special < 0.12:
        dirs[1] = "shard2-1-seed12"
        name, note = "other_seed_shard", "shard 1 from a run with seed 12"
        data = None
    else:
        data = True
    for d in dirs:
        ctx.copy(d + "/partial.json")
    forged = False
    if data:
        victim = rng.randrange(n)
        name, note, forged = mutate_partial_file(rng, ctx.dir / dirs[victim] / "partial.json", fx)
    order = dirs[:]
    if rng.random() < 0.3:
        rng.shuffle(order)
    r = run(ctx, ["merge"] + order + ["--out", "merged"], ctx.dir)
    v = judge_crash(ctx, "merge %s" % name)
    if v:
        v.note = note
        return v
    if r.rc == 0:
        got = result_of(load_json(ctx.dir / "merged/summary.json"))
        if numbers_equal(got, fx.ref):
            return Verdict("ok", "", note)
        if forged:
            return Verdict("ok", "", note + " (a forgery: undetectable by design)", "undetectable")
        return Verdict("silent", "merge %s: exit 0 with metrics unlike the unsharded run" % name, note,
                       str(first_difference(got, fx.ref)))
    return Verdict("refused", "", note, weak_message(r, dirs) or "")


# =============================================================================================
# Kind: resume (sweep points, check folders)
# =============================================================================================


def k_resume(rng, ctx):
    x = rng.random()
    return (_sweep_grid if x < 0.1 else _resume_sweep if x < 0.55 else _resume_check)(rng, ctx)


GRID_FIELDS = ["services.beds.capacity", "services.reablement.capacity", "horizonDays", "seed",
               "cohorts.adults.crises.perThousandPerYear", "services.acute.capacity"]
GRID_RANGES = ["1..1e19:1", "1..2:1e-20", "0..1e308:1e300", "-1e19..1e19:1e18", "3..4:1", "1..1e6:1", "1..100001:1",
               "2..2:1", "1..4:0.5", "1e15..1e15:1", "9007199254740993..9007199254740995:1", "1..3:1e-300",
               "0..0.1:0.05", "-5..-3:1", "1..1e5:0.001"]


def _sweep_grid(rng, ctx):
    """Grid sizes and bounds: `--vary` ranges that are huge, tiny-stepped or beyond Int."""
    ctx.copy("tiny.json5")
    varies = []
    for _ in range(rng.choice([1, 1, 2])):
        varies += ["--vary", "%s=%s" % (rng.choice(GRID_FIELDS), rng.choice(GRID_RANGES))]
    argv = ["sweep", "tiny.json5"] + varies + ["--replications", "2", "--out", "sw", "--threads", "1", "--quiet"]
    r = run(ctx, argv, ctx.dir)
    note = "sweep " + " ".join(varies)
    v = judge_crash(ctx, "sweep grid")
    if v:
        v.note = note
        return v
    return Verdict("ok" if r.rc == 0 else "refused", "", note, weak_message(r, []) or "")


def _resume_sweep(rng, ctx):
    fx = ctx.fx
    ctx.copy("tiny.json5")
    ctx.copy("sweep")
    points = sorted((ctx.dir / "sweep/points").glob("*.json"))
    p = rng.choice(points)
    rel = str(p.relative_to(ctx.dir))
    forged = False
    what = rng.random()
    if what < 0.1:
        p.unlink()
        name, note = "deleted_point", "%s deleted (must be run again)" % rel
    elif what < 0.18:
        other = rng.choice([q for q in points if q != p])
        shutil.copyfile(other, p)
        name, note = "swapped_point", "%s replaced by %s" % (rel, other.name)
    else:
        name, note, forged = mutate_partial_file(rng, p, fx)
        note = rel + ": " + note
    for f in ("sweep.csv", "sweep.json"):
        if rng.random() < 0.5:
            (ctx.dir / "sweep" / f).unlink()
    r = run(ctx, ["sweep", "tiny.json5", "--vary", VARY, "--replications", "2", "--out", "sweep", "--resume",
                  "--threads", "1", "--quiet"], ctx.dir)
    v = judge_crash(ctx, "sweep --resume %s" % name)
    if v:
        v.note = note
        return v
    if r.rc == 0:
        got = load_json(ctx.dir / "sweep/sweep.json")
        got_csv = (ctx.dir / "sweep/sweep.csv").read_bytes() if (ctx.dir / "sweep/sweep.csv").exists() else b""
        # Rows compared as a set: a point file whose metrics come in another order may list them
        # in that order, which changes no number.
        if numbers_equal(_sweep_points(got), _sweep_points(fx.sweep_json)) and sorted(got_csv.splitlines()) == sorted(
                fx.sweep_csv.splitlines()):
            return Verdict("ok", "", note)
        if forged:
            return Verdict("ok", "", note + " (a forgery: undetectable by design)", "undetectable")
        return Verdict("silent", "sweep --resume %s: exit 0 with results unlike a clean sweep" % name, note,
                       str(first_difference(_sweep_points(got), _sweep_points(fx.sweep_json))))
    return Verdict("refused", "", note, weak_message(r, [p.name]) or "")


def _sweep_points(doc):
    return doc.get("points") if isinstance(doc, dict) else None


def _resume_check(rng, ctx):
    fx = ctx.fx
    ctx.copy("tiny.json5")
    ctx.copy("checked.json5")
    ctx.copy("check")
    folder = ctx.dir / "check" / fx.check_folder
    saved = folder / "replications.json"
    forged = False
    what = rng.random()
    if what < 0.35:
        # Stopped between writing replications.json and the summary files (or summary files from before).
        gone = rng.sample(["summary.json", "summary.csv", "monthly.csv"], rng.randint(1, 3))
        stale = rng.random() < 0.5
        for g in gone:
            if stale:
                shutil.copyfile(fx.root / "refvar" / g, folder / g)
            else:
                (folder / g).unlink()
        name = "stale_summary" if stale else "missing_summary"
        note = "%s %s" % (", ".join(gone), "replaced by an earlier version's" if stale else "deleted")
    else:
        name, note, forged = mutate_partial_file(rng, saved, fx)
        note = "replications.json: " + note
    r = run(ctx, ["check", "checked.json5", "--replications", "2", "--out", "check", "--resume", "--threads", "1",
                  "--quiet"], ctx.dir)
    v = judge_crash(ctx, "check --resume %s" % name, allowed=(0, 1, 2, 3))
    if v:
        v.note = note
        return v
    if r.rc in (0, 1):
        problem = result_set_problem(folder, fx.check_ref)
        if problem is None and not (folder / "summary.json").is_file():
            problem = "the scenario's summary files are missing after the resumed check"
        if problem is None and (ctx.dir / "check/check.csv").read_bytes() != fx.check_csv:
            problem = "check.csv differs from a clean check"
        if problem is None:
            return Verdict("ok", "", note)
        if forged and "differs" in problem:
            return Verdict("ok", "", note + " (a forgery: undetectable by design)", "undetectable")
        return Verdict("silent", "check --resume %s: %s" % (name, problem_class(problem)), note, problem)
    return Verdict("refused", "", note, weak_message(r, ["replications.json", fx.check_folder]) or "")


# =============================================================================================
# Kind: logs (crafted headers, flipped bytes, spliced blocks and lines, changed times)
# =============================================================================================

_CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


@functools.lru_cache(maxsize=64)
def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    t = _CRC_TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283

KIND_NAMES = ["crisis", "notConveyed", "conveyance", "edWait", "diversion", "enter", "leave", "medicallyOptimised",
              "assessmentStart", "assessmentEnd", "delay", "transferWait", "serviceEnd", "careHomeAdmission", "death",
              "followUp91", "capacity", "end"]


class BinLog:
    """A parsed binary log: header text, blocks (rep, count, payload), trailer. Container version 1
    (24-byte block headers) and 2 (32-byte block headers holding the block's number and a file tag,
    the header checksum covering the file id: the first 16 bytes of the SHA-256 of the file header
    before its checksum). Re-encoding recomputes every checksum, as anyone who read the format's
    description could: checksums and the file id find damage and splices, they are not a signature."""

    def __init__(self, data: bytes):
        self.version = struct.unpack_from("<H", data, 8)[0]
        if self.version not in (1, 2):
            raise ValueError("unknown container version %d" % self.version)
        n = struct.unpack_from("<I", data, 12)[0]
        self.prefix = data[:12]
        self.header = data[16:16 + n]
        off = 16 + n + 4
        self.blocks = []  # [rep, count, payload]
        hsize = 24 if self.version == 1 else 32
        while data[off:off + 4] == b"HWBK":
            if self.version == 1:
                rep, count, length = struct.unpack_from("<III", data, off + 4)
            else:
                rep, _number, count, length = struct.unpack_from("<IIII", data, off + 4)
            self.blocks.append([rep, count, data[off + hsize:off + hsize + length]])
            off += hsize + length
        self.trailer = data[off:]

    def _head(self):
        head = self.prefix + struct.pack("<I", len(self.header)) + self.header
        return head + struct.pack("<I", crc32c(head)), hashlib.sha256(head).digest()[:16]

    def encode_header(self, original: bytes):
        """The original file with only its header text replaced (and the header checksum fixed;
        in version 2 the block checksums too, since they cover the file id)."""
        if self.version == 2:
            return self.encode(fix_trailer=False)
        n = struct.unpack_from("<I", original, 12)[0]
        return self._head()[0] + original[16 + n + 4:]

    @staticmethod
    def understood(data: bytes):
        """Whether this file has the layout this harness knows (re-encoding gives it back byte for
        byte); if not, crafted changes fall back to plain damage."""
        try:
            return BinLog(data).encode() == data
        except (struct.error, IndexError, ValueError):
            return False

    def encode(self, fix_trailer=True):
        head, file_id = self._head()
        out = bytearray(head)
        numbers = {}
        for rep, count, payload in self.blocks:
            if self.version == 1:
                h = b"HWBK" + struct.pack("<IIII", rep, count, len(payload), crc32c(payload))
                out += h + struct.pack("<I", crc32c(h)) + payload
            else:
                number = numbers.get(rep, 0)
                numbers[rep] = number + 1
                h = (b"HWBK" + struct.pack("<IIII", rep, number, count, len(payload)) + file_id[:4]
                     + struct.pack("<I", crc32c(payload)))
                out += h + struct.pack("<I", crc32c(file_id + h)) + payload
        if fix_trailer and len(self.trailer) == 32:
            reps = struct.unpack_from("<I", self.trailer, 4)[0]
            events = sum(b[1] for b in self.blocks)
            t = b"HWEN" + struct.pack("<IQQI", reps, events, len(self.blocks), 0)
            out += t + struct.pack("<I", crc32c(t))
        else:
            out += self.trailer
        return bytes(out)

    def block_offset(self, index):
        off = 16 + len(self.header) + 4
        hsize = 24 if self.version == 1 else 32
        for rep, count, payload in self.blocks[:index]:
            off += hsize + len(payload)
        return off, hsize

    def events(self):
        """[(rep, seq, t, kind, patient, detail, cohort, service, reserved)] of every record."""
        ev = []
        for rep, count, payload in self.blocks:
            for i in range(count):
                t, seq, patient, detail, cohort, service, kind = struct.unpack_from("<dQIihhB", payload, i * 32)
                ev.append((rep, seq, t, kind, patient, detail, cohort, service, payload[i * 32 + 29:i * 32 + 32]))
        return ev


def text_log_valid(data: bytes, fmt: str):
    """Whether a text log passes every check that can be made cheaply (the documented ones, and
    time never decreasing within a replication). A log that passes is indistinguishable from a
    real one, so a replay that differs from the reference is 'undetectable', not silent."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lines = text.split("\n")
    if not lines or lines[-1] != "":
        return False  # a last line without its end: reported as cut short (CSV) or fine (JSONL); be lenient
    lines = lines[:-1]
    first = lines[0][2:] if fmt == "csv" and lines[0].startswith("# ") else lines[0]
    try:
        header = json.loads(first)
        ctxh = header["context"]
        services = [s["name"] for s in ctxh["services"]]
        cohorts = [c["name"] for c in ctxh["cohorts"]]
        reps = header["replications"]
        days, warmup = ctxh["days"], ctxh["warmupDays"]
        if header.get("format") != "homeward-events" or header.get("version") != 1:
            return False
        if not (isinstance(days, int) and isinstance(warmup, int) and days >= 1 and warmup >= 0
                and days + warmup <= 36525):
            return False
        if not (isinstance(reps, int) and 1 <= reps <= 1_000_000):
            return False
    except (ValueError, KeyError, TypeError):
        return False
    body = lines[1:]
    if fmt == "csv":
        if not body or body[0].rstrip("\r") != "rep,seq,t,kind,patient,cohort,service,detail":
            return False
        try:
            rows = list(csv.reader(io.StringIO("\n".join(l for l in body[1:] if l.strip()) + "\n", newline=""),
                                   strict=True))
        except csv.Error:
            return False
        events = []
        for row in rows:
            if len(row) != 8:
                return False
            events.append(row)
    else:
        events = []
        for l in body:
            if not l.strip():
                continue
            try:
                o = json.loads(l)
            except ValueError:
                return False
            if not isinstance(o, dict) or list(o) != ["rep", "seq", "t", "kind", "patient", "cohort", "service",
                                                       "detail"]:
                return False
            events.append([o[k] for k in o])
    rep_now, seq_now, t_now, ended = 0, 0, 0.0, False
    for e in events:
        try:
            rep, seq = int(e[0]), int(e[1])
            t = float(e[2])
            kind = e[3]
            if fmt == "csv":
                cohort = e[5] if e[5] != "" else None
                service = e[6] if e[6] != "" else None
                patient = int(e[4]) if e[4] != "" else None
                detail = int(e[7])
            else:
                cohort, service, patient, detail = e[5], e[6], e[4], e[7]
                if not all(isinstance(x, int) and not isinstance(x, bool) for x in (e[0], e[1], detail)):
                    return False
        except (ValueError, TypeError):
            return False
        if kind not in KIND_NAMES or not math.isfinite(t) or t < 0 or not (-2 ** 31 <= detail < 2 ** 31):
            return False
        if (cohort is not None and cohort not in cohorts) or (service is not None and service not in services):
            return False
        if patient is not None and (not isinstance(patient, int) or patient < 0):
            return False
        if ended:
            if rep != rep_now + 1 or seq != 0:
                return False
            rep_now, seq_now, t_now, ended = rep, 0, 0.0, False
        if rep != rep_now or seq != seq_now or t < t_now:
            return False
        seq_now += 1
        t_now = t
        if kind == "end":
            ended = True
    return ended and rep_now == reps - 1


def bin_log_valid(data: bytes):
    """The same for a binary log whose checksums are all right (a crafted one)."""
    try:
        log = BinLog(data)
        header = json.loads(log.header)
        ctxh = header["context"]
        ns, nc = len(ctxh["services"]), len(ctxh["cohorts"])
        reps = header["replications"]
        days, warmup = ctxh["days"], ctxh["warmupDays"]
        if not (isinstance(days, int) and isinstance(warmup, int) and days >= 1 and warmup >= 0
                and days + warmup <= 36525):
            return False
        rep_now, seq_now, t_now, ended = 0, 0, 0.0, False
        for rep, seq, t, kind, patient, detail, cohort, service, reserved in log.events():
            if not (1 <= kind <= 18) or reserved != b"\0\0\0" or not math.isfinite(t) or t < 0:
                return False
            if not (-1 <= cohort < nc) or not (-1 <= service < ns):
                return False
            if ended:
                if rep != rep_now + 1 or seq != 0:
                    return False
                rep_now, seq_now, t_now, ended = rep, 0, 0.0, False
            if rep != rep_now or seq != seq_now or t < t_now:
                return False
            seq_now += 1
            t_now = t
            ended = kind == 18
        return ended and rep_now == reps - 1
    except (ValueError, KeyError, TypeError, struct.error, IndexError):
        return False


HEADER_BAD = {
    # days + warmupDays at most 36,525 (100 years), as for a scenario; the tiny log has 5 warm-up days.
    "days": [100_000_000, 36526, 36525, -1, 0, 1.5, "NaN", 1e300, 2 ** 63],
    "warmupDays": [-1, 100_000_000, 36526, 1.5],
    "replications": [10 ** 9, 2 ** 32, 2 ** 63, -1, 0, 1.5],
    "population": [-1, "NaN"],
    "acute": [-1, 99, 2 ** 40],
}
HEADER_FINE = {"days": [TINY_DAYS - 1, TINY_DAYS + 1, 36525 - TINY_WARMUP], "seed": [0, 2 ** 63], "warmupDays": [0, TINY_WARMUP + 1],
               "population": [0, 1, 1e9, 1e308]}


def _set_header_field(header_text: str, field, value):
    h = json.loads(header_text)
    where = h if field in ("replications", "seed", "version", "scenarioHash") else h["context"]
    where[field] = value
    text = json.dumps(h, separators=(",", ":"))
    # json.dumps writes NaN for float('nan'); a string "NaN" stays a string unless we unquote it.
    return text.replace('"NaN"', "NaN")


def k_logs(rng, ctx):
    fx = ctx.fx
    fmt = rng.choice(["hwlog", "jsonl", "csv"])
    data = fx.logs[(11, fmt)]
    other = fx.logs[(12, fmt)]
    ref = fx.log_ref[(11, fmt)]
    mutated, name, note, must_detect = _mutate_log(rng, fmt, data, other)
    log = "log." + fmt
    (ctx.dir / log).write_bytes(mutated)
    rp = run(ctx, ["replay", log, "--format", "json"], ctx.dir)
    info = run(ctx, ["events", "info", log], ctx.dir)
    label = "logs %s %s" % (fmt, name)
    v = judge_crash(ctx, label)
    if v:
        v.note = note
        return v
    if (rp.rc == 0) != (info.rc == 0):
        return Verdict("silent", "%s: replay exit %d but events info exit %d" % (label, rp.rc, info.rc), note,
                       (rp.stderr or info.stderr).strip()[:300])
    salvage_weak = ""
    if rp.rc == 2 and rng.random() < 0.3:
        sv = run(ctx, ["replay", log, "--salvage", "--format", "json"], ctx.dir)
        v = judge_crash(ctx, label + " --salvage")
        if v:
            v.note = note
            return v
        salvage_weak = _salvage_message_problem(sv.stderr)
    if rp.rc == 0:
        try:
            got = result_of(json.loads(rp.stdout))
        except ValueError:
            return Verdict("silent", "%s: replay exit 0 without a summary on stdout" % label, note)
        if numbers_equal(got, ref):
            return Verdict("ok", "", note)
        if must_detect is None:
            must_detect = not (text_log_valid(mutated, fmt) if fmt != "hwlog" else bin_log_valid(mutated))
        if not must_detect:
            return Verdict("ok", "", note + " (valid-looking log: undetectable by design)", "undetectable")
        return Verdict("silent", "%s: accepted, metrics unlike the original log's" % label, note,
                       str(first_difference(got, ref)))
    return Verdict("refused", "", note, weak_message(rp, [log]) or salvage_weak)


def _salvage_message_problem(stderr):
    """The salvage warning's counts must make sense ("lost replications 2 to 1 (0 of 2)" does not)."""
    for m in re.finditer(r"(kept|lost) replications (\d+) to (\d+) \((\d+) of (\d+)\)", stderr):
        a, b, n, total = (int(x) for x in m.groups()[1:])
        if b < a or n != b - a + 1 or n <= 0 or n > total:
            return "--salvage says %r" % m.group(0)
    return ""


def _mutate_log(rng, fmt, data, other):
    """-> (bytes, mutation name, note, must_detect: True, False or None = decide by the validator)."""
    choice = rng.choice(["header_bad", "header_bad", "header_fine", "flip", "flip", "splice", "splice", "time_digit",
                         "time_digit", "truncate", "dup_lines"])
    if fmt == "hwlog":
        log = BinLog(data)
        if not BinLog.understood(data) and choice in ("splice", "time_digit", "dup_lines"):
            choice = "flip"
        if choice in ("header_bad", "header_fine"):
            table = HEADER_BAD if choice == "header_bad" else HEADER_FINE
            field = rng.choice(list(table))
            value = rng.choice(table[field])
            if value == "NaN":
                value = float("nan")
            log.header = _set_header_field(log.header.decode(), field, value).encode()
            return log.encode_header(data), choice, "binary header %s = %r (checksums recomputed)" % (field, value), (
                True if choice == "header_bad" else False)
        if choice == "flip":
            b = bytearray(data)
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
            return bytes(b), choice, "bit flipped at byte %d" % i, True
        if choice == "splice":
            olog = BinLog(other)
            same = [i for i in range(min(len(log.blocks), len(olog.blocks))) if log.blocks[i][0] == olog.blocks[i][0]]
            i = rng.choice(same)
            crafted = rng.random() < 0.7
            if crafted:
                log.blocks[i] = list(olog.blocks[i])
                # Version 1 cannot tell; version 2 binds blocks to their file, but a splicer who
                # recomputes the checksums with this file's id makes a log no reader can tell from
                # a real one (judged by the cheap checks, like a text log).
                return log.encode(fix_trailer=True), choice, \
                    "block %d replaced by the same block of a log of seed 12 (checksums and trailer recomputed)" % i, (
                        True if log.version == 1 else None)
            # A raw splice: the other log's bytes for that block (its own checksums), the trailer left alone.
            boff, hsize = log.block_offset(i)
            oboff, _ = olog.block_offset(i)
            end = boff + hsize + len(log.blocks[i][2])
            oend = oboff + hsize + len(olog.blocks[i][2])
            return data[:boff] + other[oboff:oend] + data[end:], choice, \
                "block %d spliced from the seed-12 log as it is there" % i, True
        if choice == "time_digit":
            bi = rng.randrange(len(log.blocks))
            rep, count, payload = log.blocks[bi]
            k = rng.randrange(count)
            t = struct.unpack_from("<d", payload, k * 32)[0]
            nt = _change_digit(rng, repr(t))
            p = bytearray(payload)
            struct.pack_into("<d", p, k * 32, float(nt))
            crafted = rng.random() < 0.5
            log.blocks[bi][2] = bytes(p)
            if crafted:
                return log.encode(), choice, "time %r -> %s in block %d, checksums recomputed" % (t, nt, bi), None
            b = bytearray(data)
            # rewrite only the payload bytes: the stored checksum no longer matches
            boff, hsize = BinLog(data).block_offset(bi)
            off = boff + hsize + k * 32
            b[off:off + 8] = struct.pack("<d", float(nt))
            return bytes(b), choice, "time %r -> %s in block %d (checksum not fixed)" % (t, nt, bi), True
        if choice == "truncate":
            cut = rng.randrange(len(data))
            return data[:cut], choice, "cut at byte %d of %d" % (cut, len(data)), True
        # dup_lines: repeat a block
        i = rng.randrange(len(log.blocks))
        log.blocks.insert(i, list(log.blocks[i]))
        return log.encode(fix_trailer=rng.random() < 0.5), "dup_block", "block %d repeated" % i, True
    text_lines = data.split(b"\n")
    other_lines = other.split(b"\n")
    body0 = 2 if fmt == "csv" else 1
    if choice in ("header_bad", "header_fine"):
        table = HEADER_BAD if choice == "header_bad" else HEADER_FINE
        field = rng.choice(list(table))
        value = rng.choice(table[field])
        if value == "NaN":
            value = float("nan")
        head = text_lines[0].decode()
        prefix = "# " if fmt == "csv" else ""
        text_lines[0] = (prefix + _set_header_field(head[len(prefix):], field, value)).encode()
        return b"\n".join(text_lines), choice, "header %s = %r" % (field, value), (
            True if choice == "header_bad" else False)
    if choice == "flip":
        b = bytearray(data)
        i = rng.randrange(len(b))
        b[i] = rng.choice(b"0123456789") if rng.random() < 0.5 else b[i] ^ (1 << rng.randrange(8))
        return bytes(b), choice, "byte %d changed" % i, None
    if choice == "splice":
        how = rng.choice(["line", "range", "replication"])
        n = min(len(text_lines), len(other_lines)) - 1
        if how == "line":
            i = rng.randrange(body0, n)
            text_lines[i] = other_lines[i]
            return b"\n".join(text_lines), "splice_line", "line %d replaced by line %d of the seed-12 log" % (i + 1, i + 1), None
        if how == "range":
            i = rng.randrange(body0, n)
            j = min(n, i + rng.randint(2, 200))
            text_lines[i:j] = other_lines[i:j]
            return b"\n".join(text_lines), "splice_lines", "lines %d-%d from the seed-12 log" % (i + 1, j), None
        # the whole replication 1 of the other log
        mine = [k for k, l in enumerate(text_lines) if _rep_of(l, fmt) == 1]
        theirs = [k for k, l in enumerate(other_lines) if _rep_of(l, fmt) == 1]
        if mine and theirs:
            text_lines[mine[0]:mine[-1] + 1] = other_lines[theirs[0]:theirs[-1] + 1]
        return b"\n".join(text_lines), "splice_replication", "replication 1 taken from the seed-12 log", None
    if choice == "time_digit":
        for _ in range(50):
            i = rng.randrange(body0, len(text_lines) - 1)
            line = text_lines[i].decode()
            m = (re.match(r"^(\d+,\d+,)([^,]+)(,.*)$", line) if fmt == "csv"
                 else re.match(r'^(.*"t":)([^,]+)(,.*)$', line))
            if m:
                nt = _change_digit(rng, m.group(2))
                text_lines[i] = (m.group(1) + nt + m.group(3)).encode()
                return b"\n".join(text_lines), choice, "line %d: time %s -> %s" % (i + 1, m.group(2), nt), None
        return data, choice, "no time found", None
    if choice == "truncate":
        cut = rng.randrange(len(data))
        return data[:cut], choice, "cut at byte %d of %d" % (cut, len(data)), None
    i = rng.randrange(body0, len(text_lines) - 1)
    j = min(len(text_lines) - 1, i + rng.randint(1, 5))
    if rng.random() < 0.5:
        text_lines[i:i] = text_lines[i:j]
        return b"\n".join(text_lines), "dup_lines", "lines %d-%d repeated" % (i + 1, j), None
    del text_lines[i:j]
    return b"\n".join(text_lines), "delete_lines", "lines %d-%d deleted" % (i + 1, j), None


def _rep_of(line: bytes, fmt):
    m = re.match(rb'^(\d+),' if fmt == "csv" else rb'^\{"rep":(\d+),', line)
    return int(m.group(1)) if m else None


def _change_digit(rng, s):
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    if not digits:
        return s
    i = rng.choice(digits)
    c = rng.choice([d for d in "0123456789" if d != s[i]])
    return s[:i] + c + s[i + 1:]


# =============================================================================================
# Kind: paths (outputs pointed at things that must not be replaced or destroyed)
# =============================================================================================

# (name, argv template, what T is: "file" or "dir", the files the command reads)
_RUN = ["--replications", "2", "--threads", "1", "--quiet"]
_TINY, _VARIANT = ["tiny.json5"], ["variant.json5", "tiny.json5"]
PATH_COMMANDS = [
    ("run --out", ["run", "tiny.json5"] + _RUN + ["--out", "T"], "dir", _TINY),
    ("run --events", ["run", "tiny.json5"] + _RUN + ["--out", "out", "--events", "T"], "file", _TINY),
    ("run --events (variant)", ["run", "variant.json5"] + _RUN + ["--out", "out", "--events", "T"], "file", _VARIANT),
    ("run --html", ["run", "variant.json5"] + _RUN + ["--out", "out", "--html", "T"], "file", _VARIANT),
    ("check --junit", ["check", "variant.json5"] + _RUN + ["--out", "out", "--junit", "T"], "file", _VARIANT),
    ("events convert", ["events", "convert", "log.hwlog", "T"], "file", ["log.hwlog"]),
    ("events convert --to jsonl", ["events", "convert", "log.hwlog", "T", "--to", "jsonl"], "file", ["log.hwlog"]),
    ("events activity", ["events", "activity", "log.hwlog", "T"], "file", ["log.hwlog"]),
    ("calibrate --out", ["calibrate", "activity.csv", "--population", "variant.json5", "--out", "T"], "file",
     ["activity.csv"] + _VARIANT),
    ("replay --out", ["replay", "log.hwlog", "--out", "T"], "dir", ["log.hwlog"]),
]
INPUTS = ["tiny.json5", "variant.json5", "log.hwlog", "activity.csv"]
PATH_TARGETS = ["symlink_outside", "symlink_input", "fifo_reader", "fifo_noreader", "devnode", "directory",
                "file_sub", "input", "input", "tmp_symlinks", "hardlink_input"]


def _node(p: Path):
    """(type, bytes or link target) of a path, for before/after comparison."""
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return ("absent", None)
    if stat.S_ISLNK(st.st_mode):
        return ("symlink", os.readlink(p))
    if stat.S_ISFIFO(st.st_mode):
        return ("fifo", None)
    if stat.S_ISCHR(st.st_mode):
        return ("chardev", st.st_rdev)
    if stat.S_ISDIR(st.st_mode):
        return ("dir", tuple(sorted(os.listdir(p))))
    return ("file", Path(p).read_bytes())


def k_paths(rng, ctx):
    for f in ("tiny.json5", "variant.json5"):
        ctx.copy(f)
    (ctx.dir / "log.hwlog").write_bytes(ctx.fx.logs[(11, "hwlog")])
    ctx.copy("activity.csv")
    (ctx.dir / "outside").mkdir()
    victim = ctx.dir / "outside/victim.txt"
    victim.write_bytes(b"precious data outside the output folder\n")
    (ctx.dir / "out").mkdir()
    cname, template, tkind, inputs = rng.choice(PATH_COMMANDS)
    target = rng.choice(PATH_TARGETS)
    watch = [victim] + [ctx.dir / i for i in INPUTS]
    reader = None
    T = "out/target"
    tp = ctx.dir / T
    if target == "symlink_outside":
        os.symlink("../outside/victim.txt", tp)
    elif target == "symlink_input":
        os.symlink("../" + rng.choice(inputs), tp)
    elif target in ("fifo_reader", "fifo_noreader"):
        os.mkfifo(tp)
        if target == "fifo_reader":
            reader = _FifoReader(tp)
    elif target == "devnode":
        try:
            os.mknod(tp, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private null device
        except (PermissionError, OSError):
            target = "directory"
    if target == "directory":
        tp.mkdir()
        (tp / "keep.txt").write_text("keep me\n")
        watch.append(tp / "keep.txt")
    elif target == "file_sub":
        tp.write_text("a plain file\n")
        T = "out/target/sub"
    elif target == "input":
        T = rng.choice(inputs)  # the scenario, its extends base, the activity file or the log
        tp = ctx.dir / T
    elif target == "hardlink_input":
        os.link(ctx.dir / rng.choice(inputs), tp)
    elif target == "tmp_symlinks":
        # Predictable temporary names planted as symlinks to the victim.
        base = "target"
        folder = tp if tkind == "dir" else tp.parent
        folder.mkdir(exist_ok=True)
        names = ([".summary.json.tmp", ".summary.csv.tmp", ".monthly.csv.tmp", ".daily.csv.tmp", "summary.json.tmp"]
                 if tkind == "dir" else
                 [base + ".tmp", "." + base + ".tmp", base + ".part0.tmp", base + ".part1.tmp", base + ".tmp.tmp"])
        for n in names:
            os.symlink(os.path.relpath(victim, folder), folder / n)
    watch.append(ctx.dir / "out/target")
    before = {str(p): _node(p) for p in watch}
    argv = [T if a == "T" else a for a in template]
    timeout = min(ctx.timeout, 10) if target == "fifo_noreader" else ctx.timeout
    r = run(ctx, argv, ctx.dir, timeout=timeout)
    if reader:
        reader.stop()
    note = "%s with T = %s (%s)" % (cname, T, target)
    v = judge_crash(ctx, "paths %s -> %s" % (cname, target), allowed=(0, 1, 2, 3))
    if v:
        v.note = note
        return v
    damage = []
    for p in watch:
        after = _node(p)
        b = before[str(p)]
        if b != after:
            if p == ctx.dir / "out/target" and b[0] in ("absent",):
                continue
            if p == ctx.dir / "out/target" and b[0] == "dir":
                continue  # --out into a directory adds files; its keep.txt is watched separately
            if p == ctx.dir / "out/target" and b[0] == "file" and target == "hardlink_input" and after[0] == "file":
                # a hard link to an input: the input itself is watched
                continue
            damage.append("%s: %s -> %s" % (p.relative_to(ctx.dir), b[0], after[0] if after[0] != b[0] else "modified"))
    if damage:
        return Verdict("silent", "paths %s -> %s: %s" % (cname, target, re.sub(r"\S+: ", "", damage[0], 1)[:80]),
                       note, "; ".join(damage) + " (exit %d)" % r.rc)
    if r.rc == 0:
        return Verdict("ok", "", note)
    return Verdict("refused", "", note, weak_message(r, []) or "")


class _FifoReader:
    """Drains a FIFO while a command may write to it. Opened without blocking, so that it never
    waits for a writer that does not come (or for a FIFO the command replaced)."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.done = threading.Event()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        import select
        while not self.done.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.01)
            if ready:
                try:
                    if not os.read(self.fd, 65536):
                        time.sleep(0.002)  # no writer (yet): end of file
                except BlockingIOError:
                    pass
                except OSError:
                    return

    def stop(self):
        self.done.set()
        self.t.join(2)
        os.close(self.fd)


# =============================================================================================
# Kind: interrupt
# =============================================================================================


def k_interrupt(rng, ctx):
    fx = ctx.fx
    ctx.copy("tiny.json5")
    old = rng.random() < 0.6
    with_events = rng.random() < 0.6
    if old:
        ctx.copy("ref12", "out")  # the complete old result set (seed 12), with its log
        (ctx.dir / "out/events.hwlog").unlink()
        if with_events:
            shutil.copyfile(fx.root / "ref12/events.hwlog", ctx.dir / "out/events.hwlog")
    old_log = (ctx.dir / "out/events.hwlog").read_bytes() if (ctx.dir / "out/events.hwlog").exists() else None
    argv = ["run", "tiny.json5", "--threads", rng.choice(["1", "2"]), "--quiet", "--out", "out"]
    if with_events:
        argv += ["--events", "out/events.hwlog"]
    sig = rng.choice([signal.SIGINT, signal.SIGTERM])
    delay = rng.uniform(0, fx.run_seconds * 1.2)
    proc = spawn([ctx.binary] + argv, ctx.dir, ctx.mem_bytes)
    time.sleep(delay)
    try:
        os.kill(proc.pid, sig)
    except ProcessLookupError:
        pass
    r = finish(proc, ctx.timeout)
    ctx.commands.append(r)
    note = "%s after %.3f s (a run takes about %.3f s), %s old results, %s" % (
        signal.Signals(sig).name, delay, fx.run_seconds, "over" if old else "no", "with --events" if with_events else "no log")
    v = judge_crash(ctx, "interrupt %s" % signal.Signals(sig).name, allowed=(0, 130, 143, -2, -15))
    if v:
        v.note = note
        return v
    # Temporary files and folders, and parts of logs (a lock file may stay: it holds nothing).
    problems = []
    left = [str(p.relative_to(ctx.dir)) for p in ctx.dir.rglob("*")
            if "tmp" in p.name.lower() or ".part" in p.name or "partial" in p.name]
    if left:
        problems.append("temporary or part files left behind: " + ", ".join(left[:8]))
    out = ctx.dir / "out"
    s = load_json(out / "summary.json")
    problem = result_set_problem(out)
    if problem is None and s is not None:
        got = result_of(s)
        if not (numbers_equal(got, fx.ref) or (old and numbers_equal(got, fx.ref12))):
            problem = "summary.json is neither the old nor the new result"
        elif old and not numbers_equal(got, fx.ref12) and _bytes(out, "summary.csv") != fx.ref_summary_text["summary.csv"]:
            problem = "summary.json is new but summary.csv is not (files from different runs)"
        elif old and numbers_equal(got, fx.ref12) and _bytes(out, "summary.csv") != (fx.root / "ref12/summary.csv").read_bytes():
            problem = "summary.json is old but summary.csv is not (files from different runs)"
    if problem is None and r.rc == 0 and s is None:
        problem = "exit 0 but no summary.json (result files missing)"
    if problem:
        problems.append(problem)
    if with_events:
        log = out / "events.hwlog"
        if log.exists() and log.read_bytes() != old_log:
            rp = run(ctx, ["replay", "out/events.hwlog", "--format", "json"], ctx.dir)
            if rp.rc != 0 or not numbers_equal(result_of(json.loads(rp.stdout)), fx.ref):
                problems.append("events.hwlog is neither the old log nor the complete new one (%s)" % rp.short())
        elif r.rc == 0 and not log.exists():
            problems.append("exit 0 but no event log")
    if problems:
        classes = sorted(set("temporary or part files left behind" if p.startswith("temporary") else
                             "an event log neither old nor new" if p.startswith("events.hwlog") else
                             problem_class(p) for p in problems))
        return Verdict("silent", "interrupt: " + "; ".join(classes), note, "; ".join(problems))
    return Verdict("ok" if r.rc == 0 else "refused", "", note)


def _bytes(folder, name):
    p = folder / name
    return p.read_bytes() if p.exists() else None


# =============================================================================================
# Kind: concurrent
# =============================================================================================


def k_concurrent(rng, ctx):
    fx = ctx.fx
    ctx.copy("tiny.json5")
    with_events = rng.random() < 0.6
    shared_out = rng.random() < 0.7
    argvs = []
    for i, seed in enumerate(("11", "12")):
        out = "out" if shared_out else "out%d" % i
        a = ["run", "tiny.json5", "--seed", seed, "--threads", "1", "--quiet", "--out", out]
        if with_events:
            a += ["--events", "events.hwlog"]
        argvs.append(a)
    stagger = rng.uniform(0, fx.run_seconds * 0.25)
    p0 = spawn([ctx.binary] + argvs[0], ctx.dir, ctx.mem_bytes)
    time.sleep(stagger)
    p1 = spawn([ctx.binary] + argvs[1], ctx.dir, ctx.mem_bytes)
    r0, r1 = finish(p0, ctx.timeout), finish(p1, ctx.timeout)
    ctx.commands += [r0, r1]
    note = "two runs (seeds 11 and 12, %.3f s apart) on %s%s" % (
        stagger, "the same --out" if shared_out else "different --out", " and the same --events" if with_events else "")
    v = judge_crash(ctx, "concurrent")
    if v:
        v.note = note
        return v
    refs = {"11": fx.ref, "12": fx.ref12}
    ok = [(r, a) for r, a in ((r0, argvs[0]), (r1, argvs[1])) if r.rc == 0]
    problems = []
    folders = {"out"} if shared_out else {"out0", "out1"}
    for folder in folders:
        d = ctx.dir / folder
        p = result_set_problem(d)
        if p:
            problems.append("%s: %s" % (folder, p))
            continue
        s = load_json(d / "summary.json")
        if s is None:
            if any(a[a.index("--out") + 1] == folder for r, a in ok):
                problems.append("%s: a run reported success but left no summary" % folder)
            continue
        got = result_of(s)
        writers = [a[a.index("--seed") + 1] for r, a in ok if a[a.index("--out") + 1] == folder]
        if writers and not any(numbers_equal(got, refs[w]) for w in writers):
            problems.append("%s: summary.json is not the result of the run that succeeded" % folder)
    if with_events and ok:
        log = ctx.dir / "events.hwlog"
        if not log.exists():
            problems.append("events.hwlog missing though a run succeeded")
        else:
            rp = run(ctx, ["replay", "events.hwlog", "--format", "json"], ctx.dir)
            if rp.rc != 0:
                problems.append("events.hwlog is damaged: " + rp.short())
            else:
                got = result_of(json.loads(rp.stdout))
                if not any(numbers_equal(got, refs[a[a.index("--seed") + 1]]) for r, a in ok):
                    problems.append("events.hwlog is not the log of the run that succeeded")
                elif shared_out and load_json(ctx.dir / "out/summary.json") is not None and not numbers_equal(
                        got, result_of(load_json(ctx.dir / "out/summary.json"))):
                    problems.append("events.hwlog does not match out/summary.json")
    if problems and ok:
        return Verdict("silent", "concurrent: %d of 2 succeeded: %s" % (len(ok), problem_class(problems[0])), note,
                       "; ".join(problems))
    if len(ok) == 2:
        return Verdict("ok", "", note)
    return Verdict("refused", "", note, weak_message(r1 if r1.rc else r0, []) or "")


# =============================================================================================
# Kind: stdout (full or closed)
# =============================================================================================

STDOUT_COMMANDS = [
    ["validate", "tiny.json5"],
    ["run", "tiny.json5", "--replications", "2", "--threads", "1", "--quiet", "--out", "out"],
    ["run", "tiny.json5", "--replications", "2", "--threads", "1", "--quiet", "--out", "out", "--format", "json"],
    ["run", "tiny.json5", "--replications", "2", "--threads", "1", "--quiet", "--out", "out", "--format", "csv"],
    ["replay", "log.hwlog", "--format", "csv"],
    ["replay", "log.hwlog"],
    ["events", "info", "log.hwlog"],
    ["merge", "s0", "s1", "--out", "merged"],
    ["help", "run"],
    ["calibrate", "activity.csv", "--population", "tiny.json5"],
    ["trace", "log.hwlog", "--patient", "3"],
]


def k_stdout(rng, ctx):
    fx = ctx.fx
    ctx.copy("tiny.json5")
    ctx.copy("activity.csv")
    (ctx.dir / "log.hwlog").write_bytes(fx.logs[(11, "hwlog")])
    ctx.copy(fx.shards[2][0] + "/partial.json", "s0/partial.json")
    ctx.copy(fx.shards[2][1] + "/partial.json", "s1/partial.json")
    argv = rng.choice(STDOUT_COMMANDS)
    how = rng.choice(["dev_full", "closed_pipe", "closed_pipe_sigpipe_ignored", "closed_fd"])
    before = {i: (ctx.dir / i).read_bytes() for i in ("tiny.json5", "activity.csv", "log.hwlog")}
    if how == "dev_full":
        with open("/dev/full", "wb") as full:
            r = finish(spawn([ctx.binary] + argv, ctx.dir, ctx.mem_bytes, stdout=full), ctx.timeout)
    elif how.startswith("closed_pipe"):
        # A reader that has gone away (`homeward ... | head -0`). With SIGPIPE at its default the
        # program must ignore it itself; a parent may also hand it over ignored.
        rd, wr = os.pipe()
        os.close(rd)
        try:
            r = finish(spawn([ctx.binary] + argv, ctx.dir, ctx.mem_bytes, stdout=wr,
                             restore_signals=how == "closed_pipe"), ctx.timeout)
        finally:
            os.close(wr)
    else:
        r = finish(spawn([ctx.binary] + argv, ctx.dir, ctx.mem_bytes, stdout=subprocess.DEVNULL, close_stdout=True),
                   ctx.timeout)
    ctx.commands.append(r)
    note = "homeward %s with stdout %s" % (" ".join(argv), how)
    label = "stdout %s" % how
    if r.timed_out:
        return Verdict("hang", label + ": hang", note, r.short())
    if r.rc < 0 or any(m in r.stderr for m in CRASH_MARKERS) or r.rc not in (0, 1, 2, 3):
        return Verdict("crash", "%s: %s" % (label, _crash_what(r)), note, r.short())
    changed = [i for i, b in before.items() if (ctx.dir / i).read_bytes() != b]
    if changed:
        return Verdict("silent", label + ": an input was written to", note, ", ".join(changed))
    if r.rc == 3:
        return Verdict("refused", "", note)
    if r.rc == 0:
        return Verdict("silent", label + ": exit 0 though its output was lost", note, r.short())
    return Verdict("silent", label + ": exit %d instead of 3" % r.rc, note, r.short())


# =============================================================================================
# Kind: csv (names that break CSV or become formulas)
# =============================================================================================

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_PARTS = ["=1+1", "=HYPERLINK(\"http://x\";\"y\")", "+1", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0", "\tx", "\rx",
              "a\rb", "a\r\nb", "a\nb", "a,b", "a\"b", "\"q\"", "a;b", " a", "a ", "'x", "-", "=", "x"]


def _evil_name(rng, used):
    for _ in range(20):
        name = rng.choice(["=", "+", "-", "@", "\t", "\r", ""]) + "".join(
            rng.choice(NAME_PARTS) for _ in range(rng.randint(1, 3)))
        if name and name not in used:
            used.add(name)
            return name
    n = "=n%d" % len(used)
    used.add(n)
    return n


def _js(s):
    return json.dumps(s)


def k_csv(rng, ctx):
    fx = ctx.fx
    used = set()
    names = {
        "scenario": _evil_name(rng, used), "beds": _evil_name(rng, used), "homeCare": _evil_name(rng, used),
        "older": _evil_name(rng, used), "2": _evil_name(rng, used),
    }
    text = tiny_scenario_text()
    text = text.replace('name: "small"', "name: " + _js(names["scenario"]))
    text = text.replace("beds: { kind:", _js(names["beds"]) + ": { kind:").replace(
        'service: "beds"', "service: " + _js(names["beds"]))
    text = text.replace("homeCare: { kind:", _js(names["homeCare"]) + ": { kind:").replace(
        'service: "homeCare"', "service: " + _js(names["homeCare"]))
    text = text.replace("older: { band:", _js(names["older"]) + ": { band:").replace(
        "{ older: 0.3", "{ %s: 0.3" % _js(names["older"]))
    text = text.replace('"2": 0.2', _js(names["2"]) + ": 0.2").replace('"2": { service', _js(names["2"]) + ": { service")
    names["target"] = _evil_name(rng, used)
    text = text.replace("seed: %d," % TINY_SEED, "seed: %d, targets: [ { name: %s, metric: \"nelAdmissions\", atMost: 100000 } ],"
                        % (TINY_SEED, _js(names["target"])), 1)
    (ctx.dir / "evil.json5").write_text(text)
    (ctx.dir / "evil2.json5").write_text('{ extends: "evil.json5", name: %s, services: { acute: { capacity: 38 } } }\n'
                                         % _js(names["scenario"] + "2"))
    note = "names " + ", ".join("%s -> %r" % kv for kv in names.items())
    q = ["--replications", "2", "--threads", "1", "--quiet"]
    v0 = run(ctx, ["validate", "evil.json5"], ctx.dir)
    if v0.rc == 2:
        v = judge_crash(ctx, "csv validate")
        return v or Verdict("refused", "", note, weak_message(v0, ["evil.json5"]) or "")
    steps = [
        ["run", "evil.json5", "--out", "out", "--events", "out/events.csv"] + q,
        ["events", "activity", "out/events.csv", "activity.csv"],
        ["check", "evil.json5", "--out", "ck"] + q,
        ["compare", "evil.json5", "evil2.json5", "--out", "cmp"] + q,
        ["actuals", "activity.csv", "--population", "evil.json5", "--out", "act"],
        ["replay", "out/events.csv", "--format", "json"],
    ]
    results = []
    for s in steps:
        results.append(run(ctx, s, ctx.dir))
        if results[-1].rc not in (0, 1) or results[-1].timed_out:
            break
    v = judge_crash(ctx, "csv", allowed=(0, 1, 2, 3))
    if v:
        v.note = note
        return v
    problems = []  # (class, detail)
    failed = [r for r in results if r.rc not in (0, 1)]
    if failed:
        f = failed[0]
        what = " ".join(f.argv[1:3])
        if f.argv[1] in ("actuals", "replay", "events"):
            problems.append(("%s cannot read what homeward wrote" % f.argv[1], "%s: %s" % (what, f.short()[:300])))
        else:
            return Verdict("refused", "", note, f.short())
    for p in sorted(ctx.dir.rglob("*.csv")):
        rel = str(p.relative_to(ctx.dir))
        base = p.name
        try:
            rows = csv_rows(p, skip_comment=base == "events.csv")
        except (csv.Error, UnicodeDecodeError) as e:
            problems.append(("%s does not parse" % base, "%s: %s" % (rel, e)))
            continue
        if not rows:
            continue
        width = len(rows[0])
        for i, row in enumerate(rows):
            if len(row) != width:
                problems.append(("a name splits rows of %s" % base,
                                 "%s: row %d has %d cells, the header %d" % (rel, i + 1, len(row), width)))
                break
        for i, row in enumerate(rows):
            bad = [c for c in row if c[:1] in FORMULA_STARTS and not NUMBER.match(c.strip())]
            if bad:
                problems.append(("formula cells in %s" % base, "%s: row %d: cell %r" % (rel, i + 1, bad[0][:60])))
                break
    if len(results) == len(steps) and results[-1].rc == 0 and results[0].rc == 0:
        got = result_of(json.loads(results[-1].stdout))
        ran = result_of(load_json(ctx.dir / "out/summary.json"))
        if not numbers_equal(got, ran):
            problems.append(("replay of the CSV log differs from the run", str(first_difference(got, ran))))
    if problems:
        classes = sorted(set(c for c, _ in problems))
        return Verdict("silent", "csv: " + "; ".join(classes), note, "; ".join(d for _, d in problems[:8]))
    return Verdict("ok", "", note)


# =============================================================================================
# Kind: memory (inputs far beyond the documented limits must be refused in bounded memory)
# =============================================================================================

MEMORY_LIMIT_MB = 100


def _append_sparse(path, src):
    """Extends `path` by the size of `src` with NUL bytes that take no disk, in a child free of this
    process's file-size limit (only the soft limit is lowered, so a child may raise it again)."""
    size = path.stat().st_size + src.stat().st_size
    subprocess.run(["truncate", "-s", str(size), str(path)], check=True, preexec_fn=_unlimited_fsize)


def _unlimited_fsize():
    import resource
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def k_memory(rng, ctx):
    """Big inputs made cheaply (sparse files, a repeated line): refused or read within 100 MB."""
    fx = ctx.fx
    ctx.copy("tiny.json5")
    what = rng.choice(["scenario_2gb", "scenario_65mb", "unknown_keys", "jsonl_long_line", "activity_big",
                       "activity_big", "csv_long_line"])
    lines_limit = None
    if what in ("scenario_2gb", "scenario_65mb"):
        name = "scenario-2gb.json5" if what == "scenario_2gb" else "scenario-65mb.json5"
        os.link(fx.root / "big" / name, ctx.dir / "big.json5")
        argv = [rng.choice(["validate", "run"]), "big.json5"]
        note = "a scenario file of %d MB (the limit is 64 MB)" % ((ctx.dir / "big.json5").stat().st_size >> 20)
    elif what == "unknown_keys":
        n = rng.choice([100_000, 200_000])
        (ctx.dir / "keys.json5").write_text(
            '{ extends: "tiny.json5", ' + "".join("k%d: 0, " % i for i in range(n)) + "}\n")
        argv = ["validate", "keys.json5"]
        lines_limit = 200
        note = "%d unknown keys (errors should be capped: the first 100 and a count)" % n
    elif what in ("jsonl_long_line", "csv_long_line"):
        fmt = "jsonl" if what == "jsonl_long_line" else "csv"
        data = fx.logs[(11, fmt)]
        lines = data.split(b"\n")
        head = b"\n".join(lines[:(2 if fmt == "csv" else 1)]) + b"\n"
        # The header, then the start of an event whose quoted text runs on for 300 MB or 1 GB.
        size = rng.choice([300 << 20, 1 << 30])
        src = fx.root / "big" / ("line-300mb" if size == 300 << 20 else "line-1gb")
        with open(ctx.dir / ("log." + fmt), "wb") as f:
            f.write(head + (b'{"rep":0,"seq":0,"t":"' if fmt == "jsonl" else b'0,0,"'))
        _append_sparse(ctx.dir / ("log." + fmt), src)
        argv = [rng.choice(["replay", "events"]), "log." + fmt]
        if argv[0] == "events":
            argv = ["events", "info", "log." + fmt]
        note = "a %s log whose second line is %d MB long" % (fmt, size >> 20)
    else:
        os.link(fx.root / "big/activity-3mb.csv", ctx.dir / "activity.csv")
        size = (ctx.dir / "activity.csv").stat().st_size
        argv = [rng.choice(["actuals", "calibrate"]), "activity.csv", "--population", "tiny.json5"] + (
            ["--out", "act"] if rng.random() < 0.5 else [])
        # Read as a stream, it needs the memory of a small file plus the spells kept: at most 4
        # times its size beyond what the fixture's small activity file took.
        bound = fx.activity_rss_mb + 4 * size / 1e6
        note = "an activity file of %.0f MB (bound %.0f MB)" % (size / 1e6, bound)
    r = run_measured(ctx, argv, ctx.dir)
    v = judge_crash(ctx, "memory %s" % what, allowed=(0, 2, 3))
    if v:
        v.note = note
        return v
    mb = r.max_rss_kb / 1024
    limit = bound if what == "activity_big" else MEMORY_LIMIT_MB
    if mb > limit:
        return Verdict("crash", "memory %s: %s took more than %s" % (
            what, argv[0], "its bound" if what == "activity_big" else "%d MB" % limit), note,
                       "peak %.0f MB, %s" % (mb, r.short()))
    if lines_limit and len(r.stderr.splitlines()) > lines_limit:
        return Verdict("silent", "memory %s: %d lines of errors (not capped)" % (what, lines_limit), note,
                       "%d lines on stderr" % len(r.stderr.splitlines()))
    return Verdict("ok" if r.rc == 0 else "refused", "", note + " (peak %.0f MB)" % mb)


KIND_FUNCS = {"merge": k_merge, "resume": k_resume, "logs": k_logs, "paths": k_paths, "interrupt": k_interrupt,
              "concurrent": k_concurrent, "stdout": k_stdout, "csv": k_csv, "memory": k_memory}


def run_case(kind, rng, fx, case_dir: Path, args):
    """Runs one case of `kind` in `case_dir` (created here); returns (Verdict, Ctx)."""
    case_dir.mkdir(parents=True, exist_ok=True)
    ctx = Ctx(fx, case_dir, args)
    try:
        v = KIND_FUNCS[kind](rng, ctx)
    except Exception as e:  # a bug in the harness must not pass for a result
        import traceback
        v = Verdict("crash", "%s: harness error %s" % (kind, type(e).__name__), "", traceback.format_exc()[-2000:])
        v.harness = True
    return v, ctx


def save_case(save_dir: Path, kind, index, v: Verdict, ctx: Ctx):
    """Copies the case folder (regular files and symlinks; FIFOs and devices listed) and how to re-run it."""
    dest = save_dir / ("%s-%06d-%s" % (v.status, index, kind))
    if dest.exists():
        shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    special = []
    for p in sorted(ctx.dir.rglob("*")):
        rel = p.relative_to(ctx.dir)
        st = os.lstat(p)
        d = dest / "case" / rel
        d.parent.mkdir(parents=True, exist_ok=True)
        if stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(p), d)
        elif stat.S_ISDIR(st.st_mode):
            d.mkdir(exist_ok=True)
        elif stat.S_ISREG(st.st_mode) and st.st_size < 50_000_000:
            shutil.copyfile(p, d)
        else:
            special.append("%s (%s)" % (rel, stat.filemode(st.st_mode)))
    info = {"kind": kind, "status": v.status, "signature": v.sig, "note": v.note, "detail": v.detail,
            "index": index, "special files (not copied)": special,
            "commands": [{"argv": r.argv[1:], "exit": r.rc, "seconds": round(r.seconds, 3), "timedOut": r.timed_out,
                          "stderr": r.stderr[-4000:]} for r in ctx.commands]}
    (dest / "info.json").write_text(json.dumps(info, indent=2, ensure_ascii=False))
    (dest / "rerun.txt").write_text(
        "# The case's files as they were after the case ran (outputs included); the case's inputs\n"
        "# are regenerated, and the case run again, with:\n"
        "#   python3 Tests/Fuzz/fuzz_scenarios.py --kinds %s --seed %s --start %d --cases 1\n"
        "# The commands it ran, in order, from the case folder (inputs as they were before are not kept):\n"
        % (kind, ctx.seed, index) + "cd case\n"
        + "".join("homeward %s\n" % " ".join(_q(a) for a in r.argv[1:]) for r in ctx.commands))
    return dest


def _q(a):
    return a if re.match(r"^[\w./=:,+-]+$", a) else "'" + a.replace("'", "'\\''") + "'"
