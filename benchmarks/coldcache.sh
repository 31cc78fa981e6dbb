#!/usr/bin/env bash
# Runs ColdCacheBenchmark in a private network + mount namespace, where 127.0.0.1:53 is free for
# rbldnsd and /etc/resolv.conf (bind-mounted over it, in this namespace only) names 127.0.0.1, so
# that the InetAddress baseline asks the same server as the library. Needs iproute2 and the Debian
# package rbldnsd, and either root (unshare --mount --net) or, without root, a kernel that lets
# unprivileged users create user namespaces (unshare --user --map-root-user --mount --net: Debian
# 11+ and most distributions by default; not where kernel.unprivileged_userns_clone=0,
# user.max_user_namespaces=0, or Ubuntu 24.04's kernel.apparmor_restrict_unprivileged_userns=1
# forbid it: the script then says so and stops). Then draws the chart with coldcache_chart.py.
#
#   mvn -q -pl benchmarks -am package -DskipTests
#   benchmarks/coldcache.sh                       # JMH defaults of the class: -f 1 -wi 3 -i 5 -w 1s -r 1s
#   benchmarks/coldcache.sh -p concurrency=64     # extra JMH options are passed on
#   COLDCACHE_BENCH=ColdCacheBenchmark.coldEvaluate_mailwarden benchmarks/coldcache.sh ...  # one method
#   COLDCACHE_DELAY_MS=20 benchmarks/coldcache.sh # every query held 20 ms by a proxy (both sides)
#
# Output: benchmarks/target/coldcache.json (JMH), benchmarks/target/coldcache-latency.csv (p50/p99
# per method and concurrency), benchmarks/coldcache.svg. Environment: COLDCACHE_BENCH (JMH
# include pattern), COLDCACHE_OUT (prefix of the result files), COLDCACHE_SVG (chart path),
# COLDCACHE_DELAY_MS (the test-jar's FaultyDnsProxy on port 53 in front of rbldnsd, holding each
# query that long), COLDCACHE_JVM_ARGS (extra -D for the fork, e.g. -Dcoldcache.timeoutMillis=200),
# JMH_IGNORE_LOCK=true (run even if another JMH holds /tmp/jmh.lock).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
out="${COLDCACHE_OUT:-$here/target/coldcache}"   # prefix of the result files
json="$out.json"
csv="$out-latency.csv"
svg="${COLDCACHE_SVG:-$here/coldcache.svg}"

if [ "${COLDCACHE_INSIDE:-}" != 1 ]; then
  [ -f "$jar" ] || { echo "build first: mvn -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
  rm -f "$json" "$csv"
  if [ "$(id -u)" = 0 ]; then
    COLDCACHE_INSIDE=1 unshare --mount --net --propagation private "$0" "$@"
  elif unshare --user --map-root-user --mount --net true 2>/dev/null; then
    COLDCACHE_INSIDE=1 COLDCACHE_USERNS=1 \
      unshare --user --map-root-user --mount --net --propagation private "$0" "$@"
  else
    echo "coldcache.sh: not root, and this kernel does not let unprivileged users create user" \
      "namespaces (unshare --user --map-root-user fails: see kernel.unprivileged_userns_clone," \
      "user.max_user_namespaces, kernel.apparmor_restrict_unprivileged_userns); run it with sudo" >&2
    exit 1
  fi
  python3 "$here/coldcache_chart.py" "$json" "$csv" "$svg"
  exit 0
fi

# inside the namespaces: loopback up, a resolv.conf naming 127.0.0.1 (1 s timeout, 2 tries: the
# same as the library's NetworkResolver in the benchmark)
ip link set lo up
jvm_args=""
if [ "${COLDCACHE_USERNS:-}" = 1 ]; then
  # In a user namespace only our own uid is mapped (as root), and rbldnsd refuses to run as root
  # and cannot switch to its own user here. So it runs as an ordinary uid of a nested user
  # namespace, and ports below 1024 are opened to every uid of this network namespace (ours only).
  sysctl -qw net.ipv4.ip_unprivileged_port_start=0
  wrapper_dir="$(mktemp -d)"
  printf '#!/bin/sh\nexec unshare --map-user=1000 --map-group=1000 /usr/sbin/rbldnsd "$@"\n' \
    > "$wrapper_dir/rbldnsd"
  chmod 755 "$wrapper_dir" "$wrapper_dir/rbldnsd"
  jvm_args="-Drbldnsd=$wrapper_dir/rbldnsd"
fi
if [ -n "${COLDCACHE_DELAY_MS:-}" ]; then
  jvm_args="$jvm_args -Dcoldcache.delayMillis=$COLDCACHE_DELAY_MS"
fi
conf="$(mktemp)"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' > "$conf"
chmod 644 "$conf"
mount --bind "$conf" /etc/resolv.conf

# preferIPv4Stack: getaddrinfo asks A only, so both sides send three queries per evaluation.
# The JVM address cache keeps its defaults: every query name is distinct, so it never answers.
java -Djmh.ignoreLock="${JMH_IGNORE_LOCK:-false}" -jar "$jar" "${COLDCACHE_BENCH:-ColdCacheBenchmark}" \
  -jvmArgsAppend "-Djava.net.preferIPv4Stack=true -Dcoldcache.port=53 -Dcoldcache.latencies=$csv $jvm_args ${COLDCACHE_JVM_ARGS:-}" \
  -rf json -rff "$json" "$@"
# UDP counters of this namespace (RcvbufErrors = datagrams dropped because a receive buffer was full)
echo "UDP counters in the benchmark namespace:"; grep '^Udp:' /proc/net/snmp
