#!/usr/bin/env python3
"""gen-messages.py MAILDIR_FOLDER N [SEED] [OWNER_UID OWNER_GID]

Drops N deterministic 3-20 KB text messages (CRLF) straight into MAILDIR_FOLDER/new
(written to tmp/ then renamed, as Maildir delivery does). 20 % are replies (In-Reply-To/References).
Dovecot indexes them on the next SELECT/STATUS. Used by Scripts/bench-imap."""
import os, random, socket, sys, time

folder, n = sys.argv[1], int(sys.argv[2])
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
uid = int(sys.argv[4]) if len(sys.argv) > 4 else -1
gid = int(sys.argv[5]) if len(sys.argv) > 5 else -1
rnd = random.Random(seed)
words = ("invoice refund order account password reset delivery package broken charge twice "
         "please help urgent update address subscription cancel login error screen app payment "
         "thanks regards hello question again still waiting support ticket reference number").split()
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(folder, d), exist_ok=True)
host = socket.gethostname()
now = int(time.time())
for i in range(n):
    size = rnd.randint(3000, 20000)
    cust = "customer%d@customer.test" % rnd.randint(1, 2)
    subj = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 8))).capitalize()
    mid = "<bench-%d-%d@customer.test>" % (seed, i)
    hdr = ["Return-Path: <%s>" % cust,
           "From: Customer <%s>" % cust, "To: support@example.test",
           "Subject: %s" % (("Re: " if i % 5 == 4 else "") + subj),
           "Date: %s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(now - n + i)),
           "Message-ID: %s" % mid, "MIME-Version: 1.0",
           "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    if i % 5 == 4 and i > 0:
        parent = "<bench-%d-%d@customer.test>" % (seed, rnd.randint(0, i - 1))
        hdr += ["In-Reply-To: %s" % parent, "References: %s" % parent]
    body, length = [], 0
    while length < size:
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(6, 14)))
        body.append(line); length += len(line) + 2
    data = ("\r\n".join(hdr) + "\r\n\r\n" + "\r\n".join(body) + "\r\n").encode()
    name = "%d.M%dP%d.%s,S=%d" % (now, i, os.getpid(), host, len(data))
    tmp = os.path.join(folder, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(data)
    if uid >= 0:
        os.chown(tmp, uid, gid)
    os.rename(tmp, os.path.join(folder, "new", name))
print("wrote %d messages to %s/new" % (n, folder))
