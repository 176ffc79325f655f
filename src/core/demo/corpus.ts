import { DemoRandom } from './random';
import { DEMO_TASKS, LETTERS } from './tasks';

/** Bump when the corpus or tokenizer changes: it is part of the cached base model's key. */
export const CORPUS_VERSION = 3;

/** The Alpaca prompt of LLM-Adapters (DESIGN.md §3.4), used to format the pre-training corpus. */
export function alpacaPrompt(instruction: string, input: string): string {
  if (input) {
    return `Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n${instruction}\n\n### Input:\n${input}\n\n### Response:\n`;
  }
  return `Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n${instruction}\n\n### Response:\n`;
}

/** A pre-training document: the text and how many leading characters are context (not scored). */
export interface CorpusDocument {
  text: string;
  /** Characters of `text` that are prompt; 0 scores the whole document. */
  promptChars: number;
}

function letters(random: DemoRandom, min: number, max: number): string[] {
  return Array.from({ length: random.int(min, max) }, () => random.pick(LETTERS));
}

/**
 * Raw documents that teach the base model the skills the tasks need — repeating, mirroring, sums,
 * key retrieval — in notations other than the tasks', so the tasks still need fine-tuning.
 */
const RAW_SKILLS: readonly ((random: DemoRandom) => string)[] = [
  (random) => { const l = letters(random, 2, 6).join(' '); return `${l} | ${l}`; },
  (random) => { const l = letters(random, 2, 5); return `${l.join(' ')} ~ ${[...l].reverse().join(' ')}`; },
  (random) => { const [a, b] = [random.int(0, 9), random.int(0, 9)]; return `${a}+${b}=${a + b}`; },
  (random) => {
    const keys = random.sample(LETTERS, random.int(3, 6));
    const pairs = keys.map((k) => `${k}=${random.int(0, 9)}`);
    return `${pairs.join(' ')} ? ${random.pick(pairs)}`;
  },
];

/** Instruction-following documents for tasks other than the demo's: the prompt format and responses of one or more letters. */
const WARMUP_TASKS: readonly ((random: DemoRandom) => [string, string, string])[] = [
  (random) => { const l = letters(random, 2, 6); return ['Repeat the first letter.', l.join(' '), l[0]]; },
  (random) => { const l = letters(random, 2, 6); return ['Say the last letter.', l.join(' '), l[l.length - 1]]; },
  (random) => { const l = letters(random, 1, 9); return ['Count the letters.', l.join(' '), String(l.length)]; },
  (random) => { const a = random.int(0, 9); return ['Name a number bigger than this one.', String(a), String(a + 1)]; },
  (random) => { const l = letters(random, 2, 5); return ['Sort the letters.', l.join(' '), [...l].sort().join(' ')]; },
  (random) => { const l = letters(random, 2, 4); return ['Double each letter.', l.join(' '), l.flatMap((x) => [x, x]).join(' ')]; },
];

/** A short raw-skill document (scored throughout); several are packed into one row. */
export function rawDocument(random: DemoRandom): CorpusDocument {
  return { text: random.pick(RAW_SKILLS)(random), promptChars: 0 };
}

/** An instruction-following document (only the response is scored). */
export function instructionDocument(random: DemoRandom): CorpusDocument {
  const [instruction, input, response] = random.pick(WARMUP_TASKS)(random);
  const prompt = alpacaPrompt(instruction, input);
  return { text: prompt + response, promptChars: prompt.length };
}

/** Every fixed text whose words should be single tokens: the prompt, all instructions, all notations. */
export function vocabularyTexts(): string[] {
  const random = new DemoRandom(0);
  const warmup = WARMUP_TASKS.map((make) => make(random)[0]);
  return [alpacaPrompt('', ''), alpacaPrompt('x', 'y'), ...warmup, ...DEMO_TASKS.map((t) => t.instructionWords), '| ~ ? + ='];
}
