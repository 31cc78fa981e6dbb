#!/usr/bin/env python3
"""Draws the cold-cache chart (SVG, standard library only) from a ColdCacheBenchmark run.

    python3 benchmarks/coldcache_chart.py benchmarks/target/coldcache.json \
        benchmarks/target/coldcache-latency.csv benchmarks/coldcache.svg

Left panel: evaluations per second against concurrent evaluations (JMH score and its error).
Right panel: p50 (solid) and p99 (dashed) latency per evaluation, log scale.
Concurrency is on a log scale; one line per method (mailwarden vs InetAddress baseline).
"""
import csv
import json
import math
import sys

SERIES = {
    "coldEvaluate_mailwarden": ("mailwarden, DNS cache on", "#1f77b4"),
    "coldEvaluate_bare": ("mailwarden, no DNS cache", "#2ca02c"),
    "halfHitEvaluate_mailwarden": ("cache on, half hits", "#9467bd"),
    "coldEvaluate_inetaddress": ("InetAddress.getByName, thread each", "#d62728"),
}

W, H = 980, 430
PANEL_W, PANEL_H = 380, 280
LEFT_X, RIGHT_X, TOP_Y = 80, 570, 60


def read_throughput(path):
    """{method: {concurrency: (score, error)}} from JMH's JSON result."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for run in json.load(f):
            method = run["benchmark"].rsplit(".", 1)[1]
            c = int(run["params"]["concurrency"])
            m = run["primaryMetric"]
            err = m.get("scoreError")
            err = 0.0 if err is None else float(err)  # JMH writes "NaN" for fewer than 2 iterations
            err = 0.0 if math.isnan(err) else err
            out.setdefault(method, {})[c] = (float(m["score"]), err)
    return out


def read_latency(path):
    """{method: {concurrency: (p50_us, p99_us)}} from the benchmark's CSV (last row wins)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["method"], {})[int(row["concurrency"])] = (
                float(row["p50_us"]), float(row["p99_us"]))
    return out


def nice_max(v):
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * e >= v:
            return m * e
    return 10 * e


def fmt(v):
    if v >= 1_000_000:
        return "%gM" % (v / 1_000_000)
    if v >= 1000:
        return "%gk" % (v / 1000)
    return "%g" % v


def fmt_micros(v):
    for unit, scale in (("s", 1e6), ("ms", 1e3)):
        if v >= scale:
            return "%g %s" % (v / scale, unit)
    return "%g µs" % v


class Panel:
    def __init__(self, x, y, xs, ylo, yhi, ylog, title, ylabel, label=fmt):
        self.x, self.y, self.xs, self.label = x, y, sorted(xs), label
        self.ylo, self.yhi, self.ylog = ylo, yhi, ylog
        self.title, self.ylabel = title, ylabel

    def px(self, c):
        lo, hi = math.log(self.xs[0]), math.log(self.xs[-1])
        t = 0.5 if hi == lo else (math.log(c) - lo) / (hi - lo)
        return self.x + 20 + t * (PANEL_W - 40)

    def py(self, v):
        if self.ylog:
            t = (math.log10(max(v, self.ylo)) - math.log10(self.ylo)) / (math.log10(self.yhi) - math.log10(self.ylo))
        else:
            t = (v - self.ylo) / (self.yhi - self.ylo)
        return self.y + PANEL_H - t * PANEL_H

    def frame(self, out):
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>' % (self.x, self.y, PANEL_W, PANEL_H))
        out.append('<text x="%d" y="%d" font-size="15" font-weight="bold">%s</text>' % (self.x, self.y - 12, self.title))
        out.append('<text transform="translate(%d,%d) rotate(-90)" text-anchor="middle" font-size="12">%s</text>'
                   % (self.x - 58, self.y + PANEL_H / 2, self.ylabel))
        out.append('<text x="%d" y="%d" text-anchor="middle" font-size="12">concurrent evaluations</text>'
                   % (self.x + PANEL_W / 2, self.y + PANEL_H + 36))
        for c in self.xs:
            out.append('<text x="%.1f" y="%d" text-anchor="middle" font-size="11">%d</text>' % (self.px(c), self.y + PANEL_H + 16, c))
        if self.ylog:
            ticks, t = [], 10 ** math.floor(math.log10(self.ylo))
            while t <= self.yhi * 1.0001:
                if t >= self.ylo * 0.9999:
                    ticks.append(t)
                t *= 10
        else:
            ticks = [self.ylo + i * (self.yhi - self.ylo) / 5 for i in range(6)]
        for t in ticks:
            y = self.py(t)
            out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (self.x, self.x + PANEL_W, y, y))
            out.append('<text x="%d" y="%.1f" text-anchor="end" font-size="11">%s</text>' % (self.x - 6, y + 4, self.label(t)))

    def line(self, out, points, color, dashed=False, errors=None):
        pts = " ".join("%.1f,%.1f" % (self.px(c), self.py(v)) for c, v in points)
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>' % (pts, color, dash))
        for i, (c, v) in enumerate(points):
            out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' % (self.px(c), self.py(v), color))
            if errors:
                e = errors[i]
                if e > 0:
                    out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/>'
                               % (self.px(c), self.px(c), self.py(max(self.ylo, v - e)), self.py(v + e), color))


def main(json_path, csv_path, svg_path):
    thr = read_throughput(json_path)
    lat = read_latency(csv_path)
    xs = sorted({c for m in thr.values() for c in m} | {c for m in lat.values() for c in m})
    tmax = nice_max(max(s + e for m in thr.values() for s, e in m.values()))
    lats = [v for m in lat.values() for pair in m.values() for v in pair if v > 0]
    llo = 10 ** math.floor(math.log10(min(lats))) if lats else 1
    lhi = 10 ** math.ceil(math.log10(max(lats))) if lats else 10

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>']
    left = Panel(LEFT_X, TOP_Y, xs, 0, tmax, False, "Throughput, cold cache (3 DNSBLs, rbldnsd)", "evaluations / s")
    right = Panel(RIGHT_X, TOP_Y, xs, llo, lhi, True, "Latency per evaluation (p50 solid, p99 dashed)", "latency (log scale)", fmt_micros)
    left.frame(out)
    right.frame(out)
    for method, (label, color) in SERIES.items():
        if method in thr:
            pts = sorted(thr[method].items())
            left.line(out, [(c, s) for c, (s, e) in pts], color, errors=[e for c, (s, e) in pts])
        if method in lat:
            pts = sorted(lat[method].items())
            right.line(out, [(c, p50) for c, (p50, p99) in pts], color)
            right.line(out, [(c, p99) for c, (p50, p99) in pts], color, dashed=True)
    ly = H - 28
    lx = LEFT_X
    for method, (label, color) in SERIES.items():
        if method not in thr and method not in lat:
            continue
        out.append('<rect x="%d" y="%d" width="14" height="4" fill="%s"/>' % (lx, ly - 4, color))
        out.append('<text x="%d" y="%d" font-size="12">%s</text>' % (lx + 20, ly, label))
        lx += 235
    out.append('<text x="%d" y="%d" font-size="11" fill="#555">Loopback rbldnsd, each evaluation a new client IP (3 A queries); '
               'JMH throughput with error bars; 2 shared vCPUs. See benchmarks/notes/pipeline.md.</text>' % (LEFT_X, H - 4))
    out.append("</svg>")
    with open(svg_path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
