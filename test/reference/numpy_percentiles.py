#!/usr/bin/env python3
"""Writes test/unit/algo/numpyPercentiles.ts: numpy's np.percentile (default linear method) of each input list in
percentile_inputs.json at each q of QS. Rerun: python3 test/reference/numpy_percentiles.py (see README.md)."""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'unit', 'algo', 'numpyPercentiles.ts')
QS = [0, 10, 25, 33.3, 40, 50, 60, 66.6, 75, 90, 99.9, 100]


def ts_list(values):
    return '[' + ', '.join(repr(float(v)) for v in values) + ']'


def main():
    with open(os.path.join(HERE, 'percentile_inputs.json')) as f:
        inputs = json.load(f)
    lines = [
        "// Generated with numpy (python3 -c 'import numpy'); floats printed with repr, so they parse to the same doubles.",
        '// Regenerate: python3 test/reference/numpy_percentiles.py (inputs: test/reference/percentile_inputs.json).',
        'export const QS = [' + ', '.join(repr(q) for q in QS) + '];',
        '',
        f'/** numpy {np.__version__} np.percentile(values, q) for each q of QS (default linear method). */',
        'export const NUMPY_PERCENTILES: { values: number[]; expected: number[] }[] = [',
    ]
    for values in inputs:
        expected = [np.percentile(np.array(values, dtype=np.float64), q) for q in QS]
        lines += ['  {', f'    values: {ts_list(values)},', f'    expected: {ts_list(expected)},', '  },']
    lines.append('];')
    with open(OUT, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
