#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the repository's fixtures/ and, when present, the shared
# real-world samples (default ../../shared/samples relative to the repository, override with
# SAMPLES=/path). Nothing seeded here is committed: fuzz/corpus is gitignored.
#
# Targets that take a selector byte get seeds prefixed with byte 0 (auto-detect / default mode).
set -eu
cd "$(dirname "$0")"
REPO=..
SAMPLES=${SAMPLES:-$REPO/../shared/samples}
[ -d "$SAMPLES" ] || SAMPLES=/work/shared/samples
C=corpus
mkdir -p $C/detect $C/csv_family $C/keepass_xml $C/json_family $C/zip_containers \
    $C/kdbx_header $C/range_body $C/offline_corpus

# files under fixtures/ and the samples, at most 256 KiB each (libFuzzer's default max_len is
# 4 KiB anyway; bigger seeds only slow the first pass)
files() {
    { find "$REPO/fixtures" -type f -size -256k 2>/dev/null
      [ -d "$SAMPLES" ] && find "$SAMPLES" -type f -size -256k; } | grep -Ei "$1" || true
}

# copy with a selector byte in front; the name keeps the seed unique across folders
prefixed() { # dir byte file
    name=$(printf '%s' "$3" | sed 's@^[./]*@@' | tr '/ ' '__' | tail -c 100)
    { printf "\\$(printf '%03o' "$2")"; cat "$3"; } > "$1/$name"
}
plain() { # dir file
    name=$(printf '%s' "$2" | sed 's@^[./]*@@' | tr '/ ' '__' | tail -c 100)
    cp "$2" "$1/$name"
}

files '.' | while read -r f; do plain $C/detect "$f"; done
files '\.csv$' | while read -r f; do prefixed $C/csv_family 0 "$f"; done
files '\.xml$' | while read -r f; do plain $C/keepass_xml "$f"; done
files '\.json$' | while read -r f; do prefixed $C/json_family 0 "$f"; done
# 1PUX export.data files as the 1PUX format (selector 4)
files '(onePassword1Pux/|export\.data).*\.json$' | while read -r f; do prefixed $C/json_family 4 "$f"; done
files '\.(kdbx|kdb)$' | while read -r f; do prefixed $C/kdbx_header 0 "$f"; done

# zip containers, built from the fixtures (the samples hold no zip)
python3 - "$REPO" "$SAMPLES" "$C/zip_containers" <<'PY'
import io, os, sys, zipfile
repo, samples, out = sys.argv[1:4]
def read(*p):
    try:
        with open(os.path.join(*p), 'rb') as f: return f.read()
    except OSError: return None
