#!/usr/bin/env python3
"""Median of the per-fork scores of each benchmark in a JMH JSON result file (-rf json).

JMH's own score averages every iteration of every fork; a fork that ran while the machine was
busy pulls that average. The median of the forks' means is what benchmarks/README.md quotes.

usage: benchmarks/medians.py result.json [more.json ...]
"""
import json
import statistics
import sys


def main(paths):
    for path in paths:
        with open(path) as f:
            results = json.load(f)
        for r in results:
            name = r["benchmark"].rsplit(".", 1)[-1]
            params = ",".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
            forks = [statistics.mean(fork) for fork in r["primaryMetric"]["rawData"]]
            unit = r["primaryMetric"]["scoreUnit"]
            line = f"{name}[{params}]: median {statistics.median(forks):,.1f} {unit} over {len(forks)} forks"
            line += " (" + ", ".join(f"{x:,.1f}" for x in forks) + ")"
            alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
            if alloc:
                line += f"; {alloc['score']:,.0f} B/op"
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
