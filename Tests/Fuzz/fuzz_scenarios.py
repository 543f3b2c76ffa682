#!/usr/bin/env python3
"""Fuzzing harness for Homeward scenario files ("inputs that cannot break it").

Every generated case must end either in a result (exit 0) or in an error that names the file
(and, for schema errors, the field) with exit code 2. Anything else is a failure:

  CRASH  killed by a signal, an exit code other than 0 and 2, "Fatal error",
         "Swift runtime failure" or "internal error" on stderr (running out of the memory
         limit shows up here too);
  HANG   no answer within --timeout seconds (the process then gets SIGABRT so that the Swift
         backtracer prints where it was, then SIGKILL).

Rejections whose messages do not say where the problem is (no file name, no field path, a
file other than the case's, Swift internals such as "Optional(") are reported as WEAK; they
are findings but do not fail the run.

Standard library only. See Tests/Fuzz/README.md for how to run it and what it generates.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# =============================================================================================
# A small JSON5 reader and writer (keeps key order and duplicate keys)
# =============================================================================================


class Obj:
    """A JSON object as an ordered list of (key, value) pairs; duplicates are allowed."""

    __slots__ = ("items",)

    def __init__(self, items=None):
        self.items = list(items or [])

    def get(self, key, default=None):
        for k, v in self.items:
            if k == key:
                return v
        return default

    def has(self, key):
        return any(k == key for k, _ in self.items)

    def set(self, key, value):
        for i, (k, _) in enumerate(self.items):
            if k == key:
                self.items[i] = (key, value)
                return
        self.items.append((key, value))

    def delete(self, key):
        self.items = [(k, v) for k, v in self.items if k != key]

    def keys(self):
        return [k for k, _ in self.items]

    def __len__(self):
        return len(self.items)


class Raw:
    """Text written as is (NaN, -0, 0x1F, 1e999, ...)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def clone(v):
    """A deep copy, without recursion (generated trees can nest deeper than Python's stack)."""
    def shell(x):
        if isinstance(x, Obj):
            return Obj([(k, c) for k, c in x.items])
        if isinstance(x, list):
            return list(x)
        return x
    root = shell(v)
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Obj):
            for i, (k, c) in enumerate(node.items):
                copy = shell(c)
                node.items[i] = (k, copy)
                if copy is not c:
                    stack.append(copy)
        elif isinstance(node, list):
            for i, c in enumerate(node):
                copy = shell(c)
                node[i] = copy
                if copy is not c:
                    stack.append(copy)
    return root


class JSON5Error(ValueError):
    pass


