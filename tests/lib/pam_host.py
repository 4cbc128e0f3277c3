# SPDX-License-Identifier: MIT
"""A PAM host for tests: the real libpam through ctypes, to be run under
pam_wrapper (LD_PRELOAD=libpam_wrapper.so, PAM_WRAPPER=1,
PAM_WRAPPER_SERVICE_DIR naming the test's service files).

Usage: pam_host.py SERVICE USER [NAME=VALUE ...]
Puts each NAME=VALUE into the PAM environment (as pam_env would), opens
and closes a session and prints one JSON object: {"open": PAM code,
"env": the PAM environment after pam_open_session, "info": the texts the
module showed the user}. With PAM_HOST_ANSWER in its environment it
authenticates first ("auth": PAM code), answering every echo-off prompt
with that value, as a user typing an MFA code.
"""
import ctypes
import json
import os
import subprocess
import sys


def wrapper_library():
    """libpam_wrapper.so's path (for LD_PRELOAD), or None."""
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"):
        path = os.path.join(d, "libpam_wrapper.so")
        if os.path.exists(path):
            return path
    return None


def host_preload(module):
    """The environment that runs this host with pam_wrapper: LD_PRELOAD,
    with the ASan runtime first when module was built with
    --enable-sanitizers (as tests/lib/pam_wrapper.sh does), and leak
    checks off for the Python interpreter."""
    preload = [wrapper_library()]
    try:
        out = subprocess.run(["ldd", module], capture_output=True,
                             text=True).stdout
    except OSError:
        out = ""
    for line in out.splitlines():
        if "libasan" in line and "=>" in line:
            preload.insert(0, line.split("=>")[1].split()[0])
            options = os.environ.get("ASAN_OPTIONS")
            return {"LD_PRELOAD": " ".join(preload),
                    "ASAN_OPTIONS": (options + ":" if options else "")
                    + "detect_leaks=0"}
    return {"LD_PRELOAD": preload[0]}


class Message(ctypes.Structure):
    _fields_ = [("msg_style", ctypes.c_int), ("msg", ctypes.c_char_p)]


class Response(ctypes.Structure):
    _fields_ = [("resp", ctypes.c_char_p), ("resp_retcode", ctypes.c_int)]


CONV = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int,
                        ctypes.POINTER(ctypes.POINTER(Message)),
                        ctypes.POINTER(ctypes.POINTER(Response)),
                        ctypes.c_void_p)


class Conv(ctypes.Structure):
    _fields_ = [("conv", CONV), ("appdata_ptr", ctypes.c_void_p)]


def main(argv):
    service, user, pairs = argv[1], argv[2], argv[3:]
    # pam_wrapper's pam_* come first in the global scope (LD_PRELOAD);
    # a lookup in libpam's own handle would bypass it.
    ctypes.CDLL("libpam.so.0", mode=ctypes.RTLD_GLOBAL)
    pam = ctypes.CDLL(None)
    # malloc as the process has it (the global scope): under ASan that is
    # the runtime's, which is what libpam's free() will be, not libc's own.
    libc = ctypes.CDLL(None)
    libc.calloc.restype = ctypes.c_void_p
    libc.strdup.restype = ctypes.c_void_p
    answer = os.environ.get("PAM_HOST_ANSWER")
    pam.pam_getenvlist.restype = ctypes.POINTER(ctypes.c_char_p)
    info = []

    def converse(n, msgs, resp, data):
        # libpam frees the answers: they must come from libc's malloc.
        answers = libc.calloc(max(n, 1), ctypes.sizeof(Response))
        if not answers:
            return 5  # PAM_BUF_ERR
        resp[0] = ctypes.cast(answers, ctypes.POINTER(Response))
        for i in range(n):
            info.append((msgs[i].contents.msg or b"").decode(errors="replace"))
            if msgs[i].contents.msg_style == 1 and answer is not None:
                # PAM_PROMPT_ECHO_OFF: resp, malloc'd too
                ctypes.c_void_p.from_address(
                    answers + i * ctypes.sizeof(Response)).value = \
                    libc.strdup(answer.encode())
        return 0

    conv = Conv(CONV(converse), None)
    pamh = ctypes.c_void_p()
    rc = pam.pam_start(service.encode(), user.encode(), ctypes.byref(conv),
                       ctypes.byref(pamh))
    if rc != 0:
        print(json.dumps({"start": rc}))
        return 1
    for pair in pairs:
        pam.pam_putenv(pamh, pair.encode())
    auth = pam.pam_authenticate(pamh, 0) if answer is not None else None
    opened = pam.pam_open_session(pamh, 0)
    env = {}
    lst = pam.pam_getenvlist(pamh)
    i = 0
    while lst and lst[i] is not None:
        name, _, value = lst[i].decode().partition("=")
        env[name] = value
        i += 1
    if opened == 0:
        pam.pam_close_session(pamh, 0)
    pam.pam_end(pamh, opened)
    print(json.dumps({"auth": auth, "open": opened, "env": env,
                      "info": info}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
