#!/usr/bin/env python3
"""Scripted IMAP/SMTP servers for answers Dovecot and Postfix never give (issue 16's lab).

  scripted_server.py imap SCENARIO.json    |  scripted_server.py smtp SCENARIO.json

Listens on 127.0.0.1 (port 0), writes the port to SCENARIO.json + ".port", serves one connection at a time until killed.
Every command received is appended to SCENARIO.json + ".log", one line each (AUTHENTICATE data elided).
Scenario keys (all optional):
  imap: caps (str), namespace (str, e.g. '(("INBOX." ".")) NIL NIL'), messages ({uid: text}),
        refuse_fetch (uids answered NO when in a FETCH), omit (uids left out of FETCH answers),
        login_no (tagged NO text for AUTHENTICATE/LOGIN), replies ({"VERB": "NO …"} for other commands),
        move (bool: advertise MOVE; default true)
  smtp: ehlo_auth (str, e.g. "PLAIN LOGIN"), auth_reply (str), mail_reply (str), rcpt ({addr: reply}),
        data_reply (str)
"""
import json, os, socket, sys

def serve(kind, path):
    sc = json.load(open(path))
    log = open(path + ".log", "a", buffering=1)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    with open(path + ".port.tmp", "w") as pf: pf.write("%d\n" % srv.getsockname()[1])
    os.rename(path + ".port.tmp", path + ".port")
    while True:
        conn, _ = srv.accept()
        f = conn.makefile("rb")
        try:
            (imap if kind == "imap" else smtp)(sc, f, conn, log)
        except (BrokenPipeError, ConnectionResetError):
            pass
        conn.close()

