#!/usr/bin/env bash
# Messages/s through one Postfix with no milter, with OpenDKIM + OpenDMARC (the peers, Debian
# packages opendkim and opendmarc) and with the mailwarden milter (DKIM verify + SPF + DMARC + one
# Authentication-Results), fed the same DKIM-signed message by Postfix's smtp-source, in one run;
# then the Authentication-Results both sides write for four DKIM/DMARC test messages, side by side.
#
# Everything runs in a private network + mount namespace (root, unshare): loopback only, NSD on
# 127.0.0.1:53 serves the test zone, /etc/resolv.conf (bind-mounted, this namespace only) names it,
# so opendmarc's resolver library, opendkim (Nameservers) and mailwarden (dns-server) all ask it.
#
#   mvn -B -q -pl examples -am package -DskipTests
#   benchmarks/milter-bench.sh                     # 2000 messages x 8 sessions, 3 rounds
#   MILTER_BENCH_MESSAGES=500 MILTER_BENCH_ROUNDS=1 benchmarks/milter-bench.sh   # quick
#
# Needs: postfix, opendkim, opendkim-tools, opendmarc, nsd (Debian), a JDK 17+. Output: a markdown
# table on stdout and in benchmarks/target/milter-bench.md. The work directory is kept when
# MILTER_BENCH_KEEP=1 (logs, configs, delivered messages).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$root/examples/target/mailwarden.jar"
messages="${MILTER_BENCH_MESSAGES:-2000}"
sessions="${MILTER_BENCH_SESSIONS:-8}"
rounds="${MILTER_BENCH_ROUNDS:-3}"
out="$here/target/milter-bench.md"

if [ "${MILTER_BENCH_INSIDE:-}" != 1 ]; then
  [ -f "$jar" ] || { echo "build first: mvn -B -q -pl examples -am package -DskipTests" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "milter-bench.sh needs root (unshare --mount --net, postfix)" >&2; exit 1; }
  for b in postfix smtp-source opendkim opendkim-genkey opendmarc nsd postcat; do
    command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "missing $b (apt-get install postfix opendkim opendkim-tools opendmarc nsd)" >&2; exit 1; }
  done
  mkdir -p "$here/target"
  MILTER_BENCH_INSIDE=1 exec unshare --mount --net --propagation private "$0" "$@"
fi

export PATH="/usr/sbin:$PATH"
ip link set lo up
w="$(mktemp -d /tmp/milter-bench.XXXXXX)"
chmod 755 "$w"
pids=()
cleanup() {
  postfix -c "$w/pf" stop >/dev/null 2>&1 || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${MILTER_BENCH_KEEP:-}" = 1 ] && echo "work directory kept: $w" >&2 || rm -rf "$w"
}
trap cleanup EXIT

printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' > "$w/resolv.conf"
chmod 644 "$w/resolv.conf"
mount --bind "$w/resolv.conf" /etc/resolv.conf

# --- DNS: the signing key, SPF and DMARC records of the test domains ---
opendkim-genkey -D "$w" -d bench.example -s s2026 -b 2048
cat > "$w/bench.example.zone" <<EOF
\$ORIGIN bench.example.
\$TTL 3600
@        IN SOA ns hostmaster 1 3600 600 86400 300
@        IN NS  ns
ns       IN A   127.0.0.1
@        IN TXT "v=spf1 ip4:127.0.0.1 -all"
_dmarc   IN TXT "v=DMARC1; p=reject"
mailer   IN TXT "v=spf1 -all"
q        IN A   127.0.0.1
_dmarc.q IN TXT "v=DMARC1; p=quarantine"
$(cat "$w/s2026.txt")
EOF
cat > "$w/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1@53
  username: ""
  chroot: ""
  zonesdir: "$w"
  pidfile: "$w/nsd.pid"
  database: ""
  xfrdfile: "$w/xfrd.state"
  zonelistfile: "$w/zone.list"
  xfrdir: "$w"
  server-count: 1
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: bench.example
  zonefile: bench.example.zone
EOF
nsd -d -c "$w/nsd.conf" > "$w/nsd.log" 2>&1 &
pids+=($!)

