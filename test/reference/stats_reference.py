#!/usr/bin/env python3
"""Reference values for src/core/stats, written to stats.json next to this script.

    python3 test/reference/stats_reference.py   (numpy and scipy; Debian: python3-numpy python3-scipy)

- Student's t quantiles and mean ± t-intervals come from scipy.stats (an independent implementation).
- The paired bootstrap is re-implemented here from its definition (mulberry32 draws, numpy's linear
  percentile); the TypeScript must give the same replicates, so its interval must match to the last bits.
CI does not run this script; it reads the committed stats.json.
"""
import json
import pathlib

import numpy as np
import scipy
import scipy.stats as st

MASK = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & MASK


class Mulberry32:
    """The project's SeededRandom (src/core/data/random.ts), on unsigned 32-bit patterns."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & MASK
        t = self.state
        t = imul(t ^ (t >> 15), t | 1)
        t = t ^ ((t + imul(t ^ (t >> 7), t | 61)) & MASK)
        return ((t ^ (t >> 14)) & MASK) / 4294967296.0

    def below(self, n):
        return int(self.next() * n)


def statistic(d, seed_draw, example_draws):
    total = 0.0
    for t, task in enumerate(d):
        per_seed = 0.0
        for s in seed_draw:
            acc = 0.0
            for e in example_draws[t]:
                acc += task[s][e]
            per_seed += acc / len(example_draws[t])
        total += per_seed / len(seed_draw)
    return total / len(d)


def paired_bootstrap(tasks, replicates, level, seed):
    d = [[[a - b for a, b in zip(ra, rb)] for ra, rb in zip(task["a"], task["b"])] for task in tasks]
    seeds = len(d[0])
    examples = [len(task[0]) for task in d]
    estimate = statistic(d, list(range(seeds)), [list(range(n)) for n in examples])
    rng = Mulberry32(seed)
    stats = []
    for _ in range(replicates):
        seed_draw = [rng.below(seeds) for _ in range(seeds)]
        example_draws = [[rng.below(n) for _ in range(n)] for n in examples]
        stats.append(statistic(d, seed_draw, example_draws))
    low = float(np.percentile(stats, 100 * (1 - level) / 2))
    high = float(np.percentile(stats, 100 * (1 + level) / 2))
    return {"estimate": estimate, "low": low, "high": high, "first": stats[:3]}


def bootstrap_case(rng, seeds, examples, binary, replicates, level, seed, shift):
    tasks = []
    for n in examples:
        if binary:
            a = (rng.random((seeds, n)) < 0.5 + shift).astype(int).tolist()
            b = (rng.random((seeds, n)) < 0.5).astype(int).tolist()
        else:
            a = np.round(rng.normal(1.0 - shift, 0.3, (seeds, n)), 4).tolist()
            b = np.round(rng.normal(1.0, 0.3, (seeds, n)), 4).tolist()
        tasks.append({"a": a, "b": b})
    options = {"replicates": replicates, "level": level, "seed": seed}
    return {"tasks": tasks, "options": options, "expected": paired_bootstrap(tasks, replicates, level, seed)}


def main():
    rng = np.random.default_rng(2026)
    quantiles = [
        {"p": p, "df": df, "expected": float(st.t.ppf(p, df))}
        for p in (0.9, 0.95, 0.975, 0.995, 0.05)
        for df in (1, 2, 3, 4, 5, 7, 10, 20, 30, 100, 1000)
    ]
    cdfs = [{"t": t, "df": df, "expected": float(st.t.cdf(t, df))} for t in (-3.2, -0.4, 0.0, 0.7, 2.1, 12.0) for df in (1, 2.5, 9, 60)]
    intervals = []
    for values in ([0.32, 0.295], [0.32, 0.295, 0.29], [0.61, 0.58, 0.66, 0.6, 0.63], list(np.round(rng.normal(0.4, 0.05, 10), 4))):
        for level in (0.9, 0.95, 0.99):
            arr = np.asarray(values, dtype=float)
            low, high = st.t.interval(level, len(arr) - 1, loc=arr.mean(), scale=st.sem(arr))
            intervals.append({"values": [float(v) for v in values], "level": level, "mean": float(arr.mean()),
                              "sd": float(arr.std(ddof=1)), "low": float(low), "high": float(high)})
    bootstraps = [
        bootstrap_case(rng, 3, [20, 15], True, 500, 0.95, 7, 0.15),
        bootstrap_case(rng, 1, [30], False, 300, 0.95, 123, 0.1),
        bootstrap_case(rng, 5, [10, 12, 8], True, 1000, 0.9, 99, 0.0),
    ]
    out = {"numpy": np.__version__, "scipy": scipy.__version__, "quantiles": quantiles, "cdfs": cdfs,
           "intervals": intervals, "bootstraps": bootstraps}
    path = pathlib.Path(__file__).with_name("stats.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