_ID_START = re.compile(r"[A-Za-z_$\u00c0-\uffff]")
_ID_PART = re.compile(r"[A-Za-z0-9_$\u00c0-\uffff]")
_NUMBER = re.compile(r"[+-]?(?:Infinity|NaN|0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def json5_loads(text: str):
    """Parses the JSON5 that scenario files use. Raises JSON5Error."""
    pos = 0
    n = len(text)

    def ws():
        nonlocal pos
        while pos < n:
            c = text[pos]
            if c in " \t\r\n\v\f\ufeff\u00a0\u2028\u2029":
                pos += 1
            elif text.startswith("//", pos):
                while pos < n and text[pos] not in "\r\n\u2028\u2029":
                    pos += 1
            elif text.startswith("/*", pos):
                end = text.find("*/", pos + 2)
                if end < 0:
                    raise JSON5Error("unterminated comment")
                pos = end + 2
            else:
                return

    def string():
        nonlocal pos
        quote = text[pos]
        pos += 1
        out = []
        while True:
            if pos >= n:
                raise JSON5Error("unterminated string")
            c = text[pos]
            if c == quote:
                pos += 1
                return "".join(out)
            if c in "\r\n":
                raise JSON5Error("line break in string")
            if c == "\\":
                pos += 1
                if pos >= n:
                    raise JSON5Error("bad escape")
                e = text[pos]
                simple = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0"}
                if e in simple:
                    out.append(simple[e])
                    pos += 1
                elif e == "x":
                    out.append(chr(int(text[pos + 1:pos + 3], 16)))
                    pos += 3
                elif e == "u":
                    out.append(chr(int(text[pos + 1:pos + 5], 16)))
                    pos += 5
                elif e == "\r":
                    pos += 2 if text.startswith("\r\n", pos) else 1
                elif e in "\n\u2028\u2029":
                    pos += 1
                else:
                    out.append(e)
                    pos += 1
                continue
            out.append(c)
            pos += 1

    def value(depth):
        nonlocal pos
        if depth > 600:
            raise JSON5Error("too deep")
        ws()
        if pos >= n:
            raise JSON5Error("unexpected end")
        c = text[pos]
        if c == "{":
            pos += 1
            o = Obj()
            while True:
                ws()
                if pos < n and text[pos] == "}":
                    pos += 1
                    return o
                if pos < n and text[pos] in "\"'":
                    key = string()
                else:
                    start = pos
                    if pos < n and _ID_START.match(text[pos]):
                        pos += 1
                        while pos < n and _ID_PART.match(text[pos]):
                            pos += 1
                    if pos == start:
                        raise JSON5Error("bad key at %d" % pos)
                    key = text[start:pos]
                ws()
                if pos >= n or text[pos] != ":":
                    raise JSON5Error("expected ':' at %d" % pos)
                pos += 1
                o.items.append((key, value(depth + 1)))
                ws()
                if pos < n and text[pos] == ",":
                    pos += 1
                    continue
                ws()
                if pos < n and text[pos] == "}":
                    pos += 1
                    return o
                raise JSON5Error("expected ',' or '}' at %d" % pos)
        if c == "[":
            pos += 1
            a = []
            while True:
                ws()
                if pos < n and text[pos] == "]":
                    pos += 1
                    return a
                a.append(value(depth + 1))
                ws()
                if pos < n and text[pos] == ",":
                    pos += 1
                    continue
                if pos < n and text[pos] == "]":
                    pos += 1
                    return a
                raise JSON5Error("expected ',' or ']' at %d" % pos)
        if c in "\"'":
            return string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                pos += len(word)
                return val
        m = _NUMBER.match(text, pos)
        if not m:
            raise JSON5Error("unexpected character at %d" % pos)
        pos = m.end()
        t = m.group(0)
        sign = -1 if t.startswith("-") else 1
        body = t.lstrip("+-")
        if body == "Infinity":
            return sign * math.inf
        if body == "NaN":
            return math.nan
        if body[:2] in ("0x", "0X"):
            return sign * int(body, 16)
        if re.fullmatch(r"\d+", body):
            return sign * int(body) if body != "0" or sign > 0 else -0.0
        return sign * float(body)

    result = value(0)
    ws()
    if pos != n:
        raise JSON5Error("trailing characters at %d" % pos)
    return result


_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def _has_surrogate(s: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def dump_string(s: str, rng=None) -> str:
    ascii_only = _has_surrogate(s) or (rng is not None and rng.random() < 0.3)
    return json.dumps(s, ensure_ascii=ascii_only)


def dump_number(x) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0 and math.copysign(1, x) < 0:
        return "-0.0"
    return repr(x)


def json5_dumps(v, rng=None, indent=2) -> str:
    """Writes JSON5. With `rng`, varies quoting and trailing commas (all still valid)."""
    out = []

    def key_text(k):
        if _IDENT.match(k) and not (rng is not None and rng.random() < 0.2):
            return k
        return dump_string(k, rng)

    def comma_tail():
        return "," if rng is not None and rng.random() < 0.5 else ""

    def write(x, level):
        pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
        end = "" if indent is None else "\n" + " " * (indent * level)
        if isinstance(x, Obj):
            if not x.items:
                out.append("{}")
                return
            out.append("{")
            for i, (k, val) in enumerate(x.items):
                out.append(pad)
                out.append(key_text(k))
                out.append(": ")
                write(val, level + 1)
                if i < len(x.items) - 1:
                    out.append(",")
            out.append(comma_tail())
            out.append(end + "}")
        elif isinstance(x, list):
            if not x:
                out.append("[]")
                return
            out.append("[")
            for i, val in enumerate(x):
                if indent is not None and len(x) > 30:
                    out.append(" " if i else "")
                else:
                    out.append(pad)
                write(val, level + 1)
                if i < len(x) - 1:
                    out.append(",")
            out.append(comma_tail())
            out.append("]" if indent is not None and len(x) > 30 else end + "]")
        elif isinstance(x, str):
            out.append(dump_string(x, rng))
        elif x is None:
            out.append("null")
        elif isinstance(x, Raw):
            out.append(x.text)
        else:
            out.append(dump_number(x))

    write(v, 0)
    return "".join(out) + "\n"


# =============================================================================================
# Tree helpers
# =============================================================================================


def walk(v, path=()):
    """Yields (parent, key_or_index, value, path) for every node below `v`."""
    if isinstance(v, Obj):
        for i, (k, x) in enumerate(v.items):
            yield v, i, x, path + (k,)
            yield from walk(x, path + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield v, i, x, path + (i,)
            yield from walk(x, path + (i,))


def replace_at(parent, slot, new):
    if isinstance(parent, Obj):
        k, _ = parent.items[slot]
        parent.items[slot] = (k, new)
    else:
        parent[slot] = new


def delete_at(parent, slot):
    if isinstance(parent, Obj):
        del parent.items[slot]
    else:
        del parent[slot]


def path_text(path):
    s = ""
    for p in path:
        s += "[%d]" % p if isinstance(p, int) else ("." if s else "") + str(p)
    return s


def is_number(x):
    return (isinstance(x, (int, float)) and not isinstance(x, bool)) or isinstance(x, Raw)


def get_path(v, *keys):
    for k in keys:
        if not isinstance(v, Obj):
            return None
        v = v.get(k)
    return v


def overlay(base, top):
    """The product's `extends` merge: objects merge key by key, null removes, rest replaces."""
    if not isinstance(base, Obj) or not isinstance(top, Obj):
        return clone(top)
    out = clone(base)
    for k, v in top.items:
        if v is None:
            out.delete(k)
        elif out.has(k):
            out.set(k, overlay(out.get(k), v))
        else:
            out.items.append((k, clone(v)))
    return out


def as_int(x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


# =============================================================================================
# Cases
# =============================================================================================


class Case:
    """Files to write (name -> text or bytes), the file to validate and run, and how it was made."""

    def __init__(self, generator, files, main="main.json5", tags=(), note=""):
        self.generator = generator
        self.files = files
        self.main = main
        self.tags = set(tags)
        self.note = note
        self.symlinks = {}  # name -> target
        self.dirs = []


WHOLE_FILE_MESSAGES = (
    "no such file",
    "cannot be read",
    "is larger than 64 MB",
    "not valid JSON5",
)

INTERNAL_LEAKS = ("Optional(", "Swift.", "JSONValue", "HomewardKit.", "CivilDate(", "<unknown>")


def named_file(line: str, case_files, case_dir=None):
    """The file a message line starts with (`FILE: ...`) if it is one of the case's files."""
    wanted = set()
    for f in case_files:
        wanted.add(os.path.normpath(f))
        if case_dir is not None:
            wanted.add(os.path.normpath(os.path.join(str(case_dir), f)))
    idx = line.find(": ")
    while idx >= 0:
        candidate = line[:idx]
        norm = os.path.normpath(candidate) if candidate else candidate
        if candidate in case_files or norm in wanted:
            return candidate
        idx = line.find(": ", idx + 1)
    return None


def check_messages(stderr: str, case_files, case_dir=None):
    """Problems with the rejection messages of a case (each a short text), empty if all good."""
    problems = []
    # Split on "\n" only: U+2028 and friends inside an echoed name are not line breaks for a terminal.
    lines = [l for l in stderr.split("\n") if l.strip()]
    if not lines:
        return ["exit 2 with nothing on stderr"]
    for line in lines:
        named = named_file(line, case_files, case_dir)
        if named is None and line.startswith("homeward: ") and named_file(line[10:], case_files, case_dir):
            problems.append("'homeward: ' before the file name, and no field: " + line[:200])
            continue
        if named is None:
            m = re.match(r"^(.+?): (cannot be read|not valid JSON5|is larger than 64 MB|no such file)", line)
            if m and (Path(m.group(1)).is_absolute() or case_dir is None or (Path(case_dir) / m.group(1)).exists()):
                # A base file outside the case (extends: "/etc/passwd", "adir", ...).
                if m.group(2) in ("not valid JSON5", "is larger than 64 MB"):
                    continue
                problems.append("extends base reported without the extends field: " + line[:200])
            else:
                problems.append("line names no file of the case: " + line[:200])
            continue
        rest = line[len(named) + 2:]
        if rest.startswith(WHOLE_FILE_MESSAGES):
            continue
        if re.fullmatch(r"\.\.\. and \d+ more problems?", rest.strip()):
            continue  # the count of problems past the first 100 (ScenarioError.maximumShown)
        if rest.strip() == "is not a valid scenario":
            problems.append("generic message without a field: " + line[:200])
            continue
        if ": " not in rest:
            problems.append("no field path: " + line[:200])
            continue
        for leak in INTERNAL_LEAKS:
            if leak in rest:
                problems.append("message shows Swift internals (%s): %s" % (leak, line[:200]))
                break
    return problems


# =============================================================================================
# Values used by the generators
# =============================================================================================

EXTREME_NUMBERS = [
    0, -0.0, Raw("-0"), 1, -1, 0.5, -0.5, 1.5, 2, 7, 23.99, 24, 24.01, 100,
    1e308, -1e308, 1.7976931348623157e308, Raw("1e309"), Raw("-1e309"), Raw("1e999"),
    Raw("Infinity"), Raw("-Infinity"), Raw("NaN"), Raw("+Infinity"), Raw("-NaN"),
    5e-324, 1e-320, 1e-300, -1e-300, 2.2250738585072014e-308,
    2**15 - 1, 2**15, 2**16, 2**31 - 1, 2**31, 2**32, 2**32 + 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64,
    10**15, 10**15 + 1, 10**16 + 1, 10**20, 10**400, -(10**400), 999999999999999999999999,
    36524, 36525, 36526, 100000, 100001, 10_000_000, 10_000_001, 10**9, 10**9 + 1, 10**10, 10**10 + 1,
    Raw("0x7FFFFFFFFFFFFFFF"), Raw("0xFFFFFFFFFFFFFFFF"), Raw("0x10000000000000000"), Raw("-0x1"),
    Raw(".5"), Raw("5."), Raw("+1"), Raw("1e-400"), Raw("0.0000000000000000000000001"),
    Raw("1" + "0" * 400), Raw("0." + "0" * 400 + "1"), Raw("12345678901234567890.5"),
    0.1 + 0.2, 1 - 1e-7, 1 + 1e-7, 1 - 1e-5, 1 + 1e-5, 0.999999, 1.000001,
]

WEIRD_STRINGS = [
    "", " ", "x", "24/7", "all", "weekdays", "acute", "kind", "source", "null", "NaN", "-1",
    "Ünïcödé ñame", "名前", "😀🏥", "a.b.c", "St. Mary's", "a,b;c", "\"quoted\"", "tab\there",
    "line\nbreak", "nul\u0000byte", "bell\u0007", "\u202eRTL\u202c", "e\u0301\u0301\u0301", "\ufeffbom",
    "\u2028sep", "../../etc/passwd", "C:\\x", "%s%n%d", "{{}}", "<script>", "' OR 1=1 --",
    "2021-02-30", "D(i)", "d(ii)", "socialcare", "NHS", "homereablement", "Acute", "P" * 300,
]


def long_string(rng):
    size = rng.choice([1000, 70_000, 1_000_000, 4_000_000])
    unit = rng.choice(["a", "é", "名", "😀", "ab.", "x\u0301"])
    return unit * (size // len(unit))


VALID_DATES_SPECIAL = [
    "2020-02-29", "2000-02-29", "1970-01-01", "0001-01-01", "0000-01-01", "9999-12-31",
    "1969-12-31", "2021-12-31", "1600-02-29",
]
BAD_DATES = [
    "2021-02-30", "2021-02-29", "1900-02-29", "2100-02-29", "2021-13-01", "2021-00-10", "2021-04-31",
    "2021-01-00", "2021-01-32", "2021-1-01", "21-01-01", "2021/01/01", "2021-01-01T00:00",
    "2021-01-01 ", " 2021-01-01", "+202-01-01", "-001-01-01", "2021-01-01-", "２０２１-01-01",
    "2021-０1-01", "99999-01-01", "2021--01", "--", "", "today", "2021-W01-1", "2021-001",
    "0x7E-01-01", "2021-+1-01", "2021-1e-01", "+2021-01-01",
]


def rnd_date(rng, lo=1990, hi=2040):
    y = rng.randint(lo, hi)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return "%04d-%02d-%02d" % (y, m, d)


# =============================================================================================
# Generation from scratch: random but mostly valid scenarios
# =============================================================================================

DOWNSTREAM_KINDS = ["homeReablement", "bedBased", "careHome", "homeCare"]
DELAY_CODES = ["A", "B", "C", "D(i)", "D(ii)", "E", "F", "G", "H", "I", "O"]


def gen_distribution(rng, mean=5.0, extreme=False):
    """A distribution object with valid parameters (extreme but valid when asked)."""
    m = max(mean * rng.choice([0.2, 0.5, 1, 1, 2, 5]), 0.01)
    if extreme:
        return rng.choice([
            0, 1e300, 1e-300, Obj([("fixed", 0)]), Obj([("fixed", 1e308)]),
            Obj([("uniform", Obj([("min", 0), ("max", 0)]))]),
            Obj([("uniform", Obj([("min", 0), ("max", 1e308)]))]),
            Obj([("triangular", Obj([("min", 0), ("mode", 0), ("max", 1e-300)]))]),
            Obj([("exponential", Obj([("mean", 5e-324)]))]),
            Obj([("exponential", Obj([("mean", 1e308)]))]),
            Obj([("erlang", Obj([("k", 10000), ("mean", 1e-300)]))]),
            Obj([("erlang", Obj([("k", 10000), ("mean", 1e300)]))]),
            Obj([("gamma", Obj([("shape", 1e-300), ("scale", 1)]))]),
            Obj([("gamma", Obj([("shape", 1e-3), ("scale", 1e300)]))]),
            Obj([("gamma", Obj([("shape", 1e300), ("scale", 1e-300)]))]),
            Obj([("gamma", Obj([("mean", 1e-150), ("sd", 1e150)]))]),
            Obj([("gamma", Obj([("mean", 1e150), ("sd", 1e-150)]))]),
            Obj([("weibull", Obj([("shape", 0.006), ("scale", 1)]))]),
            Obj([("weibull", Obj([("shape", 1e300), ("scale", 1)]))]),
            Obj([("weibull", Obj([("shape", 0.01), ("scale", 1e300)]))]),
            Obj([("lognormal", Obj([("mu", 700), ("sigma", 0)]))]),
            Obj([("lognormal", Obj([("mu", -700), ("sigma", 20)]))]),
            Obj([("lognormal", Obj([("mu", 500), ("sigma", 14)]))]),
            Obj([("lognormal", Obj([("mean", 1e-300), ("sd", 0)]))]),
            Obj([("lognormal", Obj([("mean", 1), ("sd", 1e150)]))]),
            Obj([("lognormal", Obj([("mean", 1e300), ("sd", 1e300)]))]),
            Obj([("empirical", [0])]),
            Obj([("empirical", [1e308, 0])]),
            Obj([("empirical", [rng.random() * 10 for _ in range(rng.choice([1000, 100000]))])]),
            Obj([("histogram", [Obj([("from", 0), ("to", 1e-300), ("weight", 1)])])]),
            Obj([("histogram", [Obj([("from", 0), ("to", 1e308), ("weight", 5e-324)])])]),
            Obj([("histogram", [Obj([("from", i), ("to", i + 1), ("weight", 1)]) for i in range(rng.choice([1000, 20000]))])]),
        ])
    family = rng.choice(["number", "fixed", "uniform", "triangular", "exponential", "erlang", "gamma", "gamma2",
                         "weibull", "lognormal", "lognormal2", "empirical", "histogram"])
    r = lambda x: round(x, rng.choice([0, 1, 3, 6]))  # noqa: E731
    if family == "number":
        return r(m)
    if family == "fixed":
        return Obj([("fixed", r(m))])
    if family == "uniform":
        a = r(m * rng.random())
        return Obj([("uniform", Obj([("min", a), ("max", r(a + m))]))])
    if family == "triangular":
        a = r(m * 0.3)
        return Obj([("triangular", Obj([("min", a), ("mode", r(a + m * 0.5)), ("max", r(a + 2 * m + 0.1))]))])
    if family == "exponential":
        return Obj([("exponential", Obj([("mean", r(m) or 0.5)]))])
    if family == "erlang":
        return Obj([("erlang", Obj([("k", rng.randint(1, 5)), ("mean", r(m) or 0.5)]))])
    if family == "gamma":
        return Obj([("gamma", Obj([("mean", r(m) or 0.5), ("sd", r(m * rng.uniform(0.1, 2)) or 0.5)]))])
    if family == "gamma2":
        return Obj([("gamma", Obj([("shape", rng.choice([0.3, 1, 2.5, 4])), ("scale", r(m) or 0.5)]))])
    if family == "weibull":
        return Obj([("weibull", Obj([("shape", rng.choice([0.5, 1, 1.5, 3])), ("scale", r(m) or 0.5)]))])
    if family == "lognormal":
        return Obj([("lognormal", Obj([("mean", r(m) or 0.5), ("sd", r(m * rng.uniform(0, 2)))]))])
    if family == "lognormal2":
        return Obj([("lognormal", Obj([("mu", round(math.log(m), 3)), ("sigma", rng.choice([0, 0.3, 0.8, 1.5]))]))])
    if family == "empirical":
        return Obj([("empirical", [r(m * rng.uniform(0, 2)) for _ in range(rng.randint(1, 8))])])
    bins = []
    lo = 0.0
    for _ in range(rng.randint(1, 5)):
        hi = lo + r(m * rng.uniform(0.1, 1)) + 0.5
        bins.append(Obj([("from", lo), ("to", hi), ("weight", rng.choice([0, 1, 2.5, 10]))]))
        lo = hi
    if all(b.get("weight") == 0 for b in bins):
        bins[0].set("weight", 1)
    return Obj([("histogram", bins)])


def shares(rng, keys, allow_zero=True):
    """Probabilities over `keys` summing to 1 (at most 1e-12 off)."""
    weights = [rng.choice([0, 1, 2, 3, 5, 10]) if allow_zero else rng.randint(1, 10) for _ in keys]
    if sum(weights) == 0:
        weights[rng.randrange(len(weights))] = 1
    total = sum(weights)
    ps = [w / total for w in weights]
    ps[-1] = 1 - sum(ps[:-1]) if ps[-1] > 0 else ps[-1]
    return Obj([(k, round(p, 12)) for k, p in zip(keys, ps) if p > 0 or rng.random() < 0.3])


def gen_name(rng, used, prefix):
    while True:
        if rng.random() < 0.85:
            name = "%s%d" % (prefix, rng.randint(1, 99))
        else:
            name = rng.choice(["Ünïcödé", "名前", "St-Marys", "a_b", "x" * 40, "😀", "d.o.t", "sp ace", "$x"]) + str(rng.randint(1, 9))
        if name not in used and name != "source":
            used.add(name)
            return name


def gen_hours(rng, overnight=True):
    if rng.random() < 0.3:
        return "24/7"
    a = rng.choice([0, 6, 8, 8.5, 9, 17, 20, 22, 23.99])
    b = rng.choice([0.01, 6, 8, 12, 17, 20, 22, 24])
    if a == b or (not overnight and b <= a):
        a, b = 8, 20
    o = Obj([("from", a), ("to", b)])
    if rng.random() < 0.5:
        o.set("days", rng.choice(["all", "weekdays"]))
    return o


def gen_scenario(rng, small=True):
    """A random scenario that is valid most of the time and quick to run."""
    used = set()
    top = Obj()
    top.set("name", rng.choice(["gen", "Random scenario", "ünï", "名前", "a.b", "x" * 80]))
    if rng.random() < 0.3:
        top.set("description", "generated by fuzz_scenarios.py")
    start = rnd_date(rng, 1900, 2100) if rng.random() < 0.2 else rnd_date(rng)
    top.set("start", start)
    top.set("horizonDays", rng.choice([1, 2, 7, 30, 60, 120, 200]))
    if rng.random() < 0.7:
        top.set("warmupDays", rng.choice([0, 1, 10, 30]))
    if rng.random() < 0.3:
        top.set("replications", rng.choice([1, 2, 5, 100000]))
    if rng.random() < 0.5:
        top.set("seed", rng.choice([0, 1, 42, 2147483647]))

    # Population.
    band_names = rng.sample(["0-17", "18-64", "65-84", "85+", "65+", "18+", "custom"], rng.randint(1, 4))
    bands = Obj()
    for b in band_names:
        bo = Obj([("people", rng.choice([0, 1e-300, 0.01, 10, 1000, 20000, 100000, 310000]))])
        if rng.random() < 0.3:
            bo.set("annualGrowth", rng.choice([-0.5, -0.01, 0, 0.02, 0.06, 1]))
        if b == "custom" or rng.random() < 0.1:
            bo.set("fromAge", rng.choice([0, 18, 65, 85, 120]))
        bands.set(b, bo)
    top.set("population", Obj([("bands", bands)]))

    # Services.
    services = Obj()
    acute_name = "acute" if rng.random() < 0.8 else gen_name(rng, used, "hospital")
    used.add(acute_name)
    acute = Obj([("kind", "acute"), ("capacity", rng.choice([1, 5, 40, 200, 650]))])
    if rng.random() < 0.5:
        acute.set("divertAfterHours", rng.choice([0, 0.5, 4, 8, 24, 1e6]))
    if rng.random() < 0.5:
        acute.set("costPerDay", rng.choice([0, 400, 1e9]))
    services.set(acute_name, acute)
    kinds = [rng.choice(DOWNSTREAM_KINDS + ["crisisResponse"]) for _ in range(rng.randint(0, 6))]
    by_kind = {}
    for kind in kinds:
        name = gen_name(rng, used, kind[:4])
        by_kind.setdefault(kind, []).append(name)
        services.set(name, Obj([("kind", kind)]))

    # Pathways.
    pathways = Obj()
    pathway_names = []
    for i in range(rng.randint(1, 5)):
        name = str(i + 1) if rng.random() < 0.7 else gen_name(rng, used, "p")
        if name in pathway_names:
            continue
        pathway_names.append(name)
        po = Obj()
        downstream = [s for k in DOWNSTREAM_KINDS for s in by_kind.get(k, [])]
        if downstream and rng.random() < 0.7:
            if rng.random() < 0.7:
                po.set("service", rng.choice(downstream))
            else:
                po.set("services", shares(rng, rng.sample(downstream, rng.randint(1, len(downstream))), allow_zero=False))
        elif rng.random() < 0.3:
            po.set("service", None)
        if rng.random() < 0.4:
            a = Obj([("workingHours", gen_distribution(rng, 6))])
            if rng.random() < 0.5:
                a.set("responsible", rng.choice(["nhs", "socialCare", "both"]))
            po.set("assessment", a)
        elif rng.random() < 0.1:
            po.set("assessment", False)
        if rng.random() < 0.3:
            po.set("equipment", Obj([("probability", rng.choice([0, 0.2, 1])), ("days", gen_distribution(rng, 2))]))
        if rng.random() < 0.2:
            po.set("dischargeDelay", Obj([("reason", rng.choice(DELAY_CODES)), ("responsible", rng.choice(["nhs", "socialCare", "both"]))]))
        if rng.random() < 0.3:
            po.set("national", rng.choice(["P0", "P1", "P2", "P3", ""]))
        pathways.set(name, po)

    # Cohorts.
    cohorts = Obj()
    cohort_names = []
    care_homes = by_kind.get("careHome", [])
    for _ in range(rng.randint(1, 4)):
        name = gen_name(rng, used, "cohort")
        cohort_names.append(name)
        band = rng.choice(band_names)
        people = bands.get(band).get("people") or 1
        rate_kind = rng.choice(["perYear", "perThousandPerYear"] + (["perResidentPerYear"] if care_homes else []))
        if rate_kind == "perYear":
            rate = rng.choice([0, 1, 100, 2000, 10000])
        elif rate_kind == "perThousandPerYear":
            rate = round(min(rng.choice([1, 50, 250, 600]), 15000 * 1000 / people), 3)
        else:
            rate = rng.choice([0, 0.3, 0.8, 2])
        co = Obj([("band", band), ("crises", Obj([(rate_kind, rate)])),
                  ("lengthOfStayDays", gen_distribution(rng, 7)), ("pathways", shares(rng, pathway_names))])
        if rng.random() < 0.3:
            co.set("dayOfWeek", [rng.choice([0, 0.5, 1, 1.2]) for _ in range(6)] + [1])
        if rng.random() < 0.2:
            co.set("hourOfDay", [rng.choice([0, 0.5, 1, 2]) for _ in range(23)] + [1])
        if rng.random() < 0.3:
            co.set("month", [rng.choice([0.8, 1, 1.3]) for _ in range(12)])
        if rng.random() < 0.2:
            co.set("trendPerYear", rng.choice([-0.5, 0, 0.02, 1]))
        if rng.random() < 0.3:
            co.set("conveyance", rng.choice([0, 0.5, 0.9, 1]))
        if rng.random() < 0.4:
            co.set("inHospitalMortality", rng.choice([0, 0.05, 1]))
        if rng.random() < 0.4:
            r30 = rng.choice([0, 0.1, 0.5, 1])
            co.set("readmission", Obj([("within30Days", r30), ("within91Days", rng.choice([r30, min(1, r30 + 0.1), 1]))]))
        cohorts.set(name, co)

    # Fill in services now that cohorts exist.
    resident_cohorts = [c for c in cohort_names if rate_kind_of(cohorts.get(c)) == "perResidentPerYear"]
    for kind, names in by_kind.items():
        for name in names:
            so = services.get(name)
            cap = rng.choice([0, 1, 1, 2, 5, 20, 100])
            if rng.random() < 0.2:
                changes = []
                for _ in range(rng.randint(0, 3)):
                    ch = Obj([("from", rnd_date(rng, int(start[:4]) - 1, int(start[:4]) + 1)), ("capacity", rng.choice([0, 1, 10, 50]))])
                    if rng.random() < 0.5:
                        ch.set("to", rnd_date(rng, int(start[:4]) + 1, int(start[:4]) + 2))
                    changes.append(ch)
                so.set("capacity", Obj([("base", cap), ("changes", changes)]))
            else:
                so.set("capacity", cap)
            if rng.random() < 0.3:
                so.set(rng.choice(["costPerDay", "costPerWeek"]), rng.choice([0, 100, 700]))
            if rng.random() < 0.2:
                so.set("costPerEpisode", rng.choice([0, 50, 1e10]))
            if kind == "crisisResponse":
                so.set("hours", gen_hours(rng))
                so.set("eligibility", Obj([(c, rng.choice([0, 0.2, 1])) for c in rng.sample(cohort_names, rng.randint(0, len(cohort_names)))]))
                so.set("durationDays", gen_distribution(rng, 2))
                so.set("successRate", rng.choice([0, 0.5, 0.7, 1]))
            elif kind in ("homeReablement", "bedBased", "homeCare"):
                so.set("durationDays", gen_distribution(rng, 20))
            if kind in ("homeReablement", "bedBased") and rng.random() < 0.7:
                keys = ["independent", "readmitted", "died"]
                if by_kind.get("homeCare"):
                    keys.append("homeCare")
                if care_homes:
                    keys.append("careHome")
                sh = shares(rng, rng.sample(keys, rng.randint(1, len(keys))), allow_zero=False)
                outcomes = Obj()
                for k, p in sh.items:
                    if k == "homeCare":
                        outcomes.set(k, Obj([("probability", p), ("service", rng.choice(by_kind["homeCare"]))]))
                    elif k == "careHome":
                        outcomes.set(k, Obj([("probability", p), ("service", rng.choice(care_homes))]))
                    else:
                        outcomes.set(k, p)
                so.set("outcomes", outcomes)
            if kind == "careHome":
                so.set("capacity", max(cap, 1) * 20)
                rc = rng.choice(resident_cohorts) if resident_cohorts and rng.random() < 0.8 else (rng.choice(cohort_names) if rng.random() < 0.5 else None)
                if rc:
                    so.set("residentCohort", rc)
                    so.set("initialResidents", rng.choice([0, max(cap, 1) * 10, max(cap, 1) * 20]))
                    if rng.random() < 0.5:
                        so.set("communityAdmissionsPerYear", rng.choice([0, 5, 100]))
                if rng.random() < 0.5:
                    so.set("annualMortality", rng.choice([0, 0.3, 5, 50]))
            if kind != "crisisResponse" and rng.random() < 0.2:
                so.set("delayReason", rng.choice(DELAY_CODES))
            if kind != "crisisResponse" and rng.random() < 0.2:
                so.set("acceptsWeekends", rng.random() < 0.5)
            if kind in ("homeReablement", "bedBased") and rng.random() < 0.2:
                so.set("countsAsReablement", rng.random() < 0.5)
    # Resident cohorts need a care home that names them.
    for c in resident_cohorts:
        if not any(services.get(s).get("residentCohort") == c for s in care_homes):
            cohorts.get(c).set("crises", Obj([("perYear", 50)]))

    top.set("cohorts", cohorts)
    top.set("services", services)
    top.set("pathways", pathways)

    if rng.random() < 0.5:
        w = Obj()
        if rng.random() < 0.5:
            a = rng.choice([0, 7, 8, 9, 10])
            w.set("hours", Obj([("from", a), ("to", rng.choice([a + 0.01, 17, 18, 24]))]))
        if rng.random() < 0.4:
            sd = gen_hours(rng, overnight=False)
            w.set("simpleDischargeHours", sd)
        for k in ("sevenDayAssessment", "sevenDayDischarge", "sevenDayEquipment"):
            if rng.random() < 0.4:
                w.set(k, rng.random() < 0.5)
        if rng.random() < 0.4:
            y = int(start[:4])
            w.set("bankHolidays", [rnd_date(rng, y - 1, y + 1) for _ in range(rng.randint(0, 10))])
        top.set("working", w)

    if rng.random() < 0.3:
        census = Obj()
        for name in [acute_name] + [s for k in ("homeReablement", "bedBased", "homeCare") for s in by_kind.get(k, [])]:
            if rng.random() < 0.5:
                continue
            cap = services.get(name).get("capacity")
            cap = cap.get("base") if isinstance(cap, Obj) else cap
            entries = []
            left = cap
            for _ in range(rng.randint(1, 2)):
                n = rng.randint(0, max(left, 0))
                left -= n
                e = Obj([("cohort", rng.choice(cohort_names)), ("patients", n)])
                if name == acute_name and rng.random() < 0.3:
                    e.set("delayedOnPathway", rng.choice(pathway_names))
                entries.append(e)
            census.set(name, entries)
        top.set("census", census)
    return top


def rate_kind_of(cohort):
    crises = cohort.get("crises") if isinstance(cohort, Obj) else None
    return crises.keys()[0] if isinstance(crises, Obj) and crises.items else None


# =============================================================================================
# Mutations of a scenario tree (each returns a short description)
# =============================================================================================


def nodes(tree, pred=lambda p, k, v, path: True):
    return [(p, k, v, path) for p, k, v, path in walk(tree) if pred(p, k, v, path)]


def rnd_other_type(rng, v):
    choices = [
        "12", "", "true", Obj(), Obj([("a", 1)]), [], [1, 2, 3], True, False, None, 1, 0, -1, Raw("NaN"),
        [Obj()], Obj([("base", 1)]), "a string", ["18-64"], Obj([("fixed", 1)]),
    ]
    for _ in range(10):
        c = rng.choice(choices)
        if type(c) is not type(v):
            return clone(c)
    return "x"


def m_wrong_type(rng, tree):
    ns = nodes(tree)
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    replace_at(p, k, rnd_other_type(rng, v))
    return "wrong type at " + path_text(path)


def m_extreme_number(rng, tree):
    ns = nodes(tree, lambda p, k, v, path: is_number(v)) or nodes(tree)
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    x = rng.choice(EXTREME_NUMBERS)
    replace_at(p, k, x)
    if isinstance(x, Raw):
        finite = not re.fullmatch(r"[+-]?(Infinity|NaN|1e309|1e999|10{400})", x.text)
    else:
        finite = isinstance(x, int) and abs(x) < 1e308 or isinstance(x, float) and math.isfinite(x)
    # "!" marks a change that must make a valid file invalid (every number must be finite).
    return ("" if finite or not is_number(v) else "!") + "extreme number %s at %s" % (
        x.text if isinstance(x, Raw) else dump_number(x)[:30], path_text(path))


def m_null(rng, tree):
    ns = nodes(tree)
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    replace_at(p, k, None)
    return "null at " + path_text(path)


def m_delete_field(rng, tree):
    ns = nodes(tree, lambda p, k, v, path: isinstance(p, Obj))
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    delete_at(p, k)
    return "deleted " + path_text(path)


def m_delete_list_items(rng, tree):
    ns = nodes(tree, lambda p, k, v, path: isinstance(v, list) and v)
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    del v[rng.randrange(len(v)):]
    return "shortened list " + path_text(path)


def typo(rng, key):
    if not key:
        return "x"
    ops = rng.choice(["case", "drop", "swap", "add", "replace", "plural", "snake"])
    i = rng.randrange(len(key))
    if ops == "case":
        return key.swapcase() if rng.random() < 0.5 else key[0].upper() + key[1:]
    if ops == "drop" and len(key) > 1:
        return key[:i] + key[i + 1:]
    if ops == "swap" and len(key) > 1:
        i = min(i, len(key) - 2)
        return key[:i] + key[i + 1] + key[i] + key[i + 2:]
    if ops == "add":
        return key[:i] + rng.choice("aeioustx") + key[i:]
    if ops == "plural":
        return key + "s"
    if ops == "snake":
        return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key)
    return key[:i] + rng.choice("qzxj") + key[i + 1:]


def m_typo_field(rng, tree):
    ns = nodes(tree, lambda p, k, v, path: isinstance(p, Obj))
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    key = p.items[k][0]
    new = typo(rng, key)
    p.items[k] = (new, v)
    return "renamed %s to %r" % (path_text(path), new)


def m_unknown_field(rng, tree):
    objs = [tree] + [v for _, _, v, _ in walk(tree) if isinstance(v, Obj)]
    o = rng.choice(objs)
    key = rng.choice(["foo", "capacty", "Kind", "__proto__", "constructor", "", " ", "名前", "extends", "source",
                      "horizon_days", "a" * 1000, "hours", "base", "1", "NaN", "🙂"] + [typo(rng, k) for k in o.keys()])
    o.items.insert(rng.randint(0, len(o.items)), (key, clone(rng.choice([1, "x", Obj(), [], None, True]))))
    return "unknown field %r" % key[:40]


SECTIONS = ["name", "start", "horizonDays", "warmupDays", "population", "cohorts", "services", "pathways",
            "working", "census", "replications", "seed", "description"]


def m_delete_section(rng, tree):
    k = rng.choice(SECTIONS)
    tree.delete(k)
    return "deleted section " + k


def m_empty_section(rng, tree):
    targets = [("population",), ("population", "bands"), ("cohorts",), ("services",), ("pathways",), ("working",), ("census",)]
    for _, _, v, path in walk(tree):
        if len(path) >= 2 and path[-1] in ("pathways", "eligibility", "outcomes", "services", "crises", "capacity",
                                           "readmission", "hours", "assessment", "equipment") and isinstance(v, Obj):
            targets.append(path)
    path = rng.choice(targets)
    parent = tree
    for k in path[:-1]:
        parent = parent.get(k) if isinstance(parent, Obj) else None
    if not isinstance(parent, Obj):
        return None
    parent.set(path[-1], rng.choice([Obj(), [], Obj(), Obj([("source", "empty")])]))
    return "emptied " + path_text(path)


def probability_maps(tree):
    maps = []
    for _, _, v, path in walk(tree):
        if not isinstance(v, Obj) or not path:
            continue
        if path[-1] in ("pathways", "eligibility") and len(path) >= 3:
            maps.append((v, path))
        elif path[-1] == "services" and len(path) >= 3 and path[0] == "pathways":
            maps.append((v, path))
        elif path[-1] == "outcomes":
            maps.append((v, path))
    return maps


def m_bad_probabilities(rng, tree):
    maps = probability_maps(tree)
    if not maps:
        return None
    o, path = rng.choice(maps)
    how = rng.choice(["scale", "zero", "tiny", "within", "negative", "over1", "nan"])
    for i, (k, v) in enumerate(o.items):
        target = v.get("probability") if isinstance(v, Obj) else v
        if not is_number(target) or isinstance(target, Raw):
            continue
        if how == "scale":
            nv = target * rng.choice([0.5, 0.9, 1.1, 2])
        elif how == "zero":
            nv = 0
        elif how == "tiny":
            nv = target * (1 + 2e-6) if i == 0 else target
        elif how == "within":
            nv = target * (1 + 5e-7) if i == 0 else target
        elif how == "negative":
            nv = -target if i == 0 else target
        elif how == "over1":
            nv = 1.5 if i == 0 else target
        else:
            nv = Raw("NaN") if i == 0 else target
        if isinstance(v, Obj):
            v.set("probability", nv)
        else:
            o.items[i] = (k, nv)
    return "probabilities %s at %s" % (how, path_text(path))


def m_capacity(rng, tree):
    services = get_path(tree, "services")
    if not isinstance(services, Obj) or not services.items:
        return None
    how = rng.choice(["zero", "one", "all0", "all1", "calendar0", "huge", "calendar_far", "calendar_many"])
    names = services.keys() if how in ("all0", "all1") else [rng.choice(services.keys())]
    for name in names:
        so = services.get(name)
        if not isinstance(so, Obj):
            continue
        if how in ("zero", "all0"):
            so.set("capacity", 0)
        elif how in ("one", "all1"):
            so.set("capacity", 1)
        elif how == "calendar0":
            so.set("capacity", Obj([("base", 0), ("changes", [Obj([("from", "2000-01-01"), ("to", "2000-01-02"), ("capacity", 5)])])]))
        elif how == "huge":
            so.set("capacity", rng.choice([10_000_000, 10_000_001, 2**31, 1e308]))
        elif how == "calendar_far":
            so.set("capacity", Obj([("base", 3), ("changes", [
                Obj([("from", "0000-01-01"), ("to", "9999-12-31"), ("capacity", rng.choice([0, 1, 7]))]),
                Obj([("from", "9999-12-31"), ("capacity", 0)]),
                Obj([("from", "1969-12-31"), ("to", "1970-01-01"), ("capacity", 2)])])]))
        else:
            so.set("capacity", Obj([("base", 2), ("changes", [
                Obj([("from", rnd_date(rng, 2015, 2023)), ("capacity", rng.randint(0, 20))]) for _ in range(rng.choice([100, 5000]))])]))
    return "capacity %s on %s" % (how, ",".join(names)[:80])


def m_absurd_horizon(rng, tree):
    h = rng.choice([0, -1, 1.5, 36525, 36526, 100000, 10**9, 2**31, 2**63, 10**30, 1e308, Raw("Infinity"), Raw("NaN"), "365"])
    tree.set("horizonDays", h)
    if rng.random() < 0.6:
        tree.set("warmupDays", rng.choice([0, 1, 36524, 36525, -1, 2**63 - 1, 2**63, 10**9, 1e308, 0.5]))
    return "horizon %s warm-up %s" % (dump_number(h) if not isinstance(h, (Raw, str)) else h if isinstance(h, str) else h.text,
                                      tree.get("warmupDays"))


def m_bad_date(rng, tree):
    dates = [(p, k, v, path) for p, k, v, path in walk(tree) if isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v)]
    if not dates:
        tree.set("start", rng.choice(BAD_DATES))
        return "start date"
    p, k, v, path = rng.choice(dates)
    d = rng.choice(BAD_DATES + VALID_DATES_SPECIAL + [20210101, Obj([("year", 2021)])])
    replace_at(p, k, d)
    return ("!" if d in BAD_DATES else "") + "date %r at %s" % (d, path_text(path))


def m_long_string(rng, tree):
    ns = nodes(tree, lambda p, k, v, path: isinstance(v, str))
    s = long_string(rng)
    if ns and rng.random() < 0.7:
        p, k, v, path = rng.choice(ns)
        replace_at(p, k, s)
        return "long string (%d) at %s" % (len(s), path_text(path))
    tree.set(rng.choice(["name", "description", "source"]), s)
    return "long name/description (%d)" % len(s)


def m_weird_string(rng, tree):
    ns = nodes(tree, lambda p, k, v, path: isinstance(v, str))
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    s = rng.choice(WEIRD_STRINGS)
    replace_at(p, k, s)
    return "string %r at %s" % (s, path_text(path))


RENAMES = [
    "Ünïcödé-ñame", "名前", "😀🏥", "a.b.c", "St. Mary's", "a,b", "\"q\"", "", " ", "source", "\u0000", "a\nb",
    "\u202eevil", "x" * 10000, "__proto__", "constructor", "1e5", "NaN", "-", "85+", "0-17", "acute", "services",
    "e\u0301", "\ud800", "a/b", "..", "%n", "name: with: colons", "[0]", "tab\t", "\\",
]


def m_rename_entity(rng, tree):
    """Renames a band, cohort, service or pathway everywhere it is referred to."""
    what = rng.choice(["band", "cohort", "service", "pathway"])
    section = {"band": get_path(tree, "population", "bands"), "cohort": get_path(tree, "cohorts"),
               "service": get_path(tree, "services"), "pathway": get_path(tree, "pathways")}[what]
    if not isinstance(section, Obj) or not section.items:
        return None
    old = rng.choice(section.keys())
    if rng.random() < 0.15:
        new = rng.choice([k for k in section.keys()])  # collide with an existing name
    else:
        new = rng.choice(RENAMES)
    section.items = [(new if k == old else k, v) for k, v in section.items]

    def rename_key(o):
        if isinstance(o, Obj):
            o.items = [(new if k == old else k, v) for k, v in o.items]

    cohorts = get_path(tree, "cohorts")
    services = get_path(tree, "services")
    pathways = get_path(tree, "pathways")
    census = get_path(tree, "census")
    if what == "band" and isinstance(cohorts, Obj):
        for _, c in cohorts.items:
            if isinstance(c, Obj) and c.get("band") == old:
                c.set("band", new)
    if what == "cohort":
        if isinstance(services, Obj):
            for _, s in services.items:
                if isinstance(s, Obj):
                    rename_key(s.get("eligibility"))
                    if s.get("residentCohort") == old:
                        s.set("residentCohort", new)
        if isinstance(census, Obj):
            for _, entries in census.items:
                for e in entries if isinstance(entries, list) else []:
                    if isinstance(e, Obj) and e.get("cohort") == old:
                        e.set("cohort", new)
    if what == "service":
        if isinstance(pathways, Obj):
            for _, p in pathways.items:
                if isinstance(p, Obj):
                    if p.get("service") == old:
                        p.set("service", new)
                    rename_key(p.get("services"))
        if isinstance(services, Obj):
            for _, s in services.items:
                outcomes = s.get("outcomes") if isinstance(s, Obj) else None
                if isinstance(outcomes, Obj):
                    for _, o in outcomes.items:
                        if isinstance(o, Obj) and o.get("service") == old:
                            o.set("service", new)
        rename_key(census)
    if what == "pathway":
        if isinstance(cohorts, Obj):
            for _, c in cohorts.items:
                if isinstance(c, Obj):
                    rename_key(c.get("pathways"))
        if isinstance(census, Obj):
            for _, entries in census.items:
                for e in entries if isinstance(entries, list) else []:
                    if isinstance(e, Obj) and e.get("delayedOnPathway") == old:
                        e.set("delayedOnPathway", new)
    return "renamed %s %r to %r" % (what, old, new[:30])


def m_duplicate_key(rng, tree):
    objs = [tree] + [v for _, _, v, _ in walk(tree) if isinstance(v, Obj) and v.items]
    o = rng.choice(objs)
    if not o.items:
        return None
    k, v = rng.choice(o.items)
    nv = clone(v) if rng.random() < 0.5 else rnd_other_type(rng, v)
    o.items.insert(rng.randint(0, len(o.items)), (k, nv))
    return "!duplicate key %r" % k[:40]


def deep_value(depth, kind):
    v = 1
    for _ in range(depth):
        v = [v] if kind == "list" else Obj([("a", v)])
    return v


def m_deep_nesting(rng, tree):
    depth = rng.choice([10, 100, 300, 509, 510, 511, 512, 513])
    ns = nodes(tree)
    p, k, v, path = rng.choice(ns)
    replace_at(p, k, deep_value(depth, rng.choice(["list", "object"])))
    return "nesting %d at %s" % (depth, path_text(path))


def m_extreme_distribution(rng, tree):
    keys = ("lengthOfStayDays", "durationDays", "workingHours", "days")
    ns = nodes(tree, lambda p, k, v, path: path and path[-1] in keys)
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    replace_at(p, k, gen_distribution(rng, extreme=True))
    return "extreme distribution at " + path_text(path)


def m_invalid_distribution(rng, tree):
    keys = ("lengthOfStayDays", "durationDays", "workingHours", "days")
    ns = nodes(tree, lambda p, k, v, path: path and path[-1] in keys)
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    d = rng.choice([
        Obj(), Obj([("fixed", -1)]), Obj([("uniform", Obj([("min", 5), ("max", 1)]))]),
        Obj([("triangular", Obj([("min", 1), ("mode", 1), ("max", 1)]))]),
        Obj([("exponential", Obj([("mean", 0)]))]), Obj([("erlang", Obj([("k", 0), ("mean", 1)]))]),
        Obj([("erlang", Obj([("k", 1.5), ("mean", 1)]))]), Obj([("erlang", Obj([("k", 10001), ("mean", 1)]))]),
        Obj([("gamma", Obj([("mean", 1), ("sd", 0)]))]), Obj([("gamma", Obj([("mean", 1), ("shape", 2)]))]),
        Obj([("gamma", Obj([("mean", 1e200), ("sd", 1e-200)]))]),
        Obj([("weibull", Obj([("shape", 0.001), ("scale", 1)]))]), Obj([("weibull", Obj([("shape", 1e-300), ("scale", 1)]))]),
        Obj([("lognormal", Obj([("mu", 700), ("sigma", 20)]))]), Obj([("lognormal", Obj([("mu", 701), ("sigma", 0)]))]),
        Obj([("lognormal", Obj([("mean", 1), ("sigma", 1)]))]), Obj([("lognormal", Obj([("mean", 1e308), ("sd", 1e308)]))]),
        Obj([("empirical", [])]), Obj([("empirical", [-1])]), Obj([("empirical", Obj())]),
        Obj([("histogram", [])]), Obj([("histogram", [Obj([("from", 1), ("to", 1), ("weight", 1)])])]),
        Obj([("histogram", [Obj([("from", 0), ("to", 1), ("weight", 0)])])]),
        Obj([("histogram", [Obj([("from", 0), ("to", 1e308), ("weight", 1e308)]), Obj([("from", 0), ("to", 1e308), ("weight", 1e308)])])]),
        Obj([("normal", Obj([("mean", 1)]))]), Obj([("fixed", 1), ("exponential", Obj([("mean", 1)]))]),
        Obj([("Fixed", 1)]), "3", [3], Raw("NaN"), -0.0, Obj([("source", "only a note")]),
    ])
    replace_at(p, k, clone(d))
    return "invalid distribution at " + path_text(path)


def m_zero_durations(rng, tree):
    """Zero-length stays and services, and outcomes that send patients straight back."""
    for p, k, v, path in list(walk(tree)):
        if path and path[-1] in ("lengthOfStayDays", "durationDays", "workingHours", "days") and rng.random() < 0.8:
            replace_at(p, k, rng.choice([0, Obj([("fixed", 0)]), 1e-300, Obj([("empirical", [0, 0])])]))
        if path and path[-1] == "outcomes" and isinstance(v, Obj) and rng.random() < 0.7:
            replace_at(p, k, Obj([("readmitted", 1)]) if rng.random() < 0.7 else Obj([("independent", 0.5), ("readmitted", 0.5)]))
    w = tree.get("working") if isinstance(tree.get("working"), Obj) else Obj()
    if rng.random() < 0.7:
        w.set("hours", Obj([("from", 0), ("to", 24)]))
        w.set("sevenDayDischarge", True)
        w.set("sevenDayAssessment", True)
        tree.set("working", w)
    for _, c in (get_path(tree, "cohorts").items if isinstance(get_path(tree, "cohorts"), Obj) else []):
        if isinstance(c, Obj) and rng.random() < 0.5:
            c.set("readmission", Obj([("within30Days", 1)]))
    return "zero durations / readmission loops"


def m_limits(rng, tree):
    """Sets numbers to the documented maxima (valid, but maybe unrunnable)."""
    limits = {
        "people": 1e9, "perYear": 1e9, "perThousandPerYear": 1e9, "perResidentPerYear": 1e9,
        "capacity": 10_000_000, "base": 10_000_000, "patients": 10_000_000, "initialResidents": 10_000_000,
        "annualMortality": 50, "communityAdmissionsPerYear": 1e7, "divertAfterHours": 1e6, "costPerDay": 1e9,
        "costPerWeek": 1e10, "costPerEpisode": 1e10, "annualGrowth": 1, "trendPerYear": 1, "k": 10000,
    }
    ns = nodes(tree, lambda p, k, v, path: path and path[-1] in limits and is_number(v))
    if not ns:
        return None
    p, k, v, path = rng.choice(ns)
    replace_at(p, k, limits[path[-1]])
    return "limit value at " + path_text(path)


def m_census(rng, tree):
    services = get_path(tree, "services")
    cohorts = get_path(tree, "cohorts")
    pathways = get_path(tree, "pathways")
    if not isinstance(services, Obj) or not isinstance(cohorts, Obj) or not services.items or not cohorts.items:
        return None
    name = rng.choice(services.keys())
    n = rng.choice([0, 1, 5, 1000, 10_000_000, 10_000_001, -1, 1.5])
    entry = Obj([("cohort", rng.choice(cohorts.keys())), ("patients", n)])
    if rng.random() < 0.3 and isinstance(pathways, Obj) and pathways.items:
        entry.set("delayedOnPathway", rng.choice(pathways.keys() + ["nothere"]))
    census = tree.get("census") if isinstance(tree.get("census"), Obj) else Obj()
    census.set(name, [entry] * rng.choice([1, 1, 2, 1000]))
    tree.set("census", census)
    if rng.random() < 0.5 and isinstance(services.get(name), Obj):
        services.get(name).set("capacity", max(as_int(n) or 0, 0) * rng.choice([1, 2]))
    return "census of %r patients in %s" % (n, name)


def m_many(rng, tree):
    """Large counts: entities, bins, changes, holidays, census entries."""
    what = rng.choice(["cohorts", "services", "pathways", "bands", "holidays", "censuslist"])
    n = rng.choice([1000, 32767, 32768, 40000]) if what in ("cohorts", "services", "pathways", "bands") else rng.choice([1000, 100000])
    if what == "cohorts" and isinstance(tree.get("cohorts"), Obj) and tree.get("cohorts").items:
        base = tree.get("cohorts").items[0][1]
        co = tree.get("cohorts")
        for i in range(n):
            c = clone(base)
            if isinstance(c, Obj):
                c.set("crises", Obj([("perYear", 0 if i < n - 1 else 1000)]))
            co.items.append(("gen%d" % i, c))
    elif what == "services" and isinstance(tree.get("services"), Obj):
        so = tree.get("services")
        for i in range(n):
            so.items.append(("svc%d" % i, Obj([("kind", "homeCare"), ("capacity", 1), ("durationDays", 1)])))
    elif what == "pathways" and isinstance(tree.get("pathways"), Obj):
        po = tree.get("pathways")
        for i in range(n):
            po.items.append(("pw%d" % i, Obj()))
        for _, c in tree.get("cohorts").items if isinstance(tree.get("cohorts"), Obj) else []:
            if isinstance(c, Obj):
                c.set("pathways", Obj([("pw%d" % (n - 1), 1)]))
    elif what == "bands" and isinstance(get_path(tree, "population", "bands"), Obj):
        bo = get_path(tree, "population", "bands")
        for i in range(n):
            bo.items.append(("band%d" % i, Obj([("people", 1), ("fromAge", i % 121)])))
    elif what == "holidays":
        w = tree.get("working") if isinstance(tree.get("working"), Obj) else Obj()
        w.set("bankHolidays", ["%04d-%02d-%02d" % (2000 + (i // 336) % 50, (i // 28) % 12 + 1, i % 28 + 1) for i in range(n)])
        tree.set("working", w)
    else:
        cohorts = get_path(tree, "cohorts")
        services = get_path(tree, "services")
        if not isinstance(cohorts, Obj) or not isinstance(services, Obj) or not cohorts.items:
            return None
        acute = next((k for k, v in services.items if isinstance(v, Obj) and v.get("kind") == "acute"), "acute")
        tree.set("census", Obj([(acute, [Obj([("cohort", cohorts.keys()[0]), ("patients", 0)]) for _ in range(n)])]))
    return "many %s (%d)" % (what, n)


def m_swap_kind(rng, tree):
    services = get_path(tree, "services")
    if not isinstance(services, Obj) or not services.items:
        return None
    name = rng.choice(services.keys())
    so = services.get(name)
    if not isinstance(so, Obj):
        return None
    kind = rng.choice(["acute", "crisisResponse"] + DOWNSTREAM_KINDS + ["Acute", "hospital", ""])
    so.set("kind", kind)
    return "kind of %s set to %r" % (name, kind)


def m_hours(rng, tree):
    targets = []
    w = tree.get("working")
    if not isinstance(w, Obj):
        w = Obj()
        tree.set("working", w)
    targets.append((w, "hours"))
    targets.append((w, "simpleDischargeHours"))
    services = get_path(tree, "services")
    for _, s in services.items if isinstance(services, Obj) else []:
        if isinstance(s, Obj) and s.get("kind") == "crisisResponse":
            targets.append((s, "hours"))
    o, key = rng.choice(targets)
    f = rng.choice([0, 0.001, 8, 12, 23.99, 24, -1, 25, Raw("NaN")])
    t = rng.choice([0, 0.01, 8, 12, 23.99, 24, 24.01, Raw("Infinity")])
    h = rng.choice([Obj([("from", f), ("to", t)]), Obj([("from", f), ("to", t), ("days", rng.choice(["all", "weekdays", "weekends", ""]))]),
                    "24/7", "24x7", "", Obj([("from", f)]), Obj([("days", "weekdays")])])
    o.set(key, h)
    return "hours %s" % key


def m_bank_holidays_everywhere(rng, tree):
    """Every day a bank holiday (with weekday-only rules nothing is ever open)."""
    start = tree.get("start") if isinstance(tree.get("start"), str) else "2021-03-01"
    try:
        y = int(start[:4])
    except ValueError:
        y = 2021
    days = []
    for yy in range(y - 1, y + 3):
        for m in range(1, 13):
            for d in range(1, 32):
                if d <= [31, 29 if yy % 4 == 0 and (yy % 100 or yy % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]:
                    days.append("%04d-%02d-%02d" % (yy, m, d))
    w = tree.get("working") if isinstance(tree.get("working"), Obj) else Obj()
    w.set("bankHolidays", days)
    for k in ("sevenDayAssessment", "sevenDayDischarge", "sevenDayEquipment"):
        w.set(k, False)
    tree.set("working", w)
    services = get_path(tree, "services")
    for _, s in services.items if isinstance(services, Obj) else []:
        if isinstance(s, Obj):
            s.delete("acceptsWeekends")
            if s.get("kind") == "crisisResponse":
                s.set("hours", Obj([("from", 8), ("to", 20), ("days", "weekdays")]))
    return "every day a bank holiday"


def m_tiny_population(rng, tree):
    """Bands of (almost) nobody: rates per 1,000 or 100,000 people become huge or undefined."""
    bands = get_path(tree, "population", "bands")
    if not isinstance(bands, Obj) or not bands.items:
        return None
    x = rng.choice([0, 5e-324, 1e-300, 1e-9, 0.001, 1])
    for _, b in bands.items:
        if isinstance(b, Obj):
            b.set("people", x)
    for _, c in (get_path(tree, "cohorts").items if isinstance(get_path(tree, "cohorts"), Obj) else []):
        if isinstance(c, Obj) and rate_kind_of(c) == "perThousandPerYear" and rng.random() < 0.7:
            c.set("crises", Obj([("perYear", rng.choice([100, 3000]))]))
    return "every band has %r people" % x


TREE_MUTATIONS = [
    (m_wrong_type, 6), (m_extreme_number, 10), (m_null, 2), (m_delete_field, 5), (m_delete_list_items, 1),
    (m_typo_field, 4), (m_unknown_field, 3), (m_delete_section, 2), (m_empty_section, 3), (m_bad_probabilities, 3),
    (m_capacity, 4), (m_bad_date, 3), (m_long_string, 1), (m_weird_string, 3), (m_rename_entity, 5),
    (m_duplicate_key, 2), (m_deep_nesting, 1), (m_extreme_distribution, 5), (m_invalid_distribution, 3),
    (m_zero_durations, 2), (m_limits, 2), (m_census, 2), (m_many, 0.4), (m_swap_kind, 2), (m_hours, 3),
    (m_bank_holidays_everywhere, 0.5), (m_tiny_population, 1),
]

# Mutations whose results run (after shrinking) because they mostly keep a scenario valid.
SEMANTIC_MUTATIONS = [
    (m_extreme_distribution, 5), (m_capacity, 3), (m_zero_durations, 3), (m_rename_entity, 3), (m_census, 1),
    (m_hours, 1), (m_limits, 0.5), (m_bank_holidays_everywhere, 0.5), (m_bad_probabilities, 0.5),
    (m_tiny_population, 1),
]


def weighted(rng, table):
    total = sum(w for _, w in table)
    x = rng.random() * total
    for item, w in table:
        x -= w
        if x <= 0:
            return item
    return table[-1][0]


# =============================================================================================
# Text-level mutations
# =============================================================================================


def t_byte_flip(rng, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4, 16])):
        if not b:
            break
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def t_truncate(rng, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


INSERTS = [b"\x00", b"\xff", b"\xc3", b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"{", b"}", b"[", b"]", b",", b":", b"\"",
           b"'", b"/*", b"//", b"\\", b"\\u", b"\\x4", b"\n", b"\r", b"0x", b"-", b"+", b".", b"e", b"Infinity", b"NaN",
           b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"null", b"true", b"\t", b"\x0b", b"\x7f"]


def t_splice(rng, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 2, 3, 8])):
        op = rng.choice(["insert", "delete", "dup", "random"])
        i = rng.randrange(len(b) + 1)
        if op == "insert":
            b[i:i] = rng.choice(INSERTS)
        elif op == "delete" and b:
            j = min(len(b), i + rng.choice([1, 2, 5, 50]))
            del b[i:j]
        elif op == "dup" and b:
            j = min(len(b), i + rng.choice([5, 50, 500]))
            b[i:i] = b[i:j]
        else:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 4, 16])))
    return bytes(b)


def t_token(rng, data: bytes) -> bytes:
    """Replaces a number, string or word token of the text (keeps comments and layout)."""
    text = data.decode("utf-8", "replace")
    tokens = list(re.finditer(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\"[^\"\n]*\"|\btrue\b|\bfalse\b|\bnull\b", text))
    if not tokens:
        return data
    m = rng.choice(tokens)
    repl = rng.choice([
        "1e308", "-1", "NaN", "Infinity", "-0", "0x10", "1e999", "\"\"", "\"x\"", "null", "true", "{}", "[]",
        ".5", "5.", "+1", "00", "01", "1_000", "0b1", "1e", "--1", "'single'", "\"\\u0000\"", "\"\\ud800\"",
        "\"2021-02-30\"", "9" * 400, "Infinity,", "NaN NaN",
    ])
    return (text[: m.start()] + repl + text[m.end():]).encode("utf-8", "surrogatepass")


TEXT_MUTATIONS = [(t_byte_flip, 3), (t_truncate, 2), (t_splice, 3), (t_token, 4)]


# =============================================================================================
# Case generators
# =============================================================================================


class Seeds:
    def __init__(self):
        self.texts = {}  # name -> text
        self.trees = {}  # name -> parsed tree (merged for variants)
        self.raw_trees = {}  # name -> parsed tree as written
        self.extends = {}  # name -> base name
        small = HERE / "seed-small.json5"
        if not small.exists():
            small_text = extract_small_fixture()
            if small_text:
                small.write_text(small_text)
        scenarios = ROOT / "Scenarios"
        files = sorted(scenarios.rglob("*.json5")) + ([small] if small.exists() else [])
        for f in files:
            name = str(f.relative_to(scenarios)) if f.is_relative_to(scenarios) else f.name
            try:
                text = f.read_text()
                tree = json5_loads(text)
            except (OSError, UnicodeDecodeError, JSON5Error) as e:
                print("fuzz: cannot use seed %s: %s" % (f, e), file=sys.stderr)
                continue
            self.texts[name] = text
            self.raw_trees[name] = tree
            if isinstance(tree, Obj) and isinstance(tree.get("extends"), str):
                # Bases are written next to main.json5 under their own file name.
                self.extends[name] = os.path.normpath(os.path.join(os.path.dirname(name), tree.get("extends")))
        for name, tree in self.raw_trees.items():
            base = self.extends.get(name)
            if base and base in self.raw_trees:
                merged = overlay(self.raw_trees[base], tree)
                merged.delete("extends")
                self.trees[name] = merged
            elif not base:
                self.trees[name] = tree
        if not self.trees:
            raise SystemExit("fuzz: no seed scenarios found")

    def pick(self, rng):
        names = sorted(self.trees)
        weights = [6 if "small" in n else 3 if n == "baseline.json5" else 1 for n in names]
        return rng.choices(names, weights)[0]


def extract_small_fixture():
    path = ROOT / "Tests/HomewardKitTests/Support/Fixtures.swift"
    try:
        src = path.read_text()
    except OSError:
        return None
    m = re.search(r'static let small = """\n(.*?)\n\s*"""', src, re.S)
    if not m:
        return None
    lines = m.group(1).split("\n")
    indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
    return "// Copy of Fixtures.small (Tests/HomewardKitTests/Support/Fixtures.swift).\n" + "\n".join(l[indent:] for l in lines) + "\n"


def tree_case(name, tree, rng, tags=(), note=""):
    return Case(name, {"main.json5": json5_dumps(tree, rng if rng.random() < 0.5 else None,
                                                 indent=rng.choice([2, 2, None]))}, tags=tags, note=note)


def g_seed_as_is(rng, seeds):
    name = seeds.pick(rng)
    files = {"main.json5": seeds.texts[name]}
    base = seeds.extends.get(name)
    if base in seeds.texts:
        files[os.path.basename(base)] = seeds.texts[base]
    return Case("seed_as_is", files, note=name)


def g_mutate_tree(rng, seeds):
    name = seeds.pick(rng)
    tree = clone(seeds.trees[name])
    notes = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        f = weighted(rng, TREE_MUTATIONS)
        d = f(rng, tree)
        if d:
            notes.append(d)
    tags = {"expect_reject"} if len(notes) == 1 and notes[0].startswith("!") else set()
    return tree_case("mutate_tree", tree, rng, tags=tags, note="%s: %s" % (name, "; ".join(notes)))


def g_mutate_variant(rng, seeds):
    """Mutates the file that extends a base (the base stays as shipped) or the base itself."""
    variants = [n for n in seeds.extends if seeds.extends[n] in seeds.texts]
    if not variants:
        return g_mutate_tree(rng, seeds)
    name = rng.choice(variants)
    base = seeds.extends[name]
    vt = clone(seeds.raw_trees[name])
    bt = clone(seeds.raw_trees[base])
    target = vt if rng.random() < 0.6 else bt
    notes = []
    for _ in range(rng.choice([1, 1, 2])):
        f = weighted(rng, TREE_MUTATIONS + [(m_overlay_null, 4)])
        d = f(rng, target)
        if d:
            notes.append(d)
    if isinstance(vt, Obj) and vt.has("extends"):
        vt.set("extends", os.path.basename(base))
    return Case("mutate_variant", {os.path.basename(base): json5_dumps(bt), "main.json5": json5_dumps(vt)},
                note="%s (%s): %s" % (name, "variant" if target is vt else "base", "; ".join(notes)))


def m_overlay_null(rng, tree):
    """In a file with extends: null removes a key of the base (required ones too)."""
    choices = [("services", "acute"), ("population",), ("cohorts",), ("start",), ("name",), ("horizonDays",),
               ("services",), ("pathways",), ("population", "bands")]
    path = rng.choice(choices)
    o = tree
    for k in path[:-1]:
        nxt = o.get(k) if isinstance(o, Obj) else None
        if not isinstance(nxt, Obj):
            nxt = Obj()
            o.set(k, nxt)
        o = nxt
    o.set(path[-1], None)
    return "null overlay " + path_text(path)


def g_text_mutation(rng, seeds):
    name = seeds.pick(rng)
    data = seeds.texts[name].encode()
    if rng.random() < 0.3:
        data = json5_dumps(seeds.trees[name], rng).encode()
    notes = []
    for _ in range(rng.choice([1, 1, 2])):
        f = weighted(rng, TEXT_MUTATIONS)
        data = f(rng, data)
        notes.append(f.__name__)
    files = {"main.json5": data}
    base = seeds.extends.get(name)
    if base in seeds.texts:
        files[os.path.basename(base)] = seeds.texts[base]
    return Case("text_mutation", files, note="%s: %s" % (name, ",".join(notes)))


def g_random_scenario(rng, seeds):
    tree = gen_scenario(rng)
    notes = []
    if rng.random() < 0.5:
        for _ in range(rng.choice([1, 1, 2])):
            f = weighted(rng, SEMANTIC_MUTATIONS)
            d = f(rng, tree)
            if d:
                notes.append(d)
    return tree_case("random_scenario", tree, rng, note="; ".join(notes))


def g_random_broken(rng, seeds):
    tree = gen_scenario(rng)
    notes = []
    for _ in range(rng.choice([1, 2, 3])):
        f = weighted(rng, TREE_MUTATIONS)
        d = f(rng, tree)
        if d:
            notes.append(d)
    return tree_case("random_broken", tree, rng, note="; ".join(notes))


def g_absurd_horizon(rng, seeds):
    name = seeds.pick(rng) if rng.random() < 0.5 else "seed-small.json5"
    tree = clone(seeds.trees.get(name) or seeds.trees[seeds.pick(rng)])
    note = m_absurd_horizon(rng, tree)
    return tree_case("absurd_horizon", tree, rng, tags={"noshrink"}, note=note)


def g_semantic_seed(rng, seeds):
    """Valid-looking edits of a seed (zero capacities, extreme distributions, renames...) that run."""
    name = seeds.pick(rng)
    tree = clone(seeds.trees[name])
    notes = []
    for _ in range(rng.choice([1, 1, 2])):
        f = weighted(rng, SEMANTIC_MUTATIONS)
        d = f(rng, tree)
        if d:
            notes.append(d)
    return tree_case("semantic_seed", tree, rng, note="%s: %s" % (name, "; ".join(notes)))


def small_tree(seeds):
    return clone(seeds.trees.get("seed-small.json5") or next(iter(seeds.trees.values())))


def g_extends(rng, seeds):
    """extends: cycles, missing bases, odd paths and types, deep chains."""
    base_tree = small_tree(seeds)
    base_text = json5_dumps(base_tree)
    kind = rng.choice(["cycle2", "cycle3", "self", "self_dot", "missing", "empty", "dir", "nonstring", "chain",
                       "dev", "absolute_cycle", "base_broken", "nested", "symlink_cycle", "sub_dir", "base_not_object",
                       "extends_in_base_missing", "unicode_name", "case_base"])
    files = {}
    case = Case("extends", files, tags={"extends"})
    half = lambda extra: Obj([("extends", extra), ("name", "part")])  # noqa: E731
    if kind == "cycle2":
        files["main.json5"] = json5_dumps(half("b.json5"))
        files["b.json5"] = json5_dumps(half("main.json5"))
    elif kind == "cycle3":
        files["main.json5"] = json5_dumps(half("b.json5"))
        files["b.json5"] = json5_dumps(half("c.json5"))
        files["c.json5"] = json5_dumps(half(rng.choice(["main.json5", "b.json5", "./main.json5"])))
    elif kind == "self":
        files["main.json5"] = json5_dumps(half("main.json5"))
    elif kind == "self_dot":
        files["main.json5"] = json5_dumps(half(rng.choice(["./main.json5", "sub/../main.json5", ".//main.json5", "../CASENAME/main.json5"])))
        case.dirs.append("sub")
    elif kind == "missing":
        files["main.json5"] = json5_dumps(half(rng.choice(["nothere.json5", "sub/nothere.json5", "../nothere.json5", "/nonexistent/x.json5", "base.JSON5", " base.json5"])))
        files["base.json5"] = base_text
    elif kind == "empty":
        files["main.json5"] = json5_dumps(half(rng.choice(["", ".", "..", "/", "./", "~"])))
    elif kind == "dir":
        case.dirs.append("adir")
        files["main.json5"] = json5_dumps(half(rng.choice(["adir", "adir/", "."])))
    elif kind == "nonstring":
        files["main.json5"] = json5_dumps(Obj([("extends", rng.choice([None, 1, True, [], ["base.json5"], Obj([("file", "base.json5")])])), ("name", "x")]))
        files["base.json5"] = base_text
    elif kind == "chain":
        depth = rng.choice([2, 31, 32, 33, 40, 200])
        files["f0.json5"] = base_text
        for i in range(1, depth + 1):
            files["f%d.json5" % i] = json5_dumps(Obj([("extends", "f%d.json5" % (i - 1)), ("description", "level %d" % i)]))
        files["main.json5"] = json5_dumps(Obj([("extends", "f%d.json5" % depth)]))
        case.tags.add("chain%d" % depth)
    elif kind == "dev":
        files["main.json5"] = json5_dumps(half(rng.choice(["/dev/null", "/dev/zero", "/dev/urandom", "/proc/self/status", "/etc/passwd", "/proc/self/mem"])))
    elif kind == "absolute_cycle":
        files["main.json5"] = json5_dumps(half("CASEDIR/b.json5"))
        files["b.json5"] = json5_dumps(half("CASEDIR/main.json5"))
    elif kind == "base_broken":
        files["base.json5"] = t_truncate(rng, base_text.encode()) if rng.random() < 0.5 else json5_dumps(Obj([("name", 1), ("horizonDays", "x")]))
        files["main.json5"] = json5_dumps(Obj([("extends", "base.json5"), ("name", "x")]))
    elif kind == "nested":
        files["base.json5"] = base_text
        files["main.json5"] = json5_dumps(Obj([("extends", "base.json5"), ("services", Obj([("extends", "base.json5")]))]))
    elif kind == "symlink_cycle":
        files["main.json5"] = json5_dumps(half("link.json5"))
        case.symlinks["link.json5"] = "main.json5"
    elif kind == "sub_dir":
        case.dirs.append("sub")
        files["sub/base.json5"] = json5_dumps(Obj([("extends", "../real.json5")]))
        files["real.json5"] = base_text
        files["main.json5"] = json5_dumps(Obj([("extends", "sub/base.json5"), ("name", "via sub")]))
    elif kind == "base_not_object":
        files["base.json5"] = rng.choice(["[]", "1", "\"x\"", "null", "", "// only a comment\n"])
        files["main.json5"] = json5_dumps(Obj([("extends", "base.json5"), ("name", "x")]))
    elif kind == "extends_in_base_missing":
        files["base.json5"] = json5_dumps(Obj([("extends", "gone.json5")]))
        files["main.json5"] = json5_dumps(Obj([("extends", "base.json5")]))
    elif kind == "unicode_name":
        n = rng.choice(["bäse.json5", "名前.json5", "a b.json5", "a:b.json5", "x.json5\u202e"])
        files[n] = base_text
        files["main.json5"] = json5_dumps(Obj([("extends", n), ("name", "unicode base")]))
    else:
        files["Base.json5"] = base_text
        files["main.json5"] = json5_dumps(Obj([("extends", "base.json5"), ("name", "case")]))
    case.note = kind
    return case


def g_whole_file(rng, seeds):
    kind = rng.choice(["empty", "ws", "bom", "array", "string", "number", "null", "comment", "huge", "deep", "binary",
                       "two_values", "nul", "utf16", "big_array"])
    data = {
        "empty": b"", "ws": b" \n\t\r\n", "bom": b"\xef\xbb\xbf", "array": b"[]", "string": b'"scenario"',
        "number": b"1", "null": b"null", "comment": b"// nothing\n/* at all */", "two_values": b"{} {}",
        "nul": b"{\x00}", "utf16": json5_dumps(small_tree(seeds)).encode("utf-16"),
    }.get(kind)
    if kind == "huge":
        pad = b" " * (64 * 1024 * 1024 + rng.choice([-200, 1, 1000]))
        data = b"{" + pad + b"}"
    elif kind == "deep":
        d = rng.choice([511, 512, 513, 100000, 1000000])
        data = b"[" * d + b"]" * d if rng.random() < 0.5 else b'{"a":' * d + b"1" + b"}" * d
    elif kind == "binary":
        data = bytes(rng.randrange(256) for _ in range(rng.choice([1, 100, 10000])))
    elif kind == "big_array":
        data = b"{name: \"x\", description: [" + b"1," * 3_000_000 + b"]}"
    return Case("whole_file", {"main.json5": data}, tags={"noshrink"}, note=kind)



def stress_base(rng, horizon=60):
    return Obj([
        ("name", "stress"), ("start", "2021-03-01"), ("horizonDays", horizon),
        ("population", Obj([("bands", Obj([("18-64", Obj([("people", 100000)])), ("65-84", Obj([("people", 20000)]))]))])),
        ("cohorts", Obj([("a", Obj([("band", "65-84"), ("crises", Obj([("perYear", 2000)])),
                                   ("lengthOfStayDays", 1), ("pathways", Obj([("1", 1)]))]))])),
        ("services", Obj([("acute", Obj([("kind", "acute"), ("capacity", 100)]))])),
        ("pathways", Obj([("1", Obj())])),
    ])


def g_stress(rng, seeds):
    """Structures built to stress one part of the engine, with randomised sizes."""
    kind = rng.choice(["loop", "fast_cycle", "dense_pathways", "dense_services", "many_services", "many_pathways",
                       "many_cohorts", "residents", "community", "census", "assessment", "equipment", "divert",
                       "capacity_flip", "holidays", "readmit_storm", "long_name"])
    t = stress_base(rng)
    cohorts, services, pathways = t.get("cohorts"), t.get("services"), t.get("pathways")
    a = cohorts.get("a")
    tags = set()
    if kind in ("loop", "fast_cycle", "readmit_storm"):
        d = 0 if kind == "loop" else rng.choice([0.001, 0.01, 0.05, 0.3])
        a.set("lengthOfStayDays", rng.choice([d, Obj([("fixed", d)]), Obj([("exponential", Obj([("mean", d or 1e-9)]))])]))
        a.set("pathways", Obj([("2", 1)]) if rng.random() < 0.8 else Obj([("1", 0.1), ("2", 0.9)]))
        services.set("reab", Obj([("kind", rng.choice(["homeReablement", "bedBased"])), ("capacity", rng.choice([1, 5, 100])),
                                  ("durationDays", d), ("outcomes", Obj([("readmitted", 1)]) if kind != "readmit_storm"
                                                                      else Obj([("independent", 1)]))]))
        if rng.random() < 0.8:
            services.get("reab").set("acceptsWeekends", True)
        pathways.set("2", Obj([("service", "reab")]))
        if rng.random() < 0.8:
            t.set("working", Obj([("hours", Obj([("from", 0), ("to", 24)])), ("sevenDayDischarge", True)]))
        if kind == "readmit_storm":
            a.set("readmission", Obj([("within30Days", 1)]))
    elif kind in ("dense_pathways", "dense_services", "many_services", "many_pathways", "many_cohorts"):
        n = rng.choice([2000, 10000, 20000, 32767, 32768, 40000])
        m = rng.choice([1, 100, 2000, 10000, 25000]) if kind.startswith("dense") else 1
        if kind in ("dense_pathways", "many_pathways"):
            for i in range(n):
                pathways.items.append(("p%d" % i, Obj()))
            a.set("pathways", Obj([("p%d" % (n - 1), 1)]))
        if kind in ("dense_services", "many_services"):
            for i in range(n):
                services.items.append(("s%d" % i, Obj([("kind", "homeCare"), ("capacity", 1), ("durationDays", 1)])))
            if kind == "many_services":
                pathways.set("1", Obj([("service", "s%d" % (n - 1))]))
        if kind == "many_cohorts":
            m = n
        for i in range(m - 1):
            cohorts.items.append(("c%d" % i, Obj([("band", "18-64"), ("crises", Obj([("perYear", 0)])),
                                                  ("lengthOfStayDays", 1), ("pathways", clone(a.get("pathways")))])))
        cohorts.items.append(cohorts.items.pop(0))  # the active cohort last
        tags.add("n=%d m=%d" % (n, m))
    elif kind == "residents":
        n = rng.choice([1000, 100000, 1000000, 10000000])
        a.set("crises", Obj([("perResidentPerYear", rng.choice([0, 0.5, 2]))]))
        services.set("home", Obj([("kind", "careHome"), ("capacity", n), ("initialResidents", n),
                                  ("annualMortality", rng.choice([0, 0.3, 50])), ("residentCohort", "a")]))
    elif kind == "community":
        services.set("home", Obj([("kind", "careHome"), ("capacity", rng.choice([1, 1000, 10000000])),
                                  ("communityAdmissionsPerYear", rng.choice([1e5, 1e6, 1e7])),
                                  ("annualMortality", rng.choice([0, 50])), ("residentCohort", "a")]))
    elif kind == "census":
        n = rng.choice([1000, 100000, 1000000, 10000000])
        services.get("acute").set("capacity", n)
        entry = Obj([("cohort", "a"), ("patients", n)])
        if rng.random() < 0.5:
            entry.set("delayedOnPathway", "1")
        t.set("census", Obj([("acute", [entry])]))
    elif kind == "assessment":
        services.get("acute").set("capacity", rng.choice([100, 10000]))
        a.set("crises", Obj([("perYear", rng.choice([2000, 20000]))]))
        pathways.set("1", Obj([("assessment", Obj([("workingHours", rng.choice([1e6, 1e9, 1e300, Obj([("lognormal", Obj([("mu", 700), ("sigma", 0)]))])]))]))]))
    elif kind == "equipment":
        pathways.set("1", Obj([("equipment", Obj([("probability", 1), ("days", rng.choice([1e5, 1e7, 1e15, 1e300]))]))]))
    elif kind == "divert":
        services.get("acute").set("capacity", 0)
        services.get("acute").set("divertAfterHours", rng.choice([0, 1e-300, 1e-9, 1, 1e6]))
        a.set("crises", Obj([("perYear", rng.choice([1e4, 1e6]))]))
    elif kind == "capacity_flip":
        changes = []
        d = 0
        for i in range(rng.choice([100, 2000, 20000])):
            changes.append(Obj([("from", "%04d-%02d-%02d" % (2021, (i // 28) % 12 + 1, i % 28 + 1)), ("capacity", (i % 2) * rng.choice([1, 1000]))]))
        services.get("acute").set("capacity", Obj([("base", 1), ("changes", changes)]))
        t.set("warmupDays", rng.choice([0, 30]))
    elif kind == "long_name":
        name = rng.choice(["h", "é", "名"]) * rng.choice([1000, 20000, 100000])
        n = rng.choice([1000, 100000, 1000000])
        a.set("crises", Obj([("perResidentPerYear", rng.choice([0, 0.5]))]))
        home = Obj([("kind", "careHome"), ("capacity", n), ("residentCohort", "a")])
        if rng.random() < 0.5:
            home.set("initialResidents", n)
        else:
            home.set("communityAdmissionsPerYear", rng.choice([1e4, 1e6]))
        services.set(name, home)
        tags.add("L=%d n=%d" % (len(name), n))
    else:  # holidays: every day a bank holiday, weekday-only working, long horizon
        t.set("horizonDays", rng.choice([365, 3650, 36525]))
        tags.add("noshrink")
        m_bank_holidays_everywhere(rng, t)
        pathways.set("1", Obj([("assessment", Obj([("workingHours", 1)]))]))
    return Case("stress", {"main.json5": json5_dumps(t, indent=None)}, tags=tags, note=kind + " " + " ".join(sorted(tags)))


GENERATORS = [
    (g_mutate_tree, 30), (g_text_mutation, 15), (g_random_scenario, 15), (g_random_broken, 10), (g_semantic_seed, 12),
    (g_mutate_variant, 5), (g_extends, 6), (g_absurd_horizon, 3), (g_whole_file, 2), (g_seed_as_is, 1),
    (g_stress, 3),
]


def make_case(seed, index, seeds, only=None):
    rng = random.Random("%s/%d" % (seed, index))
    table = [(g, w) for g, w in GENERATORS if not only or g.__name__[2:] in only]
    if not table:
        raise SystemExit("fuzz: no generator matches --only")
    g = weighted(rng, table)
    case = g(rng, seeds)
    case.index = index
    return case, rng


# =============================================================================================
# Running the binary
# =============================================================================================


def limit_memory(bytes_):
    def preexec():
        resource.setrlimit(resource.RLIMIT_AS, (bytes_, bytes_))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return preexec


class Outcome:
    def __init__(self, argv, rc, stdout, stderr, seconds, max_rss_kb, timed_out):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.max_rss_kb = max_rss_kb
        self.timed_out = timed_out


def run_binary(argv, cwd, timeout, mem_bytes):
    env = dict(os.environ)
    env["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no"
    env["NO_COLOR"] = "1"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                preexec_fn=limit_memory(mem_bytes), start_new_session=True)
        timed_out = False
        status = None
        rusage = None
        deadline = start + timeout
        delay = 0.002
        while True:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage = st, ru
                break
            now = time.monotonic()
            if now >= deadline and not timed_out:
                timed_out = True
                # SIGABRT first so the Swift backtracer prints where it is stuck, then SIGKILL.
                try:
                    os.killpg(proc.pid, signal.SIGABRT)
                except ProcessLookupError:
                    pass
                deadline = now + 15
            elif now >= deadline and timed_out:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                deadline = now + 3600
            time.sleep(delay)
            delay = min(delay * 1.5, 0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read(2_000_000).decode("utf-8", "replace")
        stderr = err.read(2_000_000).decode("utf-8", "replace")
    return Outcome(argv, proc.returncode, stdout, stderr, seconds, rusage.ru_maxrss if rusage else 0, timed_out)


CRASH_MARKERS = ("Fatal error", "Swift runtime failure", "internal error", "Program crashed", "Backtracing",
                 "Assertion failed", "Precondition failed")


def crash_signature(o: Outcome):
    """A short text that tells distinct crashes (and hangs) apart."""
    err = o.stderr
    what = None
    m = re.search(r"Swift runtime failure: ([^*\n]+)", err) or re.search(r"(Fatal error|Precondition failed|Assertion failed): ?([^\n]*)", err)
    if m:
        what = m.group(0).replace("Swift runtime failure: ", "").split(" in homeward at ")[0].strip()
        what = re.sub(r"\d+", "N", what)[:120]
    elif "internal error" in err:
        what = re.sub(r"\d+", "N", err[err.index("internal error"):].splitlines()[0])[:120]
    elif o.rc < 0:
        what = "signal %d" % -o.rc
    else:
        what = "exit %d" % o.rc
    frames = []
    for line in err.splitlines():
        fm = re.search(r"0x[0-9a-f]+ (.*?)(?: \+ \d+)? in homeward at \S*?Sources/HomewardKit/(\S+?):(\d+)", line)
        if fm and not fm.group(1).startswith("Swift runtime failure"):
            func = re.sub(r"^(specialized |closure #\d+ in )+", "", fm.group(1)).strip()
            frames.append((fm.group(2), fm.group(3), func[:70]))
    where = None
    if frames:
        f, n, func = frames[0]
        where = "%s:%s (%s)" % (f, n, func)
    if o.timed_out:
        # A hang's innermost frame moves around: name the first model-level function instead.
        outer = next((fr for fr in frames if not fr[0].startswith("Engine/")), None)
        inner = frames[0][2] if frames else "?"
        return "HANG in %s%s" % (inner, (" < " + outer[2]) if outer and outer[2] != inner else "")
    return "%s @ %s" % (what, where or "?")


def classify(validate: Outcome, run: Outcome | None, case_files, shrunk, case_dir=None):
    """-> (status, detail, weak_problems). status: ok | rejected | crash | hang."""
    for o in (validate, run):
        if o is None:
            continue
        if o.timed_out:
            return "hang", o, []
        if o.rc not in (0, 2) or any(m in o.stderr for m in CRASH_MARKERS):
            return "crash", o, []
    if validate.rc == 2:
        return "rejected", validate, check_messages(validate.stderr, case_files, case_dir)
    if run is not None and run.rc == 2:
        problems = check_messages(run.stderr, case_files, case_dir)
        if not shrunk:
            problems.append("validate accepted the file but run rejected it: " + run.stderr.strip()[:200])
        return "rejected", run, problems
    return "ok", run or validate, []


# =============================================================================================
# The fuzz loop
# =============================================================================================


def write_case(case: Case, directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    for d in case.dirs:
        (directory / d).mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        p = directory / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.replace("CASEDIR", str(directory)).replace("CASENAME", directory.name)
            content = content.encode("utf-8", "surrogatepass")
        p.write_bytes(content)
    for name, target in case.symlinks.items():
        try:
            os.symlink(target, directory / name)
        except OSError:
            pass


def shrink_for_run(case: Case, directory: Path, max_horizon, max_warmup):
    """Writes run.json5 with the horizon and warm-up capped; returns its name (or main's)."""
    if "noshrink" in case.tags:
        return case.main, False
    try:
        text = (directory / case.main).read_bytes().decode("utf-8")
        tree = json5_loads(text)
    except (UnicodeDecodeError, JSON5Error, RecursionError, ValueError):
        return case.main, False
    if not isinstance(tree, Obj):
        return case.main, False
    merged = tree
    seen = set()
    current = tree
    # Follow extends (inside the case folder) to learn the merged horizon.
    while isinstance(current, Obj) and isinstance(current.get("extends"), str):
        base = directory / current.get("extends")
        if base in seen or not base.is_file():
            break
        seen.add(base)
        try:
            current = json5_loads(base.read_text())
        except (OSError, UnicodeDecodeError, JSON5Error, RecursionError, ValueError):
            break
        merged = overlay(current, merged)
    h = as_int(merged.get("horizonDays")) if isinstance(merged, Obj) else None
    w = as_int(merged.get("warmupDays")) if isinstance(merged, Obj) else None
    changed = False
    if h is not None and h > max_horizon:
        tree.set("horizonDays", max_horizon)
        changed = True
    if w is not None and w > max_warmup:
        tree.set("warmupDays", max_warmup)
        changed = True
    if not changed:
        return case.main, False
    name = "run-" + case.main
    (directory / name).write_text(json5_dumps(tree), encoding="utf-8", errors="surrogatepass")
    return name, True


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {"ok": 0, "rejected": 0, "crash": 0, "hang": 0, "silent": 0}
        self.kinds = {}  # kind -> counts, undetectable, seconds
        self.weak = 0
        self.total = 0
        self.signatures = {}  # signature -> dict(kind, count, example)
        self.by_generator = {}
        self.saved_per_signature = {}
        self.messages = {}  # normalised rejection line -> an example (--messages)


def save_failure(save_dir: Path, case: Case, case_dir: Path, kind: str, outcome: Outcome, signature: str, extra=""):
    name = "%s-%06d-%s" % (kind, case.index, case.generator)
    dest = save_dir / name
    if dest.exists():
        shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(case_dir, dest, symlinks=True, ignore=shutil.ignore_patterns("out"))
    (dest / "stderr.txt").write_text(outcome.stderr)
    info = {
        "kind": kind, "signature": signature, "generator": case.generator, "note": case.note, "index": case.index,
        "command": " ".join(outcome.argv), "exit": outcome.rc, "seconds": round(outcome.seconds, 2),
        "maxRssKB": outcome.max_rss_kb, "timedOut": outcome.timed_out, "weak": extra,
    }
    (dest / "info.json").write_text(json.dumps(info, indent=2, ensure_ascii=False))
    return dest


def count_kind(stats: Stats, kind, status, seconds, undetectable=False):
    with stats.lock:
        k = stats.kinds.setdefault(kind, {"cases": 0, "ok": 0, "refused": 0, "crash": 0, "hang": 0, "silent": 0,
                                          "undetectable": 0, "seconds": 0.0})
        k["cases"] += 1
        k[{"rejected": "refused"}.get(status, status)] += 1
        k["seconds"] += seconds
        if undetectable:
            k["undetectable"] += 1


def fuzz_one(case: Case, args, work: Path, stats: Stats, save_dir: Path, log):
    case_dir = work / ("case-%06d" % case.index)
    started = time.monotonic()
    try:
        write_case(case, case_dir)
        main = case.main
        files = set(case.files) | set(case.symlinks)
        validate = run_binary([args.binary, "validate", main], case_dir, args.timeout, args.mem_bytes)
        run = None
        shrunk = False
        if validate.rc == 0 and not validate.timed_out:
            run_name, shrunk = shrink_for_run(case, case_dir, args.max_horizon, args.max_warmup)
            files.add(run_name)
            run = run_binary([args.binary, "run", run_name, "--replications", "1", "--threads", "1", "--quiet",
                              "--out", "out"], case_dir, args.timeout, args.mem_bytes)
        status, detail, weak = classify(validate, run, files, shrunk, case_dir)
        for m in re.finditer(r"base scenario '([^']+)': not valid JSON5: .*unexpected character '(.)'",
                             detail.stderr if detail else ""):
            base = (case_dir / m.group(1)).resolve()
            if not base.is_relative_to(case_dir.resolve()):
                weak = weak + ["quotes a character of a file outside the scenario's folder (%s)" % m.group(1)]
        if status == "ok" and "expect_reject" in case.tags:
            weak = weak + ["accepted a file that breaks a documented rule: " + case.note[:200]]
        with stats.lock:
            stats.total += 1
            stats.counts[status] += 1
            g = stats.by_generator.setdefault(case.generator, {"ok": 0, "rejected": 0, "crash": 0, "hang": 0, "weak": 0})
            g[status] += 1
            if weak:
                stats.weak += 1
                g["weak"] += 1
        count_kind(stats, "scenarios", status, time.monotonic() - started)
        if args.messages and status == "rejected":
            with stats.lock:
                for line in detail.stderr.splitlines()[:50]:
                    key = re.sub(r"\d+(\.\d+)?(e[+-]?\d+)?", "N", re.sub(r"'[^']*'|\"[^\"]*\"", "'S'", line))[:200]
                    stats.messages.setdefault(key, line[:400])
        findings = []
        if status in ("crash", "hang"):
            findings.append((status, crash_signature(detail), ""))
        for w in weak:
            sig = "WEAK " + re.sub(r"\d+(\.\d+)?", "N", re.sub(r"[^\s:]*\.json5", "FILE", w))[:160]
            findings.append(("weak", sig, w))
        for kind, sig, extra in findings:
            with stats.lock:
                entry = stats.signatures.setdefault(sig, {"kind": kind, "count": 0, "example": None, "note": case.note})
                entry["count"] += 1
                first = entry["count"] == 1
                n_saved = stats.saved_per_signature.get(sig, 0)
                save = n_saved < args.save_per_signature
                if save:
                    stats.saved_per_signature[sig] = n_saved + 1
            if save:
                dest = save_failure(save_dir, case, case_dir, kind, detail, sig, extra)
                if first:
                    entry["example"] = str(dest)
            if first:
                log("fuzz: new %s: %s\n      case %d (%s: %s)%s" % (
                    kind.upper(), sig, case.index, case.generator, case.note[:150],
                    ("\n      saved in " + entry["example"]) if entry.get("example") else ""))
    finally:
        if not args.keep:
            shutil.rmtree(case_dir, ignore_errors=True)


def fuzz_output_one(kind, index, args, fixture, work: Path, stats: Stats, save_dir: Path, log):
    """One case of an output kind (fuzz_outputs.py): merge, resume, logs, paths, interrupt, ..."""
    import fuzz_outputs
    case_dir = work / ("case-%06d-%s" % (index, kind))
    started = time.monotonic()
    try:
        rng = random.Random("%s/%d/%s" % (args.seed, index, kind))
        v, ctx = fuzz_outputs.run_case(kind, rng, fixture, case_dir, args)
        undetectable = v.detail == "undetectable"
        status = {"refused": "rejected"}.get(v.status, v.status)
        with stats.lock:
            stats.total += 1
            stats.counts[status] += 1
        count_kind(stats, kind, v.status, time.monotonic() - started, undetectable)
        findings = []
        if v.status in ("crash", "hang", "silent"):
            findings.append((v.status, v.sig))
        elif v.status == "refused" and v.detail:
            findings.append(("weak", "WEAK %s: %s" % (kind, re.sub(r"\d+(\.\d+)?", "N", v.detail)[:140])))
            with stats.lock:
                stats.weak += 1
        for fkind, sig in findings:
            with stats.lock:
                entry = stats.signatures.setdefault(sig, {"kind": fkind, "count": 0, "example": None, "note": v.note})
                entry["count"] += 1
                first = entry["count"] == 1
                n_saved = stats.saved_per_signature.get(sig, 0)
                save = n_saved < args.save_per_signature
                if save:
                    stats.saved_per_signature[sig] = n_saved + 1
            if save:
                dest = fuzz_outputs.save_case(save_dir, kind, index, v, ctx)
                if first:
                    entry["example"] = str(dest)
            if first:
                log("fuzz: new %s: %s\n      case %d (%s: %s)%s" % (
                    fkind.upper(), sig, index, kind, v.note[:200],
                    ("\n      saved in " + entry["example"]) if entry.get("example") else ""))
    finally:
        if not args.keep:
            shutil.rmtree(case_dir, ignore_errors=True)


EXPAND = re.compile(r"^//\s*expand:\s*(\S+)\s+(\d+)\s+(\S+)\s+(.*)$", re.M)


def expand_finding(path: Path) -> str | None:
    """A finding's scenario with its `// expand: SECTION COUNT PREFIX TEMPLATE` lines applied.

    Each directive inserts COUNT copies of TEMPLATE (JSON5) named PREFIX0, PREFIX1, ... before the
    entries already in SECTION (a dotted path), so the file's own entries get the highest indices.
    Used for reproducers that need tens of thousands of entries (kept small in the repository).
    Returns None when the file has no directive.
    """
    text = path.read_text()
    directives = EXPAND.findall(text)
    if not directives:
        return None
    tree = json5_loads(text)
    for section, count, prefix, template in directives:
        o = tree
        for k in section.split("."):
            o = o.get(k)
        value = json5_loads(template)
        o.items[0:0] = [("%s%d" % (prefix, i), clone(value)) for i in range(int(count))]
    header = "".join(l + "\n" for l in text.splitlines() if l.startswith("//") and not EXPAND.match(l))
    return header + json5_dumps(tree, indent=None)


def check_findings(args, directory: Path):
    """Runs every reproducer in `directory` and says whether it still fails."""
    files = sorted(directory.glob("*.json5"))
    work = Path(tempfile.mkdtemp(prefix="homeward-findings-"))
    still = 0
    try:
        for f in files:
            out_dir = work / f.stem
            out_dir.mkdir()
            expanded = expand_finding(f)
            if expanded is None:
                case_dir = directory  # in place, so that relative `extends` paths work
            else:
                case_dir = out_dir
                (out_dir / f.name).write_text(expanded, encoding="utf-8", errors="surrogatepass")
            validate = run_binary([args.binary, "validate", f.name], case_dir, args.timeout, args.mem_bytes)
            run = None
            if validate.rc == 0 and not validate.timed_out:
                run = run_binary([args.binary, "run", f.name, "--replications", "1", "--threads", "1", "--quiet",
                                  "--out", str(out_dir / "out")], case_dir, args.timeout, args.mem_bytes)
            status, detail, weak = classify(validate, run, {f.name}, False, case_dir)
            first_line = f.read_text().split("\n", 1)[0]
            if status == "ok" and "exit 0" in first_line:
                # The finding is that an invalid file is accepted.
                verdict = "ACCEPTED (should be rejected)"
                still += 1
            elif status in ("crash", "hang"):
                verdict = "%s: %s" % (status.upper(), crash_signature(detail))
                still += 1
            elif weak:
                verdict = "WEAK: " + weak[0][:150]
                still += 1
            else:
                verdict = "%s (exit %d): %s" % (status, detail.rc, detail.stderr.strip().splitlines()[0][:150] if detail.stderr.strip() else "")
            print("%-48s %s" % (f.name, verdict), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("findings: %d of %d still fail (crash, hang or weak message)" % (still, len(files)))
    return 1 if still else 0


def ensure_binary(args):
    if args.binary:
        b = Path(args.binary)
        if not b.exists():
            raise SystemExit("fuzz: no binary at %s" % b)
        return str(b.resolve())
    b = ROOT / ".build/release/homeward"
    if not b.exists():
        print("fuzz: building the release binary (swift build -c release)...", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True)
    return str(b)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fuzz Homeward's scenario reader and simulator.")
    ap.add_argument("--binary", help="homeward binary (default: build .build/release/homeward if missing)")
    ap.add_argument("--cases", type=int, default=None, help="number of cases (default 300, or unlimited with --minutes)")
    ap.add_argument("--minutes", type=float, default=None, help="run for this long (a long run)")
    ap.add_argument("--seed", default="1", help="master seed; the same seed gives the same cases")
    ap.add_argument("--jobs", type=int, default=2, help="cases run in parallel (default 2)")
    ap.add_argument("--start", type=int, default=0, help="index of the first case (to resume or re-run one)")
    ap.add_argument("--timeout", type=float, default=20, help="seconds per command before it counts as a hang")
    ap.add_argument("--mem-gb", type=float, default=4, help="address-space limit per command, GB (default 4)")
    ap.add_argument("--max-horizon", type=int, default=200, help="horizonDays cap for runs (default 200)")
    ap.add_argument("--max-warmup", type=int, default=30, help="warmupDays cap for runs (default 30)")
    ap.add_argument("--save", default="/tmp/homeward-fuzz-crashes", help="where failing cases are copied")
    ap.add_argument("--save-per-signature", type=int, default=3, help="examples kept per distinct finding")
    ap.add_argument("--only", help="comma-separated scenario generators (e.g. extends,whole_file)")
    ap.add_argument("--kinds", default="scenarios",
                    help="comma-separated kinds of case: scenarios (the default), merge, resume, logs, paths, "
                         "interrupt, concurrent, stdout, csv; 'all' for every kind")
    ap.add_argument("--keep", action="store_true", help="keep every case folder (in the work directory)")
    ap.add_argument("--write-case", type=int, metavar="INDEX", help="only write case INDEX to --save and stop")
    ap.add_argument("--findings", nargs="?", const=str(HERE / "findings"), metavar="DIR",
                    help="re-run the reproducers in DIR (default Tests/Fuzz/findings) and say which still fail")
    ap.add_argument("--expand", metavar="FINDING", help="print a finding with its '// expand:' lines applied")
    ap.add_argument("--messages", metavar="FILE", help="write every distinct rejection message (normalised) to FILE, for review")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    args.mem_bytes = int(args.mem_gb * (1 << 30))
    import fuzz_outputs
    kinds = ["scenarios"] + fuzz_outputs.KINDS if args.kinds == "all" else args.kinds.split(",")
    unknown = [k for k in kinds if k != "scenarios" and k not in fuzz_outputs.KINDS]
    if unknown or not kinds:
        raise SystemExit("fuzz: unknown kind %s (known: scenarios, %s, all)" % (
            ", ".join(unknown), ", ".join(fuzz_outputs.KINDS)))
    only = set(args.only.split(",")) if args.only else None
    if args.cases is None:
        args.cases = 10**12 if args.minutes else 300

    if args.expand:
        text = expand_finding(Path(args.expand))
        sys.stdout.write(text if text is not None else Path(args.expand).read_text())
        return 0
    if args.findings:
        args.binary = ensure_binary(args)
        return check_findings(args, Path(args.findings))

    seeds = Seeds()
    save_dir = Path(args.save)
    save_dir.mkdir(parents=True, exist_ok=True)

    if args.write_case is not None and kinds == ["scenarios"]:
        case, _ = make_case(args.seed, args.write_case, seeds, only)
        dest = save_dir / ("case-%06d-%s" % (args.write_case, case.generator))
        write_case(case, dest)
        print("%s (%s: %s)" % (dest, case.generator, case.note))
        return 0

    args.binary = ensure_binary(args)
    work = Path(tempfile.mkdtemp(prefix="homeward-fuzz-"))
    if not args.keep:
        # Also on an error, Ctrl-C or SIGTERM (a CI timeout): the fixture holds files of up to 2 GB.
        import atexit
        atexit.register(shutil.rmtree, work, True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stats = Stats()
    log_lock = threading.Lock()

    def log(msg):
        with log_lock:
            print(msg, file=sys.stderr, flush=True)

    fixture = None
    if any(k != "scenarios" for k in kinds):
        fixture = fuzz_outputs.Fixture(args.binary, work / "fixture", args.mem_bytes, args.timeout, log)
    kind_weights = [(k, 25 if k == "scenarios" else fuzz_outputs.WEIGHTS[k]) for k in kinds]

    def kind_of(index):
        if len(kinds) == 1:
            return kinds[0]
        rng = random.Random("%s/%d/kind" % (args.seed, index))
        return rng.choices([k for k, _ in kind_weights], [w for _, w in kind_weights])[0]

    if args.write_case is not None:
        kind = kind_of(args.write_case)
        from types import SimpleNamespace
        dest = save_dir / ("case-%06d-%s" % (args.write_case, kind))
        v, ctx = fuzz_outputs.run_case(kind, random.Random("%s/%d/%s" % (args.seed, args.write_case, kind)),
                                       fixture, dest, args)
        print("%s (%s: %s): %s %s" % (dest, kind, v.note, v.status, v.sig))
        return 0

    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    started = time.monotonic()
    next_index = args.start
    last_report = started

    def next_case():
        nonlocal next_index
        if next_index - args.start >= args.cases or (deadline and time.monotonic() >= deadline):
            return None
        i = next_index
        next_index += 1
        kind = kind_of(i)
        if kind == "scenarios":
            return (fuzz_one, make_case(args.seed, i, seeds, only)[0], args, work, stats, save_dir, log)
        return (fuzz_output_one, kind, i, args, fixture, work, stats, save_dir, log)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        running = set()
        while True:
            while len(running) < max(1, args.jobs):
                case = next_case()
                if case is None:
                    break
                running.add(pool.submit(*case))
            if not running:
                break
            done, running = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for f in done:
                f.result()
            if not args.quiet and time.monotonic() - last_report > 30:
                last_report = time.monotonic()
                c = stats.counts
                log("fuzz: ... %d cases in %.0f s: %d ok, %d rejected, %d crashes, %d hangs, %d silently different, "
                    "%d weak" % (stats.total, last_report - started, c["ok"], c["rejected"], c["crash"], c["hang"],
                                 c["silent"], stats.weak))

    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    c = stats.counts
    elapsed = time.monotonic() - started
    if not args.quiet:
        if stats.by_generator:
            print("generators (ok/rejected/crash/hang/weak):")
        for g, v in sorted(stats.by_generator.items()):
            print("  %-16s %5d %5d %5d %5d %5d" % (g, v["ok"], v["rejected"], v["crash"], v["hang"], v["weak"]))
        if stats.signatures:
            print("distinct findings:")
            order = {"crash": 0, "hang": 1, "silent": 2, "weak": 3}
            for sig, e in sorted(stats.signatures.items(), key=lambda kv: (order[kv[1]["kind"]], -kv[1]["count"])):
                print("  %-5s x%-4d %s\n             e.g. %s" % (e["kind"].upper(), e["count"], sig, e["example"]))
    for k in kinds:
        v = stats.kinds.get(k)
        if not v:
            continue
        print("kind %-10s %6d cases, %6d ok, %6d refused, %4d crashes, %4d hangs, %4d silently different%s; %.0f ms a case"
              % (k, v["cases"], v["ok"], v["refused"], v["crash"], v["hang"], v["silent"],
                 (" (%d undetectable by design)" % v["undetectable"]) if v["undetectable"] else "",
                 1000 * v["seconds"] / v["cases"]))
    summary = {
        "cases": stats.total, "ok": c["ok"], "rejected": c["rejected"], "crashes": c["crash"], "hangs": c["hang"],
        "silentlyDifferent": c["silent"], "weak": stats.weak, "seconds": round(elapsed, 1), "seed": args.seed,
        "start": args.start, "kinds": stats.kinds, "findings": stats.signatures, "generators": stats.by_generator,
    }
    if args.messages:
        Path(args.messages).write_text("".join(v + "\n" for _, v in sorted(stats.messages.items())))
    (save_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print("fuzz: %d weak messages (findings, not failures); %.0f s (%.1f ms a case); failing cases in %s" % (
        stats.weak, elapsed, 1000 * elapsed / max(1, stats.total), save_dir))
    print("fuzz: %d cases, %d ok, %d rejected, %d crashes, %d hangs, %d silently different" % (
        stats.total, c["ok"], c["rejected"], c["crash"], c["hang"], c["silent"]))
    return 1 if c["crash"] or c["hang"] or c["silent"] else 0


if __name__ == "__main__":
    sys.exit(main())
