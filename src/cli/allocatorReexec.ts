// The heavy commands run in a child process that has the allocator setting (src/core/engine/allocator.ts): glibc
// reads it only at process start, and Node 20 cannot re-exec itself in place. The child is this CLI again with the
// same arguments and terminal; the parent forwards stop signals, exits with the child's code, and when the parent is
// killed outright (SIGKILL) the child goes too (it watches its IPC channel to the parent).
import { spawn } from 'node:child_process';
import { allocatorEnvMissing, withAllocatorEnv } from '../core/engine/allocator';

const CHILD_MARK = 'SMOE_ALLOCATOR_CHILD';

/**
 * Runs a heavy command (`argv`, the command and its options) in a child with the allocator setting: resolves to the
 * exit code; undefined to run it here (this is the child, or the setting is already there or does not apply).
 */
export function runWithAllocatorSetting(argv: readonly string[]): Promise<number> | undefined {
  if (process.env[CHILD_MARK] !== undefined) {
    // The child: a parent killed outright closes the channel; stop the same way instead of running on unseen.
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    process.channel?.unref();
    return undefined;
  }
  if (!allocatorEnvMissing() || process.argv[1] === undefined) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...withAllocatorEnv(), [CHILD_MARK]: '1' },
  });
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  // Ctrl-C reaches the child from the terminal as well; it takes a repeat within a moment as the same stop.
  const forward = (signal: NodeJS.Signals) => { if (child.exitCode === null) child.kill(signal); };
  for (const signal of forwarded) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`smoe: could not start the job process (${error.message})\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of forwarded) process.off(s, forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}
