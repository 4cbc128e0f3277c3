#!/usr/bin/env python3
# config_diff.py: the botocore / Python side of config_diff.sh.
#
#   config_diff.py dump CONFIG CREDENTIALS   what botocore makes of the files
#                                            ("-" = no file), printed like
#                                            tests/unit/cfg_dump
#   config_diff.py dump-list LIST            the same for each line
#                                            "CONFIG\tCREDENTIALS\tOUTPUT"
#   config_diff.py gen DIR COUNT SEED        writes COUNT generated config
#                                            files DIR/gen-N.ini
#   config_diff.py shlex-gen FILE COUNT SEED generated strings, hex, a line
#   config_diff.py shlex-dump FILE           shlex.split of each of them
#
# SPDX-License-Identifier: MIT
import random
import shlex
import sys

try:
    from botocore import configloader
except ImportError:  # Debian's awscli vendors botocore
    from awscli.botocore import configloader
# The class configloader raises (the vendored copy aliases its package).
ConfigParseError = configloader.botocore.exceptions.ConfigParseError


def esc(s):
    return ''.join(chr(c) if 0x20 <= c < 0x7f and c != 0x5c else '\\x%02x' % c
                   for c in s.encode('utf-8'))


def line(*fields):
    return '\t'.join(esc(f) for f in fields)


def dump_section(out, kind, name, values):
    out.append(line(kind, name))
    for key, value in values.items():
        if isinstance(value, dict):
            out.append(line(kind, name, key, '{}'))
            for sub, v in value.items():
                out.append(line(kind, name, key, '.' + sub, '=' + v))
        else:
            out.append(line(kind, name, key, '=' + value))


def dump_list(listfile):
    """Each line "CONFIG\tCREDENTIALS\tOUTPUT": dump into OUTPUT."""
    saved = sys.stdout
    with open(listfile) as f:
        for entry in f:
            config, credentials, output = entry.rstrip('\n').split('\t')
            with open(output, 'w') as sys.stdout:
                dump(config, credentials)
    sys.stdout = saved


def dump(config, credentials):
    out = []
    cfg = creds = None
    if config != '-':
        try:
            cfg = configloader.load_config(config)
        except ConfigParseError:
            out.append(line('config-error'))
    if credentials != '-':
        try:
            creds = configloader.raw_config_parse(credentials)
        except ConfigParseError:
            out.append(line('credentials-error'))
    if cfg is not None and 'services' not in configloader.build_profile_map({}):
        # Debian's awscli 2.9 predates [services NAME]: sort them as botocore
        # 1.43 does, so that the comparison is with current behaviour.
        services = {}
        for name in [n for n in cfg if n.startswith('services')]:
            values = cfg.pop(name)
            try:
                parts = shlex.split(name)
            except ValueError:
                continue
            if len(parts) == 2:
                services[parts[1]] = values
        cfg['services'] = services
    if cfg is not None:
        for kind, key in (('profile', 'profiles'),
                          ('sso-session', 'sso_sessions'),
                          ('services', 'services')):
            for name, values in cfg[key].items():
                dump_section(out, kind, name, values)
        for name, values in cfg.items():
            if name not in ('profiles', 'sso_sessions', 'services'):
                dump_section(out, 'other', name, values)
    if creds is not None:
        for name, values in creds.items():
            dump_section(out, 'credentials', name, values)
    if (config == '-' or cfg is not None) and \
            (credentials == '-' or creds is not None):
        # Session.full_config
        profiles = cfg['profiles'] if cfg is not None else {}
        for name, values in (creds or {}).items():
            if name not in profiles:
                profiles[name] = values
            else:
                profiles[name].update(values)
        for name, values in profiles.items():
            dump_section(out, 'merged', name, values)
    for text in sorted(out):
        print(text)


NAMES = ['dev', 'Dev', 'prod', 'a', 'default', 'x y', '\u00e9t\u00e9',
         'k\u212a', 'p-1', 'profile']
HEADERS = [
    '[default]', '[profile default]', '[profile {n}]', '[profile  {n} ]',
    '[ profile {n}]', '[profile "{n}"]', "[profile '{n}']",
    '[profile "{n}]', '[profile{n}]', '[profile {n} b]', '[sso-session {n}]',
    '[services {n}]', '[DEFAULT]', '[{n}]', '[Default]', '[{n}]x]',
    '[]', '[]]', '[{n}] ; trailing', '[profile x\\ y]', '[profile "a\\"b"]',
    '  [profile {n}]', '[services]', '[sso-session]', '[profile]',
]
KEYS = ['aws_access_key_id', 'AWS_Secret_Access_Key', 'region', 'Region',
        's3', 'sts', 'x', 'k\u212a', '\u0130x', 'output', 'a b', 'k.e-y',
        '\u00e9', '\u00c4', '\u00e4', '\u2126', '\u03a9']
