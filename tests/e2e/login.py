# SPDX-License-Identifier: MIT
"""The `aws login` provider (libawscred/providers/login.c) against a fake
signin service on loopback, and against botocore 1.43 on the same files.

The fake service checks every CreateOAuth2Token as the real one would:
the DPoP proof is verified with Python's `cryptography` (an implementation
independent of OpenSSL's use in awscred): ES256 over header.payload with
the public key in the header's jwk, that key the one of the cache's
dpopKey, htm POST, htu the URL called, iat now, a fresh jti; the body is
{"clientId", "refreshToken", "grantType": "refresh_token"} with the
refresh token last issued. It answers with new keys and a rotated refresh
token, or with the AccessDeniedException it is told to give.

botocore's LoginProvider wants awscrt for its EC key, which is not
packaged here; the differential part gives it (botocore.credentials.EC) a
small stand-in for awscrt.crypto.EC made of `cryptography` calls (load the
DER key, the public coordinates, sign a digest, DER signature to r||s),
so botocore's own code decides what is cached, when to refresh and what
is written back. It skips without
botocore or cryptography.

Usage: login.py (top_builddir in the environment). Prints TAP.
"""
import base64
import datetime
import hashlib
import http.server
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
from sso_diff import STS_XML  # noqa: E402
from tap import Tap  # noqa: E402

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
AWSCRED = os.path.join(TOP_BUILDDIR, "cli", "awscred")
ACCOUNT = "123456789012"
CLIENT = "arn:aws:signin:::devtools/same-device"

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import (
        encode_dss_signature)
except ImportError:
    print("1..0 # SKIP Python's cryptography is not installed")
    sys.exit(0)

# awscrt.crypto.EC for botocore, from cryptography (see the docstring);
# set as botocore.credentials.EC, so nothing else in botocore sees a CRT.
AWSCRT_SHIM = '''
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


class _Key:
    def __init__(self, key):
        self._key = key

    def get_public_coords(self):
        n = self._key.public_key().public_numbers()
        return n.x.to_bytes(32, "big"), n.y.to_bytes(32, "big")

    def sign(self, digest):
        return self._key.sign(
            digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))


class EC:
    @staticmethod
    def new_key_from_der_data(der):
        try:
            return _Key(serialization.load_der_private_key(der, None))
        except Exception as e:
            raise ValueError(str(e))

    @staticmethod
    def decode_der_signature_to_padded_pair(sig, pad_to):
        r, s = utils.decode_dss_signature(sig)
        return r.to_bytes(pad_to, "big") + s.to_bytes(pad_to, "big")
'''

