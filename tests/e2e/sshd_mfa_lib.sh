# sshd_mfa_lib.sh: shared by the MFA-at-login tests (sshd_mfa.sh,
# sshd_mfa_user.sh, sshd_mfa_broker.sh), after sshd_lib.sh. Sourced, not run.
#
#   mfa_setup PREFIX        sshd_preflight, the network module, sshd_setup
#                           and the test user PREFIX-PID (sets user)
#   start_sts STATUS BODY   a loopback STS (tests/lib/fault_server.py)
#                           answering every request so; sets sts_port,
#                           logs requests to $T/sts.log
#   sts_answers STATUS BODY what it answers from now on
#   sts_error CODE MESSAGE  STS's error document
#   start_kbd_sshd          the private sshd with AuthenticationMethods
#                           publickey,keyboard-interactive:pam
#   mfa_login USER CODE [COMMAND...]
#                           one ssh login answering the prompt with CODE
#                           through SSH_ASKPASS (forced, no tty): what
#                           COMMAND (default env: the remote environment)
#                           prints on stdout, ssh's stderr in $T/ssh.err,
#                           the prompts in $T/prompts
#   wait_mfa_prompt USER    until sshd asks (skips the test if it never
#                           does)
#   mfa_stack CONTROL       the PAM service file, user mode: auth CONTROL
#                           and session optional pam_awscred.so $opts
#   refused NAME TEXT       TAP: a login with a wrong code is refused and
#                           the client saw TEXT
#
# SPDX-License-Identifier: MIT

mfa_setup() {
    sshd_preflight
    test -f "$net_module" || skip_all "network module not built"
    sshd_setup
    user=$1-$$
    make_user "$user" || skip_all "useradd failed"
}

sts_answers() {
    printf '{"default": {"status": %s, "body": "%s"}}\n' "$1" "$2" \
        > "$T/sts.json.new" && mv "$T/sts.json.new" "$T/sts.json"
}
sts_error() {
    echo "<ErrorResponse><Error><Type>Sender</Type><Code>$1</Code><Message>$2</Message></Error></ErrorResponse>"
}
start_sts() {
    sts_answers "$1" "$2"
    python3 "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/fault_server.py" \
        --script "$T/sts.json" --port-file "$T/sts.port" --log "$T/sts.log" &
    bg_pids="$bg_pids $!"
    for _ in $(seq 50); do test -s "$T/sts.port" && break; sleep 0.1; done
    test -s "$T/sts.port" || skip_all "the loopback STS did not start"
    sts_port=$(cat "$T/sts.port")
}

start_kbd_sshd() {
    write_sshd_config "AuthenticationMethods publickey,keyboard-interactive:pam"
    # sshd takes a keyword's first value: turn the harness's "no" around.
    sed -i 's/^KbdInteractiveAuthentication no$/KbdInteractiveAuthentication yes/' \
        "$T/sshd_config"
    start_sshd
    printf '%s\n' '#!/bin/sh' 'echo "$*" >> "$(dirname "$0")/prompts"' \
        'cat "$(dirname "$0")/code"' > "$T/askpass"
    chmod 755 "$T/askpass"
}

# LogLevel stays INFO: ssh shows the keyboard-interactive instruction
# (what PAM_TEXT_INFO and PAM_ERROR_MSG said) only at that level.
mfa_login() {
    _user=$1
    echo "$2" > "$T/code"
    shift 2
    test $# -gt 0 || set -- env
    : > "$T/prompts"
    SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=none \
        setsid -w ssh -i "$T/client_key" -p "$port" -o ConnectTimeout=5 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o NumberOfPasswordPrompts=1 "$_user@127.0.0.1" "$@" \
        < /dev/null 2> "$T/ssh.err"
}

wait_mfa_prompt() {
    sshd_until prompted "$1"
}
prompted() {
    mfa_login "$1" 123456 > /dev/null
    test -s "$T/prompts"
}

mfa_stack() {
    {
        echo "# Written by pam_awscred's tests/e2e/$(basename "$0"); removed when it ends."
        echo "auth     $1 $module $opts"
        echo "auth     required pam_permit.so"
        echo "account  required pam_permit.so"
        echo "session  required pam_permit.so"
        echo "session  optional $module $opts"
    } > "$pamfile"
}

seen() {  # seen TEXT: the client was shown TEXT
    grep -qF "$1" "$T/prompts" "$T/ssh.err"
}
refused() {
    if mfa_login "$user" 654321 > "$T/env2.out"; then
        not_ok "$1: the login is refused"
        diag "$T/env2.out"
    else
        ok "$1: the login is refused"
    fi
    check "$1: the client sees the message" seen "$2"
}
