// The exported job through transformers + PEFT + accelerate (the path a cluster user takes), on the CPU: the
// LoRA-MoE layer registered as a PEFT custom module must reproduce `smoe train` (float32, 1e-4), `accelerate launch`
// must run it, and load_smoe_peft must load the adapter back (the smoe-named files and PEFT's own save_pretrained
// output) with the same logits as the plain-PyTorch loader. It needs a python3 with torch >= 2, transformers, peft
// and accelerate ($SMOE_PEFT_PYTHON; CI has only Debian's torch, so there it skips with the reason).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../probe/helpers';
import { writeTinyJobs } from '../../gpucheck/exportJob/tinyJobs';

process.env.HOME = tempDir('smoe-peft-home-');

function peftPython(): { python: string } | { skip: string } {
  const candidates = [process.env.SMOE_PEFT_PYTHON, 'python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch, transformers, peft, accelerate'], { encoding: 'utf8' });
    if (probe.status === 0) return { python };
  }
  return { skip: `no python3 with torch, transformers, peft and accelerate (tried ${candidates.join(', ')}; set SMOE_PEFT_PYTHON): skipped` };
}

const PYTHON = peftPython();

interface JobSummary { fp32MaxRelLossDiff: number; fp32AdapterMaxAbsDiff: number; bf16Status: string; peftLogitsDiff: number; peftSaveRoundTrip: number; engineLog: string[]; error?: string }

describe('the exported job through transformers + PEFT + accelerate', () => {
  it('reproduces smoe train and loads back through PEFT (both LoRA-MoE styles)', { skip: 'skip' in PYTHON ? PYTHON.skip : false, timeout: 600_000 }, async (t) => {
    const pack = tempDir('smoe-peft-pack-');
    await writeTinyJobs(pack);
    const out = tempDir('smoe-peft-out-');
    const result = spawnSync((PYTHON as { python: string }).python, [path.join(pack, 'check.py'), '--pack', pack, '--work', tempDir('smoe-peft-work-'), '--out', out, '--device', 'cpu'],
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' } });
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as Record<string, JobSummary> & { versions: Record<string, string> };
    t.diagnostic(`versions ${JSON.stringify(summary.versions)}`);
    for (const name of ['tiny-independent', 'tiny-shared']) {
      const job = summary[name];
      assert.ok(!job.error, `${name}: ${job.error}\n${result.stdout.slice(-3000)}`);
      t.diagnostic(`${name}: losses max rel diff ${job.fp32MaxRelLossDiff.toExponential(2)}, adapter ${job.fp32AdapterMaxAbsDiff.toExponential(2)}, PEFT vs plain logits ${job.peftLogitsDiff.toExponential(2)}, save_pretrained round trip ${job.peftSaveRoundTrip.toExponential(2)}`);
      assert.match(job.engineLog.join(' '), /engine transformers \+ PEFT/, 'the adapters were built by PEFT');
      assert.ok(job.fp32MaxRelLossDiff <= 1e-4 && job.fp32AdapterMaxAbsDiff <= 1e-4, `${name}: against smoe train`);
      assert.equal(job.bf16Status, 'succeeded', `${name}: accelerate launch`);
      assert.ok(job.peftLogitsDiff <= 1e-4 && job.peftSaveRoundTrip <= 1e-6, `${name}: loaded back through PEFT`);
    }
    assert.equal(result.status, 0, result.stdout.slice(-2000));
  });
});
