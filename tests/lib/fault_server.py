#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fault_server.py: a scripted loopback HTTP server for tests, able to
misbehave (hang, trickle, huge or endless bodies, bad JSON, redirects,
dropped connections). Standard library only; listens on 127.0.0.1 (or ::1).

Usage
-----
    python3 tests/lib/fault_server.py --script S.json --port-file P \
        [--log L.jsonl] [--ipv6] [--port N]

It binds (port 0 = any free port), writes the port number to P once it is
listening (write to a temp name, then rename: poll until P exists), and
serves until killed (SIGTERM). From Python: `start(script_path, ...)`
returns (Popen, port).

The script file is re-read whenever it changes (content, mtime or inode;
write it atomically with rename), which also resets the per-route counters. Each
request is appended to the log as one JSON line:
    {"method": "PUT", "path": "/latest/api/token", "query": "a=b",
     "headers": {"lower-case-name": "value", ...}, "body": "..."}

Script format (JSON)
--------------------
    {"routes": [ROUTE, ...], "default": RESPONSE}

ROUTE (the first matching route answers; no match: "default", else 404):
    "method":   "GET"            optional; any method when absent
    "path":     "/latest/..."    exact path (query string ignored)
    "prefix":   "/federation/"   instead of "path": any path starting so
    "headers":  {"name": "value" | null}
                                 optional conditions; null = must be absent,
                                 "*" = must be present with any value
    "responses": [RESPONSE, ...] used in order, one per request; the last
                                 one repeats. "response": RESPONSE = [it].

RESPONSE (all fields optional):
    "status":   200
    "headers":  {"Name": "value"}
    "body":     "text"           or
    "json":     any JSON value   (serialised; Content-Type application/json)
    "repeat":   {"chunk": "x", "count": N}   body = chunk * N (huge bodies)
    "endless":  true             chunked body that never ends ("chunk" as
                                 in repeat, default 1 KiB of "x")
    "hang":     seconds          wait before answering (-1: 3600)
    "trickle":  seconds          sleep this long between body bytes
    "close":    true             close the connection without answering
    "redirect": "http://..."     302 with this Location (status may
                                 override)
    "no_length": true            no Content-Length, close at the end
A Date header is always sent (RFC 7231) unless "headers" sets "Date": null.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class Script:
    """The script file, reloaded when it changes, with route counters."""

    def __init__(self, path, log_path):
        self.path = path
        self.log_path = log_path
        self.lock = threading.Lock()
        self.stamp = None
        self.data = {"routes": []}
        self.counters = {}

    def _reload(self):
        if self.path is None:
            return
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return
        with open(self.path, "rb") as f:
            raw = f.read()
        stamp = (st.st_mtime_ns, st.st_ino, raw)
        if stamp == self.stamp:
            return
        self.data = json.loads(raw)
        self.stamp = stamp
        self.counters = {}

    def pick(self, method, path, headers):
        """The response for a request (and records it in the log)."""
        with self.lock:
            self._reload()
            for i, route in enumerate(self.data.get("routes", [])):
                if _matches(route, method, path, headers):
                    responses = route.get("responses")
                    if responses is None:
                        responses = [route.get("response", {})]
                    n = self.counters.get(i, 0)
                    self.counters[i] = n + 1
                    return responses[min(n, len(responses) - 1)]
            return self.data.get("default", {"status": 404, "body": ""})

    def log(self, entry):
        if self.log_path is None:
            return
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def _matches(route, method, path, headers):
    if route.get("method") not in (None, method):
        return False
    if "path" in route and route["path"] != path:
        return False
    if "prefix" in route and not path.startswith(route["prefix"]):
        return False
    for name, want in route.get("headers", {}).items():
        have = headers.get(name.lower())
        if want is None and have is not None:
            return False
        if want == "*" and have is None:
            return False
        if want not in (None, "*") and have != want:
            return False
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault_server/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _serve(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.script.log({
            "method": self.command, "path": url.path, "query": url.query,
            "headers": headers, "body": body.decode("utf-8", "replace"),
        })
        self._respond(self.server.script.pick(self.command, url.path, headers))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

    def _respond(self, r):
        hang = r.get("hang", 0)
        if hang:
            time.sleep(3600 if hang < 0 else hang)
        if r.get("close"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status = r.get("status", 302 if "redirect" in r else 200)
        headers = dict(r.get("headers", {}))
        if "redirect" in r:
            headers.setdefault("Location", r["redirect"])
        headers.setdefault("Date", formatdate(usegmt=True))
        if r.get("endless"):
            self._send_endless(status, headers, r)
            return
        body = _body(r)
        if "json" in r:
            headers.setdefault("Content-Type", "application/json")
        if r.get("no_length"):
            self.close_connection = True
            headers["Connection"] = "close"
        else:
            headers.setdefault("Content-Length", str(len(body)))
        self.send_response(status)
        for name, value in headers.items():
            if value is not None:
                self.send_header(name, value)
        self.end_headers()
        self._write_body(body, r.get("trickle", 0))

    def _write_body(self, body, trickle):
        try:
            if not trickle:
                self.wfile.write(body)
                return
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(trickle)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send_endless(self, status, headers, r):
        chunk = r.get("chunk", "x" * 1024).encode()
        self.send_response(status)
        for name, value in headers.items():
            if value is not None:
                self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _body(r):
    if "json" in r:
        return json.dumps(r["json"]).encode()
    if "repeat" in r:
        rep = r["repeat"]
        return rep.get("chunk", "x").encode() * int(rep["count"])
    return r.get("body", "").encode()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients that give up (timeouts, size limits) are the point.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Server6(Server):
    address_family = socket.AF_INET6


def start(script_path, log_path=None, ipv6=False, timeout=10.0):
    """Starts a server process; returns (Popen, port)."""
    port_file = script_path + ".port"
    if os.path.exists(port_file):
        os.unlink(port_file)
    args = [sys.executable, os.path.abspath(__file__),
            "--script", script_path, "--port-file", port_file]
    if log_path:
        args += ["--log", log_path]
    if ipv6:
        args.append("--ipv6")
    proc = subprocess.Popen(args)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(port_file):
            with open(port_file, encoding="ascii") as f:
                return proc, int(f.read())
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.kill()
    raise RuntimeError("fault_server did not start")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--script")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ipv6", action="store_true")
    a = ap.parse_args()
    cls = Server6 if a.ipv6 else Server
    srv = cls(("::1" if a.ipv6 else "127.0.0.1", a.port), Handler)
    srv.script = Script(a.script, a.log)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
