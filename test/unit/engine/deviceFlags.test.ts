// The CLI's --device and --verbose flags: webgpu accepted next to auto/cpu/cuda, the usage error lists all four.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { deviceFlag, deviceValue, parseFlags } from '../../../src/cli/commands/engineArgs';
import { UsageError } from '../../../src/cli/terminal';

test('--device takes auto, cpu, cuda or webgpu; anything else is a usage error naming all four', () => {
  for (const d of ['auto', 'cpu', 'cuda', 'webgpu']) assert.equal(deviceValue(d), d);
  assert.throws(() => deviceValue('gpu'), (e: unknown) => e instanceof UsageError && /--device must be auto, cpu, cuda, webgpu, not "gpu"/.test(e.message));
});

test('--verbose is a switch: present without a value, and it does not swallow the next flag', () => {
  const spec = { values: ['--device', '--config'], switches: ['--verbose'], help: 'usage' };
  const { flags } = parseFlags(['--verbose', '--device', 'webgpu', '--config', 'e.smoe.json'], spec);
  assert.equal(flags.has('--verbose'), true);
  assert.equal(deviceFlag(flags), 'webgpu');
  assert.equal(flags.get('--config'), 'e.smoe.json');
  assert.equal(parseFlags(['--config', 'e.smoe.json'], spec).flags.has('--verbose'), false);
  assert.throws(() => parseFlags(['--verbose=yes'], spec), UsageError);
});