BOTOCORE_RUN = '''
import json, sys
import botocore.credentials
import botocore.session
import ec_shim
botocore.credentials.EC = ec_shim.EC
c = botocore.session.Session().get_credentials()
f = c.get_frozen_credentials()
print(json.dumps({"AccessKeyId": f.access_key, "SecretAccessKey": f.secret_key,
                  "SessionToken": f.token, "Method": c.method,
                  "AccountId": f.account_id}))
'''


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def iso(delta_s):
    t = datetime.datetime.now(datetime.timezone.utc)
    return (t + datetime.timedelta(seconds=delta_s)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def new_key(pkcs8=False):
    key = ec.generate_private_key(ec.SECP256R1())
    fmt = (serialization.PrivateFormat.PKCS8 if pkcs8
           else serialization.PrivateFormat.TraditionalOpenSSL)
    pem = key.private_bytes(serialization.Encoding.PEM, fmt,
                            serialization.NoEncryption()).decode()
    return key, pem


class Signin:
    """The fake signin service; one per scenario."""

    def __init__(self):
        self.requests = []     # (ok, why) per request
        self.refresh = "rt-1"  # the refresh token it accepts
        self.key = None        # the public key proofs must carry
        self.refuse = None     # an AccessDeniedException's "error"
        self.jtis = set()
        self.sts = []          # Authorization of each STS request
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/":
                    # STS, for a login session as a source_profile.
                    outer.sts.append(self.headers.get("Authorization", ""))
                    data = STS_XML.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                why = outer.check(self, body)
                outer.requests.append(why)
                if why is None and outer.refuse is None:
                    n = int(outer.refresh.split("-")[1]) + 1
                    outer.refresh = "rt-%d" % n
                    self.reply(200, {
                        "accessToken": {"accessKeyId": "ASIANEW%d" % n,
                                        "secretAccessKey": "newsecret",
                                        "sessionToken": "newtoken"},
                        "tokenType": "aws_sigv4", "expiresIn": 900,
                        "refreshToken": outer.refresh})
                elif why is None:
                    self.reply(401, {"error": outer.refuse,
                                     "message": "refresh token expired"},
                               "AccessDeniedException")
                else:
                    self.reply(400, {"error": "INVALID_REQUEST",
                                     "message": why}, "ValidationException")

            def reply(self, status, doc, error_type=None):
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if error_type:
                    self.send_header("x-amzn-ErrorType", error_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def check(self, req, body):
        """None when the request is right, else what is wrong."""
        if req.path != "/v1/token":
            return "path %s" % req.path
        try:
            doc = json.loads(body)
        except ValueError:
            return "body is not JSON"
        want = {"clientId": CLIENT, "refreshToken": self.refresh,
                "grantType": "refresh_token"}
        if doc != want:
            return "body %r, want %r" % (doc, want)
        proof = req.headers.get("DPoP")
        if proof is None or proof.count(".") != 2:
            return "no DPoP proof"
        h64, p64, s64 = proof.split(".")
        header = json.loads(b64url_decode(h64))
        payload = json.loads(b64url_decode(p64))
        jwk = header.get("jwk", {})
        if (header.get("typ") != "dpop+jwt" or header.get("alg") != "ES256"
                or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256"):
            return "DPoP header %r" % header
        x = int.from_bytes(b64url_decode(jwk["x"]), "big")
        y = int.from_bytes(b64url_decode(jwk["y"]), "big")
        pub = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if pub.public_numbers() != self.key.public_numbers():
            return "DPoP jwk is not the cached key"
        sig = b64url_decode(s64)
        if len(sig) != 64:
            return "signature of %d bytes" % len(sig)
        try:
            pub.verify(encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                            int.from_bytes(sig[32:], "big")),
                       ("%s.%s" % (h64, p64)).encode(),
                       ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return "DPoP signature does not verify"
        if payload.get("htm") != "POST" or payload.get(
                "htu") != self.url + "/v1/token":
            return "DPoP htm/htu %r" % payload
        if abs(payload.get("iat", 0) - time.time()) > 60:
            return "DPoP iat %r" % payload.get("iat")
        if not payload.get("jti") or payload["jti"] in self.jtis:
            return "DPoP jti %r" % payload.get("jti")
        self.jtis.add(payload["jti"])
        return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Home:
    """A fresh home with a config and a login cache file."""

    def __init__(self, config, session="dev-login", left=3600, pkcs8=False,
                 drop=(), cache_dir=None, write=True):
        self.dir = tempfile.mkdtemp(prefix="awscred-login-")
        self.key, pem = new_key(pkcs8)
        os.makedirs(os.path.join(self.dir, ".aws"))
        with open(os.path.join(self.dir, ".aws", "config"), "w") as f:
            f.write(config)
        cache = os.path.join(self.dir, cache_dir or ".aws/login/cache")
        os.makedirs(cache, exist_ok=True)
        self.path = os.path.join(
            cache, hashlib.sha256(session.encode()).hexdigest() + ".json")
        doc = {"accessToken": {"accessKeyId": "ASIACACHED",
                               "secretAccessKey": "cachedsecret",
                               "sessionToken": "cachedtoken",
                               "accountId": ACCOUNT, "expiresAt": iso(left)},
               "tokenType": "aws_sigv4", "clientId": CLIENT,
               "refreshToken": "rt-1", "idToken": "header.payload.sig",
               "dpopKey": pem}
        for k in drop:
            doc.pop(k)
        if write:
            with open(self.path, "w") as f:
                json.dump(doc, f)
            os.chmod(self.path, 0o600)

    def doc(self):
        with open(self.path) as f:
            return json.load(f)

    def env(self, signin=None, **extra):
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "HOME": self.dir}
        if os.environ.get("AWSCRED_NET_MODULE"):
            e["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]
        if signin is not None:
            e["AWS_ENDPOINT_URL_SIGNIN"] = signin.url
        e.update(extra)
        return e

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def awscred(home, signin=None, *args, **extra):
    p = subprocess.run([AWSCRED] + list(args) + ["export", "--format",
                                                 "process"],
                       env=home.env(signin, **extra), capture_output=True,
                       text=True, timeout=60)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = None
    return p.returncode, out, p.stderr


CONFIG = """[default]
region = us-east-1
login_session = dev-login
"""


def main():
    t = Tap()
    print("1..25")

    # Cached credentials with an hour left: used, no request.
    s, h = Signin(), Home(CONFIG)
    s.key = h.key.public_key()
    rc, out, err = awscred(h, s)
    t.ok(rc == 0 and out and out["AccessKeyId"] == "ASIACACHED"
         and out["SessionToken"] == "cachedtoken",
         "credentials with an hour left come from the login cache", err)
    t.ok(s.requests == [], "no request while more than 5 minutes are left",
         s.requests)
    s.close()
    h.close()

    # Four minutes left, SEC1 key: refreshed with a DPoP proof.
    s, h = Signin(), Home(CONFIG, left=240)
    s.key = h.key.public_key()
    before = h.doc()
    rc, out, err = awscred(h, s)
    t.ok(s.requests == [None], "4 minutes left: one CreateOAuth2Token, "
         "its DPoP proof verified by cryptography", s.requests)
    t.ok(rc == 0 and out and out["AccessKeyId"] == "ASIANEW2",
         "the refreshed keys are printed", "%s %s" % (out, err))
    after = h.doc()
    t.ok(after["refreshToken"] == "rt-2"
         and after["accessToken"]["accessKeyId"] == "ASIANEW2"
         and after["accessToken"]["accountId"] == ACCOUNT,
         "written back: new keys, rotated refresh token, accountId kept",
         json.dumps(after["accessToken"]))
    t.ok(all(after[k] == before[k] for k in ("tokenType", "clientId",
                                             "idToken", "dpopKey")),
         "the other members of the cache file are kept")
    t.ok(stat.S_IMODE(os.stat(h.path).st_mode) == 0o600
         and not [n for n in os.listdir(os.path.dirname(h.path))
                  if n.startswith(".")],
         "the file is replaced atomically, mode 0600, no temporary left")
    left = (datetime.datetime.strptime(after["accessToken"]["expiresAt"],
                                       "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp() - time.time())
    t.ok(880 <= left <= 905, "expiresAt is now + expiresIn (900 s)", left)
    rc, out, err = awscred(h, s)
    t.ok(rc == 0 and out["AccessKeyId"] == "ASIANEW2" and len(s.requests) == 1,
         "the next run uses the refreshed file without a request",
         s.requests)
    s.close()
    h.close()

    # Expired, PKCS#8 key: refreshed too.
    s, h = Signin(), Home(CONFIG, left=-600, pkcs8=True)
    s.key = h.key.public_key()
    rc, out, err = awscred(h, s)
    t.ok(rc == 0 and out and out["AccessKeyId"] == "ASIANEW2"
         and s.requests == [None],
         "an expired session with a PKCS#8 dpopKey is refreshed",
         "%s %s" % (s.requests, err))
    s.close()
    h.close()

    # The refresh refused: the CLI's message, the file untouched.
    for error, words in [
            ("TOKEN_EXPIRED", "Please reauthenticate using 'aws login'."),
            ("INSUFFICIENT_PERMISSIONS",
             "'signin:CreateOAuth2Token' action.")]:
        s, h = Signin(), Home(CONFIG, left=60)
        s.key = h.key.public_key()
        s.refuse = error
        before = h.doc()
        rc, out, err = awscred(h, s)
        t.ok(rc != 0 and out is None and words in err and h.doc() == before,
             "AccessDeniedException %s: botocore's message, file kept"
             % error, err)
        s.close()
        h.close()

    # The cache file missing, or without required members.
    s, h = Signin(), Home(CONFIG, write=False)
    rc, out, err = awscred(h, s)
    t.ok(rc != 0 and "Unable to load a existing login session for session "
         "dev-login. Please reauthenticate with 'aws login'." in err,
         "no cache file: the CLI's message", err)
    h.close()
    h = Home(CONFIG, drop=("dpopKey", "clientId"))
    rc, out, err = awscred(h, s)
    t.ok(rc != 0 and "missing required fields: dpopKey, clientId." in err,
         "missing members are listed in botocore's order", err)
    h.close()
    h = Home(CONFIG, left=60)
    with open(h.path) as f:
        doc = json.load(f)
    doc["dpopKey"] = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n" \
                     "-----END EC PRIVATE KEY-----\n"
    with open(h.path, "w") as f:
        json.dump(doc, f)
    rc, out, err = awscred(h, s)
    t.ok(rc != 0 and "Unable to load private key from cached token." in err
         and s.requests == [],
         "an unusable dpopKey: botocore's message, no request", err)
    s.close()
    h.close()

    # Chain position: after the credentials file, before
    # credential_process and the config file's keys.
    h = Home(CONFIG + "credential_process = /bin/false\n"
             "aws_access_key_id = AKIDCONFIG\n"
             "aws_secret_access_key = configsecret\n")
    rc, out, err = awscred(h)
    t.ok(rc == 0 and out["AccessKeyId"] == "ASIACACHED",
         "login_session wins over credential_process and config keys", err)
    with open(os.path.join(h.dir, ".aws", "credentials"), "w") as f:
        f.write("[default]\naws_access_key_id = AKIDFILE\n"
                "aws_secret_access_key = filesecret\n")
    rc, out, err = awscred(h)
    t.ok(rc == 0 and out["AccessKeyId"] == "AKIDFILE",
         "the credentials file wins over login_session", err)
    h.close()

    # A login session as the source_profile of a role (botocore's
    # profile provider chain has LoginProvider too).
    s = Signin()
    h = Home(CONFIG + "[profile next]\nrole_arn = arn:aws:iam::123456789012:"
             "role/next\nsource_profile = default\nrole_session_name = s1\n"
             "region = us-east-1\n")
    rc, out, err = awscred(h, None, "--profile", "next",
                           AWS_ENDPOINT_URL_STS=s.url)
    t.ok(rc == 0 and out and out["AccessKeyId"] == "ASIANEXT"
         and len(s.sts) == 1 and "Credential=ASIACACHED/" in s.sts[0],
         "a login session as source_profile signs the AssumeRole",
         "%s %s" % (s.sts, err))
    s.close()
    h.close()

    # AWS_LOGIN_CACHE_DIRECTORY, with $VAR and ~ expanded.
    h = Home(CONFIG, cache_dir="elsewhere")
    rc, out, err = awscred(h, None, AWS_LOGIN_CACHE_DIRECTORY="~/elsewhere")
    t.ok(rc == 0 and out["AccessKeyId"] == "ASIACACHED",
         "AWS_LOGIN_CACHE_DIRECTORY=~/elsewhere", err)
    rc, out, err = awscred(h, None, WHERE="elsewhere",
                           AWS_LOGIN_CACHE_DIRECTORY="$HOME/${WHERE}")
    t.ok(rc == 0 and out["AccessKeyId"] == "ASIACACHED",
         "AWS_LOGIN_CACHE_DIRECTORY=$HOME/${WHERE}", err)
    h.close()

    differential(t)
    sys.exit(1 if t.failed else 0)


def botocore_run(home, signin, shim):
    env = home.env(signin, PYTHONPATH=shim)
    p = subprocess.run([sys.executable, "-c", BOTOCORE_RUN], env=env,
                       capture_output=True, text=True, timeout=60)
    try:
        return json.loads(p.stdout), p.stderr
    except ValueError:
        return None, p.stderr


def strip_times(doc):
    doc = json.loads(json.dumps(doc))
    doc["accessToken"].pop("expiresAt")
    return doc


def differential(t):
    """The same homes, awscred and botocore; 5 tests."""
    try:
        import botocore  # noqa: F401
        from botocore.credentials import LoginProvider  # noqa: F401
    except ImportError:
        for name in ("cached", "refresh keys", "refresh file",
                     "refused", "chain"):
            t.skip("botocore: %s" % name, "botocore with LoginProvider "
                   "is not installed")
        return
    shim = tempfile.mkdtemp(prefix="ec-shim-")
    with open(os.path.join(shim, "ec_shim.py"), "w") as f:
        f.write(textwrap.dedent(AWSCRT_SHIM))

    def pair(left, refuse=None, config=CONFIG):
        """Runs both on copies of one home; returns both outputs and
        files."""
        results = []
        h = Home(config, left=left)
        for who in ("awscred", "botocore"):
            s = Signin()
            s.key, s.refuse = h.key.public_key(), refuse
            copy = tempfile.mkdtemp(prefix="awscred-login-")
            shutil.copytree(h.dir, copy, dirs_exist_ok=True)
            c = Home.__new__(Home)
            c.dir, c.key = copy, h.key
            c.path = h.path.replace(h.dir, copy)
            if who == "awscred":
                rc, out, err = awscred(c, s)
                if out is not None:
                    out = {k: out[k] for k in ("AccessKeyId",
                                               "SecretAccessKey",
                                               "SessionToken")}
            else:
                out, err = botocore_run(c, s, shim)
                if out is not None:
                    out = {k: out[k] for k in ("AccessKeyId",
                                               "SecretAccessKey",
                                               "SessionToken")}
            results.append((out, c.doc(), s.requests, err))
            s.close()
            c.close()
        h.close()
        return results

    (a, af, ar, ae), (b, bf, br, be) = pair(3600)
    t.ok(a == b and a is not None and ar == br == [],
         "botocore: cached credentials, the same keys and no request",
         "%s\n%s\n%s" % (a, b, be))
    (a, af, ar, ae), (b, bf, br, be) = pair(120)
    t.ok(a == b and a is not None and ar == br == [None],
         "botocore: 2 minutes left, both refresh, both proofs verify",
         "%s %s\n%s %s\n%s" % (a, ar, b, br, be))
    t.ok(strip_times(af) == strip_times(bf),
         "botocore: the rewritten cache files agree (but expiresAt's "
         "second)", "%s\n%s" % (af, bf))
    (a, af, ar, ae), (b, bf, br, be) = pair(60, refuse="TOKEN_EXPIRED")
    t.ok(a is None and b is None
         and "Please reauthenticate using 'aws login'." in ae
         and "Please reauthenticate using 'aws login'." in be,
         "botocore: a refused refresh fails both with the same words",
         "%s\n%s" % (ae, be))
    (a, af, ar, ae), (b, bf, br, be) = pair(
        3600, config=CONFIG + "credential_process = /bin/false\n")
    t.ok(a == b and a is not None,
         "botocore: login before credential_process in the chain",
         "%s\n%s\n%s" % (a, b, be))
    shutil.rmtree(shim, ignore_errors=True)


if __name__ == "__main__":
    main()
