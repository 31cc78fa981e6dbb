#!/usr/bin/env python3
"""Writes the fixture logs of MailLogAnalyzerTest (deterministic; run from this folder).

mail.log       one day (Dec 5), classic syslog timestamps, every Postfix 3.x line type the report
               reads (postscreen, dnsblog, smtpd, submission/smtpd, cleanup, qmgr, smtp, lmtp, local,
               error, bounce, pickup, anvil, master), a compromised SASL account at 14:00, password
               guessing, remote replies saying our IP is listed, mailwarden decision lines and lines
               of other programs.
mail.log.1.gz  the day before, RFC 3339 timestamps (rsyslog's high-precision format), gzip.
"""
import gzip
import random

rnd = random.Random(20261205)
ALPHA = "BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789"
counter = [0]


def qid():
    counter[0] += 1
    n = counter[0] * 7919 + 104729
    s = ""
    for _ in range(11):
        s += ALPHA[n % len(ALPHA)]
        n //= len(ALPHA)
    return "4QB" + s[:8] + "z" + s[8:]


class Log:
    def __init__(self, stamp):
        self.lines = []
        self.stamp = stamp
        self.pid = 1000

    def at(self, h, m, s, text):
        self.lines.append((h * 3600 + m * 60 + s, len(self.lines), self.stamp(h, m, s) + " mx " + text))

    def text(self):
        return "".join(l[2] + "\n" for l in sorted(self.lines))


def classic(h, m, s):
    return "Dec  5 %02d:%02d:%02d" % (h, m, s)


def rfc3339(h, m, s):
    return "2026-12-04T%02d:%02d:%02d.%06d+00:00" % (h, m, s, rnd.randrange(1000000))


def pid():
    return rnd.randrange(2000, 30000)


SENDERS = ["news@lists.sender.example", "Billing@Shop.Example", "jane@friends.example", "noreply@bank.example",
           "updates@social.example", "", "Info@Mail.Partner.Co.Uk", "ops@monitor.example"]
CLIENTS = ["mail.sender.example[192.0.2.77]", "smtp-out.shop.example[192.0.2.78]", "unknown[192.0.2.79]",
           "mx01.bank.example[192.0.2.80]", "out.social.example[2001:db8::25]", "mail.partner.co.uk[192.0.2.81]",
           "relay.monitor.example[192.0.2.82]"]
LOCAL = ["bob@example.org", "carol@example.org", "dave@example.org", "Erin@Example.org"]


def inbound(log, h, m, s, deliver="lmtp", rcpts=1, status="sent"):
    q = qid()
    p = pid()
    client = rnd.choice(CLIENTS)
    sender = rnd.choice(SENDERS)
    size = rnd.randrange(900, 90000)
    log.at(h, m, s, "postfix/smtpd[%d]: connect from %s" % (p, client))
    log.at(h, m, s, "postfix/smtpd[%d]: Anonymous TLS connection established from %s: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256" % (p, client))
    log.at(h, m, s + 1, "postfix/smtpd[%d]: %s: client=%s" % (p, q, client))
    log.at(h, m, s + 1, "postfix/cleanup[%d]: %s: message-id=<%d.%s@sender.example>" % (pid(), q, rnd.randrange(10**9), q))
    log.at(h, m, s + 1, "postfix/qmgr[1100]: %s: from=<%s>, size=%d, nrcpt=%d (queue active)" % (q, sender, size, rcpts))
    log.at(h, m, s + 2, "postfix/smtpd[%d]: disconnect from %s ehlo=2 starttls=1 mail=1 rcpt=%d data=1 quit=1 commands=%d" % (p, client, rcpts, 6 + rcpts))
    for r in rnd.sample(LOCAL, rcpts):
        d = rnd.randrange(10, 300) / 100
        if deliver == "lmtp":
            log.at(h, m, s + 2, "postfix/lmtp[%d]: %s: to=<%s>, relay=mx.example.org[private/dovecot-lmtp], delay=%.2f, delays=0.1/0.01/0.01/%.2f, dsn=2.0.0, status=%s (250 2.0.0 <%s> nK3xAQAAh3Yr Saved)" % (pid(), q, r, d, d - 0.12, status, r))
        else:
            log.at(h, m, s + 2, "postfix/local[%d]: %s: to=<%s>, relay=local, delay=%.2f, delays=0.1/0.01/0/%.2f, dsn=2.0.0, status=sent (delivered to mailbox)" % (pid(), q, r, d, d - 0.11))
    log.at(h, m, s + 3, "postfix/qmgr[1100]: %s: removed" % q)


