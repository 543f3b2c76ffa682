#!/usr/bin/env python3
"""The HTTP layer of `homeward serve` against hostile and broken clients (Python stdlib only).

Starts `homeward serve` on a temporary copy of Scenarios with --port 0, then sends malformed
request lines, huge and numerous headers, huge bodies, bodies shorter than Content-Length, a
slowloris client (one byte a second), 500 connections at once, pipelined requests, invalid
UTF-8, path traversal, a wrong Host, a wrong Origin, no token and no CSRF field. Asserts each
answer's status, that the server still answers afterwards, that its resident memory (VmRSS
from /proc) stays bounded, and that it never crashed. Exit 0 when every check holds.

    python3 Tests/serve/http-robustness.py --binary .build/release/homeward
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# The server's limits (Sources/HomewardWorkbench/HTTP/HTTPLimits.swift), mirrored here.
REQUEST_SECONDS = 10
CONNECTIONS = 32
# Resident memory the server may reach: its own (tens of MiB) plus every connection holding a
# full 1 MiB body at once (32 MiB), with room to spare. Measured: see docs/workbench.md.
RSS_LIMIT_KIB = 256 * 1024

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        failures.append(what)


class Server:
    def __init__(self, binary):
        self.folder = tempfile.mkdtemp(prefix="homeward-serve-")
        self.scenarios = os.path.join(self.folder, "scenarios")
        os.mkdir(self.scenarios)
        for name in os.listdir(os.path.join(ROOT, "Scenarios")):
            if name.endswith(".json5"):
                shutil.copy(os.path.join(ROOT, "Scenarios", name), self.scenarios)
        # Files the library must list with their problems, without harm to the server: nesting
        # just under and over the JSON5 parser's depth limit (512), and a file that is not JSON5.
        for name, depth in [("deep.json5", 500), ("deeper.json5", 600)]:
            with open(os.path.join(self.scenarios, name), "w") as f:
                f.write("{a:" * depth + "1" + "}" * depth)
        with open(os.path.join(self.scenarios, "binary.json5"), "wb") as f:
            f.write(bytes(range(256)) * 64)
        with open(os.path.join(self.folder, "secret.txt"), "w") as f:
            f.write("SECRET-OUTSIDE\n")
        self.process = subprocess.Popen(
            [binary, "serve", self.scenarios, "--port", "0", "--results", os.path.join(self.folder, "results")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.folder)
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]+)", line)
            if match:
                self.url, self.port, self.token = match.group(0), int(match.group(1)), match.group(2)
                break
        if self.url is None:
            sys.exit("homeward serve did not print its address: " + self.process.stderr.read())
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        self.host = "127.0.0.1:%d" % self.port
        self.cookie = "homeward_token=" + self.token

    def rss_kib(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        self.process.terminate()
        try:
            status = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        stderr = self.process.stderr.read()
        shutil.rmtree(self.folder, ignore_errors=True)
        return status, stderr


def exchange(port, data, timeout=20, pause=None):
    """Sends `data` (bytes, or a list of pieces with `pause` seconds between), returns what
    came back until the server closed or `timeout` passed."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    pieces = data if isinstance(data, list) else [data]
    try:
        for i, piece in enumerate(pieces):
            if pause and i:
                time.sleep(pause)
            s.sendall(piece)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    out = read_until_closed(s, (ConnectionResetError, socket.timeout))
    s.close()
    return out


def read_until_closed(s, errors):
    """What comes back on `s` until the server closes it or one of `errors` is raised."""
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except errors:
        pass
    return out


def status(reply):
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", reply)
    return int(match.group(1)) if match else None


