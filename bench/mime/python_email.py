"""Benchmark child: Python's email package, the public WorkMail templates' way: parse the whole message,
tag the subject, add the disclaimer to the text parts, serialize. argv: in out; prints the in-process ms."""
import sys, time
from email import policy
from email.parser import BytesParser
from email.generator import BytesGenerator

start = time.perf_counter()
with open(sys.argv[1], 'rb') as f:
    msg = BytesParser(policy=policy.SMTP).parse(f)
msg.replace_header('Subject', '[EXTERNAL] ' + str(msg['Subject']))
for part in msg.walk():
    if part.get_content_type() in ('text/plain', 'text/html') and not part.is_attachment():
        content = part.get_content()
        part.set_content(content + '\r\nConfidential.', subtype=part.get_content_subtype())
with open(sys.argv[2], 'wb') as f:
    BytesGenerator(f, policy=policy.SMTP).flatten(msg)
print(round((time.perf_counter() - start) * 1000, 1))