# --- the messages (LF line ends: smtp-source sends each line with CRLF) ---
msg() { # from subject
  printf 'From: Sender <%s>\nTo: someone@files.example\nSubject: %s\nDate: Sat, 5 Dec 2026 08:00:00 +0000\nMessage-ID: <%s@bench.example>\nMIME-Version: 1.0\nContent-Type: text/plain\n\n' "$1" "$2" "$2"
  for i in $(seq 1 40); do echo "Line $i of a message of about four kilobytes, signed by bench.example, for the milter benchmark."; done
}
sign() { # file -> signed file (CRLF for signing, LF again for smtp-source)
  sed 's/$/\r/' "$1" > "$1.crlf"
  java -jar "$jar" dkim sign --domain bench.example --selector s2026 --key "$w/s2026.private" "$1.crlf" | tr -d '\r' > "$2"
}
msg a@bench.example bench > "$w/bench.raw";            sign "$w/bench.raw" "$w/bench.eml"
msg a@bench.example pass > "$w/pass.raw";              sign "$w/pass.raw" "$w/pass.eml"
msg a@bench.example tampered > "$w/tampered.raw";      sign "$w/tampered.raw" "$w/tampered.signed"
sed 's/Line 7 of/Line 7 (changed) of/' "$w/tampered.signed" > "$w/tampered.eml"
msg a@bench.example unsigned > "$w/unsigned.eml"
msg a@q.bench.example quarantine > "$w/quarantine.eml"

# --- the milters ---
# both peers skip mail from 127.0.0.1 by default (InternalHosts, IgnoreHosts): empty lists here,
# since smtp-source connects from loopback
: > "$w/empty-hosts"
cat > "$w/opendkim.conf" <<EOF
Mode v
InternalHosts $w/empty-hosts
Socket inet:8891@127.0.0.1
AuthservID mx.bench.example
Nameservers 127.0.0.1
Syslog no
PidFile $w/opendkim.pid
EOF
cat > "$w/opendmarc.conf" <<EOF
Socket inet:8893@127.0.0.1
AuthservID mx.bench.example
TrustedAuthservIDs mx.bench.example
IgnoreHosts $w/empty-hosts
SPFSelfValidate true
RejectFailures false
Syslog false
PidFile $w/opendmarc.pid
EOF
cat > "$w/mailwarden.conf" <<EOF
authserv-id = mx.bench.example
dns-server = 127.0.0.1
helo = off
spf = on
reject-dmarc = off
EOF
opendkim -f -x "$w/opendkim.conf" > "$w/opendkim.log" 2>&1 &
pids+=($!); dkim_pid=$!
opendmarc -f -c "$w/opendmarc.conf" > "$w/opendmarc.log" 2>&1 &
pids+=($!); dmarc_pid=$!
java ${MILTER_BENCH_JAVA_OPTS:-} -jar "$jar" milter --listen 127.0.0.1:8895 --config "$w/mailwarden.conf" > "$w/mailwarden.log" 2>&1 &
pids+=($!); mw_pid=$!

# --- Postfix: one smtpd per configuration; bench mail discarded, comparison mail to files ---
mkdir -p "$w/pf" "$w/queue" "$w/data" "$w/mail"
chown postfix "$w/data" "$w/mail"
cat > "$w/pf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $w/queue
data_directory = $w/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.bench.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = /dev/stdout
smtpd_relay_restrictions =
smtpd_recipient_restrictions = permit_mynetworks, reject
milter_default_action = tempfail
default_transport = discard
virtual_mailbox_domains = files.example
virtual_mailbox_base = $w/mail
virtual_mailbox_maps = inline:{ peers@files.example=peers, mailwarden@files.example=mailwarden }
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_minimum_uid = 1
alias_maps =
alias_database =
EOF
cat > "$w/pf/master.cf" <<EOF
127.0.0.1:2525 inet n - n - - smtpd -o smtpd_milters=
127.0.0.1:2526 inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:8891,inet:127.0.0.1:8893
127.0.0.1:2527 inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:8895
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
proxymap unix - - n - - proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
EOF
postfix -c "$w/pf" set-permissions >/dev/null 2>&1 || true
postfix -c "$w/pf" start-fg > "$w/maillog" 2>&1 &
pids+=($!)

wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not open" >&2; exit 1; }
for p in 53 8891 8893 8895 2525 2526 2527; do wait_port "$p"; done

cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
queue_empty() { for _ in $(seq 1 600); do [ -z "$(find "$w/queue/active" "$w/queue/incoming" "$w/queue/deferred" -type f 2>/dev/null | head -1)" ] && return; sleep 0.1; done; }
hz=$(getconf CLK_TCK)

# one run: port, milter pids -> "messages/s cpu-ms-per-message"
run() {
  local port=$1; shift
  queue_empty
  local c0; c0=$(cpu_ticks "$@" 2>/dev/null || echo 0)
  local t0; t0=$(date +%s.%N)
  smtp-source -s "$sessions" -m "$messages" -F "$w/bench.eml" -f bounce@mailer.bench.example -t bench@discard.example "127.0.0.1:$port" \
    > "$w/smtp-source.$port.log" 2>&1 || { echo "smtp-source failed on $port:"; cat "$w/smtp-source.$port.log"; exit 1; } >&2
  local t1; t1=$(date +%s.%N)
  local c1; c1=$(cpu_ticks "$@" 2>/dev/null || echo 0)
  awk -v n="$messages" -v t0="$t0" -v t1="$t1" -v c="$((c1 - c0))" -v hz="$hz" 'BEGIN { printf "%.0f %.3f\n", n / (t1 - t0), (c * 1000 / hz) / n }'
}

