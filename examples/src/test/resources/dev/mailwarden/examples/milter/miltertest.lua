-- Drives the mailwarden milter with miltertest (Debian package miltertest):
--   miltertest -D sock=inet:PORT@127.0.0.1 -s miltertest.lua     (or -D sock=unix:/path/milter.sock)
-- The milter must run with miltertest.zone as its DNS and authserv-id mx.test.example.
-- Covers option negotiation, macros, a multi-chunk body, abort mid-message, A-R insertion,
-- removal of a forged A-R, quarantine, DMARC reject and a DNSBL refusal at RCPT.

local function check(ok, what)
  if not ok then
    mt.echo("FAILED: " .. what)
    error("FAILED: " .. what)
  end
  mt.echo("ok: " .. what)
end

local function open()
  local conn = mt.connect(sock, 10, 0.5)
  check(conn ~= nil, "connect to the milter")
  check(mt.negotiate(conn, nil, nil, nil) == nil, "option negotiation")
  return conn
end

mt.set_timeout(15)

-- 1. negotiation: the actions we need, the steps we do not answer
local conn = open()
check(mt.test_action(conn, SMFIF_ADDHDRS), "asks to add headers")
check(mt.test_action(conn, SMFIF_CHGHDRS), "asks to change headers")
check(mt.test_action(conn, SMFIF_QUARANTINE), "asks to quarantine")
check(mt.test_option(conn, SMFIP_NR_HDR), "headers are not answered one by one")

-- 2. macros and the envelope of a DMARC p=quarantine failure, body in three chunks
check(mt.macro(conn, SMFIC_CONNECT, "j", "mx.test.example", "{daemon_name}", "smtpd") == nil, "connect macros")
check(mt.conninfo(conn, "client.example", "203.0.113.9") == nil, "connect")
check(mt.helo(conn, "client.example") == nil, "helo")
check(mt.macro(conn, SMFIC_MAIL, "i", "4QTEST1", "{mail_addr}", "news@q.example") == nil, "mail macros")
check(mt.mailfrom(conn, "<news@q.example>") == nil, "mail from")
check(mt.rcptto(conn, "<bob@test.example>") == nil, "rcpt to")
check(mt.getreply(conn) == SMFIR_CONTINUE, "rcpt accepted")
check(mt.header(conn, "From", "News <news@q.example>") == nil, "header From")
check(mt.header(conn, "Subject", "weekly") == nil, "header Subject")
check(mt.header(conn, "Authentication-Results", "mx.test.example; dmarc=pass header.from=q.example") == nil, "forged A-R")
check(mt.header(conn, "Authentication-Results", "other.example; spf=pass smtp.mailfrom=q.example") == nil, "foreign A-R")
check(mt.eoh(conn) == nil, "end of headers")
check(mt.bodystring(conn, "first chunk\r\n") == nil, "body chunk 1")
check(mt.bodystring(conn, "second chunk\r\n") == nil, "body chunk 2")
check(mt.bodyrandom(conn, 200000) == nil, "body chunks of 200000 random bytes")
check(mt.eom(conn) == nil, "end of message")
check(mt.getreply(conn) == SMFIR_CONTINUE, "message accepted")
check(mt.eom_check(conn, MT_QUARANTINE), "message quarantined (p=quarantine)")
check(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results"), "A-R inserted")
check(mt.eom_check(conn, MT_HDRCHANGE, "Authentication-Results") or mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"),
  "forged A-R removed")

-- 3. abort mid-message, then a new message on the same connection
check(mt.mailfrom(conn, "<billing@paypal.example>") == nil, "second mail from")
check(mt.rcptto(conn, "<bob@test.example>") == nil, "second rcpt")
check(mt.header(conn, "From", "billing@paypal.example") == nil, "second From")
check(mt.eoh(conn) == nil, "second end of headers")
check(mt.bodystring(conn, "half a body\r\n") == nil, "second body chunk")
check(mt.abort(conn) == nil, "abort mid-message")
check(mt.mailfrom(conn, "<billing@paypal.example>") == nil, "third mail from")
check(mt.rcptto(conn, "<bob@test.example>") == nil, "third rcpt")
check(mt.header(conn, "From", "billing@paypal.example") == nil, "third From")
check(mt.eoh(conn) == nil, "third end of headers")
check(mt.bodystring(conn, "pay now\r\n") == nil, "third body")
check(mt.eom(conn) == nil, "third end of message")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "DMARC p=reject failure refused with a reply code")
mt.disconnect(conn)

-- 4. a listed client is refused at RCPT
conn = open()
check(mt.conninfo(conn, "spam.example", "198.51.100.66") == nil, "listed client connects")
check(mt.helo(conn, "spam.example") == nil, "listed client helo")
check(mt.mailfrom(conn, "<a@spam.example>") == nil, "listed client mail from")
check(mt.rcptto(conn, "<bob@test.example>") == nil, "listed client rcpt")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "listed client refused at RCPT")
mt.disconnect(conn)
mt.echo("miltertest.lua: all checks passed")
