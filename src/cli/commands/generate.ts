// `smoe generate`: continue a prompt (text or token ids) with the base model, greedy or sampled, using the KV cache.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Device } from '../../core/engine';
import {
  decodeContinuation, defaultTokenizerPath, KvCacheGenerator, loadTokenizer, locateCheckpoint,
  type LocatedCheckpoint, type SamplingOptions, type TextTokenizer,
} from '../../core/model';
import { UsageError } from '../terminal';
import { deviceValue } from './engineArgs';

const HELP = `usage: smoe generate --model PATH [--tokenizer PATH] (--prompt TEXT | --ids 1,2,3) --max-new-tokens N
                     [--greedy | --temperature T --top-p P --seed S] [--json] [--device auto|cpu|cuda|webgpu]

Continues the prompt with the model (a Hugging Face folder or a llama2.c .bin), one cached step per token,
stopping at EOS (and BOS for llama2.c) or after N tokens.

  --model PATH        the base model (required)
  --tokenizer PATH    tokenizer.json or llama2.c tokenizer.bin (default: the one in the model's folder)
  --prompt TEXT       text to continue (needs a tokenizer; BOS is prepended when the tokenizer has one)
  --ids 1,2,3         token ids to continue instead of text
  --max-new-tokens N  at most N new tokens (required)
  --greedy            always the most likely token (the default without --temperature)
  --temperature T     sample at temperature T (0: greedy), with --top-p P (default 0.9) and --seed S (default 0)
  --json              print one JSON object {"ids": [...new ids...], "text": "..."} (text only with a tokenizer)
  --device D          execution provider: auto (default), cpu, cuda or webgpu`;

const OPTIONS = {
  model: { type: 'string' },
  tokenizer: { type: 'string' },
  prompt: { type: 'string' },
  ids: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  greedy: { type: 'boolean' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  device: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseCommandLine>;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
}

function numberFlag(raw: string | undefined, flag: string, valid: (n: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!valid(value)) throw new UsageError(`--${flag} must be ${what}, not "${raw}"`);
  return value;
}

function samplingOf(flags: Flags): SamplingOptions {
  const temperature = numberFlag(flags.temperature, 'temperature', (t) => t >= 0, 'a number >= 0');
  if (temperature === undefined) {
    if (flags['top-p'] !== undefined || flags.seed !== undefined) throw new UsageError('--top-p and --seed need --temperature T (without it generation is greedy)');
    return { greedy: true };
  }
  if (flags.greedy) throw new UsageError('--greedy and --temperature exclude each other');
  return {
    temperature,
    topP: numberFlag(flags['top-p'], 'top-p', (p) => p > 0 && p <= 1, 'a number in (0, 1]') ?? 0.9,
    seed: numberFlag(flags.seed, 'seed', (s) => Number.isSafeInteger(s) && s >= 0, 'a whole number >= 0') ?? 0,
  };
}

function deviceOf(flags: Flags): Device {
  return deviceValue(flags.device ?? 'auto');
}

function checkedIds(ids: number[], vocabSize: number, source: string): number[] {
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) throw new UsageError(`${source} holds "${bad}", which is not a token id of this model (0..${vocabSize - 1})`);
  return ids;
}

function promptIds(flags: Flags, tokenizer: TextTokenizer | undefined, vocabSize: number): number[] {
  if ((flags.prompt === undefined) === (flags.ids === undefined)) throw new UsageError(`give exactly one of --prompt and --ids\n\n${HELP}`);
  if (flags.ids !== undefined) {
    const ids = flags.ids.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
    if (ids.length === 0) throw new UsageError('--ids must be comma-separated token ids, e.g. --ids 1,2,3');
    return checkedIds(ids, vocabSize, '--ids');
  }
  if (!tokenizer) throw new UsageError('--prompt needs a tokenizer: pass --tokenizer PATH (or use --ids)');
  const encoded = tokenizer.encode(flags.prompt as string);
  if (encoded.length === 0) throw new UsageError('--prompt encodes to no tokens and the tokenizer has no BOS; give some text');
  return checkedIds(encoded, vocabSize, 'the encoded --prompt (does the tokenizer belong to the model?)');
}

function tokenizerFor(flags: Flags, model: LocatedCheckpoint): TextTokenizer | undefined {
  const tokenizerPath = flags.tokenizer !== undefined ? path.resolve(flags.tokenizer) : defaultTokenizerPath(model.path);
  const tokenizer = tokenizerPath ? loadTokenizer(tokenizerPath, model.config) : undefined;
  if (tokenizer && tokenizer.vocabSize > model.config.vocabSize) {
    process.stderr.write(`warning: the tokenizer has ${tokenizer.vocabSize} tokens, the model only ${model.config.vocabSize}; they may not belong together\n`);
  }
  return tokenizer;
}

async function generate(argv: string[]): Promise<number> {
  const flags = parseCommandLine(argv);
  if (flags.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (flags.model === undefined) throw new UsageError(`--model is required\n\n${HELP}`);
  if (flags['max-new-tokens'] === undefined) throw new UsageError(`--max-new-tokens is required\n\n${HELP}`);
  const maxNewTokens = numberFlag(flags['max-new-tokens'], 'max-new-tokens', (n) => Number.isSafeInteger(n) && n >= 1, 'a whole number >= 1') as number;
  const sampling = samplingOf(flags);
  const device = deviceOf(flags);
  const model = locateCheckpoint(path.resolve(flags.model));
  const tokenizer = tokenizerFor(flags, model);
  const prompt = promptIds(flags, tokenizer, model.config.vocabSize);
  const generator = await KvCacheGenerator.create(model, { device, onNotice: (m) => process.stderr.write(`${m}\n`) });
  try {
    const ids = await generator.generate(prompt, { maxNewTokens, ...sampling });
    const text = tokenizer ? decodeContinuation(tokenizer, prompt, ids) : undefined;
    const json = text === undefined ? { ids } : { ids, text };
    process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${text ?? ids.join(' ')}\n`);
    return 0;
  } finally {
    await generator.dispose();
  }
}

/** Exit code 0 on success, 2 for a usage error, 1 for any other failure; errors are one line on stderr, no stack trace. */
export async function generateCommand(argv: string[]): Promise<number> {
  try {
    return await generate(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`smoe generate: ${message}\n`);
    if (process.env.SMOE_DEBUG && error instanceof Error && !(error instanceof UsageError)) process.stderr.write(`${error.stack}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** The name the command table (src/cli/commands/index.ts) loads. */
export const runGenerateCommand = generateCommand;
