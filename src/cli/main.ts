import { commands } from './commands/index';
import { userMessage } from '../core/runFolder/userMessage';
import { UsageError } from './terminal';
import { runWithAllocatorSetting } from './allocatorReexec';

function usage(): string {
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(10)} ${entry.summary}`);
  return ['usage: smoe <command> [options]', '', 'commands:', ...lines, '', 'Run `smoe <command> --help` for the options of one command.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`smoe: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const elsewhere = entry.heavy ? runWithAllocatorSetting(argv) : undefined;
  if (elsewhere) return elsewhere;
  const run = await entry.load();
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`smoe: ${userMessage(error)}\n`);
    if (process.env.SMOE_DEBUG && error instanceof Error && !(error instanceof UsageError)) {
      process.stderr.write(`${error.stack}\n`);
      if (error.cause !== undefined) process.stderr.write(`caused by: ${error.cause instanceof Error ? error.cause.stack : String(error.cause)}\n`);
    }
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
