#!/usr/bin/env bash
# Runs ColdCacheBenchmark in a private network + mount namespace, where 127.0.0.1:53 is free for
# rbldnsd and /etc/resolv.conf (bind-mounted over it, in this namespace only) names 127.0.0.1, so
# that the InetAddress baseline asks the same server as the library. Needs root (unshare -mn),
# iproute2 and the Debian package rbldnsd. Then draws the chart with coldcache_chart.py.
#
#   mvn -q -pl benchmarks -am package -DskipTests
#   benchmarks/coldcache.sh                       # JMH defaults of the class: -f 1 -wi 3 -i 5 -w 1s -r 1s
#   benchmarks/coldcache.sh -p concurrency=64     # extra JMH options are passed on
#   COLDCACHE_BENCH=ColdCacheBenchmark.coldEvaluate_mailwarden benchmarks/coldcache.sh ...  # one method
#
# Output: benchmarks/target/coldcache.json (JMH), benchmarks/target/coldcache-latency.csv (p50/p99
# per method and concurrency), benchmarks/coldcache.svg. Environment: COLDCACHE_BENCH (JMH
# include pattern), COLDCACHE_OUT (prefix of the result files), COLDCACHE_SVG (chart path),
# COLDCACHE_JVM_ARGS (extra -D for the fork, e.g. -Dcoldcache.timeoutMillis=200),
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
  [ "$(id -u)" = 0 ] || { echo "coldcache.sh needs root for unshare --mount --net" >&2; exit 1; }
  rm -f "$json" "$csv"
  COLDCACHE_INSIDE=1 unshare --mount --net --propagation private "$0" "$@"
  python3 "$here/coldcache_chart.py" "$json" "$csv" "$svg"
  exit 0
fi

# inside the namespaces: loopback up, a resolv.conf naming 127.0.0.1 (1 s timeout, 2 tries: the
# same as the library's NetworkResolver in the benchmark)
ip link set lo up
conf="$(mktemp)"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' > "$conf"
chmod 644 "$conf"
mount --bind "$conf" /etc/resolv.conf

# preferIPv4Stack: getaddrinfo asks A only, so both sides send three queries per evaluation.
# The JVM address cache keeps its defaults: every query name is distinct, so it never answers.
java -Djmh.ignoreLock="${JMH_IGNORE_LOCK:-false}" -jar "$jar" "${COLDCACHE_BENCH:-ColdCacheBenchmark}" \
  -jvmArgsAppend "-Djava.net.preferIPv4Stack=true -Dcoldcache.port=53 -Dcoldcache.latencies=$csv ${COLDCACHE_JVM_ARGS:-}" \
  -rf json -rff "$json" "$@"
# UDP counters of this namespace (RcvbufErrors = datagrams dropped because a receive buffer was full)
echo "UDP counters in the benchmark namespace:"; grep '^Udp:' /proc/net/snmp
