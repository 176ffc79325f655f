#!/usr/bin/env python3
"""The per-type vote on the authors' "7b" sensitivity files, in numpy, as the paper describes it: per task and module
type, a module gets a vote when S > np.percentile(S of that type in that task, 100 - p); experts = votes summed over
tasks. Prints what test/unit/algo/conformance.test.ts stores (PER_LAYER, HISTOGRAM and the per-type totals).
Rerun: python3 test/reference/vote_tables.py [../shared/data/reference/lora-smoe-7b-sensitivity] (see README.md)."""
import json
import os
import re
import sys
from collections import Counter, defaultdict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'reference', 'lora-smoe-7b-sensitivity')
NAME = re.compile(r'^model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+_proj)(?:\.weight)?$')
P = 60


def read_task(path):
    values = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                values.update(json.loads(line))
    return values


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    votes = Counter()
    per_type = Counter()
    layers = 0
    for file in sorted(os.listdir(folder)):
        if not file.endswith('.jsonl'):
            continue
        by_type = defaultdict(list)
        for name, s in read_task(os.path.join(folder, file)).items():
            m = NAME.match(name)
            by_type[m.group(2)].append((int(m.group(1)), s))
            layers = max(layers, int(m.group(1)) + 1)
        for module_type, entries in by_type.items():
            theta = np.percentile(np.array([s for _, s in entries], dtype=np.float64), 100 - P)
            for layer, s in entries:
                if s > theta:
                    votes[(layer, module_type)] += 1
                    per_type[module_type] += 1
    per_layer = [sum(n for (layer, _), n in votes.items() if layer == i) for i in range(layers)]
    histogram = dict(sorted(Counter(votes.values()).items()))
    print(f'numpy {np.__version__}, p = {P}, per-type thresholds')
    print('PER_LAYER =', per_layer)
    print('HISTOGRAM =', histogram)
    print('per type =', dict(sorted(per_type.items())), 'total =', sum(per_type.values()), 'on', len(votes), 'modules')


if __name__ == '__main__':
    main()