DELIMS = ['=', ':', ' = ', '\t:\t', ' =', '= ', ' : ', '\u00a0=\u3000']
VALUES = ['', 'us-east-1', 'a ;b', 'x#y', 'v=w', 'a:b', ' spaced ',
          '\u00e9\u4e2d', '\u00a0nb\u00a0', 'a\x0bb', 'a\x0cb', 'q\u2028r',
          'AKIA' + 'X' * 16, 'tok/' + 'Z' * 300, '"quoted"', '[x]']
INDENTS = [' ', '\t', '  ', '    ', '\u00a0', '\u3000', ' \t']
CONTS = ['more', 'a = b', 'k=v', 'addressing_style = path', '[notsection]',
         '# comment', 'novalue', 'x : y', 'c=d\x0be=f', '=z', 'A=B', 'k = w',
         'u=\u00e9']
NESTED = ['endpoint_url = http://127.0.0.1:1', 'addressing_style=path',
          'Dup = 1', 'dup = 2', 'dup=3', 'a = b = c', 'x\u00a0=\u00a0y',
          'k = v\x0bj = w', 'e =', '= v']
COMMENTS = ['# c', '; c', '   # indented', '\t;x', '#', ';;']
BLANKS = ['', '   ', '\t', '\u00a0']
BAD = ['noequals', '=x', ': y']


def gen_file(rng):
    lines = []
    if rng.random() < 0.1:
        lines.append(rng.choice(['k=v', '# lead', '']))
    for _ in range(rng.randint(0, 6)):
        lines.append(rng.choice(HEADERS).format(n=rng.choice(NAMES)))
        keys = rng.sample(KEYS, rng.randint(0, 5))
        if keys and rng.random() < 0.1:
            keys.append(keys[0])  # a duplicate key
        for key in keys:
            indent = rng.choice(INDENTS) if rng.random() < 0.1 else ''
            if rng.random() < 0.15:  # a nested block, as in [services]
                lines.append(indent + key + rng.choice(['=', ' =', ':']))
                for _ in range(rng.randint(0, 3)):
                    lines.append(rng.choice([
                        indent + rng.choice(INDENTS) + rng.choice(NESTED),
                        rng.choice(BLANKS), rng.choice(COMMENTS)]))
                continue
            lines.append(indent + key + rng.choice(DELIMS)
                         + rng.choice(VALUES))
            for _ in range(rng.choice([0, 0, 0, 1, 2, 3])):
                r = rng.random()
                if r < 0.6:
                    lines.append(indent + rng.choice(INDENTS)
                                 + rng.choice(CONTS))
                elif r < 0.8:
                    lines.append(rng.choice(COMMENTS))
                else:
                    lines.append(rng.choice(BLANKS))
            if rng.random() < 0.02:
                lines.append(rng.choice(BAD))
    eol = rng.choice(['\n', '\n', '\r\n', '\r', None])
    text = ''
    for text_line in lines:
        text += text_line + (eol or rng.choice(['\n', '\r\n', '\r']))
    if rng.random() < 0.2:
        text = text.rstrip('\r\n')
    return text


def gen(directory, count, seed):
    rng = random.Random(seed)
    for i in range(count):
        with open('%s/gen-%d.ini' % (directory, i), 'w', encoding='utf-8',
                  newline='') as f:
            f.write(gen_file(rng))


SHLEX_ALPHABET = [' ', '\t', '\n', '\r', 'a', 'b', 'p', '"', "'", '\\',
                  '\u00e9', '#', ';', '\x0b', '\u00a0', '[', ']']


def shlex_gen(path, count, seed):
    rng = random.Random(seed)
    with open(path, 'w') as f:
        for _ in range(count):
            s = ''.join(rng.choice(SHLEX_ALPHABET)
                        for _ in range(rng.randint(0, 12)))
            f.write(s.encode('utf-8').hex() + '\n')


def shlex_dump(path):
    with open(path) as f:
        for hexline in f:
            s = bytes.fromhex(hexline.strip()).decode('utf-8')
            try:
                print(line('ok', *shlex.split(s)))
            except ValueError as e:
                print(line('error', str(e)))


def main(argv):
    if argv[1] == 'dump':
        dump(argv[2], argv[3])
    elif argv[1] == 'dump-list':
        dump_list(argv[2])
    elif argv[1] == 'gen':
        gen(argv[2], int(argv[3]), int(argv[4]))
    elif argv[1] == 'shlex-gen':
        shlex_gen(argv[2], int(argv[3]), int(argv[4]))
    elif argv[1] == 'shlex-dump':
        shlex_dump(argv[2])
    else:
        sys.exit('usage: see the comment at the top')


if __name__ == '__main__':
    main(sys.argv)
