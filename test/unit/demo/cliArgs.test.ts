import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDemoArgs } from '../../../src/cli/commands/demo';
import { UsageError } from '../../../src/cli/terminal';

describe('smoe demo arguments', () => {
  it('defaults to ./smoe-demo, the full run and the engine defaults', () => {
    assert.deepEqual(parseDemoArgs([]), { outDir: 'smoe-demo', quick: false, verbose: false, help: false });
  });

  it('reads --out, --quick, --device and --threads', () => {
    assert.deepEqual(parseDemoArgs(['--out', 'x', '--quick', '--device', 'cpu', '--threads', '2']), { outDir: 'x', quick: true, verbose: false, device: 'cpu', threads: 2, help: false });
    assert.deepEqual(parseDemoArgs(['--device', 'webgpu', '--verbose']), { outDir: 'smoe-demo', quick: false, verbose: true, device: 'webgpu', help: false });
  });

  it('rejects unknown options and bad values with a usage error', () => {
    assert.throws(() => parseDemoArgs(['--fast']), UsageError);
    assert.throws(() => parseDemoArgs(['--device', 'tpu']), UsageError);
    assert.throws(() => parseDemoArgs(['--threads', '-1']), UsageError);
    assert.throws(() => parseDemoArgs(['--out']), UsageError);
  });
});