def request(server, method="GET", target="/", headers=None, body=b"", host=None, cookie=True, close=True):
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: " + (host or server.host)]
    if cookie:
        lines.append("Cookie: " + server.cookie)
    for name, value in (headers or {}).items():
        lines.append("%s: %s" % (name, value))
    if body or method == "POST":
        lines.append("Content-Length: %d" % len(body))
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/homeward"))
    args = parser.parse_args()
    began = time.time()
    server = Server(os.path.abspath(args.binary))
    port = server.port
    print("serving on port %d (pid %d)" % (port, server.process.pid))

    def answers():
        return status(exchange(port, request(server))) == 200

    check(answers(), "the library answers 200 with the cookie")
    page = exchange(port, request(server)).decode("utf-8", "replace")
    check(all(name in page for name in ["deep.json5", "deeper.json5", "binary.json5"]) and page.count("Does not load") >= 3,
          "files nested 500 and 600 deep and a binary file are listed with their problems")
    reply = exchange(port, request(server, target="/?token=" + server.token, cookie=False))
    check(status(reply) == 303 and b"HttpOnly" in reply and b"SameSite=Strict" in reply,
          "the token in the URL is answered 303 with an HttpOnly SameSite=Strict cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', exchange(
        port, request(server, target="/scenario?file=baseline.json5")).decode()).group(1)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    rss_start = server.rss_kib()

    # Slow clients run in the background while everything else goes on.
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
    slowloris = pool.submit(
        lambda: (time.time(), exchange(port, [bytes([b]) for b in request(server)], timeout=40, pause=1.0), time.time()))
    short = request(server, "POST", "/run", form).replace(b"Content-Length: 0", b"Content-Length: 100") + b"csrf="
    short_body = pool.submit(lambda: (time.time(), exchange(port, short, timeout=40), time.time()))

    cases = [
        ("a request line that is not one", b"GARBAGE\r\n\r\n", 400),
        ("a request line of binary bytes", b"\x00\x01\x02\xff\r\n\r\n", 400),
        ("an unknown HTTP version", request(server).replace(b"HTTP/1.1", b"HTTP/9.9", 1), 505),
        ("an absolute-form target", request(server, target="http://evil.example/"), 400),
        ("no Host header", b"GET / HTTP/1.1\r\nCookie: " + server.cookie.encode() + b"\r\n\r\n", 400),
        ("a 1 MiB header", b"GET / HTTP/1.1\r\nHost: " + server.host.encode() + b"\r\nX-Big: " + b"a" * (1 << 20)
         + b"\r\n\r\n", 431),
        ("200 header fields", request(server, headers={"X-%d" % i: "v" for i in range(200)}), 431),
        ("a header value with a control byte", request(server, headers={"X-Bad": "a\x01b"}), 400),
        ("a header value with invalid UTF-8", request(server).replace(b"Connection: close",
                                                                      b"X-Bad: \xc3\x28\xff"), 400),
        ("a Content-Length of 1 GB", request(server, "POST", "/run", form).replace(
            b"Content-Length: 0", b"Content-Length: 1000000000"), 413),
        ("a 2 MiB body sent whole", request(server, "POST", "/run", form, body=b"x" * (2 << 20)), 413),
        ("a chunked upload", request(server, "POST", "/run", {"Transfer-Encoding": "chunked"}) + b"0\r\n\r\n", 501),
        ("a negative Content-Length", request(server, "POST", "/run", form).replace(
            b"Content-Length: 0", b"Content-Length: -5"), 400),
        ("invalid UTF-8 in the path", request(server, target="/%ff%fe"), 404),
        ("invalid UTF-8 in a query", request(server, target="/scenario?file=%ff.json5"), 404),
        ("invalid UTF-8 in a form", request(server, "POST", "/run", form,
                                            body=b"csrf=" + csrf.encode() + b"&file=%ff%c3&replications=2"), 404),
        ("a wrong Host", request(server, host="evil.example:%d" % port), 421),
        ("a Host with another port", request(server, host="127.0.0.1:1"), 421),
        ("no token", request(server, cookie=False), 403),
        ("a wrong token in the URL", request(server, target="/?token=" + "0" * 64, cookie=False), 403),
        ("a wrong token in the cookie", request(server).replace(server.token.encode(), b"0" * 64), 403),
        ("a POST from another origin", request(server, "POST", "/run", dict(form, Origin="http://evil.example"),
                                               body=b"csrf=" + csrf.encode() + b"&file=baseline.json5"), 403),
        ("a POST without the CSRF field", request(server, "POST", "/run", form,
                                                  body=b"file=baseline.json5&replications=2"), 403),
        ("a POST with a wrong CSRF field", request(server, "POST", "/run", form,
                                                   body=b"csrf=" + b"0" * 64 + b"&file=baseline.json5"), 403),
        ("a DELETE", request(server, "DELETE", "/"), 405),
    ]
    for traversal in ["/download/scenario?file=../secret.txt", "/download/scenario?file=..%2Fsecret.txt",
                      "/download/scenario?file=%2Fetc%2Fpasswd", "/download/scenario?file=/etc/passwd",
                      "/download/scenario?file=baseline.json5%00.txt", "/../secret.txt", "/static/../../secret.txt",
                      "/jobs/..%2F..%2Fsecret.txt", "/jobs/x/files/..%2F..%2F..%2Fsecret.txt",
                      "/download/scenario?file=..", "/download/scenario?file=%2e%2e%2fsecret.txt"]:
        cases.append(("path traversal " + traversal, request(server, target=traversal), 404))
    for what, data, expected in cases:
        reply = exchange(port, data)
        got = status(reply)
        check(got == expected and b"SECRET-OUTSIDE" not in reply and b"root:" not in reply,
              "%s: %s (expected %s)" % (what, got, expected))

    # Pipelined requests on one connection, answered in order.
    two = request(server, target="/static/workbench.css", close=False) + request(server, target="/nowhere")
    reply = exchange(port, two)
    statuses = [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", reply)]
    check(statuses == [200, 404], "two pipelined requests answered in order: %s" % statuses)

    # 500 connections at once: each is answered (200, or 503 beyond the connection limit).
    # Every client connects first and waits for the others, so that all 500 are open at once.
    together = threading.Barrier(500, timeout=60)

    def one(_):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError as e:
            together.abort()
            return "error " + e.__class__.__name__
        try:
            together.wait()
            s.sendall(request(server, target="/static/workbench.css"))
        except (OSError, threading.BrokenBarrierError):
            pass
        out = read_until_closed(s, OSError)
        s.close()
        return status(out)
    with concurrent.futures.ThreadPoolExecutor(max_workers=500) as many:
        results = list(many.map(one, range(500)))
    counts = {s: results.count(s) for s in set(results)}
    check(set(results) <= {200, 503} and counts.get(200, 0) > 0,
          "500 connections at once: every one answered 200 or 503 (%s)" % counts)

    start, reply, end = slowloris.result()
    check(status(reply) == 408 and end - start < REQUEST_SECONDS + 5,
          "a client sending one byte a second is answered 408 after %.1f s" % (end - start))
    start, reply, end = short_body.result()
    check(status(reply) == 408, "a body shorter than its Content-Length is answered %s (expected 408)" % status(reply))

    check(answers(), "the server still answers after all that")
    rss_end = server.rss_kib()
    check(rss_end < RSS_LIMIT_KIB,
          "resident memory bounded: %d KiB at the start, %d KiB at the end (limit %d KiB)"
          % (rss_start, rss_end, RSS_LIMIT_KIB))
    check(server.alive(), "0 crashes: the server process is still running")
    code, stderr = server.stop()
    check("Fatal error" not in stderr and "Segmentation" not in stderr, "nothing fatal on standard error")
    check(code in (143, -15), "stopped by SIGTERM with status %s" % code)
    print("%d checks failed; %.0f s" % (len(failures), time.time() - began))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
