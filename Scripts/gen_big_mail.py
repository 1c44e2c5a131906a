#!/usr/bin/env python3
"""A 25 MB mail (one ~18 MB base64 attachment and a Danish text part) for the large-mail benchmarks
(Scripts/bench-mime, Scripts/bench-scale). Usage: gen_big_mail.py OUT"""
import base64, random, sys
rnd = random.Random(25)
data = rnd.randbytes(17 * 1024 * 1024 + 512 * 1024)
b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
text = ("Hej,\r\n\r\nVedlagt er filen.\r\n\r\nMvh\r\nSøren\r\n" * 20000).encode("utf-8")
head = (b"From: =?utf-8?Q?S=C3=B8ren?= <soren@example.dk>\r\nTo: support@example.com\r\n"
        b"Subject: Stor fil\r\nMessage-ID: <big@example.dk>\r\nDate: Tue, 1 Jul 2025 10:52:37 +0200\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BIG\"\r\n\r\n"
        b"--BIG\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
mid = (b"\r\n--BIG\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n")
msg = head + text + mid + b64 + b"--BIG--\r\n"
open(sys.argv[1], "wb").write(msg)
print("generated %.1f MB" % (len(msg) / 1e6))
