# Writes the hostile corpus (*/src/test/resources/**/hostile/*.txt), expanded, into the Jazzer seed
# folders as hostile-<name>; run from the repository root: python3 core/src/test/hostile-seeds.py
import base64, glob, hashlib, os, re

def expand(s):
    out, i = [], 0
    while True:
        o = s.find("{{", i)
        if o < 0:
            out.append(s[i:]); return "".join(out)
        c = s.find("}}", o); st = s.find("*", o); h = s.find("#", o)
        numbered = h >= 0 and h < c and (st < 0 or h < st)
        sep = h if numbered else st
        if c < 0 or sep < 0 or sep > c:
            out.append(s[i:]); return "".join(out)
        out.append(s[i:o]); n = int(s[o+2:sep].strip()); unit = s[sep+1:c]
        out.append("".join(unit.replace("%", str(k)) for k in range(n)) if numbered else unit * n)
        i = c + 2

TARGETS = {
  "spf-check": "auth/src/test/resources/dev/mailwarden/auth/spf/SpfFuzzTestInputs/check_completesWithAnSpfOutcome",
  "dkim-message": "auth/src/test/resources/dev/mailwarden/auth/dkim/DkimSignatureFuzzTestInputs/wholeMessage_verifiesToAValue",
  "dmarc-report": "auth/src/test/resources/dev/mailwarden/auth/dmarc/DmarcFuzzTestInputs/reportParser",
  "dmarc-record": "auth/src/test/resources/dev/mailwarden/auth/dmarc/DmarcFuzzTestInputs/recordParser",
  "from-header": "auth/src/test/resources/dev/mailwarden/auth/dmarc/FromHeaderFuzzTestInputs/fromMessage_givesANormalizedDomainOrAReason",
  "helo": "auth/src/test/resources/dev/mailwarden/auth/helo/HeloParserFuzzTestInputs/parse_neverThrows",
  "rhsbl-from": "dnsbl/src/test/resources/dev/mailwarden/dnsbl/FromHeaderFuzzTestInputs/domains_areDistinctAndNormalized",
  "list-spec": "dnsbl/src/test/resources/dev/mailwarden/dnsbl/ListSpecFuzzTestInputs/parse_neverThrowsUnexpectedly_andRoundTrips",
  "policyd-stream": "examples/src/test/resources/dev/mailwarden/examples/policyd/PolicyRequestReaderFuzzTestInputs/read_staysWithinBoundsAndTerminates",
  "sanitize": "core/src/test/resources/dev/mailwarden/SmtpReplyFuzzTestInputs/sanitize_givesOneSafeLine",
  "auth-results": "core/src/test/resources/dev/mailwarden/SmtpReplyFuzzTestInputs/authResult_rendersAndReadsBack",
}
MAX = 300 * 1024
skipped = []
for f in sorted(glob.glob("*/src/test/resources/dev/mailwarden/**/hostile/*.txt", recursive=True)):
    raw = open(f, "rb").read().decode("latin-1")
    keys, i = {}, 0
    while raw.startswith("# ", i):
        eol = raw.find("\n", i); line = raw[i+2:eol]
        k, _, v = line.partition(":"); keys[k.strip()] = v.strip(); i = eol + 1
    payload = raw[i:]
    if payload.endswith("\n"):
        payload = payload[:-1]
    payload = expand(payload)
    if keys["target"] == "dkim-message":
        m = payload.replace("\n", "\r\n"); b = m.find("\r\n\r\n")
        body = m[b+4:] if b >= 0 else ""
        # relaxed body hash of the corpus bodies (plain text lines, no trailing whitespace)
        canon = body.rstrip("\r\n") + "\r\n" if body.strip() else ""
        bh = base64.b64encode(hashlib.sha256(canon.encode("latin-1")).digest()).decode()
        payload = m.replace("@BH@", bh)
    data = payload.encode("latin-1")
    name = "hostile-" + os.path.basename(f)[:-4]
    if len(data) > MAX:
        skipped.append(f"{name} ({len(data)} bytes)"); continue
    out = os.path.join(TARGETS[keys["target"]], name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    open(out, "wb").write(data)
print("skipped (over %d bytes, run by the corpus tests only):" % MAX, ", ".join(skipped))