def imap(sc, f, conn, log):
    msgs = {int(k): v.replace("\n", "\r\n").encode() for k, v in sc.get("messages", {}).items()}
    if "_folders" not in sc: sc["_folders"] = {"INBOX": msgs}; sc["_deleted"] = set()   # kept across connections
    folders = sc["_folders"]; deleted = sc["_deleted"]
    refuse = set(sc.get("refuse_fetch", [])); omit = set(sc.get("omit", []))
    replies = sc.get("replies", {})
    caps = "IMAP4rev1 " + sc.get("caps", "AUTH=PLAIN SASL-IR IDLE NAMESPACE UIDPLUS")
    caps += " MOVE" if sc.get("move", True) else ""
    selected = None
    send = lambda s: conn.sendall(s.encode() if isinstance(s, str) else s)
    send("* OK [CAPABILITY %s] lab ready\r\n" % caps)
    def uids_of(spec, box):
        out = set(); top = max(box) if box else 0
        for part in spec.split(","):
            a, _, b = part.partition(":")
            lo = top if a == "*" else int(a); hi = lo if not b else (top if b == "*" else int(b))
            lo, hi = min(lo, hi), max(lo, hi)
            out |= {u for u in box if lo <= u <= hi}
        return sorted(out)
    while True:
        line = f.readline()
        if not line: return
        text = line.decode().rstrip("\r\n")
        tag, _, rest = text.partition(" ")
        verb = rest.split(" ")[0].upper()
        words = rest.split(" ")
        log.write((tag + " AUTHENTICATE " + words[1].upper() + " ..." if verb == "AUTHENTICATE" else text) + "\n")
        if verb == "AUTHENTICATE":
            need = (2 if words[1].upper() == "LOGIN" else 1) - (1 if len(words) >= 3 else 0)
            for _ in range(need): send("+ \r\n"); f.readline()
            if "login_no" in sc: send("%s %s\r\n" % (tag, sc["login_no"])); continue
            send("%s OK [CAPABILITY %s] Logged in\r\n" % (tag, caps)); continue
        key2 = " ".join(words[:2]).upper()
        if key2 in replies or verb in replies:
            send("%s %s\r\n" % (tag, replies.get(key2, replies.get(verb)))); continue
        if verb == "CAPABILITY":
            send("* CAPABILITY %s\r\n%s OK done\r\n" % (caps, tag))
        elif verb == "NAMESPACE":
            send("* NAMESPACE %s\r\n%s OK done\r\n" % (sc.get("namespace", '(("" "/")) NIL NIL'), tag))
        elif verb == "LIST":
            name = rest.split(" ", 2)[2].strip('"')
            for box in folders:
                if box == name: send('* LIST () "/" "%s"\r\n' % box)
            send("%s OK done\r\n" % tag)
        elif verb == "CREATE":
            folders.setdefault(rest.split(" ", 1)[1].strip('"'), {}); send("%s OK created\r\n" % tag)
        elif verb in ("SUBSCRIBE", "NOOP", "EXPUNGE"):
            send("%s OK done\r\n" % tag)
        elif verb == "SELECT":
            selected = folders.get(rest.split(" ", 1)[1].strip('"'))
            if selected is None: send("%s NO no such mailbox\r\n" % tag); continue
            nxt = (max(selected) if selected else 0) + 1
            send("* %d EXISTS\r\n* OK [UIDVALIDITY 77] ok\r\n* OK [UIDNEXT %d] ok\r\n%s OK [READ-WRITE] selected\r\n"
                 % (len(selected), nxt, tag))
        elif verb == "LOGOUT":
            send("* BYE bye\r\n%s OK done\r\n" % tag); return
        elif verb == "IDLE":
            send("+ idling\r\n"); f.readline(); send("%s OK idle done\r\n" % tag)
        elif verb == "UID":
            sub = words[1].upper()
            if sub == "SEARCH":
                crit = words[3] if words[2].upper() == "UID" else words[2]
                found = uids_of(crit, selected)
                if "UNDELETED" in rest.upper(): found = [u for u in found if u not in deleted]
                send("* SEARCH %s\r\n%s OK done\r\n" % (" ".join(map(str, found)), tag))
            elif sub == "FETCH":
                want = uids_of(words[2], selected)
                if "BODY.PEEK[]" in rest and refuse & set(want):
                    send("%s NO The requested message could not be converted to an RFC-822 compatible format.\r\n"
                         % tag)
                    continue
                for u in want:
                    if u in omit: continue
                    seq = sorted(selected).index(u) + 1
                    if "BODY.PEEK[]" in rest:
                        body = selected[u]
                        send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (seq, u, len(body)) + body + b")\r\n")
                    else:
                        send("* %d FETCH (UID %d RFC822.SIZE %d)\r\n" % (seq, u, len(selected[u])))
                send("%s OK done\r\n" % tag)
            elif sub in ("MOVE", "COPY"):
                want = uids_of(words[2], selected); dest = folders.setdefault(rest.split(" ", 3)[3].strip('"'), {})
                for u in want:
                    dest[u] = selected[u]
                    if sub == "MOVE": del selected[u]
                send("%s OK done\r\n" % tag)
            elif sub == "STORE":
                if "\\DELETED" in rest.upper(): deleted.update(uids_of(words[2], selected))
                send("%s OK done\r\n" % tag)
            else:
                send("%s OK done\r\n" % tag)
        else:
            send("%s BAD unknown command\r\n" % tag)

def smtp(sc, f, conn, log):
    send = lambda s: conn.sendall(s.encode())
    send("220 lab ESMTP\r\n")
    while True:
        line = f.readline()
        if not line: return
        text = line.decode().rstrip("\r\n"); verb = text.split(" ")[0].upper()
        log.write(("AUTH ..." if verb == "AUTH" else text) + "\n")
        if verb in ("EHLO", "HELO"):
            send("250-lab\r\n250-8BITMIME\r\n250 AUTH %s\r\n" % sc.get("ehlo_auth", "PLAIN LOGIN"))
        elif verb == "AUTH":
            if len(text.split(" ")) < 3: send("334 \r\n"); f.readline()
            send(sc.get("auth_reply", "235 2.7.0 ok") + "\r\n")
        elif verb == "MAIL":
            send(sc.get("mail_reply", "250 2.1.0 ok") + "\r\n")
        elif verb == "RCPT":
            addr = text.split("<", 1)[1].split(">", 1)[0]
            send(sc.get("rcpt", {}).get(addr, "250 2.1.5 ok") + "\r\n")
        elif verb == "DATA":
            send("354 go\r\n")
            while True:
                l = f.readline()
                if not l or l in (b".\r\n", b".\n"): break
            log.write("DATA-END\n")
            send(sc.get("data_reply", "250 2.0.0 queued") + "\r\n")
        elif verb == "QUIT":
            send("221 bye\r\n"); return
        else:
            send("250 ok\r\n")

if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
