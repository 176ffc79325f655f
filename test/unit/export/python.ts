// A python3 that can import torch, for the tests that run the exported job (CI installs Debian's python3-torch).
import { spawnSync } from 'node:child_process';

let cached: { python: string } | { skip: string } | undefined;

/** $SMOE_PYTHON, python3 on PATH or /usr/bin/python3 — the first with torch — or the reason to skip. */
export function pythonWithTorch(): { python: string } | { skip: string } {
  if (cached) return cached;
  const candidates = [process.env.SMOE_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return (cached = { python });
  }
  return (cached = { skip: `no python3 with torch (tried ${candidates.join(', ')}; apt-get install python3-torch libopenblas0-pthread): skipped` });
}
