# SPDX-License-Identifier: MIT
"""Proxies for the awscred command, as botocore takes them from the
environment (botocore/utils.py get_environ_proxies, urllib's
getproxies_environment and proxy_bypass_environment), against a small
proxy on loopback: CONNECT tunnels for https URLs, absolute-form requests
for http URLs (answered by the proxy itself, as the origin would). The
same environments through botocore say which requests must reach the
proxy. Prints TAP.

Usage: proxy.py (top_builddir in the environment).
"""
import datetime
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
from sso_diff import STS_XML  # noqa: E402
from tap import Tap  # noqa: E402

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
AWSCRED = os.path.join(TOP_BUILDDIR, "cli", "awscred")

CONFIG = """[profile role]
role_arn = arn:aws:iam::123456789012:role/next
source_profile = base
role_session_name = s1
[profile base]
[profile empty]
"""
CREDENTIALS = """[base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = basesecret
"""
CONTAINER = json.dumps({"AccessKeyId": "ASIACONTAINER",
                        "SecretAccessKey": "csecret", "Token": "ctoken",
                        "Expiration": "2031-05-06T07:08:09Z"})


class Origin:
    """An STS (POST) and container endpoint (GET), http or https."""

    def __init__(self, host="127.0.0.1", tls=None):
        self.seen = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def answer(self, body, ctype):
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.seen.append(self.requestline)
                self.answer(STS_XML, "text/xml")

            def do_GET(self):
                outer.seen.append(self.requestline)
                self.answer(CONTAINER, "application/json")

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket,
                                                 server_side=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Proxy:
    """CONNECT tunnels, and absolute-form requests answered directly."""

    def __init__(self):
        self.seen = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,),
                             daemon=True).start()

    def serve(self, c):
        f = c.makefile("rb")
        line = f.readline().decode().rstrip("\r\n")
        headers = {}
        while True:
            h = f.readline().decode().rstrip("\r\n")
            if not h:
                break
            k, _, v = h.partition(":")
            headers[k.strip().lower()] = v.strip()
        method, target, _ = line.split(" ", 2)
        self.seen.append("%s %s" % (method, target))
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            up = socket.create_connection((host, int(port)))
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            pump(c, up)
            return
        f.read(int(headers.get("content-length", "0")))
        body = (STS_XML if method == "POST" else CONTAINER).encode()
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                  b"Connection: close\r\nContent-Length: %d\r\n\r\n%s"
                  % (len(body), body))
        c.close()

    def close(self):
        self.sock.close()