declare -A rate cpu
names=(postfix peers mailwarden)
ports=(2525 2526 2527)
echo "warm-up ($messages messages each)..." >&2
run 2525 > /dev/null; run 2526 "$dkim_pid" "$dmarc_pid" > /dev/null; run 2527 "$mw_pid" > /dev/null
for r in $(seq 1 "$rounds"); do
  for i in 0 1 2; do
    case $i in 0) res=$(run 2525) ;; 1) res=$(run 2526 "$dkim_pid" "$dmarc_pid") ;; 2) res=$(run 2527 "$mw_pid") ;; esac
    rate[${names[$i]}]+="${res%% *} "; cpu[${names[$i]}]+="${res##* } "
    echo "round $r ${names[$i]}: $res (msg/s, milter CPU ms/msg)" >&2
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

# --- the comparison: the same four messages through each milter setup, A-R read back ---
for m in pass tampered unsigned quarantine; do
  smtp-source -m 1 -F "$w/$m.eml" -f bounce@mailer.bench.example -t peers@files.example 127.0.0.1:2526 >/dev/null 2>&1 || true
  smtp-source -m 1 -F "$w/$m.eml" -f bounce@mailer.bench.example -t mailwarden@files.example 127.0.0.1:2527 >/dev/null 2>&1 || true
done
queue_empty
sleep 1
# results of one message for one side: "spf=.. dkim=.. dmarc=.." from its A-R fields (delivered or held)
results() { # mailbox subject
  local text=""
  if [ -f "$w/mail/$1" ]; then
    text=$(awk -v s="Subject: $2" 'BEGIN{RS="\nFrom "} index($0, s) {print}' "$w/mail/$1")
  fi
  if [ -z "$text" ]; then # quarantined: held in Postfix's hold queue
    for f in $(find "$w/queue/hold" -type f 2>/dev/null); do
      local h; h=$(postcat -c "$w/pf" -h "$f" 2>/dev/null || true)
      if echo "$h" | grep -q "Subject: $2" && echo "$h" | grep -q "$1@files.example"; then text="$h (held: quarantined)"; fi
    done
  fi
  local ar; ar=$(echo "$text" | awk '/^Authentication-Results: mx.bench.example/{p=1; printf "%s ", $0; next} p && /^[ \t]/{printf "%s ", $0; next} {p=0}')
  local r=""
  for k in spf dkim dmarc; do r+="$k=$(echo "$ar" | grep -o "$k=[a-z]*" | head -1 | cut -d= -f2) "; done
  case "$text" in *"(held: quarantined)"*) r+="(held)";; esac
  echo "$r"
}

{
  echo "Machine: $(nproc) vCPUs, shared with other jobs (noisy: compare within one run, not across runs)."
  echo "Command: \`benchmarks/milter-bench.sh\` (messages=$messages, sessions=$sessions, rounds=$rounds; one warm-up run each);"
  echo "message: 4 KB, DKIM-signed rsa-sha256 2048-bit, SPF pass, DMARC pass; Postfix $(postconf -d -h mail_version), $(opendkim -V 2>&1 | head -1 | sed 's/opendkim: //'), $(opendmarc -V 2>&1 | head -1 | sed 's/opendmarc: //'), $(java -version 2>&1 | head -1)."
  echo
  echo "| Postfix with | messages/s (median) | runs | milter CPU ms/message (median) |"
  echo "|---|---:|---|---:|"
  echo "| no milter | $(echo "${rate[postfix]}" | median) | ${rate[postfix]}| - |"
  echo "| OpenDKIM + OpenDMARC | $(echo "${rate[peers]}" | median) | ${rate[peers]}| $(echo "${cpu[peers]}" | median) |"
  echo "| mailwarden milter | $(echo "${rate[mailwarden]}" | median) | ${rate[mailwarden]}| $(echo "${cpu[mailwarden]}" | median) |"
  echo
  echo "| test message | OpenDKIM + OpenDMARC | mailwarden |"
  echo "|---|---|---|"
  for m in pass tampered unsigned quarantine; do
    echo "| $m | $(results peers "$m") | $(results mailwarden "$m") |"
  done
} | tee "$out"
