"""Second judge for the MIME tests: Python's `email` package (the standard library's parser).

Reads messages from stdin, each as an 8-byte big-endian length and the bytes; answers each with one JSON line:
the leaf parts Python sees (type, filename, disposition, sha256 of the decoded payload, path) and the top-level
header field names. Runs until stdin closes, so one process serves a whole test file.
"""
import email
import email.policy
import hashlib
import json
import struct
import sys


def leaves(msg, path):
    if msg.is_multipart():
        payload = msg.get_payload()
        if isinstance(payload, list):
            for i, child in enumerate(payload):
                yield from leaves(child, path + [i])
            return
    raw = msg.get_payload(decode=True)
    if raw is None:
        raw = b''
    yield {
        'path': '.'.join(str(p) for p in path),
        'type': msg.get_content_type(),
        'filename': msg.get_filename(),
        'disposition': msg.get_content_disposition(),
        'sha256': hashlib.sha256(raw).hexdigest(),
        'size': len(raw),
    }


def main():
    out = sys.stdout
    while True:
        head = sys.stdin.buffer.read(8)
        if len(head) < 8:
            return
        (n,) = struct.unpack('>Q', head)
        data = sys.stdin.buffer.read(n)
        try:
            msg = email.message_from_bytes(data, policy=email.policy.compat32)
            answer = {'leaves': list(leaves(msg, [])), 'headers': [k for k in msg.keys()],
                      'subject': str(msg.get('subject', '')), 'defects': len(msg.defects)}
        except Exception as e:  # a judge that cannot read the message says so
            answer = {'error': repr(e)}
        out.write(json.dumps(answer) + '\n')
        out.flush()


if __name__ == '__main__':
    sys.setrecursionlimit(10000)
    main()
