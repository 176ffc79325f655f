// `smoe generate`: continue a prompt (text or token ids) with the base model, greedy or sampled, using the KV cache.
import * as path from 'node:path';
import { defaultTokenizerPath, KvCacheGenerator, loadTokenizer, locateCheckpoint, decodeContinuation, type TextTokenizer } from '../../core/model';
import { UsageError } from '../terminal';
import { deviceFlag, parseFlags, requiredFlag, wholeFlag } from './engineArgs';

const HELP = `usage: smoe generate --model PATH [--tokenizer PATH] (--prompt TEXT | --ids 1,2,3) --max-new-tokens N
                     [--greedy | --temperature T --top-p P --seed S] [--json] [--device auto|cpu|cuda]

Continues the prompt with the model (a Hugging Face folder or a llama2.c .bin), one cached step per token,
stopping at EOS (and BOS for llama2.c) or after N tokens.

  --model PATH        the base model (required)
  --tokenizer PATH    tokenizer.json or llama2.c tokenizer.bin (default: the one in the model's folder)
  --prompt TEXT       text to continue (needs a tokenizer; BOS is prepended when the tokenizer has one)
  --ids 1,2,3         token ids to continue instead of text
  --max-new-tokens N  at most N new tokens (required)
  --greedy            always the most likely token (the default without --temperature)
  --temperature T     sample at temperature T > 0, with --top-p P (default 0.9) and --seed S (default 0)
  --json              print one JSON object {"ids": [...new ids...], "text": "..."} (text only with a tokenizer)
  --device D          execution provider: auto (default), cpu or cuda`;

const VALUE_FLAGS = ['--model', '--tokenizer', '--prompt', '--ids', '--max-new-tokens', '--temperature', '--top-p', '--seed', '--device'];
const SWITCHES = ['--greedy', '--json'];

function positiveNumber(flags: Map<string, string>, flag: string, fallback: number): number {
  const raw = flags.get(flag);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a positive number, not "${raw}"`);
  return value;
}

function parseIds(raw: string, vocabSize: number): number[] {
  const ids = raw.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (ids.length === 0 || bad !== undefined) throw new UsageError(`--ids must be comma-separated token ids in 0..${vocabSize - 1}${bad !== undefined ? `; "${bad}" is not` : ''}`);
  return ids;
}

function promptIds(flags: Map<string, string>, tokenizer: TextTokenizer | undefined, vocabSize: number): number[] {
  const text = flags.get('--prompt');
  const ids = flags.get('--ids');
  if ((text === undefined) === (ids === undefined)) throw new UsageError(`give exactly one of --prompt and --ids\n\n${HELP}`);
  if (ids !== undefined) return parseIds(ids, vocabSize);
  if (!tokenizer) throw new UsageError('--prompt needs a tokenizer: pass --tokenizer PATH (or use --ids)');
  const encoded = tokenizer.encode(text as string);
  if (encoded.length === 0) throw new UsageError('--prompt encodes to no tokens and the tokenizer has no BOS; give some text');
  return encoded;
}

function splitSwitches(argv: string[]): { rest: string[]; switches: Set<string> } {
  const switches = new Set(argv.filter((arg) => SWITCHES.includes(arg)));
  return { rest: argv.filter((arg) => !SWITCHES.includes(arg)), switches };
}

export async function runGenerateCommand(argv: string[]): Promise<number> {
  const { rest, switches } = splitSwitches(argv);
  const { flags, help } = parseFlags(rest, { values: VALUE_FLAGS, help: HELP });
  if (help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const maxNewTokens = wholeFlag(flags, '--max-new-tokens', 1) ?? Number(requiredFlag(flags, '--max-new-tokens', HELP));
  if (switches.has('--greedy') && flags.has('--temperature')) throw new UsageError('--greedy and --temperature exclude each other');
  const model = locateCheckpoint(path.resolve(requiredFlag(flags, '--model', HELP)));
  const tokenizerPath = flags.has('--tokenizer') ? path.resolve(flags.get('--tokenizer') as string) : defaultTokenizerPath(model.path);
  const tokenizer = tokenizerPath ? loadTokenizer(tokenizerPath, model.config) : undefined;
  if (tokenizer && tokenizer.vocabSize > model.config.vocabSize) {
    process.stderr.write(`warning: the tokenizer has ${tokenizer.vocabSize} tokens, the model only ${model.config.vocabSize}; they do not belong together\n`);
  }
  const prompt = promptIds(flags, tokenizer, model.config.vocabSize);
  const sampling = flags.has('--temperature')
    ? { temperature: positiveNumber(flags, '--temperature', 1), topP: positiveNumber(flags, '--top-p', 0.9), seed: wholeFlag(flags, '--seed', 0) ?? 0 }
    : { greedy: true };
  const generator = await KvCacheGenerator.create(model, { device: deviceFlag(flags) ?? 'auto', onNotice: (m) => process.stderr.write(`${m}\n`) });
  try {
    const ids = await generator.generate(prompt, { maxNewTokens, ...sampling });
    const text = tokenizer ? decodeContinuation(tokenizer, prompt, ids) : undefined;
    const json = switches.has('--json');
    process.stdout.write(json ? `${JSON.stringify(text === undefined ? { ids } : { ids, text })}\n` : `${text ?? ids.join(' ')}\n`);
    return 0;
  } finally {
    await generator.dispose();
  }
}
