#!/usr/bin/env python3
"""The Python side of Scripts/bench-mime: parse the same files with the `email` package
(policy=email.policy.default) doing the same work as MessageParser.parse: headers (From, To, Cc,
Subject, Message-ID, Date), the body (get_body → get_content) and every attachment decoded.

Usage: bench_mime_python.py bench ITERATIONS PATH...   |   bench_mime_python.py big FILE
"""
import email
import email.policy
import os
import sys
import time


def files(paths):
    out = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        for root, dirs, names in os.walk(p):
            dirs.sort()
            for n in sorted(names):
                if n.startswith(".") or n.endswith(".json") or n.endswith(".md"):
                    continue
                out.append(os.path.join(root, n))
    return out


def work(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    n = 0
    for h in ("From", "To", "Cc", "Subject", "Message-ID", "Date"):
        try:
            v = msg[h]
            n += len(str(v)) if v is not None else 0
        except Exception:
            pass
    try:
        body = msg.get_body(preferencelist=("plain", "html"))
        if body is not None:
            n += len(body.get_content())
    except Exception:
        pass
    try:
        for part in msg.iter_attachments():
            payload = part.get_payload(decode=True)
            n += len(payload or b"")
    except Exception:
        pass
    return n


def main():
    if sys.argv[1] == "big":
        raw = open(sys.argv[2], "rb").read()
        t0 = time.perf_counter()
        n = work(raw)
        dt = time.perf_counter() - t0
        print("python big: %.1f MB parsed in %.3f s (%d)" % (len(raw) / 1e6, dt, n))
        return
    iterations = int(sys.argv[2])
    msgs = [open(f, "rb").read() for f in files(sys.argv[3:])]
    total = sum(len(m) for m in msgs)
    for m in msgs:
        work(m)
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        for m in msgs:
            work(m)
        times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    mb = total / 1e6
    print("python: %d messages, %.2f MB, %d iterations" % (len(msgs), mb, iterations))
    print("python: median %.4f s/pass  %.1f MB/s  %.0f messages/s" % (med, mb / med, len(msgs) / med))


if __name__ == "__main__":
    main()
