#!/usr/bin/env python3
# clock_server.py: loopback time references for the clock tests. An HTTP
# server whose Date header is the true time shifted by --lie seconds
# (0: honest), answering like STS to an unsigned call (403), optionally
# serving container credentials from --creds JSON; and, with --sntp, an
# SNTP server on UDP with the same shift. Prints "PORT <http> <udp>" on
# stdout once listening, then serves until killed.
#
# SPDX-License-Identifier: MIT
import argparse
import email.utils
import http.server
import json
import socket
import struct
import sys
import threading
import time

NTP_UNIX = 2208988800


def true_now(lie):
    return time.time() + lie


class Handler(http.server.BaseHTTPRequestHandler):
    lie = 0.0
    creds = None
    requests = 0

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(true_now(self.lie), usegmt=True)

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if not self.path.startswith("/count"):
            type(self).requests += 1
        if self.creds is not None and self.path.startswith("/creds"):
            body = json.dumps(self.creds).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        elif self.path.startswith("/count"):
            body = str(type(self).requests).encode()
            self.send_response(200)
        else:
            body = (b"<ErrorResponse><Error><Type>Sender</Type><Code>"
                    b"MissingAuthenticationToken</Code></Error>"
                    b"</ErrorResponse>")
            self.send_response(403)
            self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def ntp_stamp(t):
    sec = int(t)
    frac = int((t - sec) * (1 << 32))
    return struct.pack("!II", (sec + NTP_UNIX) & 0xffffffff, frac)


def serve_sntp(sock, lie):
    while True:
        data, peer = sock.recvfrom(512)
        t2 = true_now(lie)
        if len(data) < 48:
            continue
        reply = bytes([(0 << 6) | (4 << 3) | 4, 2, 4, 0xEC])
        reply += struct.pack("!II", 0x10, 0x20)  # root delay, dispersion
        reply += b"LOCL"
        reply += ntp_stamp(t2)             # reference
        reply += data[40:48]               # originate = client's transmit
        reply += ntp_stamp(t2)             # receive
        reply += ntp_stamp(true_now(lie))  # transmit
        sock.sendto(reply, peer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lie", type=float, default=0.0,
                    help="seconds added to the true time")
    ap.add_argument("--sntp", action="store_true")
    ap.add_argument("--creds", help="container credentials JSON to serve")
    args = ap.parse_args()

    Handler.lie = args.lie
    if args.creds:
        with open(args.creds) as f:
            Handler.creds = json.load(f)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    udp_port = 0
    if args.sntp:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        udp_port = sock.getsockname()[1]
        threading.Thread(target=serve_sntp, args=(sock, args.lie),
                         daemon=True).start()
    print("PORT %d %d" % (httpd.server_address[1], udp_port), flush=True)
    sys.stdout.close()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