def outbound(log, h, m, s, user, ip, rcpts, outcome="sent", service="submission", nrcpt=None):
    q = qid()
    p = pid()
    client = "unknown[%s]" % ip
    log.at(h, m, s, "postfix/%s/smtpd[%d]: connect from %s" % (service, p, client))
    log.at(h, m, s, "postfix/%s/smtpd[%d]: %s: client=%s, sasl_method=PLAIN, sasl_username=%s" % (service, p, q, client, user))
    log.at(h, m, s, "postfix/cleanup[%d]: %s: message-id=<%s@example.org>" % (pid(), q, q))
    log.at(h, m, s, "postfix/qmgr[1100]: %s: from=<%s>, size=%d, nrcpt=%d (queue active)" % (q, user, rnd.randrange(1500, 40000), nrcpt or len(rcpts)))
    log.at(h, m, s + 1, "postfix/%s/smtpd[%d]: disconnect from %s ehlo=1 auth=1 mail=1 rcpt=%d data=1 quit=1 commands=%d" % (service, p, client, len(rcpts), 5 + len(rcpts)))
    for r, how in rcpts:
        dom = r.split("@")[1]
        relay = "mx.%s[198.51.100.%d]:25" % (dom, 10 + sum(map(ord, dom)) % 200)
        if how == "sent":
            log.at(h, m, s + 2, "postfix/smtp[%d]: %s: to=<%s>, relay=%s, delay=1.2, delays=0.05/0.01/0.6/0.54, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %X)" % (pid(), q, r, relay, rnd.randrange(1 << 40)))
        elif how == "spam":
            log.at(h, m, s + 2, "postfix/smtp[%d]: %s: to=<%s>, relay=%s, delay=2.1, delays=0.05/0.01/1/1, dsn=5.7.1, status=bounced (host %s said: 550 5.7.1 Message rejected as spam by content filter (in reply to end of DATA command))" % (pid(), q, r, relay, relay[:-3]))
        elif how == "listed":
            log.at(h, m, s + 2, "postfix/smtp[%d]: %s: to=<%s>, relay=%s, delay=0.8, delays=0.05/0.01/0.4/0.34, dsn=5.7.1, status=bounced (host %s said: 554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.25 (in reply to RCPT TO command))" % (pid(), q, r, relay, relay[:-3]))
        elif how == "unknown":
            log.at(h, m, s + 2, "postfix/smtp[%d]: %s: to=<%s>, relay=%s, delay=0.9, delays=0.05/0.01/0.4/0.44, dsn=5.1.1, status=bounced (host %s said: 550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))" % (pid(), q, r, relay, relay[:-3], r))
    bounced = [r for r, how in rcpts if how != "sent"]
    if bounced:
        nq = qid()
        log.at(h, m, s + 3, "postfix/cleanup[%d]: %s: message-id=<%s@mx.example.org>" % (pid(), nq, nq))
        log.at(h, m, s + 3, "postfix/bounce[%d]: %s: sender non-delivery notification: %s" % (pid(), q, nq))
        log.at(h, m, s + 3, "postfix/qmgr[1100]: %s: from=<>, size=%d, nrcpt=1 (queue active)" % (nq, rnd.randrange(3000, 9000)))
        log.at(h, m, s + 3, "postfix/lmtp[%d]: %s: to=<%s>, relay=mx.example.org[private/dovecot-lmtp], delay=0.05, delays=0/0/0/0.05, dsn=2.0.0, status=sent (250 2.0.0 <%s> Saved)" % (pid(), nq, user, user))
        log.at(h, m, s + 4, "postfix/qmgr[1100]: %s: removed" % nq)
    log.at(h, m, s + 4, "postfix/qmgr[1100]: %s: removed" % q)