def put(name, selector, members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', method) as z:
        for n, d in members:
            if d is not None: z.writestr(n, d)
    with open(os.path.join(out, name), 'wb') as f: f.write(bytes([selector]) + buf.getvalue())
j = os.path.join(repo, 'fixtures', 'readers-json')
put('1pux.zip', 0, [('export.attributes', b'{"version":3,"description":"1Password Unencrypted Export","createdAt":1}'),
                    ('export.data', read(j, 'onepassword-export.data.json'))])
put('1pux-stored.zip', 1, [('export.data', read(j, 'onepassword-export.data.json'))], zipfile.ZIP_STORED)
put('proton.zip', 0, [('Proton Pass/data.json', read(j, 'proton.json'))])
put('proton-bare.zip', 3, [('data.json', read(j, 'proton.json'))], zipfile.ZIP_STORED)
dash = read(samples, 'bitwarden-jslib', 'dashlaneCsv', 'credentials.csv') or \
    b'username,username2,username3,title,password,note,url,category,otpSecret\nu,,,t,pw,,https://a.example,,\n'
put('dashlane.zip', 0, [('credentials.csv', dash)])
put('dashlane-stored.zip', 2, [('credentials.csv', dash)], zipfile.ZIP_STORED)
PY

# range bodies: suffixes of the demo corpus lines, LF and CRLF, with padding rows
python3 - "$REPO" "$C/range_body" "$C/offline_corpus" <<'PY'
import os, sys
repo, rng, off = sys.argv[1:4]
with open(os.path.join(repo, 'fixtures', 'demo', 'pwned-sample.txt'), 'rb') as f:
    lines = [l.strip() for l in f if l.strip()]
rows = [l[5:] for l in lines[:40]]
open(os.path.join(rng, 'lf'), 'wb').write(b'\n'.join(rows) + b'\n')
open(os.path.join(rng, 'crlf-padding'), 'wb').write(b'\r\n'.join(rows[:10] + [rows[11].split(b':')[0] + b':0']))
open(os.path.join(rng, 'lower'), 'wb').write(b'\n'.join(r.lower() for r in rows[:5]))
# offline corpus: selector 0 = single sorted file, 1 = per-prefix files split on NUL
open(os.path.join(off, 'file'), 'wb').write(b'\x00' + b'\n'.join(lines[:60]) + b'\n')
open(os.path.join(off, 'file-crlf-lower'), 'wb').write(b'\x00' + b'\r\n'.join(l.lower() for l in lines[:30]))
open(os.path.join(off, 'dir'), 'wb').write(b'\x01' + b'\x00'.join(b'\r\n'.join(rows[i:i + 4]) for i in range(0, 24, 4)))
PY

# inner_xml and key_file: small hand-made seeds, committed under fuzz/seeds/ (regenerated
# here), plus the XML fixtures for inner_xml.
S=seeds
mkdir -p $S/inner_xml $S/key_file $C/inner_xml $C/key_file
python3 - "$S" <<'PY'
import base64, os, sys
out = sys.argv[1]
def put(target, name, data):
    with open(os.path.join(out, target, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())
entry = lambda body: '<KeePassFile><Meta><HeaderHash/></Meta><Root><Group><UUID>AAAAAAAAAAAAAAAAAAAAAQ==</UUID><Name>R</Name>' + body + '</Group></Root></KeePassFile>'
put('inner_xml', 'value-before-key', entry('<Entry><UUID>AAAAAAAAQACAAAAAAAAAAQ==</UUID><String><Value> pw </Value><Key>Password</Key></String></Entry>'))
put('inner_xml', 'spaced-key-no-uuid', entry('<Entry><String><Key> Password </Key><Value>x</Value></String><String><Key>Password</Key><Value>pw</Value></String></Entry>'))
put('inner_xml', 'protected', entry('<Entry><String><Key>Password</Key><Value Protected="True">' + base64.b64encode(b'\x00' * 8).decode() + '</Value></String><String><Key>Notes</Key><Value Protected="True"/></String></Entry>'))
put('inner_xml', 'history-times', entry('<Entry><Times><LastModificationTime>zNyX1A4AAAA=</LastModificationTime></Times><String><Key>Password</Key><Value>b</Value></String><History><Entry><String><Key>Password</Key><Value>a</Value></String><Times><LastModificationTime>2020-01-01T00:00:00Z</LastModificationTime></Times></Entry></History></Entry>'))
put('inner_xml', 'header-hash', '<KeePassFile><Meta><HeaderHash>' + base64.b64encode(bytes(32)).decode() + '</HeaderHash><Binaries><Binary ID="0" Protected="True">AAEC</Binary></Binaries></Meta><Root/></KeePassFile>')
key = bytes(range(32))
put('key_file', 'v1.key', '<KeyFile><Meta><Version>1.00</Version></Meta><Key><Data>\n  ' + base64.b64encode(key).decode() + '\n</Data></Key></KeyFile>')
import hashlib
h = hashlib.sha256(key).hexdigest()[:8].upper()
hexkey = key.hex().upper()
put('key_file', 'v2.keyx', '<?xml version="1.0" encoding="utf-8"?>\n<KeyFile><Meta><Version>2.0</Version></Meta><Key><Data Hash="' + h + '">' + ' '.join(hexkey[i:i + 8] for i in range(0, 64, 8)) + '</Data></Key></KeyFile>')
put('key_file', 'binary32', key)
put('key_file', 'hex64', key.hex())
put('key_file', 'other', b'any file is hashed\n')
PY
cp $S/inner_xml/* $C/inner_xml/
cp $S/key_file/* $C/key_file/
files '\.xml$' | while read -r f; do plain $C/inner_xml "$f"; done
files '\.(key|keyx)$' | while read -r f; do plain $C/key_file "$f"; done

for d in $C/*; do printf '%s: %s seeds\n' "$d" "$(ls "$d" | wc -l)"; done