def pump(a, b):
    def one_way(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    threading.Thread(target=one_way, args=(b, a), daemon=True).start()
    one_way(a, b)


def self_signed(work):
    """A certificate for 127.0.0.1 (cryptography), its key, an SSL
    context serving it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                           True)
            .sign(key, hashes.SHA256()))
    cert_path = os.path.join(work, "cert.pem")
    key_path = os.path.join(work, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_path, key_path)
    return cert_path, tls


BOTOCORE_RUN = '''
import botocore.session
c = botocore.session.Session(profile="role").get_credentials()
print(c.get_frozen_credentials().access_key)
'''


def run(home, env, botocore=False):
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
         "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
         "AWS_EC2_METADATA_DISABLED": "true"}
    if os.environ.get("AWSCRED_NET_MODULE"):
        e["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]
    e.update(env)
    # No role credentials from the cache of an earlier run.
    shutil.rmtree(os.path.join(home, ".aws", "cli"), ignore_errors=True)
    if botocore:
        cmd = [sys.executable, "-c", BOTOCORE_RUN]
    else:
        cmd = [AWSCRED, "--profile", env.pop("PROFILE", "role"), "export",
               "--format", "process"]
        e.pop("PROFILE", None)
    p = subprocess.run(cmd, env=e, capture_output=True, text=True,
                       timeout=60)
    if botocore:
        return p.stdout.strip() or None, p.stderr
    try:
        return json.loads(p.stdout)["AccessKeyId"], p.stderr
    except ValueError:
        return None, p.stderr


def main():
    try:
        import cryptography  # noqa: F401
    except ImportError:
        print("1..0 # SKIP Python's cryptography is not installed")
        return 0
    try:
        import botocore  # noqa: F401
        have_botocore = True
    except ImportError:
        have_botocore = False
    work = tempfile.mkdtemp(prefix="awscred-proxy-")
    home = os.path.join(work, "home")
    os.makedirs(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write(CONFIG)
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write(CREDENTIALS)
    cert, tls = self_signed(work)
    plain, secure, proxy = Origin(), Origin(tls=tls), Proxy()
    sts = "http://127.0.0.1:%d/" % plain.port
    sts_tls = "https://127.0.0.1:%d/" % secure.port
    at = "127.0.0.1:%d" % proxy.port
    dead = "http://127.0.0.1:9"

    # (name, environment, through the proxy: the request line it sees or
    # None for a direct request)
    cases = [
        ("HTTP_PROXY without a scheme, http endpoint",
         {"HTTP_PROXY": at, "AWS_ENDPOINT_URL_STS": sts},
         "POST %s" % sts),
        ("http_proxy wins over HTTP_PROXY",
         {"http_proxy": "http://" + at, "HTTP_PROXY": dead,
          "AWS_ENDPOINT_URL_STS": sts}, "POST %s" % sts),
        ("an empty http_proxy hides HTTP_PROXY",
         {"http_proxy": "", "HTTP_PROXY": dead, "AWS_ENDPOINT_URL_STS": sts},
         None),
        ("HTTPS_PROXY: CONNECT, then TLS checked against AWS_CA_BUNDLE",
         {"HTTPS_PROXY": "//" + at, "AWS_ENDPOINT_URL_STS": sts_tls,
          "AWS_CA_BUNDLE": cert}, "CONNECT 127.0.0.1:%d"
         % secure.port),
        ("HTTP_PROXY is not used for an https endpoint",
         {"HTTP_PROXY": dead, "AWS_ENDPOINT_URL_STS": sts_tls,
          "AWS_CA_BUNDLE": cert}, None),
        ("NO_PROXY names the host",
         {"HTTP_PROXY": dead, "NO_PROXY": "example.com, 127.0.0.1",
          "AWS_ENDPOINT_URL_STS": sts}, None),
        ("no_proxy as a domain, leading dot, any case",
         {"HTTP_PROXY": dead, "no_proxy": ".LocalHost",
          "AWS_ENDPOINT_URL_STS": "http://localhost:%d/" % plain.port},
         None),
        ("NO_PROXY=* bypasses everything",
         {"HTTP_PROXY": dead, "NO_PROXY": "*", "AWS_ENDPOINT_URL_STS": sts},
         None),
        ("a NO_PROXY name is no substring match",
         {"HTTP_PROXY": at, "NO_PROXY": "27.0.0.1",
          "AWS_ENDPOINT_URL_STS": sts}, "POST %s" % sts),
    ]
    t = Tap()
    print("1..%d" % (2 * len(cases) + 1))
    for name, env, through in cases:
        before_p, before_o = len(proxy.seen), len(plain.seen + secure.seen)
        key, err = run(home, dict(env))
        seen = proxy.seen[before_p:]
        direct = len(plain.seen + secure.seen) - before_o
        if through is None:
            good = key == "ASIANEXT" and seen == [] and direct == 1
        elif through.startswith("CONNECT"):
            good = key == "ASIANEXT" and seen == [through] and direct == 1
        else:
            good = key == "ASIANEXT" and seen == [through] and direct == 0
        t.ok(good, "awscred: " + name, "%s %s direct=%d\n%s"
             % (key, seen, direct, err))
        if not have_botocore:
            t.skip("botocore: " + name, "botocore is not installed")
            continue
        before_p, before_o = len(proxy.seen), len(plain.seen + secure.seen)
        key_b, err_b = run(home, dict(env), botocore=True)
        same = (proxy.seen[before_p:] == seen
                and len(plain.seen + secure.seen) - before_o == direct
                and key_b == key)
        t.ok(same, "botocore does the same: " + name,
             "%s %s\n%s" % (key_b, proxy.seen[before_p:], err_b))

    # The container endpoint is never proxied (botocore's
    # ContainerMetadataFetcher has no proxies).
    before_p, before_o = len(proxy.seen), len(plain.seen)
    key, err = run(home, {
        "PROFILE": "empty", "HTTP_PROXY": at,
        "AWS_CONTAINER_CREDENTIALS_FULL_URI":
            "http://127.0.0.1:%d/creds" % plain.port})
    t.ok(key == "ASIACONTAINER" and proxy.seen[before_p:] == []
         and len(plain.seen) - before_o == 1,
         "the container endpoint is reached directly despite HTTP_PROXY",
         "%s %s\n%s" % (key, proxy.seen[before_p:], err))
    for s in (plain, secure, proxy):
        s.close()
    if t.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