def rejects(log, h):
    p = pid()
    ip = "203.0.113.%d" % rnd.randrange(2, 250)
    kind = rnd.randrange(12)
    if kind == 0:
        log.at(h, 10, 0, "postfix/postscreen[1201]: CONNECT from [%s]:%d to [192.0.2.25]:25" % (ip, rnd.randrange(30000, 60000)))
        log.at(h, 10, 0, "postfix/dnsblog[1205]: addr %s listed by domain zen.spamhaus.org as 127.0.0.2" % ip)
        log.at(h, 10, 6, "postfix/postscreen[1201]: DNSBL rank 3 for [%s]:41234" % ip)
        log.at(h, 10, 7, "postfix/postscreen[1201]: NOQUEUE: reject: RCPT from [%s]:41234: 550 5.7.1 Service unavailable; client [%s] blocked using zen.spamhaus.org; from=<promo@spam.example>, to=<bob@example.org>, proto=ESMTP, helo=<spam.example>" % (ip, ip))
        log.at(h, 10, 7, "postfix/postscreen[1201]: DISCONNECT [%s]:41234" % ip)
    elif kind == 1:
        log.at(h, 11, 0, "postfix/postscreen[1201]: CONNECT from [%s]:40000 to [192.0.2.25]:25" % ip)
        log.at(h, 11, 0, "postfix/postscreen[1201]: PREGREET 11 after 0.15 from [%s]:40000: EHLO user\\r\\n" % ip)
        log.at(h, 11, 1, "postfix/postscreen[1201]: DISCONNECT [%s]:40000" % ip)
    elif kind == 2:
        log.at(h, 12, 0, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: 554 5.7.1 Service unavailable; Client host [%s] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?%s; from=<a@b.example> to=<bob@example.org> proto=ESMTP helo=<%s>" % (p, ip, ip, ip, ip))
    elif kind == 3:
        log.at(h, 13, 0, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: 504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname; from=<a@b.example> to=<bob@example.org> proto=ESMTP helo=<localhost>" % (p, ip))
    elif kind == 4:
        log.at(h, 14, 0, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from mail.x.example[192.0.2.90]: 550 5.1.1 <nosuch%d@example.org>: Recipient address rejected: User unknown in virtual mailbox table; from=<a@x.example> to=<nosuch%d@example.org> proto=ESMTP helo=<mail.x.example>" % (p, h, h))
    elif kind == 5:
        log.at(h, 15, 0, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: 454 4.7.1 <victim@elsewhere.example>: Relay access denied; from=<a@b.example> to=<victim@elsewhere.example> proto=ESMTP helo=<x.example>" % (p, ip))
    elif kind == 6:
        log.at(h, 16, 0, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: 450 4.7.25 Client host rejected: cannot find your hostname, [%s]; from=<x@y.example> to=<carol@example.org> proto=ESMTP helo=<dyn.example>" % (p, ip, ip))
        log.at(h, 16, 1, "postfix/smtpd[%d]: NOQUEUE: reject_warning: RCPT from unknown[%s]: 450 4.7.25 Client host rejected: cannot find your hostname, [%s]; from=<x@y.example> to=<dave@example.org> proto=ESMTP helo=<dyn.example>" % (p, ip, ip))
    elif kind == 7:
        log.at(h, 17, 0, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from mail.y.example[192.0.2.91]: 450 4.1.8 <a@nonexistent.example>: Sender address rejected: Domain not found; from=<a@nonexistent.example> to=<bob@example.org> proto=ESMTP helo=<mail.y.example>" % p)
    elif kind == 8:
        log.at(h, 18, 0, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from mail.z.example[192.0.2.92]: 550 5.7.23 <bob@example.org>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=a@z.example;ip=192.0.2.92;r=<UNKNOWN>; from=<a@z.example> to=<bob@example.org> proto=ESMTP helo=<mail.z.example>" % p)
    elif kind == 9:
        q = qid()
        log.at(h, 19, 0, "postfix/smtpd[%d]: %s: client=unknown[%s]" % (p, q, ip))
        log.at(h, 19, 1, "postfix/cleanup[%d]: %s: reject: header Subject: Make money fast from unknown[%s]; from=<a@b.example> to=<bob@example.org> proto=ESMTP helo=<x.example>: 5.7.1 Message content rejected" % (pid(), q, ip))
    elif kind == 10:
        q = qid()
        log.at(h, 20, 0, "postfix/smtpd[%d]: %s: client=unknown[%s]" % (p, q, ip))
        log.at(h, 20, 1, "postfix/cleanup[%d]: %s: milter-reject: END-OF-MESSAGE from unknown[%s]: 5.7.1 Rejected by DMARC policy for paypal.example; from=<service@paypal.example> to=<bob@example.org> proto=ESMTP helo=<x.example>" % (pid(), q, ip))
    else:
        log.at(h, 21, 0, "postfix/smtpd[%d]: NOQUEUE: reject: MAIL from unknown[%s]: 552 5.3.4 Message size exceeds fixed limit; proto=ESMTP helo=<x.example>" % (p, ip))


def day_dec5():
    log = Log(classic)
    log.at(0, 0, 1, "postfix/master[1000]: daemon started -- version 3.7.11, configuration /etc/postfix")
    log.at(0, 0, 2, "CRON[999]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
    volume = [3, 2, 2, 1, 1, 2, 4, 7, 9, 11, 10, 9, 8, 8, 9, 10, 9, 7, 6, 5, 4, 4, 3, 3]
    for h in range(24):
        for i in range(volume[h]):
            inbound(log, h, rnd.randrange(0, 58), rnd.randrange(0, 50), deliver="lmtp" if i % 3 else "local", rcpts=1 + (i % 4 == 0))
        for i in range(1 + volume[h] // 3):
            rejects(log, h)
    # alice: one or two recipients an hour, then 14:00 her password is used from three IPs
    for h in range(14):
        outbound(log, h, 30, 0, "alice@example.org", "192.0.2.150",
                 [("friend%d@remote.example" % h, "sent"), ("aunt@family.example", "sent")])
    for i in range(40):
        ip = ["203.0.113.50", "198.51.100.200", "192.0.2.201"][i % 3]
        rc = [("victim%d@bigmail.example" % (i * 5 + k), "sent") for k in range(5)]
        if i % 8 == 0:
            rc[0] = (rc[0][0], "spam")
        if i % 13 == 0:
            rc[1] = ("boss%d@corp.example" % i, "listed")
        outbound(log, 14, i, 10, "alice@example.org", ip, rc)
    # bob: a quiet user with one unknown recipient
    outbound(log, 9, 5, 0, "bob@example.org", "192.0.2.160", [("x@remote.example", "sent")])
    outbound(log, 16, 5, 0, "bob@example.org", "192.0.2.160", [("y@remote.example", "unknown"), ("z@remote.example", "sent")])
    outbound(log, 20, 5, 0, "Bob@example.org", "192.0.2.161", [("w@remote.example", "sent")], service="smtps")
    # deferred, retried, then delivered: deferred once, delivered once, sender once
    q = qid()
    log.at(10, 0, 0, "postfix/submission/smtpd[7001]: %s: client=unknown[192.0.2.160], sasl_method=LOGIN, sasl_username=bob@example.org" % q)
    log.at(10, 0, 0, "postfix/qmgr[1100]: %s: from=<bob@example.org>, size=3000, nrcpt=1 (queue active)" % q)
    log.at(10, 0, 31, "postfix/smtp[7002]: connect to mx.slow.example[198.51.100.77]:25: Connection timed out")
    log.at(10, 0, 31, "postfix/smtp[7002]: %s: to=<z@slow.example>, relay=none, delay=31, delays=0.1/0/31/0, dsn=4.4.1, status=deferred (connect to mx.slow.example[198.51.100.77]:25: Connection timed out)" % q)
    log.at(10, 10, 0, "postfix/qmgr[1100]: %s: from=<bob@example.org>, size=3000, nrcpt=1 (queue active)" % q)
    log.at(10, 10, 5, "postfix/smtp[7003]: %s: to=<z@slow.example>, relay=mx.slow.example[198.51.100.77]:25, delay=605, delays=600/0.01/4/1, dsn=4.7.1, status=deferred (host mx.slow.example[198.51.100.77] said: 450 4.7.1 <z@slow.example>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/slow.example.html (in reply to RCPT TO command))" % q)
    log.at(10, 20, 0, "postfix/qmgr[1100]: %s: from=<bob@example.org>, size=3000, nrcpt=1 (queue active)" % q)
    log.at(10, 20, 2, "postfix/smtp[7004]: %s: to=<z@slow.example>, relay=mx.slow.example[198.51.100.77]:25, delay=1202, delays=1200/0.01/1/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D)" % q)
    log.at(10, 20, 2, "postfix/qmgr[1100]: %s: removed" % q)
    # a message that never leaves: deferred twice, expires
    q = qid()
    log.at(3, 0, 0, "postfix/smtpd[7101]: %s: client=mail.sender.example[192.0.2.77]" % q)
    log.at(3, 0, 0, "postfix/qmgr[1100]: %s: from=<jane@friends.example>, size=5000, nrcpt=1 (queue active)" % q)
    log.at(3, 0, 1, "postfix/smtp[7102]: %s: to=<old@gone.example>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to gone.example[198.51.100.99]:25: Connection refused)" % q)
    log.at(9, 0, 1, "postfix/smtp[7103]: %s: to=<old@gone.example>, relay=none, delay=21601, delays=21600/0/1/0, dsn=4.4.1, status=deferred (connect to gone.example[198.51.100.99]:25: Connection refused)" % q)
    log.at(23, 0, 1, "postfix/qmgr[1100]: %s: from=<jane@friends.example>, status=expired, returned to sender" % q)
    # a forward through .forward: forwarded, and the new message is not "received"
    q = qid()
    q2 = qid()
    log.at(11, 0, 0, "postfix/smtpd[7201]: %s: client=mail.sender.example[192.0.2.77]" % q)
    log.at(11, 0, 0, "postfix/qmgr[1100]: %s: from=<news@lists.sender.example>, size=7000, nrcpt=1 (queue active)" % q)
    log.at(11, 0, 1, "postfix/cleanup[7202]: %s: message-id=<n1@lists.sender.example>" % q2)
    log.at(11, 0, 1, "postfix/local[7203]: %s: to=<carol@example.org>, relay=local, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (forwarded as %s)" % (q, q2))
    log.at(11, 0, 1, "postfix/qmgr[1100]: %s: from=<news@lists.sender.example>, size=7200, nrcpt=1 (queue active)" % q2)
    log.at(11, 0, 1, "postfix/qmgr[1100]: %s: removed" % q)
    log.at(11, 0, 2, "postfix/smtp[7204]: %s: to=<carol@elsewhere.example>, orig_to=<carol@example.org>, relay=mx.elsewhere.example[198.51.100.12]:25, delay=0.9, delays=0.01/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 OK)" % q2)
    log.at(11, 0, 2, "postfix/qmgr[1100]: %s: removed" % q2)
    # local mail: pickup, an alias, a bounce by the error transport
    q = qid()
    log.at(6, 25, 1, "postfix/pickup[7301]: %s: uid=0 from=<root>" % q)
    log.at(6, 25, 1, "postfix/cleanup[7302]: %s: message-id=<%s@mx.example.org>" % (q, q))
    log.at(6, 25, 1, "postfix/qmgr[1100]: %s: from=<root@mx.example.org>, size=1200, nrcpt=1 (queue active)" % q)
    log.at(6, 25, 1, "postfix/local[7303]: %s: to=<root@mx.example.org>, orig_to=<root>, relay=local, delay=0.03, delays=0.01/0/0/0.02, dsn=2.0.0, status=sent (delivered to mailbox)" % q)
    log.at(6, 25, 1, "postfix/qmgr[1100]: %s: removed" % q)
    q = qid()
    log.at(7, 1, 0, "postfix/pickup[7301]: %s: uid=1000 from=<dave>" % q)
    log.at(7, 1, 0, "postfix/qmgr[1100]: %s: from=<dave@mx.example.org>, size=800, nrcpt=1 (queue active)" % q)
    log.at(7, 1, 0, "postfix/error[7304]: %s: to=<nobody@invalid.example>, relay=none, delay=0.2, delays=0.1/0/0/0.1, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=invalid.example type=A: Host not found)" % q)
    log.at(7, 1, 0, "postfix/qmgr[1100]: %s: removed" % q)
    # hold and discard by smtpd access rules; header warning, hold and discard by cleanup
    q = qid()
    log.at(8, 2, 0, "postfix/smtpd[7401]: %s: client=mail.sender.example[192.0.2.77]" % q)
    log.at(8, 2, 0, "postfix/smtpd[7401]: %s: hold: RCPT from mail.sender.example[192.0.2.77]: <bob@example.org>: Recipient address triggers HOLD action; from=<jane@friends.example> to=<bob@example.org> proto=ESMTP helo=<mail.sender.example>" % q)
    q = qid()
    log.at(8, 3, 0, "postfix/smtpd[7402]: %s: client=mail.sender.example[192.0.2.77]" % q)
    log.at(8, 3, 0, "postfix/smtpd[7402]: %s: discard: RCPT from mail.sender.example[192.0.2.77]: <dave@example.org>: Recipient address triggers DISCARD action; from=<jane@friends.example> to=<dave@example.org> proto=ESMTP helo=<mail.sender.example>" % q)
    q = qid()
    log.at(8, 4, 0, "postfix/smtpd[7403]: %s: client=mail.sender.example[192.0.2.77]" % q)
    log.at(8, 4, 1, "postfix/cleanup[7404]: %s: warning: header X-Mailer: BadMailer 1.0 from mail.sender.example[192.0.2.77]; from=<jane@friends.example> to=<bob@example.org> proto=ESMTP helo=<mail.sender.example>" % q)
    log.at(8, 4, 1, "postfix/cleanup[7404]: %s: hold: body Click here to claim your prize from mail.sender.example[192.0.2.77]; from=<jane@friends.example> to=<bob@example.org> proto=ESMTP helo=<mail.sender.example>" % q)
    q = qid()
    log.at(8, 5, 0, "postfix/smtpd[7405]: %s: client=unknown[192.0.2.79]" % q)
    log.at(8, 5, 1, "postfix/cleanup[7406]: %s: discard: header Subject: You are a lottery winner from unknown[192.0.2.79]; from=<win@lotto.example> to=<bob@example.org> proto=ESMTP helo=<lotto.example>: " % q)
    log.at(8, 6, 0, "postfix/smtpd[7407]: NOQUEUE: reject: CONNECT from unknown[203.0.113.9]: 554 5.7.1 <unknown[203.0.113.9]>: Client host rejected: Access denied; proto=SMTP")
    # password guessing against submission
    for i in range(12):
        log.at(3, 10, i * 2, "postfix/submission/smtpd[7500]: warning: unknown[203.0.113.200]: SASL LOGIN authentication failed: UGFzc3dvcmQ6")
    log.at(3, 10, 30, "postfix/submission/smtpd[7500]: too many errors after AUTH from unknown[203.0.113.200]")
    for i in range(3):
        log.at(4, 40, i, "postfix/smtpd[7501]: warning: unknown[198.51.100.201]: SASL PLAIN authentication failed: authentication failure")
    log.at(4, 40, 5, "postfix/smtpd[7501]: lost connection after AUTH from unknown[198.51.100.201]")
    log.at(3, 15, 0, "postfix/anvil[7600]: statistics: max connection rate 12/60s for (submission:203.0.113.200) at Dec  5 03:10:11")
    log.at(3, 15, 0, "postfix/anvil[7600]: statistics: max connection count 3 for (submission:203.0.113.200) at Dec  5 03:10:11")
    log.at(3, 15, 0, "postfix/anvil[7600]: statistics: max cache size 4 at Dec  5 03:10:15")
    log.at(5, 0, 0, "postfix/smtpd[7700]: warning: hostname dyn-5.isp.example does not resolve to address 203.0.113.5: Name or service not known")
    log.at(5, 0, 1, "postfix/smtpd[7700]: improper command pipelining after CONNECT from unknown[203.0.113.5]: EHLO x\\r\\nMAIL FROM:<a@b>\\r\\n")
    # mailwarden decision lines: syslog, logback, and a hostile HELO that tries to forge keys
    log.at(10, 30, 0, "mailwarden[4000]: evaluation=ev-1 verdict=REJECT score=6.0 client_ip=198.51.100.23 helo=spam.example mail_from_domain=spam.example check.dnsbl=fail check.spf=none elapsed_ms=12 dns_queries=3")
    log.at(10, 30, 1, "mailwarden[4000]: evaluation=ev-2 verdict=ACCEPT score=0.0 client_ip=192.0.2.77 helo=mail.sender.example mail_from_domain=sender.example check.dnsbl=pass check.spf=pass check.dkim=pass elapsed_ms=30 dns_queries=5 dnsbl_error=bl.broken.example")
    log.at(10, 30, 2, "mailwarden[4000]: evaluation=ev-3 verdict=TEMPFAIL score=0.0 client_ip=192.0.2.99 helo=\"evil verdict=ACCEPT check.spf=pass\\\" x=\\\\\" mail_from_domain=x.example check.dnsbl=temperror check.spf=fail elapsed_ms=8000 dns_queries=9 dnsbl_error=bl.broken.example dnsbl_error=zen.spamhaus.org")
    text = log.text()
    text += "2026-12-05 23:59:59.120 INFO  [policyd-1] dev.mailwarden.decision - evaluation=ev-4 verdict=QUARANTINE score=3.5 client_ip=192.0.2.100 helo=h.example mail_from_domain=h.example check.spf=softfail check.dmarc=fail elapsed_ms=20 dns_queries=6\n"
    return text


def day_dec4():
    log = Log(rfc3339)
    for h in range(20, 24):
        for i in range(3):
            inbound(log, h, rnd.randrange(0, 58), rnd.randrange(0, 50))
        rejects(log, h)
    outbound(log, 21, 0, 0, "alice@example.org", "192.0.2.150", [("friend@remote.example", "sent")])
    return log.text()


with open("mail.log", "w") as f:
    f.write(day_dec5())
with gzip.GzipFile("mail.log.1.gz", "wb", mtime=0) as f:
    f.write(day_dec4().encode())
