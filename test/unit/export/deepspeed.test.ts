// The exported job's DeepSpeed path (`export-job --deepspeed zero2|zero3`). DeepSpeed itself is not in this
// project's package sources, so train.py runs against a stand-in that follows DeepSpeed's documented training
// contract (test/unit/export/fake_deepspeed): the loop, smoe's AdamW as a torch optimizer, the schedule, clipping,
// accumulation and checkpoints must reproduce `smoe train` to 1e-4 through that contract.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { silentReporter } from '../../../src/core/runFolder/context';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { readRunEvents } from '../../../src/core/runFolder/runFolder';
import { projectRoot, tempDir } from '../probe/helpers';
import { pythonWithTorch } from './python';
import { tinyHfWorkspace } from './workspaces';
import { compareAdapters, exportAndCompile, onlyRun, python, stepLosses } from './agreement';

process.env.HOME = tempDir('smoe-deepspeed-home-');
const PYTHON = pythonWithTorch();
const SKIP = 'skip' in PYTHON ? PYTHON.skip : false;
const STAND_IN = path.join(projectRoot(), 'test', 'unit', 'export', 'fake_deepspeed');
const TOLERANCE = 1e-4;

interface LogEntry { event: string; stage?: number; bf16?: boolean; clip?: number; lr?: number; shape?: number[]; dir?: string }

function trainWithDeepspeed(jobDir: string, args: string[], log: string): string {
  const runs = path.join(jobDir, 'runs');
  python([path.join(jobDir, 'train.py'), '--device', 'cpu', '--runs', runs, ...args], jobDir, { PYTHONPATH: STAND_IN, FAKE_DEEPSPEED_LOG: log });
  return runs;
}

const entries = (log: string): LogEntry[] => fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry);

describe('smoe export-job --deepspeed (train.py through DeepSpeed\'s training contract)', () => {
  it('ZeRO-2 reproduces smoe train, saves DeepSpeed checkpoints and resumes from them', { skip: SKIP, timeout: 300_000 }, async (t) => {
    const experimentFile = tinyHfWorkspace();
    const jobDir = exportAndCompile(experimentFile, ['--deepspeed', 'zero2']);
    assert.match(fs.readFileSync(path.join(jobDir, 'accelerate_config.yaml'), 'utf8'), /distributed_type: DEEPSPEED\n[\s\S]*deepspeed_config_file: ds_zero2\.json/);
    assert.match(fs.readFileSync(path.join(jobDir, 'launch.sh'), 'utf8'), /python3 train\.py --deepspeed ds_zero2\.json/);
    assert.match(fs.readFileSync(path.join(jobDir, 'requirements.txt'), 'utf8'), /^deepspeed>=/m);
    const smoe = await runJobRequest({ kind: 'train', experimentFile }, { ...silentReporter, signal: new AbortController().signal });
    const log = path.join(tempDir('smoe-deepspeed-log-'), 'log.jsonl');
    const jobRun = onlyRun(trainWithDeepspeed(jobDir, ['--deepspeed', 'ds_zero2.json'], log));
    const expected = stepLosses(smoe.runDir as string);
    const actual = stepLosses(jobRun);
    assert.equal(actual.length, expected.length);
    const relative = Math.max(...expected.map((loss, i) => Math.abs(actual[i] - loss) / loss));
    const adapter = compareAdapters(smoe.runDir as string, jobRun);
    const seen = entries(log);
    t.diagnostic(`ZeRO-2 stand-in: max relative loss diff ${relative.toExponential(2)}, adapter max abs diff ${adapter.toExponential(2)}, ${seen.filter((e) => e.event === 'step').length} optimizer steps`);
    assert.ok(relative <= TOLERANCE && adapter <= TOLERANCE, `losses ${relative}, adapter ${adapter}`);
    const logged = readRunEvents(jobRun).flatMap((e) => (e.event === 'log' ? [String(e.message)] : [])).join('\n');
    assert.match(logged, /engine builtin \+ DeepSpeed ZeRO-2/, 'the run log names the engine');
    assert.deepEqual(seen[0], { event: 'initialize', stage: 2, bf16: false, clip: 0.5 }, 'auto values filled from the experiment; DeepSpeed bf16 off');
    assert.equal(seen.filter((e) => e.event === 'step').length, expected.length, 'one optimizer step per training step (the accumulation boundary)');
    assert.ok(fs.existsSync(path.join(jobRun, 'checkpoints', 'step-3', 'deepspeed', 'state.pt')), 'DeepSpeed checkpoint inside smoe\'s step folder');
    assert.ok(!fs.existsSync(path.join(jobRun, 'checkpoints', 'step-3', 'optimizer.safetensors')), 'no smoe optimizer file: DeepSpeed owns that state');

    const copy = path.join(tempDir('smoe-deepspeed-resume-'), path.basename(jobRun));
    fs.cpSync(jobRun, copy, { recursive: true });
    for (const name of fs.readdirSync(path.join(copy, 'checkpoints'))) if (name !== 'step-3') fs.rmSync(path.join(copy, 'checkpoints', name), { recursive: true });
    python([path.join(jobDir, 'train.py'), '--device', 'cpu', '--deepspeed', 'ds_zero2.json', '--resume', copy], jobDir, { PYTHONPATH: STAND_IN, FAKE_DEEPSPEED_LOG: log });
    const resumed = compareAdapters(jobRun, copy);
    t.diagnostic(`resume from the step-3 DeepSpeed checkpoint: adapter max abs diff ${resumed.toExponential(2)}`);
    assert.ok(resumed <= TOLERANCE, `resumed run ends ${resumed} away`);
    const refused = spawnPython([path.join(jobDir, 'train.py'), '--device', 'cpu', '--resume', copy], jobDir);
    assert.match(refused, /written under DeepSpeed .*resume it with the same --deepspeed config/);
  });

  it('ZeRO-3 registers every adapter weight with the layer that reads it', { skip: SKIP, timeout: 300_000 }, async () => {
    const jobDir = exportAndCompile(tinyHfWorkspace(), ['--deepspeed', 'zero3']);
    const log = path.join(tempDir('smoe-deepspeed-log-'), 'log.jsonl');
    const jobRun = onlyRun(trainWithDeepspeed(jobDir, ['--deepspeed', 'ds_zero3.json', '--max-steps', '2'], log));
    const adapter = JSON.parse(fs.readFileSync(path.join(jobDir, 'job.json'), 'utf8')) as { modules: { experts: number }[]; adapter: { style: string } };
    const tensors = adapter.modules.reduce((n, m) => n + (adapter.adapter.style === 'shared-a' ? 1 : m.experts) + m.experts + (m.experts > 1 ? 1 : 0), 0);
    const seen = entries(log);
    assert.equal(seen[0].stage, 3);
    assert.equal(seen.filter((e) => e.event === 'external').length, tensors, 'one registration per adapter tensor');
    assert.equal(stepLosses(jobRun).length, 2);
  });
});

function spawnPython(args: string[], cwd: string): string {
  try {
    python(args, cwd, { PYTHONPATH: STAND_IN });
  } catch (error) {
    return String(error);
  }
  throw new Error(`${args.join(' ')} succeeded; it should have been refused`);
}
